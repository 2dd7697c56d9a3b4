import { TradeTableBuilder } from '../data/bookBuilder.js';
import { Float64ColumnBuilder } from '../data/columnBuilder.js';
import { scanCsv, type CsvRow } from '../data/csvScanner.js';
import { fieldText, parseDecimalBytes } from '../data/decimal.js';
import { checkTableEpochs, RowLines } from '../data/epoch.js';
import { DataError } from '../data/errors.js';
import type { BookTable, TableMeta, TradeTable } from '../data/tables.js';
import { bookRowProblem, tradeRowProblem } from '../data/validate.js';
import type { TableFormat } from './format.js';

/**
 * Tardis.dev CSV datasets (https://docs.tardis.dev/downloadable-csv-files):
 * - `book_snapshot_5` / `book_snapshot_25`: `exchange,symbol,timestamp,local_timestamp,` then per level i
 *   `asks[i].price,asks[i].amount,bids[i].price,bids[i].amount`;
 * - `trades`: `exchange,symbol,timestamp,local_timestamp,id,side,price,amount` (side = taker side).
 * Timestamps are µs since epoch; they become ms (fractional ms kept). Empty level fields are missing levels.
 * A file holds one instrument: a row whose `exchange` or `symbol` differs from the first row's is refused
 * (DataError at that line and field), never read into the same table.
 */
export type TardisKind = 'tardis-book-snapshot' | 'tardis-trades';

export function tardisKind(header: readonly string[]): TardisKind | undefined {
  if (header[0] !== 'exchange' || header[1] !== 'symbol' || header[2] !== 'timestamp' || header[3] !== 'local_timestamp') return undefined;
  if (header[4] === 'asks[0].price') return 'tardis-book-snapshot';
  if (header.slice(4).join(',') === 'id,side,price,amount') return 'tardis-trades';
  return undefined;
}

function number(path: string, row: CsvRow, names: readonly string[], f: number, allowEmpty: boolean): number {
  if (f >= row.count) throw new DataError(path, row.line, names[f], `missing field (row has ${row.count} of ${names.length} fields)`);
  if (row.starts[f] === row.ends[f]) {
    if (allowEmpty) return NaN;
    throw new DataError(path, row.line, names[f], 'empty');
  }
  const value = parseDecimalBytes(row.buf, row.starts[f], row.ends[f]);
  if (Number.isNaN(value)) throw new DataError(path, row.line, names[f], `not a number ("${fieldText(row.buf, row.starts[f], row.ends[f])}")`);
  return value;
}

/**
 * The `exchange` and `symbol` of a file's first row, which every other row must repeat: a Tardis CSV can hold
 * several symbols (a download of several, files concatenated), and one table is one instrument. Each row is
 * compared byte for byte with the first, no string made per row.
 */
class OneInstrument {
  private readonly first: Uint8Array[] = [];
  private firstLine = 0;
  exchange = '';
  symbol = '';

  constructor(private readonly path: string) {}

  /** Records the first row's two fields, or throws a DataError at a row whose exchange or symbol differs. */
  check(row: CsvRow): void {
    if (row.count < 2) throw new DataError(this.path, row.line, 'symbol', 'missing field (the row has 1 field)');
    if (this.firstLine === 0) {
      this.firstLine = row.line;
      for (const f of [0, 1]) this.first.push(Uint8Array.from(row.buf.subarray(row.starts[f], row.ends[f])));
      [this.exchange, this.symbol] = this.first.map((b) => decoder.decode(b));
      return;
    }
    for (const f of [0, 1]) {
      if (!sameBytes(row.buf, row.starts[f], row.ends[f], this.first[f])) this.fail(row, f);
    }
  }

  private fail(row: CsvRow, f: number): never {
    const field = f === 0 ? 'exchange' : 'symbol';
    const firstText = f === 0 ? this.exchange : this.symbol;
    const other = fieldText(row.buf, row.starts[f], row.ends[f]);
    const what = f === 0 ? 'exchanges' : 'symbols';
    throw new DataError(
      this.path,
      row.line,
      field,
      `a second ${field}, "${other}", after "${firstText}" (line ${this.firstLine} on): the file holds two ${what}, and asmm reads one instrument per file; ` +
        `select one ${field} into a file of its own (e.g. zcat -f FILE | awk -F, 'NR==1 || $${f + 1}=="${firstText}"' > ${firstText || 'one'}.csv) or download one symbol per file`,
    );
  }
}

const decoder = new TextDecoder();

/** Whether `buf[start, end)` holds the bytes of `ref`. */
function sameBytes(buf: Uint8Array, start: number, end: number, ref: Uint8Array): boolean {
  if (end - start !== ref.length) return false;
  for (let i = 0; i < ref.length; i++) if (buf[start + i] !== ref[i]) return false;
  return true;
}

/** Appends a row's `timestamp` and `local_timestamp` (µs) as ms. */
function pushTimes(path: string, row: CsvRow, names: readonly string[], ts: Float64ColumnBuilder, localTs: Float64ColumnBuilder): void {
  ts.push(number(path, row, names, 2, false) / 1000);
  localTs.push(number(path, row, names, 3, false) / 1000);
}

/** Reads a Tardis book_snapshot_N CSV (streaming, validated); instrument from the symbol column. */
export function readTardisBookSnapshot(path: string): BookTable {
  let names: string[] = [];
  let depth = 0;
  const instrument = new OneInstrument(path);
  const ts = new Float64ColumnBuilder();
  const localTs = new Float64ColumnBuilder();
  let columns: Float64ColumnBuilder[] = [];
  let view: BookTable | undefined;
  const lines = new RowLines();
  scanCsv(
    path,
    (header) => {
      if (tardisKind(header) !== 'tardis-book-snapshot') throw new DataError(path, 1, header[4] ?? '', 'not a Tardis book_snapshot header');
      while (header.includes(`asks[${depth}].price`)) depth++;
      for (let i = 0; i < depth; i++) {
        const expected = [`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`];
        expected.forEach((name, k) => {
          if (header[4 + 4 * i + k] !== name) throw new DataError(path, 1, header[4 + 4 * i + k] ?? name, `expected ${name} at column ${5 + 4 * i + k}`);
        });
      }
      if (header.length !== 4 + 4 * depth) throw new DataError(path, 1, header[4 + 4 * depth], 'unexpected column');
      names = header;
      columns = Array.from({ length: 4 * depth }, () => new Float64ColumnBuilder());
    },
    (row) => {
      lines.note(row.line);
      instrument.check(row);
      pushTimes(path, row, names, ts, localTs);
      for (let i = 0; i < depth; i++) {
        const base = 4 + 4 * i;
        columns[2 * depth + i].push(number(path, row, names, base, true)); // ask px
        columns[3 * depth + i].push(number(path, row, names, base + 1, true)); // ask sz
        columns[i].push(number(path, row, names, base + 2, true)); // bid px
        columns[depth + i].push(number(path, row, names, base + 3, true)); // bid sz
      }
      if (view === undefined || view.tsMs !== ts.array) {
        view = {
          kind: 'book',
          depth,
          tsMs: ts.array,
          localTsMs: localTs.array,
          bidPx: columns.slice(0, depth).map((c) => c.array),
          bidSz: columns.slice(depth, 2 * depth).map((c) => c.array),
          askPx: columns.slice(2 * depth, 3 * depth).map((c) => c.array),
          askSz: columns.slice(3 * depth).map((c) => c.array),
          meta: {},
        };
      }
      const problem = bookRowProblem(view, ts.length - 1);
      if (problem) throw new DataError(path, row.line, tardisField(problem.field), problem.reason);
    },
  );
  const cols = columns.map((c) => c.finish());
  const book: BookTable = {
    kind: 'book',
    depth,
    tsMs: ts.finish(),
    localTsMs: localTs.finish(),
    bidPx: cols.slice(0, depth),
    bidSz: cols.slice(depth, 2 * depth),
    askPx: cols.slice(2 * depth, 3 * depth),
    askSz: cols.slice(3 * depth),
    meta: tardisMeta(instrument, `book_snapshot_${depth}`, path),
  };
  checkTableEpochs(path, book, lines, TARDIS_TIME_FIELDS, 'µs', 1000);
  return book;
}

/**
 * A Tardis table's metadata: the instrument from the `symbol` column, and the `exchange` column's Tardis
 * exchange id as `tardis.exchange` (the catalog's venue comes from it).
 */
function tardisMeta(instrument: OneInstrument, dataType: string, path: string): TableMeta {
  return {
    ...(instrument.symbol ? { instrument: instrument.symbol } : {}),
    source: `tardis ${instrument.exchange} ${dataType} ${path}`,
    extra: { [TARDIS_EXCHANGE_KEY]: instrument.exchange },
  };
}

/** The metadata key holding a Tardis table's `exchange` column (its Tardis exchange id, e.g. `okex-swap`). */
export const TARDIS_EXCHANGE_KEY = 'tardis.exchange';

/** Tardis's time columns (µs since the epoch). */
const TARDIS_TIME_FIELDS = { ts: 'timestamp', local: 'local_timestamp' };

function tardisField(field: string): string {
  const m = /^(bid|ask)_(px|sz)_(\d+)$/.exec(field);
  if (!m) return field === 'ts_ms' ? 'timestamp' : field === 'local_ts_ms' ? 'local_timestamp' : field;
  return `${m[1]}s[${Number(m[3]) - 1}].${m[2] === 'px' ? 'price' : 'amount'}`;
}

const BUY = Buffer.from('buy');
const SELL = Buffer.from('sell');

/** Reads a Tardis trades CSV (streaming, validated). Trade ids must be numeric; side must be buy or sell. */
export function readTardisTrades(path: string): TradeTable {
  let names: string[] = [];
  const instrument = new OneInstrument(path);
  const builder = new TradeTableBuilder(true);
  const lines = new RowLines();
  scanCsv(
    path,
    (header) => {
      if (tardisKind(header) !== 'tardis-trades') throw new DataError(path, 1, header[4] ?? '', 'not a Tardis trades header');
      names = header;
    },
    (row) => {
      lines.note(row.line);
      instrument.check(row);
      const ts = number(path, row, names, 2, false) / 1000;
      const localTs = number(path, row, names, 3, false) / 1000;
      const id = parseDecimalBytes(row.buf, row.starts[4], row.ends[4]);
      if (Number.isNaN(id)) throw new DataError(path, row.line, 'id', `not numeric ("${fieldText(row.buf, row.starts[4], row.ends[4])}"); asmm trade tables hold numeric ids`);
      const sideBytes = Buffer.from(row.buf.subarray(row.starts[5], row.ends[5]));
      const side = sideBytes.equals(BUY) ? 1 : sideBytes.equals(SELL) ? -1 : 0;
      if (side === 0) throw new DataError(path, row.line, 'side', `must be buy or sell, got "${sideBytes.toString()}"`);
      builder.push(ts, localTs, id, side, number(path, row, names, 6, false), number(path, row, names, 7, false));
      const problem = tradeRowProblem(builder.current(), builder.rows - 1);
      if (problem) throw new DataError(path, row.line, problem.field === 'px' ? 'price' : problem.field === 'sz' ? 'amount' : tardisField(problem.field), problem.reason);
    },
  );
  const trades = builder.finish(tardisMeta(instrument, 'trades', path));
  checkTableEpochs(path, trades, lines, TARDIS_TIME_FIELDS, 'µs', 1000);
  return trades;
}

/** Tardis.dev `book_snapshot_N` CSV (detected by its header, see `tardisKind`). */
export const tardisBookSnapshotFormat: TableFormat = {
  name: 'tardis-book-snapshot',
  holds: 'table',
  canHandle: ({ columns }) => tardisKind(columns) === 'tardis-book-snapshot',
  read: (path) => readTardisBookSnapshot(path),
};

/** Tardis.dev `trades` CSV (detected by its header, see `tardisKind`). */
export const tardisTradesFormat: TableFormat = {
  name: 'tardis-trades',
  holds: 'table',
  canHandle: ({ columns }) => tardisKind(columns) === 'tardis-trades',
  read: (path) => readTardisTrades(path),
};
