import { OkxParseError, parseOkxFrame } from '../okx/messages.js';
import { OkxNormalizer, type IntegrityEvent, type NormalizerStats } from '../okx/normalizer.js';
import { DataError } from '../data/errors.js';
import { readLines } from '../data/lines.js';
import { describeMasks, maskSummary, mergeMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, Table, TradeTable } from '../data/tables.js';
import type { CaptureFormat } from './format.js';
import { LevelChangeCollector, type RecordedLevelChanges } from './levelChanges.js';

/** What replaying a capture produced: tables per instrument, integrity events and counts. */
export interface CaptureReplay {
  /** Per instrument: its book (the most detailed channel), trades and, with `native`, the book's level changes. */
  readonly instruments: ReadonlyMap<string, { book?: BookTable; trades?: TradeTable; native?: RecordedLevelChanges }>;
  readonly events: readonly IntegrityEvent[];
  readonly stats: NormalizerStats & { readonly lines: number; readonly received: number; readonly sent: number; readonly connections: number };
}

/** Integrity events after which a book is invalid until its next snapshot. */
const BREAKING: ReadonlySet<IntegrityEvent['kind']> = new Set(['checksum-mismatch', 'sequence-gap', 'crossed-book']);

/**
 * Replays cryptofeed's raw OKX capture (e.g. `OKX.ws.1.0`) into normalized tables. Line forms:
 * `<url> <-> <unix_s>` (connection opened), `<url> <- <unix_s>: <json>` (sent by the client),
 * `<unix_s>: <json>` (received; the local receive time in seconds). Books are rebuilt from snapshot plus
 * updates with every checksum verified; rows are the best `depth` levels after each book message, with the
 * exchange `ts` as ts_ms and the receive time as local_ts_ms. Malformed lines throw a `DataError` with line
 * and field.
 *
 * Masks (`book.masked`, see masks.ts): a checksum mismatch, a seqId/prevSeqId break or a crossed book makes
 * that book (instrument and channel) invalid until its next snapshot (no row is emitted meanwhile), and a
 * second connection (`<->` line) makes every book unknown until its own next snapshot. The interval is
 * `[fromMs, toMs)`: from the exchange time of the book's last good row — the lost or corrupt change lies
 * after it, so the book is not known to be right from that row on (with no row yet, the time of the message
 * that revealed the break) — to the `ts` of the first row after the next snapshot, or, with none, the latest
 * exchange time in the file + 1 ms (the end of the data).
 */
export async function replayCryptofeedOkx(path: string, depth = 5, options: { native?: boolean } = {}): Promise<CaptureReplay> {
  const normalizer = new OkxNormalizer(depth);
  const changes = options.native ? new LevelChangeCollector() : undefined;
  if (changes) normalizer.onLevelChanges = (...args) => changes.add(...args);
  const events: IntegrityEvent[] = [];
  let lines = 0;
  let received = 0;
  let sent = 0;
  let connections = 0;
  /** Per book stream (`instId\tchannel`): the last row's ts, the open mask, the closed masks. */
  const lastRowMs = new Map<string, number>();
  const openMasks = new Map<string, { fromMs: number; reason: string }>();
  const masks = new Map<string, MaskedInterval[]>();
  let latestTsMs = -Infinity;
  const closeMask = (key: string, toMs: number, suffix = '') => {
    const open = openMasks.get(key)!;
    openMasks.delete(key);
    masks.set(key, [...(masks.get(key) ?? []), { fromMs: open.fromMs, toMs, reason: open.reason + suffix }]);
  };
  for await (const { line, lineNo } of readLines(path)) {
    lines = lineNo;
    if (line.trim() === '') continue;
    if (line.startsWith('wss://') || line.startsWith('ws://')) {
      if (line.includes(' <-> ')) {
        connections++;
        if (connections > 1) {
          for (const [key, fromMs] of lastRowMs) {
            if (!openMasks.has(key)) openMasks.set(key, { fromMs, reason: `connection reopened (line ${lineNo}): book unknown until its next snapshot` });
          }
        }
      } else if (line.includes(' <- ')) sent++;
      else throw new DataError(path, lineNo, 'direction', 'expected " <-> " or " <- " after the URL');
      continue;
    }
    const split = line.indexOf(': ');
    if (split < 0) throw new DataError(path, lineNo, 'receive time', 'expected "<unix_s>: <json>"');
    const seconds = Number(line.slice(0, split));
    if (!Number.isFinite(seconds)) throw new DataError(path, lineNo, 'receive time', `not a number: ${line.slice(0, split)}`);
    let message;
    try {
      message = parseOkxFrame(line.slice(split + 2));
    } catch (error) {
      if (error instanceof OkxParseError) throw new DataError(path, lineNo, error.path, error.reason);
      throw error;
    }
    received++;
    const accepted = normalizer.accept(message, seconds * 1000);
    events.push(...accepted);
    if (message.type === 'trades') for (const t of message.data) latestTsMs = Math.max(latestTsMs, t.tsMs);
    if (message.type !== 'book' || message.data.length === 0) continue;
    const { instId, channel } = message.arg;
    const key = `${instId}\t${channel}`;
    const tsMs = message.data[message.data.length - 1].tsMs;
    for (const d of message.data) latestTsMs = Math.max(latestTsMs, d.tsMs);
    for (const e of accepted) {
      if (BREAKING.has(e.kind) && !openMasks.has(key)) openMasks.set(key, { fromMs: lastRowMs.get(key) ?? e.tsMs, reason: `${e.kind} (${e.detail})` });
    }
    if (!normalizer.isTrusted(instId, channel)) continue;
    // a row was emitted; after a snapshot it is the first row of a rebuilt book
    const snapshot = message.action === 'snapshot' || channel === 'books5' || channel === 'bbo-tbt';
    if (snapshot && openMasks.has(key)) closeMask(key, tsMs);
    lastRowMs.set(key, tsMs);
  }
  for (const key of [...openMasks.keys()]) closeMask(key, latestTsMs + 1, '; no later snapshot (masked to the end of the data)');
  const instruments = new Map<string, { book?: BookTable; trades?: TradeTable; native?: RecordedLevelChanges }>();
  for (const instId of normalizer.instruments()) {
    const { book, trades } = normalizer.tables(instId, { source: `cryptofeed OKX capture ${path}` });
    const channel = String(book?.meta.extra?.channel ?? '');
    const masked = book ? mergeMasks(masks.get(`${instId}\t${channel}`)) : [];
    const native = book ? changes?.finish({ instId, channel }) : undefined;
    instruments.set(instId, { ...(book ? { book: { ...book, masked } } : {}), ...(trades ? { trades } : {}), ...(native ? { native } : {}) });
  }
  return { instruments, events, stats: { ...normalizer.stats, lines, received, sent, connections } };
}

/** Notes for `asmm inspect`/`convert`: message and checksum counts, then each book's masked intervals. */
export function cryptofeedOkxNotes(replay: CaptureReplay): string[] {
  const s = replay.stats;
  const notes = [
    `${s.received} messages received, ${s.bookMessages} book messages, ${s.checksumsVerified} checksums verified, ${s.checksumMismatches} mismatches, ${replay.events.length} integrity events`,
  ];
  for (const [instId, { book }] of replay.instruments) {
    const lines = describeMasks(maskSummary(book?.masked), 10);
    if (lines.length) notes.push(`${instId} ${lines[0]}`, ...lines.slice(1));
  }
  return notes;
}

/** cryptofeed's raw OKX capture: its first line opens a connection, `<url> <-> <unix_s>`. */
export const cryptofeedOkxFormat: CaptureFormat = {
  name: 'okx-cryptofeed-capture',
  holds: 'capture',
  canHandle: ({ firstLine }) => /^wss?:\/\/\S+ <-> \d+(\.\d+)?$/.test(firstLine),
  async replay(path, depth) {
    const replay = await replayCryptofeedOkx(path, depth);
    const tables: Table[] = [];
    for (const { book, trades } of replay.instruments.values()) {
      if (book) tables.push(book);
      if (trades) tables.push(trades);
    }
    return { tables, notes: cryptofeedOkxNotes(replay) };
  },
};
