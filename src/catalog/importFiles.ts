import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mergeMasks } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { loadTables } from '../formats/loadAny.js';
import { isOkxBooksContent, openOkxBooks } from '../formats/okxHistoryBooks.js';
import { probeFile } from '../formats/format.js';
import { BOOK_DELTA_COLUMNS, DEFAULT_TOP_LEVELS } from './schema.js';
import type { CatalogWriter, PartWritten } from './writer.js';

/** What one import did: parts written per file and the loaders' notes (nothing dropped silently). */
export interface ImportReport {
  readonly file: string;
  readonly format: string;
  readonly parts: readonly PartWritten[];
  readonly notes: readonly string[];
}

/**
 * Imports a file, or every file of a folder (a folder of `asmm record` segments is one recording), into the
 * catalog: OKX history book files stream into `book_deltas` and `book_top` day by day; every other format asmm
 * reads loads through `loadTables` into `book_top`, `trades` and `gaps` (the tables' masks).
 */
export async function importIntoCatalog(writer: CatalogWriter, path: string, options: { venue: string; inst?: string; levels?: number; replace?: boolean; spillValues?: number }): Promise<ImportReport[]> {
  const isRecording = statSync(path).isDirectory() && readdirSync(path).some((f) => f.endsWith('.raw.ndjson'));
  if (statSync(path).isDirectory() && !isRecording) {
    const out: ImportReport[] = [];
    for (const f of readdirSync(path).sort()) if (!f.startsWith('.')) out.push(...(await importIntoCatalog(writer, join(path, f), options)));
    return out;
  }
  const levels = options.levels ?? DEFAULT_TOP_LEVELS;
  if (!isRecording && isOkxBooksContent(probeFile(path))) return [await importOkxBooks(writer, path, options.venue, levels, options)];
  const loaded = await loadTables(path, levels);
  const parts: PartWritten[] = [];
  let instrument = options.inst;
  for (const table of loaded.tables) {
    const inst = options.inst ?? table.meta.instrument;
    instrument ??= inst;
    if (table.kind === 'book') parts.push(...(await writer.writeBookTop(options.venue, table as BookTable, inst, { levels, replace: options.replace })));
    else parts.push(...(await writer.writeTrades(options.venue, table as TradeTable, inst, { replace: options.replace })));
  }
  const masks = mergeMasks(...loaded.tables.map((t) => t.masked));
  if (instrument && masks.length) parts.push(...(await writer.writeGaps(options.venue, instrument, masks, { replace: options.replace })));
  const book = loaded.tables.find((t) => t.kind === 'book');
  if (instrument) writer.writeInstrument({ venue: options.venue, instrument, tickSize: book?.meta.tickSize, lotSize: book?.meta.lotSize, source: path });
  return [{ file: path, format: loaded.format, parts, notes: loaded.notes }];
}

async function importOkxBooks(writer: CatalogWriter, path: string, venue: string, levels: number, options: { inst?: string; replace?: boolean; spillValues?: number }): Promise<ImportReport> {
  const stream = await openOkxBooks(path, { topLevels: levels, ...(options.inst ? { inst: options.inst } : {}) });
  let deltas: Awaited<ReturnType<CatalogWriter['openStream']>> | undefined;
  let top: Awaited<ReturnType<CatalogWriter['openStream']>> | undefined;
  let inst = options.inst;
  for await (const batch of stream) {
    inst ??= batch.top?.meta.instrument;
    if (!inst) throw new Error(`${path}: no instrument (give --inst)`);
    deltas ??= await writer.openStream(venue, inst, 'book_deltas', BOOK_DELTA_COLUMNS.filter((c) => c !== 'local_ts_ms'), options);
    await deltas.append([batch.tsMs, Float64Array.from(batch.side), batch.px, batch.qty, Float64Array.from(batch.flags, (f) => f & 3)]);
    if (batch.top && batch.top.tsMs.length) {
      const names = ['ts_ms'];
      const cols: ArrayLike<number>[] = [batch.top.tsMs];
      for (const [f, lv] of [['bid_px', batch.top.bidPx], ['bid_sz', batch.top.bidSz], ['ask_px', batch.top.askPx], ['ask_sz', batch.top.askSz]] as const) {
        lv.forEach((c, i) => {
          names.push(`${f}_${i + 1}`);
          cols.push(c);
        });
      }
      top ??= await writer.openStream(venue, inst, 'book_top', names, options);
      await top.append(cols);
    }
  }
  const parts = [...((await deltas?.close()) ?? []), ...((await top?.close()) ?? [])];
  const summary = stream.summary();
  if (inst) writer.writeInstrument({ venue, instrument: inst, source: path });
  return { file: path, format: 'okx-history-books', parts, notes: [JSON.stringify(summary).slice(0, 400)] };
}
