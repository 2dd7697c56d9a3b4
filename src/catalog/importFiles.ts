import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dropDuplicateTrades } from '../data/duplicateTrades.js';
import { contractKind } from '../data/contracts.js';
import { mergeMasks, type MaskedInterval } from '../data/masks.js';
import { inferTickSize } from '../data/quality.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { detectFormat, loadTables } from '../formats/loadAny.js';
import { binanceReplayNotes, replayBinanceCapture } from '../formats/binanceCapture.js';
import { isOkxBooksContent, openOkxBooks } from '../formats/okxHistoryBooks.js';
import { probeFile, type FileFormat } from '../formats/format.js';
import { TARDIS_EXCHANGE_KEY } from '../formats/tardisCsv.js';
import { binanceVenue, FORMAT_VENUES, tardisVenue } from '../formats/venues.js';
import { readSampleParams, SAMPLE_FILES, SAMPLE_VENUE } from '../sample/files.js';
import { BOOK_DELTA_COLUMNS, CatalogError, DEFAULT_TOP_LEVELS, isCatalogFolderName, DELTA_FLAG_SNAPSHOT, DELTA_FLAG_SNAPSHOT_START, type CatalogGap, type InstrumentMeta } from './schema.js';
import type { CatalogWriter, PartWritten, WriteOptions } from './writer.js';

/** What one import did: parts written per file and the loaders' notes (nothing dropped silently). */
export interface ImportReport {
  readonly file: string;
  /** The format read, or `skipped` for a file of a folder left out (its note says why). */
  readonly format: string;
  readonly parts: readonly PartWritten[];
  readonly notes: readonly string[];
  /** A folder not read (format `not read`): how many files it holds, its sub-folders' included. */
  readonly files?: number;
  /** The venue the file went under (absent for a file skipped or not read). */
  readonly venue?: string;
  /** How the venue was decided: `--venue`, or what in the data or the folder names it. */
  readonly venueFrom?: string;
}

/** A catalog venue and how it was decided (said in the import's output). */
export interface Venue {
  readonly venue: string;
  readonly from: string;
}

export interface ImportOptions {
  /**
   * The catalog venue (`--venue`), for every file. Absent: each file's own, where its data names it
   * (`FORMAT_VENUES`: `okx` for OKX's formats, `binance` or `binance-futures` for a Binance capture, a Tardis
   * file's `exchange` column), else `sample` for an asmm sample folder's files; a file of a format that names
   * no venue (asmm CSV and Arrow, the reference CSV) is refused with a CatalogError naming it, before anything
   * is read (in a folder: before any file is imported).
   */
  readonly venue?: string;
  /**
   * The instrument (default: the file's own, else an asmm sample folder's params.json). In a file of several
   * instruments it selects one (the others are left out and named in the notes); in a file of one it names it.
   */
  readonly inst?: string;
  readonly levels?: number;
  readonly replace?: boolean;
  readonly spillValues?: number;
  /** Base currency per contract (OKX `ctVal`), written into instrument.json; swaps and futures need it. */
  readonly contractValue?: number;
  /**
   * A folder's import: told each file's report as it is done (`index` from 0 among `total` files to read; the
   * files of sub-folders count each, in the order they are read).
   */
  readonly onFile?: (report: ImportReport, index: number, total: number) => void;
  /** Within a folder's import: the files read so far and to read, shared with its sub-folders' imports (set by importIntoCatalog). */
  readonly progress?: { done: number; readonly total: number };
  /** A folder's import: asked before each file; true stops there (the files done stay imported). */
  readonly stopRequested?: () => boolean;
  /** The venue of the files whose data names none, given by their folder (an asmm sample folder's; set by importIntoCatalog). */
  readonly folderVenue?: Venue;
}

/** Download and write leftovers in a folder: not data to import. */
const LEFTOVER = /\.(partial|bad|tmp)$/;
/** Preference among files of one stem holding the same table in several formats (asmm sample writes CSV and Arrow). */
const FORMAT_PREFERENCE = ['.arrow', '.csv', '.csv.gz'];
const stemOf = (name: string) => name.replace(/\.(csv\.gz|csv|arrow|gz)$/, '');
const extensionRank = (name: string) => {
  const i = FORMAT_PREFERENCE.findIndex((ext) => name.endsWith(ext));
  return i < 0 ? FORMAT_PREFERENCE.length : i;
};

/**
 * What of a folder to import: every entry asmm reads (sub-folders too), one file per stem when the same table is
 * there in several formats (Arrow before CSV), and a `skipped` report naming each file left out and why.
 */
export function planFolderImport(dir: string): { paths: string[]; skipped: ImportReport[] } {
  const skipped: ImportReport[] = [];
  const skip = (name: string, why: string) => skipped.push({ file: join(dir, name), format: 'skipped', parts: [], notes: [`skipped: ${why}`] });
  const candidates: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (LEFTOVER.test(name)) skip(name, 'a download or write leftover (.partial, .bad, .tmp), not data');
    else if (statSync(path).isDirectory()) candidates.push(name);
    else if (statSync(path).size === 0) skip(name, 'empty file');
    else if (name === SAMPLE_FILES.params || detectFormat(path) === 'unknown') skip(name, 'not a data format asmm reads');
    else candidates.push(name);
  }
  const byStem = new Map<string, string[]>();
  for (const name of candidates) byStem.set(stemOf(name), [...(byStem.get(stemOf(name)) ?? []), name]);
  const paths: string[] = [];
  for (const names of byStem.values()) {
    const [kept, ...others] = [...names].sort((a, b) => extensionRank(a) - extensionRank(b));
    paths.push(join(dir, kept));
    for (const other of others) skip(other, `the same table as ${kept} in another format (one copy is imported)`);
  }
  return { paths: paths.sort(), skipped };
}

interface SampleFolder {
  readonly instrument: string;
  readonly tickSize?: number;
  readonly lotSize?: number;
  /** Its params.json. */
  readonly params: string;
}

/** The instrument, tick and lot of an asmm sample folder (its params.json), when the folder is one. */
function sampleFolderInstrument(dir: string): SampleFolder | undefined {
  try {
    const p = readSampleParams(dir);
    return p && typeof p.instrument === 'string' ? { instrument: p.instrument, tickSize: p.tickSize, lotSize: p.lotSize, params: join(dir, SAMPLE_FILES.params) } : undefined;
  } catch {
    return undefined; // a params.json that is not the sample's: the folder is imported as any other
  }
}

/** The data files `asmm sample` writes (books and trades, CSV and Arrow). */
const SAMPLE_DATA_FILES: ReadonlySet<string> = new Set([SAMPLE_FILES.booksCsv, SAMPLE_FILES.tradesCsv, SAMPLE_FILES.booksArrow, SAMPLE_FILES.tradesArrow]);

/** The asmm sample `path` is (a sample folder) or is a data file of (`books.arrow` beside its params.json). */
function sampleOf(path: string): SampleFolder | undefined {
  if (statSync(path).isDirectory()) return sampleFolderInstrument(path);
  return SAMPLE_DATA_FILES.has(basename(path)) ? sampleFolderInstrument(dirname(path)) : undefined;
}

/**
 * The venue of a file (see `ImportOptions.venue`): `--venue`; else what the format fixes; else `decided`, what
 * the data read says (a Binance capture's market, a Tardis file's exchange column); else the folder's; else a
 * CatalogError naming the file (`why`: what the data lacked).
 */
function venueOf(path: string, format: FileFormat, options: ImportOptions, decided?: Venue, why?: string): Venue {
  if (options.venue !== undefined) return { venue: options.venue, from: 'given (--venue)' };
  const rule = format === 'unknown' ? undefined : FORMAT_VENUES[format];
  if (rule?.kind === 'fixed') return { venue: rule.venue, from: `the data: ${rule.why}` };
  if (decided) return decided;
  if (options.folderVenue) return options.folderVenue;
  throw new CatalogError(noVenueMessage([path], why ?? `a file of format ${format}, which names no venue`, 'the file was not imported'));
}

function noVenueMessage(paths: readonly string[], why: string, outcome: string): string {
  const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
  return `${shown}: ${why}: give --venue (e.g. --venue okx), the folder it goes under in the catalog (<catalog>/<venue>/<instrument>); ${outcome}`;
}

/** Whether a format names no venue: its files need --venue (or an asmm sample folder around them). */
const namesNoVenue = (format: FileFormat) => format !== 'unknown' && FORMAT_VENUES[format].kind === 'none';

/**
 * The files of a folder import that would be refused for want of a venue (formats that name none, outside an
 * asmm sample folder, without --venue), checked before any file is imported.
 */
function filesWithoutVenue(path: string, options: ImportOptions): string[] {
  if (options.venue !== undefined || options.folderVenue !== undefined) return [];
  if (!importsFileByFile(path)) return namesNoVenue(detectFormat(path)) && !sampleOf(path) ? [path] : [];
  if (sampleFolderInstrument(path)) return [];
  return planFolderImport(path).paths.flatMap((p) => filesWithoutVenue(p, options));
}

/** Swaps and futures trade in contracts: their size means nothing in base currency without the contract value. */
const isDerivative = (instrument: string) => /-(SWAP|FUTURES|\d{6})$/.test(instrument);
const contractNote = (instrument: string) =>
  `${instrument}: contract value unknown, sizes stay in contracts (give --contract-value, OKX's ctVal from /api/v5/public/instruments, e.g. 0.01 BTC for BTC-USDT-SWAP)`;

/** How many files (or recordings) `importIntoCatalog` reads from a path: 1, or a folder's, its sub-folders' included. */
function filesToImport(path: string): number {
  if (!importsFileByFile(path)) return 1;
  return planFolderImport(path).paths.reduce((n, p) => n + filesToImport(p), 0);
}

/** Whether `importIntoCatalog` reads this path file by file (a folder that is not an asmm recording). */
export function importsFileByFile(path: string): boolean {
  return statSync(path).isDirectory() && !readdirSync(path).some((f) => f.endsWith('.raw.ndjson'));
}

/**
 * Imports a file, or every file of a folder (a folder of `asmm record` segments is one recording), into the
 * catalog: OKX history book files stream into `book_deltas` and `book_top` day by day; every other format asmm
 * reads loads through `loadTables` into `book_top`, `trades` and `gaps` (the tables' masks). In a folder, files
 * that are no data (params.json, .partial leftovers) and second copies of a table in another format are skipped,
 * each named in a `skipped` report; an asmm sample folder's params.json gives the instrument, tick and lot.
 */
export async function importIntoCatalog(writer: CatalogWriter, path: string, options: ImportOptions): Promise<ImportReport[]> {
  const isRecording = statSync(path).isDirectory() && !importsFileByFile(path);
  // an asmm sample folder, or one of its data files: venue `sample` (as `asmm sample --catalog` writes) for
  // what names no venue of its own, and, without --inst, its instrument, tick and lot
  const sampleFolder = options.folderVenue === undefined ? sampleOf(path) : undefined;
  const sample = options.inst === undefined ? sampleFolder : undefined;
  if (sampleFolder) {
    const folderVenue = { venue: SAMPLE_VENUE, from: `the asmm sample folder (${sampleFolder.params}), as asmm sample --catalog files it` };
    options = { ...options, folderVenue, ...(sample ? { inst: sample.instrument } : {}) };
  }
  const withSample = (r: ImportReport): ImportReport => (sample && r.format !== 'skipped' && r.format !== 'not read' ? { ...r, notes: [...r.notes, `instrument ${sample.instrument} from ${sample.params}`] } : r);
  // (what the merge with the catalog's instrument.json kept or chose goes with the first report that wrote parts)
  const sampleInstrument = (reports: ImportReport[]) => {
    const at = reports.findIndex((r) => r.parts.length > 0);
    const venue = reports[at]?.venue;
    if (!sample || venue === undefined) return;
    const notes: string[] = [];
    writer.writeInstrument({ venue, instrument: sample.instrument, tickSize: sample.tickSize, lotSize: sample.lotSize, source: path }, { replace: options.replace, notes });
    if (notes.length > 0) reports[at] = { ...reports[at], notes: [...reports[at].notes, ...notes] };
  };
  if (importsFileByFile(path)) {
    const venueless = filesWithoutVenue(path, options);
    if (venueless.length > 0) throw new CatalogError(noVenueMessage(venueless, `${venueless.length === 1 ? 'a file' : `${venueless.length} files`} of a format that names no venue (asmm CSV or Arrow, reference CSV)`, `no file of ${path} was imported`));
    // the sample's tick and lot go into instrument.json once its files are in (each committed on its own): a
    // conflict with the catalog's is refused before any of them is imported, not after, with the files kept
    if (sample) {
      try {
        writer.mergedInstrument({ venue: options.venue ?? SAMPLE_VENUE, instrument: sample.instrument, tickSize: sample.tickSize, lotSize: sample.lotSize }, options.replace);
      } catch (error) {
        if (error instanceof CatalogError) error.message += ` (the tick and lot of ${sample.params}); no file of ${path} was imported`;
        throw error;
      }
    }
    const { paths, skipped } = planFolderImport(path);
    const out: ImportReport[] = [...skipped];
    const { onFile, progress: given, ...fileOptions } = options;
    // one count over the folder and its sub-folders, so that [i/n] runs once through every file
    const progress = given ?? (onFile ? { done: 0, total: filesToImport(path) } : undefined);
    for (const [index, p] of paths.entries()) {
      if (options.stopRequested?.()) {
        for (const left of paths.slice(index)) {
          const files = filesToImport(left);
          out.push({ file: left, format: 'not read', parts: [], notes: [`not imported: the import was stopped before it (Ctrl-C)${files === 1 ? '' : `: ${files} files`}`], files });
        }
        break;
      }
      if (importsFileByFile(p)) {
        // a sub-folder tells its own files as they are done
        const reports = await importIntoCatalog(writer, p, { ...fileOptions, onFile: onFile && ((r, i, n) => onFile(withSample(r), i, n)), progress });
        out.push(...reports.map(withSample));
        continue;
      }
      const told = (await importIntoCatalog(writer, p, fileOptions)).map(withSample);
      out.push(...told);
      if (progress) {
        progress.done++;
        for (const r of told) onFile?.(r, progress.done - 1, progress.total);
      }
    }
    sampleInstrument(out);
    return out;
  }
  // a file is imported whole or not at all: what it installed before an error (a day refused as already in the
  // catalog, a bad row) is taken out again, and the error says so
  writer.beginUndoable();
  try {
    const reports = (await importFile(writer, path, options, isRecording)).map(withSample);
    sampleInstrument(reports);
    writer.commit();
    return reports;
  } catch (error) {
    const undone = undoneText(writer.undo(), path);
    if (error instanceof Error && undone) error.message += undone;
    throw error;
  }
}

/**
 * What an import that failed part way says of the writes it took back (`CatalogWriter.undo`): the parts taken
 * out, any that could not be, and the days it had replaced (those keep its rows); empty when it had written
 * nothing. `what`: the file, or the run.
 */
export function undoneText(undone: { removed: readonly string[]; notRemoved: readonly string[]; replacedDays: readonly string[] }, what: string): string {
  const { removed, notRemoved, replacedDays } = undone;
  const none = replacedDays.length === 0 && notRemoved.length === 0;
  const took = removed.length > 0 ? `; ${none ? `nothing of ${what} was kept: ` : ''}the ${removed.length} part file(s) it had added were taken out again (${removed.join(', ')})` : '';
  const failed = notRemoved.length > 0 ? `; ${notRemoved.length} file(s) it had written could not be taken out (or put back as they were), mend them by hand (${notRemoved.join('; ')})` : '';
  const stay = replacedDays.length > 0 ? `; the days it had replaced keep its rows (${replacedDays.join(', ')})` : '';
  return `${took}${failed}${stay}`;
}

/** One file (or recording) of `importIntoCatalog`. */
async function importFile(writer: CatalogWriter, path: string, options: ImportOptions, isRecording: boolean): Promise<ImportReport[]> {
  const levels = options.levels ?? DEFAULT_TOP_LEVELS;
  const format = detectFormat(path);
  // a format that names no venue: refused before it is read
  if (namesNoVenue(format)) venueOf(path, format, options);
  if (!isRecording && isOkxBooksContent(probeFile(path))) return [await importOkxBooks(writer, path, venueOf(path, 'okx-history-books', options), levels, options)];
  if (!isRecording && format === 'binance-hftbacktest-capture') return [await importBinanceCapture(writer, path, levels, options)];
  const loaded = await loadTables(path, levels);
  // (a Tardis table's exchange column; other formats' tables are not asked, an Arrow file converted from a
  // Tardis file included: its venue is what --venue says)
  const fromExchange = loaded.format !== 'unknown' && FORMAT_VENUES[loaded.format].kind === 'tardis-exchange';
  const exchange = fromExchange ? loaded.tables[0]?.meta.extra?.[TARDIS_EXCHANGE_KEY] : undefined;
  const exchangeVenue = exchange === undefined ? undefined : tardisVenue(exchange);
  const { venue, from } = venueOf(
    path,
    loaded.format,
    options,
    exchangeVenue && isCatalogFolderName(exchangeVenue) ? { venue: exchangeVenue, from: `the data: the Tardis exchange column, "${exchange}"` } : undefined,
    exchange === undefined ? undefined : exchange === '' ? 'the Tardis exchange column is empty' : `the Tardis exchange column, "${exchange}", is no folder name`,
  );
  const parts: PartWritten[] = [];
  const notes = [...loaded.notes];
  // --inst on a file of several instruments (a cryptofeed capture, a recording) selects one, as convert, estimate
  // and backtest do; on a file of one instrument, or of none named, it names it
  const named = [...new Set(loaded.tables.map((t) => t.meta.instrument).filter((i): i is string => i !== undefined))];
  let tables = loaded.tables;
  if (options.inst !== undefined && named.length > 1) {
    if (!named.includes(options.inst)) throw new CatalogError(`${path} holds the instruments ${named.join(', ')}, not ${options.inst}: --inst selects one of them`);
    tables = tables.filter((t) => t.meta.instrument === options.inst);
    notes.push(`--inst ${options.inst}: the file's other instruments (${named.filter((i) => i !== options.inst).join(', ')}) were not imported`);
  }
  // each instrument's tables (a capture holds several): its rows, its own gaps and its own metadata
  const byInstrument = new Map<string | undefined, typeof loaded.tables[number][]>();
  for (const table of tables) {
    const inst = options.inst ?? table.meta.instrument;
    byInstrument.set(inst, [...(byInstrument.get(inst) ?? []), table]);
    if (table.kind === 'book') parts.push(...(await writer.writeBookTop(venue, table as BookTable, inst, { levels, replace: options.replace })));
    else parts.push(...(await writer.writeTrades(venue, withoutRepeatedTrades(table as TradeTable, notes), inst, { replace: options.replace })));
  }
  for (const [instrument, tables] of byInstrument) {
    if (!instrument) continue;
    // each mask with the table it masks (a trades channel's recorder gap masks the trades, not the book)
    const masks = [...gapsOf(tables.filter((t) => t.kind === 'book'), 'book'), ...gapsOf(tables.filter((t) => t.kind !== 'book'), 'trades')];
    if (masks.length || options.replace) parts.push(...(await writer.writeGaps(venue, instrument, masks, gapOptions(options, ...tables.map((t) => t.tsMs)))));
    const book = tables.find((t) => t.kind === 'book');
    writeInstrument(writer, { venue, instrument, tickSize: book?.meta.tickSize, lotSize: book?.meta.lotSize, source: path }, options, notes);
  }
  return [{ file: path, format: loaded.format, parts, notes, venue, venueFrom: from }];
}

/**
 * An hftbacktest Binance capture: its top-N rows, trades and masks as any format, and its level changes (every
 * depth, with the local receive stamps) into `book_deltas`, so that a full-depth replay reads them back from
 * the catalog. A REST snapshot is a marker row (side 0, flags snapshot start) that clears the book, its levels
 * the rows after it.
 */
async function importBinanceCapture(writer: CatalogWriter, path: string, levels: number, options: ImportOptions): Promise<ImportReport> {
  const capture = await replayBinanceCapture(path, levels, { native: true });
  const { market } = capture.stats;
  const { venue, from } = venueOf(path, 'binance-hftbacktest-capture', options, { venue: binanceVenue(market), from: `the data: a Binance ${market} capture${market === 'futures' ? ' (its depth diffs carry pu)' : ' (its depth diffs carry no pu)'}` });
  const inst = options.inst ?? capture.book.meta.instrument;
  if (!inst) throw new Error(`${path}: no instrument (give --inst)`);
  const parts: PartWritten[] = [];
  parts.push(...(await writer.writeBookTop(venue, capture.book, inst, { levels, replace: options.replace })));
  const repeatNotes: string[] = [];
  parts.push(...(await writer.writeTrades(venue, withoutRepeatedTrades(capture.trades, repeatNotes), inst, { replace: options.replace })));
  const n = capture.native!;
  const flags = new Uint8Array(n.side.length);
  for (let r = 0; r < flags.length; r++) if (n.side[r] === 0) flags[r] = DELTA_FLAG_SNAPSHOT | DELTA_FLAG_SNAPSHOT_START;
  const deltas = await writer.openStream(venue, inst, 'book_deltas', BOOK_DELTA_COLUMNS.filter((c) => c !== 'orders'), options);
  await deltas.append([n.tsMs, n.localTsMs, n.side, n.px, n.qty, flags]);
  parts.push(...(await deltas.close()));
  const masks = [...gapsOf([capture.book], 'book'), ...gapsOf([capture.trades], 'trades')];
  if (masks.length || options.replace) parts.push(...(await writer.writeGaps(venue, inst, masks, gapOptions(options, capture.book.tsMs, capture.trades.tsMs, n.tsMs))));
  const tickSize = capture.book.meta.tickSize ?? inferTickSize(capture.book);
  const notes = [...repeatNotes, ...binanceReplayNotes(capture), `${n.tsMs.length} level changes (every depth, local receive stamps) into book_deltas, ${capture.book.tsMs.length} top-${levels} rows, ${capture.trades.tsMs.length} trades`];
  writeInstrument(writer, { venue, instrument: inst, tickSize, ...(capture.book.meta.lotSize !== undefined ? { lotSize: capture.book.meta.lotSize } : {}), ...(capture.book.meta.tickSize === undefined ? { inferred: ['tickSize'] } : {}), source: path }, options, notes);
  return { file: path, format: 'binance-hftbacktest-capture', parts, notes, venue, venueFrom: from };
}

/**
 * How a file's gaps are written: with `--replace`, the old gaps within the file's time span (its tables' first to
 * last time) are replaced too, so that a re-import that finds fewer gaps (a clean re-download) does not keep
 * the old ones masking good data.
 */
function gapOptions(options: ImportOptions, ...times: ArrayLike<number>[]): WriteOptions {
  if (!options.replace) return {};
  let from = Infinity;
  let to = -Infinity;
  for (const t of times) {
    if (t.length === 0) continue;
    from = Math.min(from, t[0]);
    to = Math.max(to, t[t.length - 1]);
  }
  return from <= to ? { replace: true, replaceWithin: [from, to] } : { replace: true };
}

/** The tables' masks, merged, as gaps of `appliesTo` (the `gaps` table's applies_to). */
function gapsOf(tables: ReadonlyArray<{ readonly masked?: readonly MaskedInterval[] }>, appliesTo: 'book' | 'trades'): CatalogGap[] {
  return mergeMasks(...tables.map((t) => t.masked ?? [])).map((m) => ({ ...m, appliesTo }));
}

/**
 * Writes the instrument's metadata with the given `--contract-value`, merged with the catalog's
 * (`CatalogWriter.writeInstrument`: what this file does not state is kept; a stated value that differs is
 * refused unless --replace); a note when a derivative's contract value is still unknown. An inverse contract has
 * no contract value in base currency (OKX's ctVal of `BTC-USD-220527` is 100 USD): `--contract-value` is refused
 * there, and the note says its sizes stay in contracts.
 */
function writeInstrument(writer: CatalogWriter, meta: InstrumentMeta, options: ImportOptions, notes: string[]): void {
  if (contractKind(meta.instrument) === 'inverse') {
    if (options.contractValue !== undefined) {
      throw new CatalogError(
        `--contract-value: ${meta.instrument} is an inverse contract: its contract value (OKX's ctVal, ctValCcy USD) is a face value in USD, not base currency per contract, so sizes times it are no base-currency sizes; import it without --contract-value`,
      );
    }
    notes.push(`${meta.instrument}: an inverse contract: sizes stay in contracts of a face value in USD (OKX's ctVal), not base currency; backtest and calibrate refuse it`);
    writer.writeInstrument(meta, { replace: options.replace, notes });
    return;
  }
  const given = options.contractValue !== undefined ? { contractValue: options.contractValue } : {};
  const merged = writer.writeInstrument({ ...meta, ...given }, { replace: options.replace, notes });
  if (merged.contractValue === undefined && isDerivative(meta.instrument)) notes.push(contractNote(meta.instrument));
}

async function importOkxBooks(writer: CatalogWriter, path: string, { venue, from }: Venue, levels: number, options: ImportOptions): Promise<ImportReport> {
  const stream = await openOkxBooks(path, { topLevels: levels, ...(options.inst ? { inst: options.inst } : {}) });
  let deltas: Awaited<ReturnType<CatalogWriter['openStream']>> | undefined;
  let top: Awaited<ReturnType<CatalogWriter['openStream']>> | undefined;
  let inst = options.inst;
  // the tick is not in OKX's history files: the smallest price step seen between levels (an upper bound of it)
  let tick = Infinity;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let marksRoom = new Uint8Array(0);
  for await (const batch of stream) {
    if (batch.length > 0) {
      firstMs = Math.min(firstMs, batch.tsMs[0]);
      lastMs = Math.max(lastMs, batch.tsMs[batch.length - 1]);
    }
    inst ??= batch.top?.meta.instrument;
    if (!inst) throw new Error(`${path}: no instrument (give --inst)`);
    deltas ??= await writer.openStream(venue, inst, 'book_deltas', BOOK_DELTA_COLUMNS.filter((c) => c !== 'local_ts_ms'), options);
    // the snapshot markers (flags bits 0-1), a byte each as the side (TINYINT and UTINYINT columns)
    if (marksRoom.length < batch.length) marksRoom = new Uint8Array(batch.length);
    const marks = marksRoom.subarray(0, batch.length);
    const flags = batch.flags;
    for (let r = 0; r < marks.length; r++) marks[r] = flags[r] & 3;
    await deltas.append([batch.tsMs, batch.side, batch.px, batch.qty, marks, batch.orders]);
    if (batch.top && batch.top.tsMs.length) {
      const step = inferTickSize(batch.top);
      if (step < tick) tick = step;
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
    // the writer has copied the rows: the batch's arrays (and `marks`) can take the next rows
    stream.recycle(batch);
  }
  const parts = [...((await deltas?.close()) ?? []), ...((await top?.close()) ?? [])];
  const summary = stream.summary();
  const notes = [...summary.notes];
  if (inst) {
    // what the rebuilt book cannot vouch for (before the first snapshot, a snapshot that disagreed, crossed) is a gap
    parts.push(...(await writer.writeGaps(venue, inst, gapsOf([{ masked: summary.masked }], 'book'), gapOptions(options, firstMs <= lastMs ? [firstMs, lastMs] : []))));
    const tickSize = Number.isFinite(tick) ? tick : undefined;
    if (tickSize !== undefined) notes.push(`tick ${tickSize} inferred: the smallest price step between levels seen (OKX's history files carry no tick)`);
    writeInstrument(writer, { venue, instrument: inst, ...(tickSize !== undefined ? { tickSize, inferred: ['tickSize'] } : {}), source: path }, options, notes);
  }
  return { file: path, format: 'okx-history-books', parts, notes, venue, venueFrom: from };
}

/**
 * Trades without rows recorded twice (`dropDuplicateTrades`), so that the catalog holds each trade once (a
 * backtest over it would fill on a repeat's volume twice); a WARNING note (the file is named with the notes) gives the count.
 */
function withoutRepeatedTrades(trades: TradeTable, notes: string[]): TradeTable {
  const d = dropDuplicateTrades(trades);
  if (d.dropped > 0) notes.push(`WARNING ${d.dropped} of ${trades.tsMs.length} trades repeat an earlier row (the same id, time, side, price and size: recorded twice) and were not imported (the first: trade row ${d.firstRow + 1}, id ${trades.id[d.firstRow]})`);
  if (d.conflicting > 0) notes.push(`WARNING ${d.conflicting} trades share an earlier trade's id with another time, side, price or size; imported as they are`);
  return d.trades;
}
