import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createRng } from '../random/rng.js';
import { FakeInstrument } from './fakeMarket.js';

/** Faults the fake exchange can inject, each once, after a given number of data frames. */
export type FakeFaultKind = 'close' | 'stall' | 'notice' | 'error' | 'malformed' | 'binary' | 'checksum' | 'seqGap';

/**
 * The malformed binary frame of the `binary` fault: terminal escape sequences (clear screen, bell, a title
 * change), NUL, CR/LF, quotes, commas and bytes >= 0x80 (C1 controls in latin-1), 300 bytes in all. A client
 * that echoes it into a terminal or a CSV cell corrupts either.
 */
export const FAKE_BINARY_GARBAGE: Buffer = (() => {
  const head = Buffer.from('\x1b[2J\x1b[H\x07\x1b]0;pwned\x07\x00\r\n"a","b"\n\x9b31m', 'latin1');
  const tail = Buffer.alloc(300 - head.length);
  for (let i = 0; i < tail.length; i++) tail[i] = (i * 37 + 128) % 256;
  return Buffer.concat([head, tail]);
})();

export interface FakeFault {
  /** Inject once this many data frames (books, books5, trades pushes) have been sent in total. */
  readonly afterDataFrames: number;
  readonly kind: FakeFaultKind;
}

export interface FakeOkxServerOptions {
  /** Port on 127.0.0.1 (default 0: a free one). */
  readonly port?: number;
  readonly instruments?: readonly string[];
  /** Time between market steps, ms; 0 = as fast as the client drains the socket. */
  readonly stepIntervalMs?: number;
  readonly faults?: readonly FakeFault[];
  /** Stop stepping after this many steps (then only answer pings). */
  readonly maxSteps?: number;
  /** The server closes itself after this long, ms (it never outlives a test run). */
  readonly lifetimeMs?: number;
  /** After a notice, close the connection this long later if the client has not (as OKX does), ms. */
  readonly noticeGraceMs?: number;
  readonly checksums?: 'real' | 'zero';
  /**
   * The exchange time its frames carry: 'simulated' (default; from 2026-01-01T00:00Z, 1–20 ms a step however
   * fast the steps go, reproducible) or 'wall' (the machine's clock at each step, as a real exchange's stamps
   * are: a recording's receive stamps then trail its exchange stamps by the loopback's few ms).
   */
  readonly clock?: 'simulated' | 'wall';
  /** Keep every frame sent (for loss/duplicate checks); off for million-message benchmarks. */
  readonly keepSentFrames?: boolean;
  readonly seed?: number;
  /**
   * Answer subscribe requests (default true). False: a server that answers `ping` but never acknowledges a
   * subscription nor sends data (a broken proxy, a wrong endpoint that speaks the keep-alive).
   */
  readonly acknowledgeSubscriptions?: boolean;
}

export interface SentFrame {
  readonly conn: number;
  readonly frame: string;
}

interface ClientState {
  readonly id: number;
  readonly connId: string;
  readonly ws: WebSocket;
  readonly subs: Set<string>;
  stalled: boolean;
  ending: boolean;
}

/** A running fake exchange. `sent` holds the frames the socket accepted, in order (when kept). */
export interface FakeOkxServer {
  readonly url: string;
  readonly port: number;
  readonly sent: SentFrame[];
  /** Counts: frames sent (all, and data pushes), connections accepted, faults injected, steps. */
  readonly counts: { frames: number; dataFrames: number; connections: number; faults: number; steps: number };
  /** What happened, one line per fault or connection (for test failure messages and demos). */
  readonly log: string[];
  /** True once the server has stopped (closed or its lifetime ended). */
  readonly closed: boolean;
  close(): Promise<void>;
}

const ERROR_FRAME = (connId: string) => JSON.stringify({ event: 'error', code: '60012', msg: 'Invalid request: injected by the fake exchange', connId });
const NOTICE_FRAME = (connId: string) =>
  JSON.stringify({ event: 'notice', code: '64008', msg: 'The connection will soon be closed for a service upgrade. Please reconnect.', connId });

/**
 * A fake OKX v5 public WebSocket on 127.0.0.1 (free port) for tests and benchmarks: answers subscribe,
 * unsubscribe and text `ping`, streams generated books/books5/trades frames (see FakeInstrument) and injects
 * faults: an abrupt close (TCP end without a close frame), a silent stall (no data, no pong), a `notice`, an
 * `error` event, a malformed frame, a malformed binary frame, a wrong `books` checksum and a sequence gap (an
 * update never sent); with `acknowledgeSubscriptions: false` it answers pings and nothing else. It stops by
 * itself after `lifetimeMs`. Never contacts anything.
 */
export async function startFakeOkxServer(options: FakeOkxServerOptions = {}): Promise<FakeOkxServer> {
  const rng = createRng(options.seed ?? 7);
  const instruments = new Map((options.instruments ?? ['ETH-USDT']).map((id) => [id, new FakeInstrument(id, rng, 30, undefined, options.checksums ?? 'real', options.clock === 'wall' ? Date.now : undefined)]));
  const faults = [...(options.faults ?? [])].sort((a, b) => a.afterDataFrames - b.afterDataFrames);
  const keep = options.keepSentFrames ?? true;
  const sent: SentFrame[] = [];
  const counts = { frames: 0, dataFrames: 0, connections: 0, faults: 0, steps: 0 };
  const log: string[] = [];
  const clients = new Set<ClientState>();
  let skipNextBooksUpdate = false;
  let corruptNextChecksum = false;
  let closed = false;
  let stepTimer: NodeJS.Timeout | undefined;

  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;

  const send = (client: ClientState, frame: string, data: boolean) => {
    if (client.ending || client.ws.readyState !== client.ws.OPEN) return;
    if (data) counts.dataFrames++;
    client.ws.send(frame, (error) => {
      if (error) return;
      counts.frames++;
      if (keep) sent.push({ conn: client.id, frame });
    });
  };

  /** A binary frame; kept in `sent` as its latin-1 text (as a recorder logs binary frames). */
  const sendBinary = (client: ClientState, bytes: Buffer) => {
    if (client.ending || client.ws.readyState !== client.ws.OPEN) return;
    counts.dataFrames++;
    client.ws.send(bytes, { binary: true }, (error) => {
      if (error) return;
      counts.frames++;
      if (keep) sent.push({ conn: client.id, frame: bytes.toString('latin1') });
    });
  };

  const injectDue = () => {
    while (faults.length > 0 && counts.dataFrames >= faults[0].afterDataFrames) {
      const fault = faults.shift() as FakeFault;
      counts.faults++;
      log.push(`fault ${fault.kind} after ${counts.dataFrames} data frames`);
      for (const client of clients) {
        switch (fault.kind) {
          case 'close':
            client.ending = true;
            // Ends TCP once everything queued is flushed: the client sees data, then an abnormal close (1006).
            endSocket(client);
            break;
          case 'stall':
            client.stalled = true;
            break;
          case 'notice':
            send(client, NOTICE_FRAME(client.connId), false);
            setTimeout(() => client.ws.close(1012, 'service upgrade'), options.noticeGraceMs ?? 2000).unref();
            break;
          case 'error':
            send(client, ERROR_FRAME(client.connId), false);
            break;
          case 'malformed':
            send(client, '{"arg":{"channel":"books","instId":"ETH-USDT"},"action":"update","data":[{"asks":[["30', true);
            break;
          case 'binary':
            sendBinary(client, FAKE_BINARY_GARBAGE);
            break;
          case 'checksum':
            corruptNextChecksum = true;
            break;
          case 'seqGap':
            skipNextBooksUpdate = true;
            break;
        }
      }
    }
  };

  const endSocket = (client: ClientState) => {
    const socket = (client.ws as unknown as { _socket?: import('node:net').Socket })._socket;
    if (socket) {
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    } else client.ws.terminate();
  };

  const step = () => {
    counts.steps++;
    const skip = skipNextBooksUpdate;
    const corrupt = corruptNextChecksum;
    skipNextBooksUpdate = false;
    corruptNextChecksum = false;
    for (const inst of instruments.values()) {
      inst.step();
      let booksUpdate: string | undefined;
      let books5: string | undefined;
      const trades = inst.tradesFrame();
      for (const client of clients) {
        if (client.stalled) continue;
        if (client.subs.has(`books\t${inst.instId}`) && !skip) send(client, (booksUpdate ??= inst.booksUpdateFrame(corrupt)), true);
        if (client.subs.has(`books5\t${inst.instId}`)) send(client, (books5 ??= inst.books5Frame()), true);
        if (trades && client.subs.has(`trades\t${inst.instId}`)) send(client, trades, true);
      }
    }
    injectDue();
  };

  const drained = () => {
    for (const client of clients) if (client.ws.bufferedAmount > 1 << 22) return false;
    return true;
  };

  const schedule = () => {
    if (closed) return;
    if (options.maxSteps !== undefined && counts.steps >= options.maxSteps) return;
    const interval = options.stepIntervalMs ?? 5;
    if (interval > 0) {
      stepTimer = setTimeout(() => {
        if ([...clients].some((c) => c.subs.size > 0)) step();
        schedule();
      }, interval);
      return;
    }
    // As fast as the client reads: batches of steps, pausing while any socket has 4 MiB queued.
    stepTimer = setTimeout(() => {
      const batchEnd = counts.steps + 200;
      while (counts.steps < batchEnd && drained() && (options.maxSteps === undefined || counts.steps < options.maxSteps)) {
        if (![...clients].some((c) => c.subs.size > 0)) break;
        step();
      }
      schedule();
    }, drained() ? 0 : 1);
  };

  wss.on('connection', (ws) => {
    counts.connections++;
    const client: ClientState = { id: counts.connections, connId: (0x1000_0000 + counts.connections).toString(16), ws, subs: new Set(), stalled: false, ending: false };
    clients.add(client);
    log.push(`connection ${client.id} accepted`);
    ws.on('close', () => clients.delete(client));
    ws.on('error', () => clients.delete(client));
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (client.stalled) return;
      if (text === 'ping') return send(client, 'pong', false);
      if (options.acknowledgeSubscriptions === false) return;
      let request: { op?: string; args?: Array<{ channel?: string; instId?: string }> };
      try {
        request = JSON.parse(text);
      } catch {
        return send(client, JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: ${text}`, connId: client.connId }), false);
      }
      for (const arg of request.args ?? []) {
        const inst = instruments.get(arg.instId ?? '');
        const channel = arg.channel ?? '';
        if (!inst || !['books', 'books5', 'trades'].includes(channel)) {
          send(client, JSON.stringify({ event: 'error', code: '60018', msg: `Wrong URL or channel:${channel},instId:${arg.instId} doesn't exist`, connId: client.connId }), false);
          continue;
        }
        const subKey = `${channel}\t${inst.instId}`;
        if (request.op === 'subscribe') {
          client.subs.add(subKey);
          send(client, JSON.stringify({ event: 'subscribe', arg: { channel, instId: inst.instId }, connId: client.connId }), false);
          if (channel === 'books') send(client, inst.booksSnapshotFrame(), true);
        } else if (request.op === 'unsubscribe') {
          client.subs.delete(subKey);
          send(client, JSON.stringify({ event: 'unsubscribe', arg: { channel, instId: inst.instId }, connId: client.connId }), false);
        }
      }
    });
  });

  const close = async () => {
    if (closed) return;
    closed = true;
    if (stepTimer) clearTimeout(stepTimer);
    for (const client of clients) client.ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  setTimeout(() => void close(), options.lifetimeMs ?? 60_000).unref();
  schedule();
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    sent,
    counts,
    log,
    get closed() {
      return closed;
    },
    close,
  };
}
