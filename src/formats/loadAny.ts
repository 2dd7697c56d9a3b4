import { checkTableEpochs } from '../data/epoch.js';
import { DataError } from '../data/errors.js';
import { contentHead } from '../data/gzip.js';
import { formatDurationMs, maskedDurationMs } from '../data/masks.js';
import { sampleBookWithHoles } from '../data/sampling.js';
import { DEFAULT_MAX_STALENESS_MS } from '../data/validate.js';
import type { BookTable, Table, TradeTable } from '../data/tables.js';
import { probeFile, type FileFormat, type TableReadOptions } from './format.js';
import { formatNamed, FORMATS } from './registry.js';

/** Every table a file holds: one for table formats, per instrument book and trades for raw captures. */
export interface LoadedTables {
  readonly format: FileFormat;
  readonly tables: readonly Table[];
  /** Integrity notes from capture replays (checksums verified, gaps), one line each. */
  readonly notes: readonly string[];
}

/**
 * Detects a file's format from its first bytes (Arrow magic), its CSV header or its first record, by content
 * only: a gzip file (magic bytes, whatever its name) is recognised by the start of what it decompresses to, so
 * a `.csv.gz` of any CSV format reads as that format. A directory holding `asmm record` segments
 * (`*.raw.ndjson`) is one recording. The first format of the registry (`FORMATS`) whose `canHandle` accepts
 * the content is the file's.
 */
export function detectFormat(path: string): FileFormat {
  const probe = probeFile(path);
  if (probe.directoryEntries) {
    const format = FORMATS.find((f) => f.canHandle(probe));
    if (format) return format.name;
    throw new DataError(path, 0, '', 'is a directory, not a data file (nor a directory of asmm recordings)');
  }
  // Arrow IPC inside gzip is not a format asmm reads (Arrow has its own compression)
  if (probe.gzip && probe.head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'unknown';
  return FORMATS.find((f) => f.canHandle(probe))?.name ?? 'unknown';
}

/** Reads any supported table file, detecting its format and kind. */
export function readTableFile(path: string, options: TableReadOptions = {}): Table {
  const format = detectFormat(path);
  const entry = formatNamed(format);
  if (entry === undefined) {
    throw new DataError(path, 1, '', `unrecognised format${contentHead(path, 2).gzip ? ' (of the gzip content)' : ''}: expected an asmm book or trade CSV (header starting ts_ms), a Tardis or reference books5 CSV (any of them gzipped), an Arrow IPC file or a raw capture`);
  }
  if (entry.holds === 'capture') throw new DataError(path, 0, '', `${format} holds raw exchange messages: replay it with readCaptureTables (asmm convert/inspect do)`);
  return entry.read(path, options);
}

/** Reads a book table from any supported file. */
export function readBookFile(path: string): BookTable {
  const table = readTableFile(path);
  if (table.kind !== 'book') throw new DataError(path, 0, '', `expected a book table, found ${table.kind}`);
  return table;
}

/** Reads a trade table from any supported file. */
export function readTradeFile(path: string): TradeTable {
  const table = readTableFile(path);
  if (table.kind !== 'trades') throw new DataError(path, 0, '', `expected a trade table, found ${table.kind}`);
  return table;
}

/** Notes for the book tables holding fewer levels per side than `--depth N` asked for (all of theirs kept). */
export function shallowerThan(tables: readonly Table[], depth: number): string[] {
  return tables.filter((t): t is BookTable => t.kind === 'book' && (t as BookTable).depth < depth).map((b) => `--depth ${depth}: the book${b.meta.instrument ? ` of ${b.meta.instrument}` : ''} holds ${b.depth} levels per side (all kept)`);
}

/**
 * Loads any supported file; raw captures are replayed with books sampled to `depth` levels at each change,
 * or, with `everyMs`, every book (of any format) sampled on that fixed grid by previous tick. `levels`: the
 * book levels per side the caller reads (see TableReadOptions; table files may keep only these).
 */
export async function loadTables(path: string, depth = 5, options: { everyMs?: number } & TableReadOptions = {}): Promise<LoadedTables> {
  const loaded = await loadTablesAtEachChange(path, depth, { levels: options.levels, unkeptLevels: options.unkeptLevels });
  // table files check their time columns as they read them; replayed captures are checked here (row numbers)
  for (const table of loaded.tables) checkTableEpochs(path, table);
  const everyMs = options.everyMs;
  if (everyMs === undefined) return loaded;
  // each book's holes of more than the staleness limit are masked in the sampled book: one note per book with any
  const holeNotes: string[] = [];
  const tables = loaded.tables.map((t) => {
    if (t.kind !== 'book') return t;
    const { book, holes } = sampleBookWithHoles(t, everyMs);
    if (holes.length > 0) holeNotes.push(`${t.meta.instrument ?? 'the book'}: ${holes.length} hole${holes.length === 1 ? '' : 's'} with no row for more than ${formatDurationMs(DEFAULT_MAX_STALENESS_MS)}, ${formatDurationMs(maskedDurationMs(holes))} in all, masked in the sampled book (not carried through)`);
    return book;
  });
  return { ...loaded, tables, notes: [...loaded.notes, `books sampled every ${everyMs} ms (previous tick)`, ...holeNotes] };
}

async function loadTablesAtEachChange(path: string, depth: number, options: TableReadOptions): Promise<LoadedTables> {
  const format = detectFormat(path);
  const entry = formatNamed(format);
  if (entry?.holds === 'capture') {
    const { tables, notes } = await entry.replay(path, depth);
    return { format, tables, notes };
  }
  const table = readTableFile(path, options);
  return { format, tables: [options.levels !== undefined ? keepLevels(table, options.levels) : table], notes: [] };
}

/** A book with its first `levels` levels per side (a format that read them all keeps these only); other tables as they are. */
function keepLevels(table: Table, levels: number): Table {
  if (table.kind !== 'book' || (table as BookTable).depth <= levels) return table;
  const book = table as BookTable;
  const first = (columns: readonly Float64Array[]) => columns.slice(0, levels);
  return { ...book, depth: levels, bidPx: first(book.bidPx), bidSz: first(book.bidSz), askPx: first(book.askPx), askSz: first(book.askSz), ...(book.bidCount ? { bidCount: first(book.bidCount) } : {}), ...(book.askCount ? { askCount: first(book.askCount) } : {}) };
}
