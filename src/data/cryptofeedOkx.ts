import { OkxParseError, parseOkxFrame } from '../okx/messages.js';
import { OkxNormalizer, type IntegrityEvent, type NormalizerStats } from '../okx/normalizer.js';
import { DataError } from './errors.js';
import { readLines } from './lines.js';
import type { BookTable, TradeTable } from './tables.js';

/** What replaying a capture produced: tables per instrument, integrity events and counts. */
export interface CaptureReplay {
  readonly instruments: ReadonlyMap<string, { book?: BookTable; trades?: TradeTable }>;
  readonly events: readonly IntegrityEvent[];
  readonly stats: NormalizerStats & { readonly lines: number; readonly received: number; readonly sent: number; readonly connections: number };
}

/**
 * Replays cryptofeed's raw OKX capture (e.g. `OKX.ws.1.0`) into normalized tables. Line forms:
 * `<url> <-> <unix_s>` (connection opened), `<url> <- <unix_s>: <json>` (sent by the client),
 * `<unix_s>: <json>` (received; the local receive time in seconds). Books are rebuilt from snapshot plus
 * updates with every checksum verified; rows are the best `depth` levels after each book message, with the
 * exchange `ts` as ts_ms and the receive time as local_ts_ms. Malformed lines throw a `DataError` with line
 * and field.
 */
export async function replayCryptofeedOkx(path: string, depth = 5): Promise<CaptureReplay> {
  const normalizer = new OkxNormalizer(depth);
  const events: IntegrityEvent[] = [];
  let lines = 0;
  let received = 0;
  let sent = 0;
  let connections = 0;
  for await (const { line, lineNo } of readLines(path)) {
    lines = lineNo;
    if (line.trim() === '') continue;
    if (line.startsWith('wss://') || line.startsWith('ws://')) {
      if (line.includes(' <-> ')) connections++;
      else if (line.includes(' <- ')) sent++;
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
    events.push(...normalizer.accept(message, seconds * 1000));
  }
  const instruments = new Map<string, { book?: BookTable; trades?: TradeTable }>();
  for (const instId of normalizer.instruments()) instruments.set(instId, normalizer.tables(instId, { source: `cryptofeed OKX capture ${path}` }));
  return { instruments, events, stats: { ...normalizer.stats, lines, received, sent, connections } };
}
