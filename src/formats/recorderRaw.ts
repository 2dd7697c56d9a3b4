import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GapRecord, RawRecord, SegmentRecord } from '../capture/rawRecords.js';
import { OkxParseError, parseOkxFrame } from '../okx/messages.js';
import { OkxNormalizer, TableCollector, type BookStream, type IntegrityEvent, type NormalizedRowSink, type NormalizerStats } from '../okx/normalizer.js';
import { DataError } from '../data/errors.js';
import { readLines } from '../data/lines.js';
import { formatDurationMs, maskSummary, mergeMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, Table, TradeTable } from '../data/tables.js';
import type { CaptureFormat } from './format.js';
import { LevelChangeCollector, type RecordedLevelChanges } from './levelChanges.js';

export type { RecordedLevelChanges } from './levelChanges.js';

/** One recording session (one run of the recorder) in a replay: its files in segment order and its time span. */
export interface RecorderSession {
  /** The session id (UTC start time, e.g. `20261128T120000Z`, `-2` etc. for a later start in the same second). */
  readonly session: string;
  readonly files: readonly string[];
  /** Local time of its first record (the first segment header), ms. */
  readonly firstLocalMs: number;
  /** Local time of its last complete record, ms. */
  readonly lastLocalMs: number;
  /** It ended without a clean stop: its last segment is `.partial` (the recorder was killed). */
  readonly abrupt: boolean;
  /**
   * Observed local − exchange time over its rows (books and trades), ms: the latency plus the local clock's
   * offset. Absent when it has no rows (local time is then used as exchange time).
   */
  readonly offsetMs?: { readonly min: number; readonly max: number };
}

/** What replaying the recorder's raw log gave: tables per instrument (and per book channel), gaps, counts. */
export interface RecorderRawReplay {
  readonly files: readonly string[];
  /** Sessions in replay order (by their first local time). */
  readonly sessions: readonly RecorderSession[];
  /** Tables per instrument (the book: the most detailed channel), with their masked intervals. */
  readonly instruments: ReadonlyMap<string, { book?: BookTable; trades?: TradeTable }>;
  /** Every book table, one per instrument and book channel, with its masked intervals (and, with `native`, its level changes). */
  readonly books: ReadonlyArray<{ readonly stream: BookStream; readonly book: BookTable; readonly native?: RecordedLevelChanges }>;
  /** The recorder's gap records (local receive time), in replay order. */
  readonly gaps: readonly GapRecord[];
  readonly events: readonly IntegrityEvent[];
  /** What a user must know about the replay: sessions, abrupt ends, truncated lines, masked time per table. */
  readonly notes: readonly string[];
  readonly stats: NormalizerStats & { lines: number; framesReceived: number; framesSent: number; malformedFrames: number; connections: number; retired: number };
}

/** The raw NDJSON segments of a recording: `path` itself, or every `*.raw.ndjson` in a directory, in name order. */
export function recorderRawFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path).filter((f) => f.endsWith('.raw.ndjson') || f.endsWith('.raw.ndjson.partial')).sort();
  if (files.length === 0) throw new DataError(path, 0, '', 'no *.raw.ndjson recorder files in this directory');
  return files.map((f) => join(path, f));
}

/**
 * Converting a gap's local receive times to exchange time uses the offsets (local − exchange) of the rows
 * received within this long of it, ms: the latency and clock offset of that hour, not of the whole session.
 */
export const OFFSET_WINDOW_MS = 60_000;

const RECORD_TYPES = new Set(['segment', 'open', 'sent', 'recv', 'retire', 'close', 'gap']);

const streamKey = (instId: string, channel: string) => `${instId}\t${channel}`;

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

interface SegmentFile {
  readonly path: string;
  readonly header: SegmentRecord;
  readonly segmentNo: number;
  readonly partial: boolean;
}

/**
 * The segment header (first line) of a raw file; undefined for an empty or header-truncated `.partial` file
 * (a recorder killed before its first flush). Anything else without a header is not a recorder file.
 */
async function readHeader(path: string): Promise<SegmentFile | undefined> {
  const partial = path.endsWith('.partial');
  let first: string | undefined;
  for await (const { line } of readLines(path)) {
    first = line;
    break;
  }
  if (first === undefined || first.trim() === '') {
    if (partial) return undefined;
    throw new DataError(path, 0, '', 'empty file: not an asmm recorder file');
  }
  let header: SegmentRecord;
  try {
    header = JSON.parse(first) as SegmentRecord;
  } catch (error) {
    if (partial && statSync(path).size === Buffer.byteLength(first)) return undefined; // a header cut short by the kill
    throw new DataError(path, 1, '$', `not a JSON record (${(error as Error).message.slice(0, 80)})`);
  }
  if (typeof header !== 'object' || header === null || header.type !== 'segment') throw new DataError(path, 1, 'type', 'no segment header: not an asmm recorder file');
  if (typeof header.local_ts_ms !== 'number') throw new DataError(path, 1, 'local_ts_ms', 'missing or not a number');
  if (typeof header.session !== 'string' || header.session === '') throw new DataError(path, 1, 'session', 'missing or not a string');
  const fromHeader = typeof header.segment === 'string' ? /\.(\d+)$/.exec(header.segment) : null;
  const fromName = /\.(\d+)\.raw\.ndjson(\.partial)?$/.exec(basename(path));
  const segmentNo = Number((fromHeader ?? fromName)?.[1] ?? 0);
  return { path, header, segmentNo, partial };
}

/** Last index i with `xs[i] <= x` in a non-decreasing array, or -1. */
function lastAtOrBefore(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** First index i with `xs[i] >= x` in a non-decreasing array, or xs.length. */
function firstAtOrAfter(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The replay's row sink: rows go to one `TableCollector` for all sessions; it also keeps what the masks need
 * (each book stream's last row, the books the normalizer found broken until their next row, the observed
 * local − exchange offsets of the current session).
 */
class ReplaySink implements NormalizedRowSink {
  readonly collector: TableCollector;
  /** Masked intervals found on replay, per book stream key. */
  readonly bookMasks = new Map<string, MaskedInterval[]>();
  private readonly lastRowTsMs = new Map<string, number>();
  private readonly broken = new Map<string, { fromMs: number; reason: string }>();
  offset: { min: number; max: number } | undefined;
  /** Every row's receive time and local − exchange offset, in replay order (local time non-decreasing). */
  private readonly rowLocalMs: number[] = [];
  private readonly rowOffsetMs: number[] = [];

  /** With `native`: each book stream's level changes. */
  readonly changes: LevelChangeCollector | undefined;

  constructor(depth: number, native = false) {
    this.collector = new TableCollector(depth);
    this.changes = native ? new LevelChangeCollector() : undefined;
  }

  levelChanges(stream: BookStream, tsMs: number, localTsMs: number, snapshot: boolean, bids: ReadonlyArray<readonly string[]>, asks: ReadonlyArray<readonly string[]>): void {
    this.changes?.add(stream, tsMs, localTsMs, snapshot, bids, asks);
  }

  private observe(tsMs: number, localTsMs: number): void {
    const d = localTsMs - tsMs;
    if (!Number.isFinite(d)) return;
    this.rowLocalMs.push(localTsMs);
    this.rowOffsetMs.push(d);
    if (!this.offset) this.offset = { min: d, max: d };
    else {
      if (d < this.offset.min) this.offset.min = d;
      if (d > this.offset.max) this.offset.max = d;
    }
  }

  bookRow(stream: BookStream, tsMs: number, localTsMs: number, bidPx: readonly number[], bidSz: readonly number[], askPx: readonly number[], askSz: readonly number[], bidCount?: readonly number[], askCount?: readonly number[]): void {
    this.collector.bookRow(stream, tsMs, localTsMs, bidPx, bidSz, askPx, askSz, bidCount, askCount);
    const k = streamKey(stream.instId, stream.channel);
    const open = this.broken.get(k);
    if (open) {
      // rebuilt: this row (the next snapshot's) is valid again
      this.addBookMask(k, { fromMs: open.fromMs, toMs: tsMs, reason: open.reason });
      this.broken.delete(k);
    }
    this.lastRowTsMs.set(k, tsMs);
    this.observe(tsMs, localTsMs);
  }

  trade(instId: string, tsMs: number, localTsMs: number, id: number, side: number, px: number, sz: number): void {
    this.collector.trade(instId, tsMs, localTsMs, id, side, px, sz);
    this.observe(tsMs, localTsMs);
  }

  addBookMask(k: string, mask: MaskedInterval): void {
    let list = this.bookMasks.get(k);
    if (!list) this.bookMasks.set(k, (list = []));
    list.push(mask);
  }

  /** The normalizer found a book broken: invalid from its last good row until its next row (the rebuild). */
  integrity(event: IntegrityEvent): void {
    const k = streamKey(event.instId, event.channel);
    if (this.broken.has(k)) return;
    this.broken.set(k, { fromMs: this.lastRowTsMs.get(k) ?? event.tsMs, reason: `${event.kind} found on replay (${event.detail})` });
  }

  /**
   * The range of local − exchange offsets of the rows received in [fromLocalMs, toLocalMs], or undefined
   * when none was.
   */
  offsetsWithin(fromLocalMs: number, toLocalMs: number): { min: number; max: number } | undefined {
    let range: { min: number; max: number } | undefined;
    for (let i = firstAtOrAfter(this.rowLocalMs, fromLocalMs); i < this.rowLocalMs.length && this.rowLocalMs[i] <= toLocalMs; i++) {
      const d = this.rowOffsetMs[i];
      if (!range) range = { min: d, max: d };
      else {
        if (d < range.min) range.min = d;
        if (d > range.max) range.max = d;
      }
    }
    return range;
  }

  beginSession(): void {
    this.lastRowTsMs.clear();
    this.offset = undefined;
  }

  /** Books still broken when a session ends stay masked to its end (exchange time, ms). */
  endSession(endMs: number, session: string): void {
    for (const [k, open] of this.broken) this.addBookMask(k, { fromMs: open.fromMs, toMs: Math.max(open.fromMs, endMs), reason: `${open.reason}; not rebuilt before session ${session} ended` });
    this.broken.clear();
  }
}

function addStats(total: NormalizerStats, add: NormalizerStats): void {
  for (const key of Object.keys(add) as Array<keyof NormalizerStats>) {
    if (key === 'sequence') for (const v of Object.keys(add.sequence) as Array<keyof NormalizerStats['sequence']>) total.sequence[v] += add.sequence[v];
    else total[key] += add[key];
  }
}

/**
 * Replays the recorder's raw NDJSON (one file, a list of segments, or a directory of them) into normalized
 * tables exactly as the recorder built them live: frames of the active connection only (not those of a
 * connection after its `retire` record), books rebuilt with sequence and checksum checks, trades
 * de-duplicated by id. So normalized files can always be rebuilt from raw. Malformed frames are counted,
 * as the live recorder did (their gap record is in the log); a line that is not a valid record throws a
 * `DataError` with file, line and field.
 *
 * **Sessions.** A directory may hold several recording sessions (a restart into the same `--out`). Each is
 * replayed as its own segment — its files by segment number, its books from its own snapshots, its
 * connections numbered anew — and sessions follow each other by their first local time. Sessions that
 * overlap in local time (two recorders wrote into one directory at once) throw a `DataError` naming both.
 * A session whose last file is `.partial` was killed (SIGKILL, a crash): it is reported as an abrupt end in
 * `notes`, and its last line, if cut short, is ignored.
 *
 * **Masks** (exchange time, on `BookTable.masked` / `TradeTable.masked`, see masks.ts):
 * - a book the normalizer finds broken (sequence gap, checksum mismatch, crossed, update before snapshot) is
 *   masked from its last good row to its next row (the resubscribe's snapshot);
 * - each gap record (local receive time) masks the books and trades it names (`*` = every one). A book is
 *   masked from its last row received at or before the gap's start to its first row received at or after the
 *   gap's end (the rebuild), both read off the table itself; trades are masked from `from − max(d)` to
 *   `to − min(d)`, where d = local − exchange time is observed over the rows (books and trades) received
 *   within `OFFSET_WINDOW_MS` (60 s) of the bound, in its session (else over the whole session): every trade
 *   received inside the gap has an exchange time in that interval, as far as the observed latencies go
 *   (without rows, d = 0: local time is the bound);
 * - the time between two sessions masks every book and trade table: from each book's last row of the earlier
 *   session to its first row of the later, trades from `last record − max(d)` to `ack − min(d)`, where ack is
 *   the later session's acknowledgement of the trades subscription (its start if none). After a killed session
 *   this covers its unflushed tail. A killed last session has nothing after it to mask (a note says so).
 */
export async function replayRecorderRaw(paths: string | readonly string[], depth?: number, options: { native?: boolean } = {}): Promise<RecorderRawReplay> {
  const files = typeof paths === 'string' ? recorderRawFiles(paths) : [...paths];
  const notes: string[] = [];

  // Group the segments into sessions by their headers, then order sessions by their first local time.
  const bySession = new Map<string, SegmentFile[]>();
  for (const file of files) {
    const segment = await readHeader(file);
    if (!segment) {
      notes.push(`${file} is empty or its first line is cut short (.partial: the recorder was killed before writing it): skipped`);
      continue;
    }
    const list = bySession.get(segment.header.session) ?? [];
    list.push(segment);
    bySession.set(segment.header.session, list);
  }
  if (bySession.size === 0) throw new DataError(files[0], 1, 'type', 'no segment header: not an asmm recorder file');
  const ordered = [...bySession.entries()].map(([session, segments]) => {
    segments.sort((a, b) => a.segmentNo - b.segmentNo || a.path.localeCompare(b.path));
    return { session, segments, firstLocalMs: Math.min(...segments.map((s) => s.header.local_ts_ms)) };
  });
  ordered.sort((a, b) => a.firstLocalMs - b.firstLocalMs || a.session.localeCompare(b.session));
  const tableDepth = depth ?? ordered[0].segments[0].header.depth ?? 5;

  const sink = new ReplaySink(tableDepth, options.native === true);
  const events: IntegrityEvent[] = [];
  const gaps: Array<{ gap: GapRecord; session: number }> = [];
  const sessions: RecorderSession[] = [];
  /** Per session: local time of the first acknowledgement of each instrument's trades subscription. */
  const tradesAcks: Array<Map<string, number>> = [];
  const totals = new OkxNormalizer(tableDepth, { bookRow() {}, trade() {} }).stats; // zeroed, summed over the sessions
  const counts = { lines: 0, framesReceived: 0, framesSent: 0, malformedFrames: 0, connections: 0, retired: 0 };
  let latest: { session: string; lastLocalMs: number; file: string } | undefined;

  for (const [index, { session, segments, firstLocalMs }] of ordered.entries()) {
    if (latest && firstLocalMs < latest.lastLocalMs) {
      throw new DataError(
        segments[0].path,
        1,
        'local_ts_ms',
        `recording session ${session} starts at ${iso(firstLocalMs)}, before session ${latest.session} (${latest.file}) ended at ${iso(latest.lastLocalMs)}: ` +
          'two recorders wrote into this directory at the same time; replay each session\'s files separately',
      );
    }
    sink.beginSession();
    const normalizer = new OkxNormalizer(tableDepth, sink);
    const retired = new Set<number>();
    const tradesAck = new Map<string, number>();
    let active = -1;
    let lastLocalMs = firstLocalMs;
    let lastFile = segments[0].path;
    for (const { path: file, partial } of segments) {
      let pending: { line: string; lineNo: number } | undefined;
      const handle = (line: string, lineNo: number) => {
        counts.lines++;
        let record: RawRecord;
        try {
          record = JSON.parse(line) as RawRecord;
        } catch (error) {
          throw new DataError(file, lineNo, '$', `not a JSON record (${(error as Error).message.slice(0, 80)})`);
        }
        if (typeof record !== 'object' || record === null || !RECORD_TYPES.has((record as { type: string }).type)) {
          throw new DataError(file, lineNo, 'type', `expected one of ${[...RECORD_TYPES].join(', ')}`);
        }
        if (record.type === 'gap') {
          if (typeof record.from_local_ts_ms !== 'number' || typeof record.to_local_ts_ms !== 'number') throw new DataError(file, lineNo, 'from_local_ts_ms', 'missing or not a number');
        } else if (typeof record.local_ts_ms !== 'number') {
          throw new DataError(file, lineNo, 'local_ts_ms', 'missing or not a number');
        }
        const localMs = record.type === 'gap' ? record.to_local_ts_ms : record.local_ts_ms;
        if (localMs > lastLocalMs) lastLocalMs = localMs;
        lastFile = file;
        switch (record.type) {
          case 'segment':
            return;
          case 'open':
            active = record.conn;
            counts.connections++;
            return;
          case 'retire':
            retired.add(record.conn);
            counts.retired++;
            return;
          case 'close':
            return;
          case 'gap':
            gaps.push({ gap: record, session: index });
            return;
          case 'sent':
            counts.framesSent++;
            return;
          case 'recv': {
            counts.framesReceived++;
            if (typeof record.frame !== 'string') throw new DataError(file, lineNo, 'frame', 'missing or not a string');
            if (record.conn !== active || retired.has(record.conn) || record.frame === 'pong') return;
            let message;
            try {
              message = parseOkxFrame(record.frame);
            } catch (error) {
              if (!(error instanceof OkxParseError)) throw error;
              counts.malformedFrames++;
              return;
            }
            if (message.type === 'subscribe' && message.arg.channel === 'trades' && !tradesAck.has(message.arg.instId)) tradesAck.set(message.arg.instId, record.local_ts_ms);
            for (const event of normalizer.accept(message, record.local_ts_ms)) {
              events.push(event);
              sink.integrity(event);
            }
          }
        }
      };
      for await (const { line, lineNo } of readLines(file)) {
        if (pending) handle(pending.line, pending.lineNo);
        pending = line.trim() === '' ? undefined : { line, lineNo };
      }
      if (pending) {
        try {
          handle(pending.line, pending.lineNo);
        } catch (error) {
          if (!(partial && error instanceof DataError && error.field === '$')) throw error;
          notes.push(`${file}:${pending.lineNo}: last line cut short by the kill (ignored)`);
        }
      }
    }
    const offset = sink.offset ? { min: sink.offset.min, max: sink.offset.max } : undefined;
    sink.endSession(lastLocalMs - (offset?.min ?? 0), session);
    addStats(totals, normalizer.stats);
    const last = segments[segments.length - 1];
    tradesAcks.push(tradesAck);
    sessions.push({ session, files: segments.map((s) => s.path), firstLocalMs, lastLocalMs, abrupt: last.partial, ...(offset ? { offsetMs: offset } : {}) });
    if (!latest || lastLocalMs > latest.lastLocalMs) latest = { session, lastLocalMs, file: lastFile };
  }

  const source = { source: `asmm recording ${files.length === 1 ? files[0] : `${files[0]} … (${files.length} files)`}` };
  const collector = sink.collector;
  const streams = collector.bookStreams();
  const rawBooks = streams.map((stream) => ({ stream, book: collector.tables(stream.instId, source, stream.channel).book as BookTable }));
  const instrumentIds = collector.instruments();
  const rawTrades = new Map<string, TradeTable>();
  for (const instId of instrumentIds) {
    const trades = collector.tables(instId, source).trades;
    if (trades) rawTrades.set(instId, trades);
  }

  // Masks from gap records and session boundaries, in exchange time.
  const bookMasks = sink.bookMasks;
  const tradeMasks = new Map<string, MaskedInterval[]>();
  const addTo = (map: Map<string, MaskedInterval[]>, k: string, m: MaskedInterval) => {
    if (!(m.toMs > m.fromMs)) return;
    const list = map.get(k);
    if (list) list.push(m);
    else map.set(k, [m]);
  };
  /** A book masked from its last row received at or before `fromLocal` to its first row at or after `toLocal`. */
  const bookMask = (book: BookTable, fromLocal: number, toLocal: number, fallback: { fromMs: number; toMs: number }, reason: string): MaskedInterval => {
    const local = book.localTsMs as Float64Array;
    const i = lastAtOrBefore(local, fromLocal);
    const j = firstAtOrAfter(local, toLocal);
    const fromMs = i >= 0 ? book.tsMs[i] : fallback.fromMs;
    const toMs = j < local.length ? book.tsMs[j] : fallback.toMs;
    return { fromMs, toMs: Math.max(fromMs, toMs), reason };
  };
  // local − exchange offsets observed near a time (rows within OFFSET_WINDOW_MS), else over its session, else 0
  const near = (s: RecorderSession, fromLocal: number, toLocal: number) => sink.offsetsWithin(fromLocal, toLocal) ?? s.offsetMs ?? { min: 0, max: 0 };
  const dMax = (s: RecorderSession, localMs: number) => near(s, Math.max(s.firstLocalMs, localMs - OFFSET_WINDOW_MS), Math.min(s.lastLocalMs, localMs + OFFSET_WINDOW_MS)).max;
  const dMin = (s: RecorderSession, localMs: number) => near(s, Math.max(s.firstLocalMs, localMs - OFFSET_WINDOW_MS), Math.min(s.lastLocalMs, localMs + OFFSET_WINDOW_MS)).min;

  for (const { gap, session } of gaps) {
    const s = sessions[session];
    const reason = `recorder gap ${gap.inst} ${gap.channel}: ${gap.reason}`;
    const fallback = { fromMs: gap.from_local_ts_ms - dMax(s, gap.from_local_ts_ms), toMs: gap.to_local_ts_ms - dMin(s, gap.to_local_ts_ms) };
    for (const { stream, book } of rawBooks) {
      if ((gap.inst === '*' || gap.inst === stream.instId) && (gap.channel === '*' || gap.channel === stream.channel)) {
        addTo(bookMasks, streamKey(stream.instId, stream.channel), bookMask(book, gap.from_local_ts_ms, gap.to_local_ts_ms, fallback, reason));
      }
    }
    for (const instId of rawTrades.keys()) {
      if ((gap.inst === '*' || gap.inst === instId) && (gap.channel === '*' || gap.channel === 'trades')) addTo(tradeMasks, instId, { ...fallback, reason });
    }
  }
  for (let i = 0; i + 1 < sessions.length; i++) {
    const a = sessions[i];
    const b = sessions[i + 1];
    const reason = a.abrupt
      ? `recorder killed: session ${a.session} ended abruptly at ${iso(a.lastLocalMs)} (${basename(a.files[a.files.length - 1])}; its unflushed tail is lost) until session ${b.session} started`
      : `between recording sessions ${a.session} and ${b.session}: nothing recorded`;
    const fallback = { fromMs: a.lastLocalMs - dMax(a, a.lastLocalMs), toMs: b.firstLocalMs - dMin(b, b.firstLocalMs) };
    for (const { stream, book } of rawBooks) addTo(bookMasks, streamKey(stream.instId, stream.channel), bookMask(book, a.lastLocalMs, b.firstLocalMs, fallback, reason));
    // trades are whole again from the later session's acknowledgement of their subscription
    for (const instId of rawTrades.keys()) {
      const ackMs = tradesAcks[i + 1].get(instId) ?? b.firstLocalMs;
      addTo(tradeMasks, instId, { fromMs: fallback.fromMs, toMs: ackMs - dMin(b, ackMs), reason });
    }
  }

  const withBookMasks = (stream: BookStream, book: BookTable): BookTable => {
    const masked = mergeMasks(bookMasks.get(streamKey(stream.instId, stream.channel)));
    return masked.length > 0 ? { ...book, masked } : book;
  };
  const books = rawBooks.map(({ stream, book }) => {
    const native = sink.changes?.finish(stream);
    return { stream, book: withBookMasks(stream, book), ...(native ? { native } : {}) };
  });
  const trades = new Map<string, TradeTable>();
  for (const [instId, table] of rawTrades) {
    const masked = mergeMasks(tradeMasks.get(instId));
    trades.set(instId, masked.length > 0 ? { ...table, masked } : table);
  }
  const instruments = new Map<string, { book?: BookTable; trades?: TradeTable }>();
  for (const instId of instrumentIds) {
    const chosen = collector.tables(instId, source).book?.meta.extra?.channel;
    const book = books.find((b) => b.stream.instId === instId && b.stream.channel === chosen)?.book;
    const t = trades.get(instId);
    instruments.set(instId, { ...(book ? { book } : {}), ...(t ? { trades: t } : {}) });
  }

  if (sessions.length > 1) {
    const shown = sessions.slice(0, 10).map((s) => `${s.session} (${iso(s.firstLocalMs)} .. ${iso(s.lastLocalMs)}, ${s.files.length} file(s))`);
    notes.unshift(`${sessions.length} recording sessions, replayed one after another in order of their start, each from its own snapshots: ${shown.join(', ')}${sessions.length > 10 ? ', …' : ''}`);
  }
  for (const [i, s] of sessions.entries()) {
    if (!s.abrupt) continue;
    const next = sessions[i + 1];
    notes.push(
      `session ${s.session} ended abruptly at ${iso(s.lastLocalMs)}: ${s.files[s.files.length - 1]} is .partial (the recorder was killed, not stopped); ` +
        (next ? `data after its last flushed record is lost, masked until session ${next.session} started at ${iso(next.firstLocalMs)}` : 'data after its last flushed record is lost'),
    );
  }
  for (const { stream, book } of books) {
    const summary = maskSummary(book.masked);
    if (summary.count > 0) notes.push(`masked ${stream.instId} ${stream.channel}: ${summary.count} interval(s), ${formatDurationMs(summary.totalMs)} in total`);
  }
  for (const [instId, table] of trades) {
    const summary = maskSummary(table.masked);
    if (summary.count > 0) notes.push(`masked ${instId} trades: ${summary.count} interval(s), ${formatDurationMs(summary.totalMs)} in total`);
  }
  return { files, sessions, instruments, books, gaps: gaps.map((g) => g.gap), events, notes, stats: { ...totals, ...counts } };
}

/**
 * `asmm record`'s raw log: a directory holding `*.raw.ndjson` segments (one recording), or one segment (its
 * first record is the segment header, `{"type":"segment"…`).
 */
export const recorderRawFormat: CaptureFormat = {
  name: 'asmm-recorder-raw',
  holds: 'capture',
  canHandle: ({ directoryEntries, firstLine }) =>
    directoryEntries ? directoryEntries.some((f) => f.endsWith('.raw.ndjson') || f.endsWith('.raw.ndjson.partial')) : firstLine.startsWith('{"type":"segment"'),
  async replay(path, depth) {
    const replay = await replayRecorderRaw(path, depth);
    const s = replay.stats;
    const tables: Table[] = replay.books.map((b) => b.book);
    for (const { trades } of replay.instruments.values()) if (trades) tables.push(trades);
    const shownGaps = replay.gaps.slice(0, 20).map((g) => `gap ${g.inst} ${g.channel} ${new Date(g.from_local_ts_ms).toISOString()} .. ${new Date(g.to_local_ts_ms).toISOString()} (${g.to_local_ts_ms - g.from_local_ts_ms} ms): ${g.reason}`);
    return {
      tables,
      notes: [
        `${replay.files.length} raw file(s), ${s.connections} connection(s), ${s.framesReceived} frames received, ${s.malformedFrames} malformed, ${s.checksumsVerified} checksums verified, ${s.checksumMismatches} mismatches, ${s.duplicateTrades} duplicate trades dropped, ${replay.gaps.length} gap record(s)`,
        ...shownGaps,
        ...(replay.gaps.length > shownGaps.length ? [`… ${replay.gaps.length - shownGaps.length} more gap records`] : []),
        // sessions, abrupt ends (killed recorder), cut lines and masked time per table (the masks are on the tables)
        ...replay.notes,
      ],
    };
  },
};
