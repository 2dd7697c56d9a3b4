import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { TradeTableBuilder } from './bookBuilder.js';
import { Float64ColumnBuilder } from './columnBuilder.js';
import { scanCsv, type CsvRow } from './csvScanner.js';
import { exponentPlace, fieldText, parseDecimalBytes } from './decimal.js';
import { commitPartial } from './atomicWrite.js';
import { checkTableEpochs, RowLines } from './epoch.js';
import { DataError } from './errors.js';
import { readMaskSidecar, writeMaskSidecar } from './maskFiles.js';
import { formatDurationMs, type MaskedInterval } from './masks.js';
import { bookColumnNames, bookColumns, tradeColumnNames, type BookTable, type TableMeta, type TradeTable } from './tables.js';
import { bookRowProblem, tradeRowProblem } from './validate.js';

/** Depth implied by a header: the number of `bid_px_N` columns. */
function depthFromHeader(names: string[]): number {
  let depth = 0;
  while (names.includes(`bid_px_${depth + 1}`)) depth++;
  return depth;
}

/** Rejects a header that is not exactly `expected`, naming the first missing or unexpected column. */
function checkHeader(path: string, names: string[], expected: string[]): void {
  for (const name of expected) if (!names.includes(name)) throw new DataError(path, 1, name, 'missing column');
  for (const name of names) if (!expected.includes(name)) throw new DataError(path, 1, name, 'unexpected column');
  for (let i = 0; i < expected.length; i++) {
    if (names[i] !== expected[i]) throw new DataError(path, 1, names[i], `column out of order: expected ${expected[i]} at position ${i + 1}`);
  }
}

function numberAt(path: string, row: CsvRow, names: string[], f: number, allowEmpty: boolean): number {
  if (f >= row.count) throw new DataError(path, row.line, names[f], `missing field (row has ${row.count} of ${names.length} fields)`);
  const start = row.starts[f];
  const end = row.ends[f];
  if (start === end) {
    if (allowEmpty) return NaN;
    throw new DataError(path, row.line, names[f], 'empty');
  }
  const value = parseDecimalBytes(row.buf, start, end);
  if (Number.isNaN(value)) throw new DataError(path, row.line, names[f], `not a number ("${fieldText(row.buf, start, end)}")`);
  return value;
}

/**
 * `numberAt` for a time in ms: one written in exponent notation that leaves out its ms digit (`1.76723E+12`, as a
 * spreadsheet saves a 13-digit number) was rounded, and nearby rows collapse onto one time; refused, naming the
 * line, field and the place of its last digit.
 */
function msAt(path: string, row: CsvRow, names: string[], f: number): number {
  const value = numberAt(path, row, names, f, false);
  // an exponent that leaves out digits makes a whole multiple of 10 of its place (≥ 10): a safe integer that is
  // none (9 times in 10) has no such exponent, and the field is not scanned again (the common path, benchmarked)
  if (Number.isSafeInteger(value) && value % 10 !== 0) return value;
  const place = exponentPlace(row.buf, row.starts[f], row.ends[f]);
  if (place > 1) {
    throw new DataError(
      path,
      row.line,
      names[f],
      `"${fieldText(row.buf, row.starts[f], row.ends[f])}" is in exponent notation with no digit below ${place} ms (${formatDurationMs(place)}): rounded when written (by a spreadsheet or a %g format?), so nearby rows collapse onto one time; write the times as whole ms`,
    );
  }
  return value;
}

/**
 * Reads a book CSV in the project's layout (`ts_ms[,local_ts_ms], bid_px_1..N, bid_sz_1..N, ask_px_1..N,
 * ask_sz_1..N`), streaming. Every row is validated (see `bookRowProblem`); the first bad row throws a
 * `DataError` with file, line and field. No row is dropped or reordered.
 */
export function readBookCsv(path: string, meta: TableMeta = {}): BookTable {
  let names: string[] = [];
  let depth = 0;
  let hasLocal = false;
  let hasCounts = false;
  const ts = new Float64ColumnBuilder();
  let localTs: Float64ColumnBuilder | undefined;
  let levels: Float64ColumnBuilder[] = [];
  let view: BookTable | undefined;
  const lines = new RowLines();
  scanCsv(
    path,
    (header) => {
      depth = depthFromHeader(header);
      if (depth === 0) throw new DataError(path, 1, 'bid_px_1', 'missing column');
      hasLocal = header.includes('local_ts_ms');
      hasCounts = header.includes('bid_cnt_1');
      checkHeader(path, header, bookColumnNames(depth, hasLocal, hasCounts));
      names = header;
      if (hasLocal) localTs = new Float64ColumnBuilder();
      levels = Array.from({ length: (hasCounts ? 6 : 4) * depth }, () => new Float64ColumnBuilder());
    },
    (row) => {
      lines.note(row.line);
      ts.push(msAt(path, row, names, 0));
      const offset = hasLocal ? 2 : 1;
      if (localTs) localTs.push(msAt(path, row, names, 1));
      for (let c = 0; c < levels.length; c++) levels[c].push(numberAt(path, row, names, offset + c, true));
      // Builders grow together; rebuild the view over their backing arrays only when they do.
      if (view === undefined || view.tsMs !== ts.array) view = bookView(depth, ts, localTs, levels, meta);
      const problem = bookRowProblem(view, ts.length - 1);
      if (problem) throw new DataError(path, row.line, problem.field, problem.reason);
    },
  );
  const book: BookTable = {
    kind: 'book',
    depth,
    tsMs: ts.finish(),
    ...(localTs ? { localTsMs: localTs.finish() } : {}),
    bidPx: levels.slice(0, depth).map((b) => b.finish()),
    bidSz: levels.slice(depth, 2 * depth).map((b) => b.finish()),
    askPx: levels.slice(2 * depth, 3 * depth).map((b) => b.finish()),
    askSz: levels.slice(3 * depth, 4 * depth).map((b) => b.finish()),
    ...(hasCounts ? { bidCount: levels.slice(4 * depth, 5 * depth).map((b) => b.finish()), askCount: levels.slice(5 * depth).map((b) => b.finish()) } : {}),
    meta,
    ...sidecarMasks(path),
  };
  checkTableEpochs(path, book, lines);
  return book;
}

function bookView(
  depth: number,
  ts: Float64ColumnBuilder,
  localTs: Float64ColumnBuilder | undefined,
  levels: Float64ColumnBuilder[],
  meta: TableMeta,
): BookTable {
  return {
    kind: 'book',
    depth,
    tsMs: ts.array,
    ...(localTs ? { localTsMs: localTs.array } : {}),
    bidPx: levels.slice(0, depth).map((b) => b.array),
    bidSz: levels.slice(depth, 2 * depth).map((b) => b.array),
    askPx: levels.slice(2 * depth, 3 * depth).map((b) => b.array),
    askSz: levels.slice(3 * depth, 4 * depth).map((b) => b.array),
    // the orders per level, when the file has them (levels then holds 6 × depth columns)
    ...(levels.length === 6 * depth ? { bidCount: levels.slice(4 * depth, 5 * depth).map((b) => b.array), askCount: levels.slice(5 * depth).map((b) => b.array) } : {}),
    meta,
  };
}

const BUY = [98, 117, 121]; // "buy"
const SELL = [115, 101, 108, 108]; // "sell"

function sideAt(path: string, row: CsvRow, names: string[], f: number): number {
  if (f >= row.count) throw new DataError(path, row.line, names[f], `missing field (row has ${row.count} of ${names.length} fields)`);
  const start = row.starts[f];
  const length = row.ends[f] - start;
  const matches = (word: number[]) => length === word.length && word.every((c, k) => row.buf[start + k] === c);
  if (matches(BUY)) return 1;
  if (matches(SELL)) return -1;
  throw new DataError(path, row.line, names[f], `must be "buy" or "sell", got "${fieldText(row.buf, start, row.ends[f])}"`);
}

/** Reads a trade CSV (`ts_ms[,local_ts_ms], id, side, px, sz`; side "buy"/"sell" = taker side), streaming and validated. */
export function readTradeCsv(path: string, meta: TableMeta = {}): TradeTable {
  let names: string[] = [];
  let builder = new TradeTableBuilder(false);
  const lines = new RowLines();
  scanCsv(
    path,
    (header) => {
      const hasLocal = header.includes('local_ts_ms');
      checkHeader(path, header, tradeColumnNames(hasLocal));
      names = header;
      builder = new TradeTableBuilder(hasLocal);
    },
    (row) => {
      lines.note(row.line);
      let f = 0;
      const ts = msAt(path, row, names, f++);
      const localTs = builder.withLocalTs ? msAt(path, row, names, f++) : NaN;
      const id = numberAt(path, row, names, f++, false);
      const side = sideAt(path, row, names, f++);
      const px = numberAt(path, row, names, f++, false);
      const sz = numberAt(path, row, names, f++, false);
      builder.push(ts, localTs, id, side, px, sz);
      const problem = tradeRowProblem(builder.current(), builder.rows - 1);
      if (problem) throw new DataError(path, row.line, problem.field, problem.reason);
    },
  );
  const trades = { ...builder.finish(meta), ...sidecarMasks(path) };
  checkTableEpochs(path, trades, lines);
  return trades;
}

/** `{ masked }` from the table's sidecar (`<name>.masked.csv`), or nothing when it has none. */
function sidecarMasks(path: string): { masked?: MaskedInterval[] } {
  const masked = readMaskSidecar(path);
  return masked ? { masked } : {};
}

/** CSV text of a number: shortest round-trip decimal, empty for NaN (a missing level). */
function formatNumber(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

/**
 * Writes rows to `path` atomically: into `path.partial` first, renamed on success, so an interrupted
 * write never leaves a half-written file under the final name.
 */
function writeRowsAtomically(path: string, header: string, rows: number, formatRow: (i: number) => string): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeSync(fd, header + '\n');
    const batch: string[] = [];
    for (let i = 0; i < rows; i++) {
      batch.push(formatRow(i));
      if (batch.length === 8192 || i === rows - 1) {
        writeSync(fd, batch.join('\n') + '\n');
        batch.length = 0;
      }
    }
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(partial);
    throw error;
  }
  commitPartial(partial, path);
}

/** Writes a book table as CSV in the project's layout (one column per level). */
export function writeBookCsv(path: string, book: BookTable): void {
  const columns = bookColumns(book);
  const header = columns.map(([name]) => name).join(',');
  const arrays = columns.map(([, array]) => array);
  writeMaskSidecar(path, book.masked);
  writeRowsAtomically(path, header, book.tsMs.length, (i) => {
    let line = formatNumber(arrays[0][i]);
    for (let c = 1; c < arrays.length; c++) line += ',' + formatNumber(arrays[c][i]);
    return line;
  });
}

/** Writes a trade table as CSV (`ts_ms[,local_ts_ms],id,side,px,sz`). */
export function writeTradeCsv(path: string, trades: TradeTable): void {
  const local = trades.localTsMs;
  const header = tradeColumnNames(local !== undefined).join(',');
  writeMaskSidecar(path, trades.masked);
  writeRowsAtomically(path, header, trades.tsMs.length, (i) => {
    const side = trades.side[i] === 1 ? 'buy' : 'sell';
    const head = local ? `${trades.tsMs[i]},${local[i]}` : String(trades.tsMs[i]);
    return `${head},${trades.id[i]},${side},${formatNumber(trades.px[i])},${formatNumber(trades.sz[i])}`;
  });
}
