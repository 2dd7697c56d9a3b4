import { readFileSync, writeFileSync } from 'node:fs';
import type { Table, Vector } from 'apache-arrow';
import { lazyPackage } from '../project/lazyPackage.js';
import { writeAtomically } from './atomicWrite.js';
import { checkTableEpochs } from './epoch.js';
import { DataError } from './errors.js';
import { ARROW_MASK_KEY, masksFromArrowMeta, masksToArrowMeta } from './maskFiles.js';
import type { MaskedInterval } from './masks.js';
import { bookColumnNames, bookColumns, tradeColumnNames, type BookTable, type TableMeta, type TradeTable } from './tables.js';
import { bookRowProblem, tradeRowProblem } from './validate.js';

/**
 * Apache Arrow IPC *file* format (the `.arrow`/Feather v2 layout that `pandas.read_feather`,
 * `pyarrow.ipc.open_file` and `polars.read_ipc` read). Numbers are Float64 columns named as in the CSV
 * layout; trade `side` is a Utf8 column "buy"/"sell". Table metadata is kept in the schema metadata under
 * `asmm.*` keys.
 */
const META_KIND = 'asmm.kind';

/** apache-arrow, loaded when a file is first read or written (see `lazyPackage`). */
const arrow = lazyPackage<typeof import('apache-arrow')>('apache-arrow');

function metaEntries(kind: string, meta: TableMeta, masked: readonly MaskedInterval[] | undefined): Map<string, string> {
  const entries = new Map<string, string>([[META_KIND, kind]]);
  const masks = masksToArrowMeta(masked);
  if (masks !== '') entries.set(ARROW_MASK_KEY, masks);
  if (meta.instrument !== undefined) entries.set('asmm.instrument', meta.instrument);
  if (meta.tickSize !== undefined) entries.set('asmm.tick_size', String(meta.tickSize));
  if (meta.lotSize !== undefined) entries.set('asmm.lot_size', String(meta.lotSize));
  if (meta.source !== undefined) entries.set('asmm.source', meta.source);
  for (const [key, value] of Object.entries(meta.extra ?? {})) entries.set(key, value);
  return entries;
}

function metaFrom(entries: Map<string, string>): TableMeta {
  const extra: Record<string, string> = {};
  for (const [key, value] of entries) if (!key.startsWith('asmm.')) extra[key] = value;
  const number = (key: string) => (entries.has(key) ? Number(entries.get(key)) : undefined);
  const meta: TableMeta = {
    instrument: entries.get('asmm.instrument'),
    tickSize: number('asmm.tick_size'),
    lotSize: number('asmm.lot_size'),
    source: entries.get('asmm.source'),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  };
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as TableMeta;
}

function writeTable(path: string, columns: Record<string, Vector>, metadata: Map<string, string>): void {
  const table = new (arrow().Table)(columns);
  for (const [key, value] of metadata) table.schema.metadata.set(key, value);
  writeAtomically(path, (partial) => writeFileSync(partial, arrow().tableToIPC(table, 'file')));
}

/** Writes a book table as an Arrow IPC file (written to `path.partial`, then renamed). */
export function writeBookArrow(path: string, book: BookTable): void {
  const columns: Record<string, Vector> = {};
  for (const [name, array] of bookColumns(book)) columns[name] = arrow().makeVector(array);
  writeTable(path, columns, metaEntries('book', book.meta, book.masked));
}

/** Writes a trade table as an Arrow IPC file. */
export function writeTradeArrow(path: string, trades: TradeTable): void {
  const columns: Record<string, Vector> = { ts_ms: arrow().makeVector(trades.tsMs) };
  if (trades.localTsMs) columns.local_ts_ms = arrow().makeVector(trades.localTsMs);
  columns.id = arrow().makeVector(trades.id);
  const sides: string[] = new Array(trades.side.length);
  for (let i = 0; i < sides.length; i++) sides[i] = trades.side[i] === 1 ? 'buy' : trades.side[i] === -1 ? 'sell' : '';
  columns.side = arrow().vectorFromArray(sides, new (arrow().Utf8)());
  columns.px = arrow().makeVector(trades.px);
  columns.sz = arrow().makeVector(trades.sz);
  writeTable(path, columns, metaEntries('trades', trades.meta, trades.masked));
}

/** Reads an Arrow IPC file (file or stream framing) into an Arrow table. */
export function readArrowTable(path: string): Table {
  try {
    return arrow().tableFromIPC(readFileSync(path));
  } catch (error) {
    throw new DataError(path, 0, '', `not a readable Arrow IPC file (${(error as Error).message})`);
  }
}

/** A numeric column as Float64Array: zero-copy for a single-chunk Float64 column, converted otherwise. */
function float64Column(path: string, table: Table, name: string): Float64Array {
  const vector = table.getChild(name);
  if (!vector) throw new DataError(path, 0, name, 'missing column');
  const values = vector.toArray() as ArrayLike<number | bigint>;
  if (values instanceof Float64Array && vector.nullCount === 0) return values;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < out.length; i++) {
    const v = vector.get(i) as number | bigint | null;
    out[i] = v === null ? NaN : Number(v);
  }
  return out;
}

function isArrowKind(table: Table, kind: 'book' | 'trades'): boolean {
  const declared = table.schema.metadata.get(META_KIND);
  if (declared !== undefined) return declared === kind;
  return kind === 'book' ? table.getChild('bid_px_1') !== null : table.getChild('side') !== null;
}

/** `{ masked }` from the file's metadata, or nothing when it has none. */
function maskedFrom(path: string, table: Table): { masked?: MaskedInterval[] } {
  const masked = masksFromArrowMeta(path, table.schema.metadata.get(ARROW_MASK_KEY));
  return masked ? { masked } : {};
}

/** Kind of table held by an Arrow file, from its metadata or, failing that, its columns. */
export function arrowTableKind(table: Table): 'book' | 'trades' | undefined {
  if (isArrowKind(table, 'book')) return 'book';
  if (isArrowKind(table, 'trades')) return 'trades';
  return undefined;
}

/** Reads and validates a book table from an Arrow IPC file; errors name the file, 0-based row and field. */
export function readBookArrow(path: string, table: Table = readArrowTable(path)): BookTable {
  const names = table.schema.fields.map((f) => f.name);
  let depth = 0;
  while (names.includes(`bid_px_${depth + 1}`)) depth++;
  if (depth === 0) throw new DataError(path, 0, 'bid_px_1', 'missing column');
  const hasLocal = names.includes('local_ts_ms');
  const hasCounts = names.includes('bid_cnt_1');
  const expected = bookColumnNames(depth, hasLocal, hasCounts);
  for (const name of names) if (!expected.includes(name)) throw new DataError(path, 0, name, 'unexpected column');
  const col = (name: string) => float64Column(path, table, name);
  const levels = (field: string) => Array.from({ length: depth }, (_, l) => col(`${field}_${l + 1}`));
  const book: BookTable = {
    kind: 'book',
    depth,
    tsMs: col('ts_ms'),
    ...(hasLocal ? { localTsMs: col('local_ts_ms') } : {}),
    bidPx: levels('bid_px'),
    bidSz: levels('bid_sz'),
    askPx: levels('ask_px'),
    askSz: levels('ask_sz'),
    ...(hasCounts ? { bidCount: levels('bid_cnt'), askCount: levels('ask_cnt') } : {}),
    meta: metaFrom(table.schema.metadata),
    ...maskedFrom(path, table),
  };
  for (let i = 0; i < book.tsMs.length; i++) {
    const problem = bookRowProblem(book, i);
    if (problem) throw new DataError(path, i, problem.field, problem.reason, 'row');
  }
  checkTableEpochs(path, book);
  return book;
}

/** Reads and validates a trade table from an Arrow IPC file. */
export function readTradeArrow(path: string, table: Table = readArrowTable(path)): TradeTable {
  const names = table.schema.fields.map((f) => f.name);
  const hasLocal = names.includes('local_ts_ms');
  const expected = tradeColumnNames(hasLocal);
  for (const name of expected) if (!names.includes(name)) throw new DataError(path, 0, name, 'missing column');
  for (const name of names) if (!expected.includes(name)) throw new DataError(path, 0, name, 'unexpected column');
  const sideVector = table.getChild('side')!;
  const side = new Int8Array(sideVector.length);
  let i = 0;
  for (const value of sideVector) {
    side[i] = value === 'buy' ? 1 : value === 'sell' ? -1 : typeof value === 'number' && (value === 1 || value === -1) ? value : 0;
    if (side[i] === 0) throw new DataError(path, i, 'side', `must be "buy" or "sell", got ${JSON.stringify(value)}`, 'row');
    i++;
  }
  const col = (name: string) => float64Column(path, table, name);
  const trades: TradeTable = {
    kind: 'trades',
    tsMs: col('ts_ms'),
    ...(hasLocal ? { localTsMs: col('local_ts_ms') } : {}),
    id: col('id'),
    side,
    px: col('px'),
    sz: col('sz'),
    meta: metaFrom(table.schema.metadata),
    ...maskedFrom(path, table),
  };
  for (let r = 0; r < trades.tsMs.length; r++) {
    const problem = tradeRowProblem(trades, r);
    if (problem) throw new DataError(path, r, problem.field, problem.reason, 'row');
  }
  checkTableEpochs(path, trades);
  return trades;
}

