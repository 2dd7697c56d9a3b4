import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GapRecord, RawRecord } from '../capture/rawRecords.js';
import { OkxParseError, parseOkxFrame } from '../okx/messages.js';
import { OkxNormalizer, type BookStream, type IntegrityEvent, type NormalizerStats } from '../okx/normalizer.js';
import { DataError } from './errors.js';
import { readLines } from './lines.js';
import type { BookTable, TradeTable } from './tables.js';

/** What replaying the recorder's raw log gave: tables per instrument (and per book channel), gaps, counts. */
export interface RecorderRawReplay {
  readonly files: readonly string[];
  readonly instruments: ReadonlyMap<string, { book?: BookTable; trades?: TradeTable }>;
  /** Every book table, one per instrument and book channel. */
  readonly books: ReadonlyArray<{ readonly stream: BookStream; readonly book: BookTable }>;
  readonly gaps: readonly GapRecord[];
  readonly events: readonly IntegrityEvent[];
  readonly stats: NormalizerStats & { lines: number; framesReceived: number; framesSent: number; malformedFrames: number; connections: number; retired: number };
}

/** The raw NDJSON segments of a recording: `path` itself, or every `*.raw.ndjson` in a directory, in time order. */
export function recorderRawFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path).filter((f) => f.endsWith('.raw.ndjson') || f.endsWith('.raw.ndjson.partial')).sort();
  if (files.length === 0) throw new DataError(path, 0, '', 'no *.raw.ndjson recorder files in this directory');
  return files.map((f) => join(path, f));
}

const RECORD_TYPES = new Set(['segment', 'open', 'sent', 'recv', 'retire', 'close', 'gap']);

/**
 * Replays the recorder's raw NDJSON (one file, a list of segments, or a directory of them, in order) into
 * normalized tables exactly as the recorder built them live: frames of the active connection only (not those
 * of a connection after its `retire` record), books rebuilt with sequence and checksum checks, trades
 * de-duplicated by id. So normalized files can always be rebuilt from raw. Malformed frames are counted,
 * as the live recorder did (their gap record is in the log); a line that is not a valid record throws a
 * `DataError` with file, line and field. A `.partial` file (a recorder killed without SIGINT) may end in a
 * truncated line: that last line is ignored.
 */
export async function replayRecorderRaw(paths: string | readonly string[], depth?: number): Promise<RecorderRawReplay> {
  const files = typeof paths === 'string' ? recorderRawFiles(paths) : [...paths];
  let normalizer: OkxNormalizer | undefined;
  const events: IntegrityEvent[] = [];
  const gaps: GapRecord[] = [];
  const retired = new Set<number>();
  let active = -1;
  const counts = { lines: 0, framesReceived: 0, framesSent: 0, malformedFrames: 0, connections: 0, retired: 0 };
  for (const file of files) {
    const partial = file.endsWith('.partial');
    let pending: { line: string; lineNo: number } | undefined;
    const handle = (line: string, lineNo: number) => {
      counts.lines++;
      let record: RawRecord;
      try {
        record = JSON.parse(line) as RawRecord;
      } catch (error) {
        throw new DataError(file, lineNo, '$', `not a JSON record (${(error as Error).message})`);
      }
      if (typeof record !== 'object' || record === null || !RECORD_TYPES.has((record as { type: string }).type)) {
        throw new DataError(file, lineNo, 'type', `expected one of ${[...RECORD_TYPES].join(', ')}`);
      }
      if (typeof record.type !== 'string' || (record.type !== 'segment' && record.type !== 'gap' && typeof record.local_ts_ms !== 'number')) {
        throw new DataError(file, lineNo, 'local_ts_ms', 'missing or not a number');
      }
      switch (record.type) {
        case 'segment':
          normalizer ??= new OkxNormalizer(depth ?? record.depth ?? 5);
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
          gaps.push(record);
          return;
        case 'sent':
          counts.framesSent++;
          return;
        case 'recv': {
          counts.framesReceived++;
          if (typeof record.frame !== 'string') throw new DataError(file, lineNo, 'frame', 'missing or not a string');
          if (!normalizer) throw new DataError(file, lineNo, 'type', 'frame before the segment header (not a recorder file?)');
          if (record.conn !== active || retired.has(record.conn) || record.frame === 'pong') return;
          let message;
          try {
            message = parseOkxFrame(record.frame);
          } catch (error) {
            if (!(error instanceof OkxParseError)) throw error;
            counts.malformedFrames++;
            return;
          }
          events.push(...normalizer.accept(message, record.local_ts_ms));
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
      }
    }
  }
  if (!normalizer) throw new DataError(files[0], 1, 'type', 'no segment header: not an asmm recorder file');
  const source = { source: `asmm recording ${files.length === 1 ? files[0] : `${files[0]} … (${files.length} files)`}` };
  const instruments = new Map<string, { book?: BookTable; trades?: TradeTable }>();
  for (const instId of normalizer.instruments()) instruments.set(instId, normalizer.tables(instId, source));
  const books = normalizer.bookStreams().map((stream) => ({ stream, book: normalizer!.tables(stream.instId, source, stream.channel).book as BookTable }));
  return { files, instruments, books, gaps, events, stats: { ...normalizer.stats, ...counts } };
}
