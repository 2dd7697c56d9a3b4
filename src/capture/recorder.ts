import WebSocket from 'ws';
import { BOOK_CHANNELS, OkxParseError, parseOkxFrame, subscribeRequest, unsubscribeRequest, type ChannelArg } from '../okx/messages.js';
import { OkxNormalizer, type IntegrityEvent } from '../okx/normalizer.js';
import { createRng } from '../random/rng.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { CaptureFiles, DEFAULT_ROTATION, type RotationPolicy } from './captureFiles.js';
import { describeFrame, printable } from './printable.js';

/** OKX v5 public endpoint. OKX's docs long gave port 8443; port 443 serves the same API (pass `--url` for another). */
export const OKX_PUBLIC_URL = 'wss://ws.okx.com/ws/v5/public';

/**
 * Keep-alive as OKX documents it: when nothing arrived for `pingAfterMs` (< 30 s, after which OKX drops an idle
 * connection) send the text `ping`; when nothing (normally `pong`) arrives within `pongTimeoutMs`, the
 * connection is dead: drop it and reconnect.
 */
export interface KeepAlivePolicy {
  readonly pingAfterMs: number;
  readonly pongTimeoutMs: number;
}

export const DEFAULT_KEEP_ALIVE: KeepAlivePolicy = { pingAfterMs: 20_000, pongTimeoutMs: 10_000 };

/**
 * How long a subscription may wait for OKX's `{"event":"subscribe"}` acknowledgement, ms. OKX answers within
 * a second; a server that keeps the connection (and even answers `ping`) but never acknowledges records
 * nothing, so after this the connection is dropped and the recorder reconnects.
 */
export const DEFAULT_SUBSCRIBE_TIMEOUT_MS = 5_000;

export interface RecorderOptions {
  readonly url?: string;
  /** Channel × instrument subscriptions, e.g. books5/ETH-USDT and trades/ETH-USDT. */
  readonly args: readonly ChannelArg[];
  readonly outDir: string;
  /** Levels per side in the normalized book tables. */
  readonly depth?: number;
  readonly rotation?: RotationPolicy;
  readonly keepAlive?: KeepAlivePolicy;
  /** Drop a connection whose subscription is not acknowledged within this long, ms (default 5 s). */
  readonly subscribeTimeoutMs?: number;
  readonly backoff?: BackoffPolicy;
  /** Uniform [0,1) source for backoff jitter (default: seeded from the clock). */
  readonly random?: () => number;
  /** Stop by itself after this long, ms. */
  readonly durationMs?: number;
  /** A book channel silent this long at the stop is a gap up to it (default QUIET_AT_END_MS). */
  readonly quietAtEndMs?: number;
  /** Flush buffered lines to disk at least this often, ms. */
  readonly flushIntervalMs?: number;
  /** One line per notable event (connections, faults, gaps), for a log or stderr. */
  readonly onEvent?: (message: string) => void;
  readonly now?: () => number;
}

export interface RecorderStats {
  startedMs: number;
  /** Frames received (data, replies, pongs, malformed alike). */
  frames: number;
  /** Connections opened. */
  connections: number;
  /** Connection attempts after the first, whether they opened or failed. */
  reconnects: number;
  /** Connection attempts that never opened (refused, unreachable, handshake failed, still connecting when the recording stopped). */
  failedConnections: number;
  malformedFrames: number;
  errorEvents: number;
  notices: number;
  integrityEvents: number;
  resubscribes: number;
  /** Rows written to the normalized tables. */
  bookRows: number;
  trades: number;
  gaps: number;
  bytes: number;
}

export interface RecorderSummary {
  readonly stats: RecorderStats;
  readonly stopReason: string;
  /** Every file written, under its final name. */
  readonly files: readonly string[];
  readonly session: string;
  /** Set when the recorder gave up (e.g. OKX rejected the subscription). */
  readonly fatal?: string;
  /**
   * Subscriptions for which nothing arrived (no book row, no trade): a recording that captured nothing for
   * them. Empty when every subscription delivered.
   */
  readonly noData: readonly ChannelArg[];
  /** One line for `noData`: the channels and why, e.g. `no data recorded for books5 ETH-USDT (…)`; '' when none. */
  readonly noDataMessage: string;
  /**
   * Book subscriptions silent for `QUIET_AT_END_MS` or more when the recording stopped (a stall shorter than the
   * keep-alive's ping is not caught while recording): each is a gap up to the stop, and this says so.
   */
  readonly quietAtEnd: ReadonlyArray<{ readonly instId: string; readonly channel: string; readonly quietMs: number }>;
}

/**
 * A book channel silent this long when the recording stops is written as a gap to the stop: OKX pushes books
 * every 100 ms or so while the book changes (10 s: half the keep-alive's default ping, which would have caught a
 * longer silence while recording; a very quiet instrument may be named with no fault).
 */
export const QUIET_AT_END_MS = 10_000;

interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  readonly acked: Set<string>;
  opened: boolean;
  lastFrameMs: number;
  pingSentMs: number | undefined;
  /** Subscriptions sent and not yet acknowledged: key → deadline (local ms). */
  readonly ackDeadlines: Map<string, number>;
  /** The last socket error (e.g. `connect ECONNREFUSED 127.0.0.1:8443`). */
  lastError: string | undefined;
  gotData: boolean;
  /** No longer the active connection: its frames are still logged raw but not normalized. */
  retired: boolean;
}

const key = (instId: string, channel: string) => `${instId}\t${channel}`;

/**
 * Records OKX v5 public channels losslessly: every frame verbatim in the raw NDJSON log (see rawRecords.ts)
 * and normalized book/trade CSV tables (exchange and local time) through `OkxNormalizer`. Survives what the
 * network and the exchange do: reconnects with exponential backoff and jitter and resubscribes; pings when
 * idle and drops a connection that stops answering; reconnects at once on a `notice` (service upgrade) or an
 * `error` event; drops a connection whose subscription is not acknowledged within `subscribeTimeoutMs`; on a
 * checksum mismatch or sequence gap resubscribes that book. Every interval in which data may be missing becomes
 * a gap record (inst, channel, from, to, reason), including the start of the recording up to each
 * subscription's first data when anything failed before it. The summary names the subscriptions that captured
 * nothing (`noData`): such a recording is a failure, not an empty success. The output directory is locked
 * while recording (see outDirLock.ts). `stop()` flushes and closes every file and releases the lock
 * synchronously (call it from SIGINT/SIGTERM handlers). No API keys: public channels only.
 */
export class OkxRecorder {
  readonly url: string;
  readonly stats: RecorderStats;
  private readonly files: CaptureFiles;
  private readonly normalizer: OkxNormalizer;
  private readonly backoff: Backoff;
  private readonly keepAlive: KeepAlivePolicy;
  private readonly now: () => number;
  private readonly argKeys: Map<string, ChannelArg>;
  /**
   * Intervals in which data of a subscription may be missing, not yet closed. Every subscription starts with
   * one from the recording's start (`startup`): it closes silently on the first data when connecting went
   * smoothly, and is written as a gap when anything failed before the first data (or none came).
   */
  private readonly openGaps = new Map<string, { fromMs: number; reason: string; startup: boolean }>();
  /** What went wrong before every subscription delivered: reason → times (connection failures, timeouts). */
  private readonly startupTroubles = new Map<string, number>();
  /** Subscriptions that delivered data (a book row or a trade). */
  private readonly delivered = new Set<string>();
  private readonly subscribeTimeoutMs: number;
  private attempts = 0;
  private readonly lastGoodMs = new Map<string, number>();
  private pendingMalformed: { fromMs: number; reason: string } | undefined;
  private connections: Connection[] = [];
  private active: Connection | undefined;
  private nextConnId = 1;
  private everSubscribed = false;
  private stopped = false;
  private stopReason = '';
  private fatal: string | undefined;
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private resolveDone: ((summary: RecorderSummary) => void) | undefined;

  constructor(private readonly options: RecorderOptions) {
    if (options.args.length === 0) throw new Error('nothing to record: no channel/instrument subscriptions');
    this.url = options.url ?? OKX_PUBLIC_URL;
    this.now = options.now ?? Date.now;
    this.keepAlive = options.keepAlive ?? DEFAULT_KEEP_ALIVE;
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? DEFAULT_SUBSCRIBE_TIMEOUT_MS;
    const rng = createRng(this.now() % 2 ** 31);
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF, options.random ?? (() => rng.next()));
    this.argKeys = new Map(options.args.map((a) => [key(a.instId, a.channel), a]));
    const depth = options.depth ?? 5;
    const startMs = this.now();
    this.files = new CaptureFiles(options.outDir, { url: this.url, args: options.args, depth }, startMs, options.rotation ?? DEFAULT_ROTATION, options.onEvent);
    this.normalizer = new OkxNormalizer(depth, this.files);
    this.stats = {
      startedMs: startMs,
      frames: 0,
      connections: 0,
      reconnects: 0,
      failedConnections: 0,
      malformedFrames: 0,
      errorEvents: 0,
      notices: 0,
      integrityEvents: 0,
      resubscribes: 0,
      bookRows: 0,
      trades: 0,
      gaps: 0,
      bytes: 0,
    };
    for (const k of this.argKeys.keys()) this.openGaps.set(k, { fromMs: startMs, reason: 'no data yet', startup: true });
  }

  /** Connects and records until `stop()` or the duration ends; resolves with the summary. */
  start(): Promise<RecorderSummary> {
    const done = new Promise<RecorderSummary>((resolve) => (this.resolveDone = resolve));
    const tick = Math.max(10, Math.min(this.keepAlive.pingAfterMs, this.keepAlive.pongTimeoutMs, this.subscribeTimeoutMs) / 4);
    this.timers.push(setInterval(() => this.checkAlive(), tick));
    this.timers.push(setInterval(() => this.files.flush(), this.options.flushIntervalMs ?? 1000));
    if (this.options.durationMs !== undefined) this.timers.push(setTimeout(() => this.stop('duration reached'), this.options.durationMs));
    this.connect();
    return done;
  }

  /** The session id (UTC start time) that names the files. */
  get session(): string {
    return this.files.session;
  }

  private log(message: string): void {
    this.options.onEvent?.(message);
  }

  private refreshCounts(): void {
    this.stats.bookRows = this.files.counts.bookRows;
    this.stats.trades = this.files.counts.trades;
    this.stats.gaps = this.files.counts.gaps;
    this.stats.bytes = this.files.bytes;
  }

  /** Current statistics (rows, bytes, gaps brought up to date). */
  snapshot(): RecorderStats {
    this.refreshCounts();
    return { ...this.stats };
  }

  private connect(): void {
    if (this.stopped) return;
    const id = this.nextConnId++;
    if (++this.attempts > 1) this.stats.reconnects++;
    const ws = new WebSocket(this.url, { handshakeTimeout: 10_000, perMessageDeflate: false });
    const conn: Connection = {
      id,
      ws,
      acked: new Set(),
      opened: false,
      lastFrameMs: this.now(),
      pingSentMs: undefined,
      ackDeadlines: new Map(),
      lastError: undefined,
      gotData: false,
      retired: false,
    };
    this.connections.push(conn);
    ws.on('open', () => this.onOpen(conn));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.onFrame(conn, isBinary ? Buffer.from(data as Buffer).toString('latin1') : data.toString(), isBinary));
    ws.on('error', (error: Error) => {
      conn.lastError = printable(error.message, 200);
      this.log(`connection ${id}: ${conn.lastError}`);
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(conn, code, reason.toString()));
  }

  private send(conn: Connection, frame: string): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    this.files.frame('sent', conn.id, this.now(), frame);
    conn.ws.send(frame);
  }

  /** Sends a subscription and starts waiting for its acknowledgement. */
  private subscribe(conn: Connection, args: readonly ChannelArg[]): void {
    const deadline = this.now() + this.subscribeTimeoutMs;
    for (const a of args) conn.ackDeadlines.set(key(a.instId, a.channel), deadline);
    this.send(conn, subscribeRequest(args));
  }

  private onOpen(conn: Connection): void {
    if (this.stopped) return;
    const nowMs = this.now();
    conn.opened = true;
    conn.lastFrameMs = nowMs;
    this.stats.connections++;
    this.active = conn;
    this.files.record({ type: 'open', conn: conn.id, local_ts_ms: nowMs, url: this.url });
    this.log(`connection ${conn.id} open; subscribing to ${this.options.args.length} channel(s)`);
    this.subscribe(conn, this.options.args);
  }

  private onFrame(conn: Connection, frame: string, isBinary = false): void {
    if (this.stopped) return;
    const nowMs = this.now();
    this.stats.frames++;
    if (this.files.rotateIfDue(nowMs)) this.log(`new file segment at ${new Date(nowMs).toISOString()}`);
    this.files.frame('recv', conn.id, nowMs, frame);
    conn.lastFrameMs = nowMs;
    conn.pingSentMs = undefined;
    if (conn.retired || conn !== this.active) return;
    if (this.pendingMalformed) {
      this.writeGap('*', '*', this.pendingMalformed.fromMs, nowMs, this.pendingMalformed.reason);
      this.pendingMalformed = undefined;
    }
    if (frame === 'pong') return;
    let message;
    try {
      message = parseOkxFrame(frame);
    } catch (error) {
      if (!(error instanceof OkxParseError)) throw error;
      this.stats.malformedFrames++;
      // Never echo the frame itself (escape sequences, NUL, newlines would reach a terminal or break a CSV row).
      // (JSON.parse's message quotes the frame again: "not JSON" says enough after the preview)
      const why = error.path === '$' && error.reason.startsWith('not JSON') ? '$: not JSON' : printable(error.message, 80);
      const what = `malformed frame (${describeFrame(frame, isBinary)}; ${why})`;
      this.pendingMalformed = { fromMs: nowMs, reason: `${what} on connection ${conn.id}; its data, if any, is lost` };
      this.log(`connection ${conn.id}: ${what}`);
      return;
    }
    switch (message.type) {
      case 'subscribe': {
        const k = key(message.arg.instId, message.arg.channel);
        conn.acked.add(k);
        conn.ackDeadlines.delete(k);
        if (conn.acked.size >= this.argKeys.size) this.everSubscribed = true;
        // A trade stream is whole again from its acknowledgement; a book stream from its next snapshot.
        if (!BOOK_CHANNELS.has(message.arg.channel)) this.closeGap(k, nowMs);
        return;
      }
      case 'unsubscribe':
      case 'pong':
      case 'push':
        return;
      case 'error':
        this.stats.errorEvents++;
        if (!this.everSubscribed) {
          this.fail(`OKX rejected the subscription: error ${printable(message.code, 20)}: ${printable(message.msg, 200)}`);
          return;
        }
        this.retire(conn, `error event ${printable(message.code, 20)}: ${printable(message.msg, 200)}`, 0);
        return;
      case 'notice':
        this.stats.notices++;
        this.retire(conn, `notice ${printable(message.code, 20)}: ${printable(message.msg, 200)}`, 0);
        return;
      case 'trades':
        if (!conn.gotData) this.connectionDelivered(conn);
        if (message.data.length > 0) this.delivered.add(key(message.arg.instId, message.arg.channel));
        this.normalizer.accept(message, nowMs);
        return;
      case 'book': {
        if (!conn.gotData) this.connectionDelivered(conn);
        const events = this.normalizer.accept(message, nowMs);
        for (const event of events) this.onIntegrityEvent(conn, event);
        const { instId, channel } = message.arg;
        const k = key(instId, channel);
        if (this.normalizer.isTrusted(instId, channel)) {
          this.delivered.add(k);
          this.closeGap(k, nowMs);
          this.lastGoodMs.set(k, nowMs);
        }
        return;
      }
    }
  }

  private connectionDelivered(conn: Connection): void {
    conn.gotData = true;
    this.backoff.reset();
  }

  private onIntegrityEvent(conn: Connection, event: IntegrityEvent): void {
    this.stats.integrityEvents++;
    const k = key(event.instId, event.channel);
    if (this.openGaps.has(k)) return; // already resubscribing
    this.openGap(k, this.lastGoodMs.get(k) ?? event.localTsMs, `${event.kind}: ${event.detail}`);
    const arg = this.argKeys.get(k) ?? { channel: event.channel, instId: event.instId };
    this.log(`${event.instId} ${event.channel}: ${event.kind} (${event.detail}); resubscribing`);
    this.stats.resubscribes++;
    this.send(conn, unsubscribeRequest([arg]));
    this.subscribe(conn, [arg]);
  }

  private openGap(k: string, fromMs: number, reason: string): void {
    const open = this.openGaps.get(k);
    if (!open) this.openGaps.set(k, { fromMs, reason, startup: false });
    else if (open.startup) this.noteStartupTrouble(reason);
  }

  /** Something failed while a subscription still waits for its first data: its startup gap will be written. */
  private noteStartupTrouble(reason: string): void {
    this.startupTroubles.set(reason, (this.startupTroubles.get(reason) ?? 0) + 1);
  }

  /** The troubles before the first data, e.g. `connect ECONNREFUSED 127.0.0.1:9 (x6)`. */
  private troubleText(): string {
    const parts = [...this.startupTroubles].map(([reason, n]) => (n > 1 ? `${reason} (x${n})` : reason));
    return parts.length > 4 ? `${parts.slice(0, 4).join('; ')}; … ${parts.length - 4} more` : parts.join('; ');
  }

  private closeGap(k: string, toMs: number): void {
    const gap = this.openGaps.get(k);
    if (!gap) return;
    this.openGaps.delete(k);
    const [instId, channel] = k.split('\t');
    if (gap.startup) {
      // Connected, subscribed and received at the first try: nothing was missed.
      if (this.startupTroubles.size === 0) return;
      this.writeGap(instId, channel, gap.fromMs, toMs, `before the first data: ${this.troubleText()}`);
      return;
    }
    this.writeGap(instId, channel, gap.fromMs, toMs, gap.reason);
  }

  private writeGap(inst: string, channel: string, fromMs: number, toMs: number, reason: string): void {
    this.files.gap({ type: 'gap', inst, channel, from_local_ts_ms: fromMs, to_local_ts_ms: toMs, reason });
    this.log(`gap ${inst} ${channel} ${toMs - fromMs} ms: ${reason}`);
  }

  /** The active connection is lost: every subscription may miss data from its last frame until recovered. */
  private lose(conn: Connection, reason: string, delayMs: number): void {
    if (conn !== this.active) return;
    this.active = undefined;
    for (const k of this.argKeys.keys()) this.openGap(k, conn.lastFrameMs, reason);
    this.scheduleReconnect(delayMs);
  }

  /** Stops normalizing a connection's frames (still logged raw), closes it and reconnects. */
  private retire(conn: Connection, reason: string, delayMs: number | undefined, terminate = false): void {
    if (conn.retired) return;
    conn.retired = true;
    this.files.record({ type: 'retire', conn: conn.id, local_ts_ms: this.now(), reason });
    this.log(`connection ${conn.id}: ${reason}; reconnecting`);
    this.lose(conn, reason, delayMs ?? this.backoff.nextDelayMs());
    if (terminate) conn.ws.terminate();
    else conn.ws.close(1000, 'reconnecting');
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    this.connections = this.connections.filter((c) => c !== conn);
    if (this.stopped) return;
    this.files.record({ type: 'close', conn: conn.id, local_ts_ms: this.now(), code, reason });
    if (!conn.opened) {
      this.stats.failedConnections++;
      const why = conn.lastError ?? `code ${code}`;
      this.noteStartupTrouble(`connection attempt failed: ${why}`);
      this.log(`connection ${conn.id} failed (${why}); retrying`);
      if (!this.active && !this.reconnectTimer) this.scheduleReconnect(this.backoff.nextDelayMs());
      return;
    }
    if (conn.retired) return;
    const why = reason ? `, ${printable(reason, 120)}` : '';
    this.log(`connection ${conn.id} closed by the server (code ${code}${why})`);
    this.lose(conn, `connection closed (code ${code}${why})`, this.backoff.nextDelayMs());
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delayMs);
  }

  private checkAlive(): void {
    const conn = this.active;
    if (!conn || !conn.opened || this.stopped) return;
    const nowMs = this.now();
    const late: string[] = [];
    for (const [k, deadline] of conn.ackDeadlines) if (nowMs >= deadline) late.push(k.split('\t').reverse().join(' '));
    if (late.length > 0) {
      this.retire(conn, `no acknowledgement of the subscription to ${late.join(', ')} within ${this.subscribeTimeoutMs} ms`, undefined, true);
      return;
    }
    if (conn.pingSentMs === undefined) {
      if (nowMs - conn.lastFrameMs >= this.keepAlive.pingAfterMs) {
        conn.pingSentMs = nowMs;
        this.send(conn, 'ping');
      }
    } else if (nowMs - conn.pingSentMs >= this.keepAlive.pongTimeoutMs) {
      this.retire(conn, `no data for ${nowMs - conn.lastFrameMs} ms and no pong within ${this.keepAlive.pongTimeoutMs} ms of ping`, undefined, true);
    }
  }

  private fail(message: string): void {
    this.fatal = message;
    this.log(message);
    this.stop('fatal error');
  }

  /**
   * Stops recording: open gaps are written up to now, every file flushed, closed and renamed, then the sockets
   * are closed. Synchronous up to the socket close, so a signal handler may call it and exit. Idempotent.
   */
  stop(reason = 'stopped'): void {
    if (this.stopped) return;
    const nowMs = this.now();
    this.stopReason = reason;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pendingMalformed) this.writeGap('*', '*', this.pendingMalformed.fromMs, nowMs, this.pendingMalformed.reason);
    for (const [k, gap] of this.openGaps) {
      const [instId, channel] = k.split('\t');
      const why = gap.startup ? `no data since the recording started${this.startupTroubles.size > 0 ? ` (${this.troubleText()})` : ''}` : gap.reason;
      this.writeGap(instId, channel, gap.fromMs, nowMs, `${why}; not recovered when recording stopped (${reason})`);
    }
    const gapOpenAtEnd = new Set(this.openGaps.keys());
    this.openGaps.clear();
    // a book channel silent at the end (a stall the keep-alive's ping did not reach yet): a gap up to the stop
    const quietAtEnd: Array<{ instId: string; channel: string; quietMs: number }> = [];
    for (const [k, lastMs] of this.lastGoodMs) {
      const quietMs = nowMs - lastMs;
      if (gapOpenAtEnd.has(k) || quietMs < (this.options.quietAtEndMs ?? QUIET_AT_END_MS)) continue;
      const [instId, channel] = k.split('\t');
      quietAtEnd.push({ instId, channel, quietMs });
      this.writeGap(instId, channel, lastMs, nowMs, `no book message for ${(quietMs / 1000).toFixed(1)} s before the recording stopped (${reason}): a silence shorter than the keep-alive's ping is not caught while recording`);
    }
    for (const conn of this.connections) {
      this.files.record({ type: 'close', conn: conn.id, local_ts_ms: nowMs, code: 1000, reason: `recorder stopped: ${reason}` });
      // an attempt still connecting when the recording ends never opened either
      if (!conn.opened) this.stats.failedConnections++;
    }
    this.stopped = true;
    this.refreshCounts();
    this.files.close();
    this.stats.bytes = this.files.counts.closedBytes;
    for (const conn of this.connections) {
      conn.ws.removeAllListeners('message');
      conn.ws.on('error', () => undefined);
      if (conn.ws.readyState === WebSocket.OPEN) {
        conn.ws.close(1000, 'recorder stopped');
        // do not wait ws's 30 s for the server's close reply
        setTimeout(() => conn.ws.terminate(), 1000).unref();
      } else conn.ws.terminate();
    }
    this.log(`stopped (${reason})`);
    const noData = this.options.args.filter((a) => !this.delivered.has(key(a.instId, a.channel)));
    const noDataMessage =
      noData.length === 0
        ? ''
        : `no data recorded for ${noData.map((a) => `${a.channel} ${a.instId}`).join(', ')} (${
            this.everSubscribed ? `subscribed, but nothing arrived${this.startupTroubles.size > 0 ? `; before: ${this.troubleText()}` : ''}` : this.troubleText() || 'nothing arrived'
          })`;
    this.resolveDone?.({
      stats: { ...this.stats },
      stopReason: reason,
      files: [...this.files.finishedFiles],
      session: this.files.session,
      ...(this.fatal ? { fatal: this.fatal } : {}),
      noData,
      noDataMessage,
      quietAtEnd,
    });
  }
}
