import { writeBookArrow, writeTradeArrow } from './arrow.js';
import { checkTableEpochs } from './epoch.js';
import { binanceReplayNotes, replayBinanceCapture } from './binanceCapture.js';
import { cryptofeedOkxNotes, replayCryptofeedOkx } from './cryptofeedOkx.js';
import { writeBookCsv, writeTradeCsv } from './csv.js';
import { detectFormat, readTableFile, type FileFormat } from './files.js';
import { replayRecorderRaw } from './recorderRaw.js';
import { sampleBookEvery } from './sampling.js';
import type { Table } from './tables.js';

/** Every table a file holds: one for table formats, per instrument book and trades for raw captures. */
export interface LoadedTables {
  readonly format: FileFormat;
  readonly tables: readonly Table[];
  /** Integrity notes from capture replays (checksums verified, gaps), one line each. */
  readonly notes: readonly string[];
}

/**
 * Loads any supported file; raw captures are replayed with books sampled to `depth` levels at each change,
 * or, with `everyMs`, every book (of any format) sampled on that fixed grid by previous tick.
 */
export async function loadTables(path: string, depth = 5, options: { everyMs?: number } = {}): Promise<LoadedTables> {
  const loaded = await loadTablesAtEachChange(path, depth);
  // table files check their time columns as they read them; replayed captures are checked here (row numbers)
  for (const table of loaded.tables) checkTableEpochs(path, table);
  const everyMs = options.everyMs;
  if (everyMs === undefined) return loaded;
  return {
    ...loaded,
    tables: loaded.tables.map((t) => (t.kind === 'book' ? sampleBookEvery(t, everyMs) : t)),
    notes: [...loaded.notes, `books sampled every ${everyMs} ms (previous tick)`],
  };
}

async function loadTablesAtEachChange(path: string, depth: number): Promise<LoadedTables> {
  const format = detectFormat(path);
  if (format === 'okx-cryptofeed-capture') {
    const replay = await replayCryptofeedOkx(path, depth);
    const tables: Table[] = [];
    for (const { book, trades } of replay.instruments.values()) {
      if (book) tables.push(book);
      if (trades) tables.push(trades);
    }
    return { format, tables, notes: cryptofeedOkxNotes(replay) };
  }
  if (format === 'binance-hftbacktest-capture') {
    const replay = await replayBinanceCapture(path, depth);
    return { format, tables: [replay.book, replay.trades], notes: binanceReplayNotes(replay) };
  }
  if (format === 'asmm-recorder-raw') {
    const replay = await replayRecorderRaw(path, depth);
    const s = replay.stats;
    const tables: Table[] = replay.books.map((b) => b.book);
    for (const { trades } of replay.instruments.values()) if (trades) tables.push(trades);
    const shownGaps = replay.gaps.slice(0, 20).map((g) => `gap ${g.inst} ${g.channel} ${new Date(g.from_local_ts_ms).toISOString()} .. ${new Date(g.to_local_ts_ms).toISOString()} (${g.to_local_ts_ms - g.from_local_ts_ms} ms): ${g.reason}`);
    return {
      format,
      tables,
      notes: [
        `${replay.files.length} raw file(s), ${s.connections} connection(s), ${s.framesReceived} frames received, ${s.malformedFrames} malformed, ${s.checksumsVerified} checksums verified, ${s.checksumMismatches} mismatches, ${s.duplicateTrades} duplicate trades dropped, ${replay.gaps.length} gap record(s)`,
        ...shownGaps,
        ...(replay.gaps.length > shownGaps.length ? [`… ${replay.gaps.length - shownGaps.length} more gap records`] : []),
        // sessions, abrupt ends (killed recorder), cut lines and masked time per table (the masks are on the tables)
        ...replay.notes,
      ],
    };
  }
  return { format, tables: [readTableFile(path)], notes: [] };
}

/** File name for a table when a conversion writes several into a directory. */
export function tableFileName(table: Table, extension: 'arrow' | 'csv'): string {
  const instrument = (table.meta.instrument ?? 'table').replace(/[^A-Za-z0-9._-]/g, '_');
  const channel = table.kind === 'book' ? (table.meta.extra?.channel ?? 'books').replace(/[^A-Za-z0-9._-]/g, '_') : 'trades';
  return `${instrument}.${channel}.${extension}`;
}

/** Writes a table in one of the project's formats. */
export function writeTable(path: string, table: Table, format: 'arrow' | 'csv'): void {
  if (table.kind === 'book') (format === 'arrow' ? writeBookArrow : writeBookCsv)(path, table);
  else (format === 'arrow' ? writeTradeArrow : writeTradeCsv)(path, table);
}
