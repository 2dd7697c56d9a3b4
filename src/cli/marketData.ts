import { assertTimeOrder, DataError, declaredOrInferredTick, dropDuplicateTrades, offGridTickWarning, deadBookStretches, relativeTimeUnitProblem, DEFAULT_MAX_STALENESS_MS, formatDurationMs, maskedDurationMs, mergeMasks, tradesOffBook, type BookTable, type Table, type TradeTable } from '../data/index.js';
import { maskTradelessBookEnds } from '../estimate/marketOrders.js';
import type { TableReadOptions } from '../formats/format.js';
import { loadTables, type FileFormat } from '../formats/index.js';
import { numberOption, UsageError } from './command.js';

/** Tables of one kind, for an instrument when given (a table without an instrument, e.g. plain CSV, matches any). */
function ofKind<T extends Table>(tables: readonly Table[], kind: T['kind'], inst: string | undefined): T[] {
  return tables.filter((t) => t.kind === kind && (!inst || t.meta.instrument === inst || t.meta.instrument === undefined)) as T[];
}

/**
 * The trade table of `instrument` in `tables`, or undefined when there is none. A book that names no instrument
 * (an asmm CSV) beside a file of several instruments' trades (a capture) is a usage error naming them: the first
 * was taken, so BTC-USDT's book went with BTC-USD-220527's trades.
 */
function oneTradeTable(tables: readonly Table[], instrument: string | undefined, file: string): TradeTable | undefined {
  const found = ofKind<TradeTable>(tables, 'trades', instrument);
  if (found.length > 1) {
    throw new UsageError(`${file} holds ${found.length} trade tables (${found.map((t) => t.meta.instrument ?? '?').join(', ')}) and the book names no instrument: choose one with --inst`);
  }
  return found[0];
}

export interface MarketData {
  readonly format: FileFormat;
  readonly book: BookTable;
  readonly trades?: TradeTable;
  /** The file the trades came from. */
  readonly tradesFrom?: string;
}

/**
 * The fewest book rows `estimate`, `backtest` and `calibrate` take. One or two rows hold at most one change of
 * the book: σ from one change of the mid has no spread to measure (the grid's other increments are the price
 * carried, not observed), at most one market order can be inferred, and a backtest quotes once and meets the
 * book once. Such a file is refused with one line naming it, rather than giving σ = 0 or a PnL of one event.
 */
export const MIN_BOOK_ROWS = 3;

/** What loadMarketData checks of the book. */
export interface MarketDataChecks {
  /** No change of the book for longer than this (ms) while trades print is a dead book (see deadBookStretches); default 5 s. */
  readonly maxStalenessMs?: number;
  /** What the command makes of the book ("an estimate", "a backtest", "a calibration"): with it, fewer than `MIN_BOOK_ROWS` rows is a DataError naming the file and this. */
  readonly purpose?: string;
  /**
   * Mask the ends of the book's span where the trade record is missing (`tradelessBookEnds`), with a WARNING:
   * a backtest or calibration filling on trades would otherwise quote there with nothing to fill it. (estimate
   * leaves that time out of its rates itself, and says so.)
   */
  readonly maskTradelessEnds?: boolean;
}

/**
 * A DataError naming `file` when `book` has fewer than `MIN_BOOK_ROWS` rows.
 * @example requireBookRows(book, 'b.csv', 'an estimate') // throws "b.csv: 2 book rows: too few rows for an estimate (at least 3: …)" for two rows
 */
export function requireBookRows(book: BookTable, file: string, purpose: string): void {
  const n = book.tsMs.length;
  if (n >= MIN_BOOK_ROWS) return;
  throw new DataError(file, 0, '', `${n} book row${n === 1 ? '' : 's'}: too few rows for ${purpose} (at least ${MIN_BOOK_ROWS}: ${n === 1 ? 'one row has no change of the book' : 'two rows hold one change of the book'})`);
}

/**
 * The book and trades the estimate/backtest/calibrate commands work on: the one book table of `data` (`--inst`
 * picks among several), and trades from `tradesFile` or else from `data` itself (raw captures hold both), for
 * the book's instrument. Usage errors name the file and what is missing or ambiguous. A book without rows, a
 * `--trades` file without rows, or rows that go back in time (a replayed capture) are DataErrors naming the
 * file (and row), refused here rather than deep in an estimator or the engine; so is, with `checks.purpose`, a book
 * of fewer than `MIN_BOOK_ROWS` rows. `levels`: the book levels per
 * side the command reads (a table file may then keep only those; see TableReadOptions). Where the book was
 * dead while trades printed (stopped or frozen, see deadBookStretches), its stretches are masked, so that
 * nothing quotes, fills or estimates there, with a WARNING on stderr naming the file. (The seed-compatible
 * backtest reads a book without trades: nothing to judge, and the reference's replay is kept.) Relative times
 * that look like seconds (see relativeTimeUnitProblem) are a WARNING naming the file and column.
 */
export async function loadMarketData(
  data: string,
  tradesFile: string | undefined,
  inst: string | undefined,
  options: TableReadOptions = {},
  checks: MarketDataChecks = {},
): Promise<MarketData> {
  const market = await loadMarketTables(data, tradesFile, inst, options, checks.purpose);
  for (const [file, table] of [[data, market.book], [market.tradesFrom, market.trades]] as const) {
    const problem = table && relativeTimeUnitProblem(table.tsMs);
    if (problem) process.stderr.write(`WARNING ${file} ts_ms: ${problem}\n`);
  }
  if (!market.trades) return market;
  const book = withDeadBookMasked(market.book, market.trades, data, checks);
  return { ...market, book: checks.maskTradelessEnds ? withTradelessEndsMasked(book, market.trades, data, market.tradesFrom ?? data) : book };
}

/** The book with `tradelessBookEnds` masked, and a WARNING on stderr naming both files and each stretch. */
export function withTradelessEndsMasked(book: BookTable, trades: TradeTable, bookFrom: string, tradesFrom: string): BookTable {
  return maskTradelessBookEnds(book, trades, (e) =>
    process.stderr.write(
      `WARNING ${tradesFrom}: ${e.reason} of ${bookFrom} (${new Date(e.fromMs).toISOString()} .. ${new Date(e.toMs).toISOString()}); ` +
        'masked: no quote and no fill there (OKX\'s trades files run on UTC+8 days, its books files on UTC days: a trades file dated D covers D−1 16:00 to D 16:00 UTC)\n',
    ),
  );
}

/** The book with its dead stretches masked, and a WARNING on stderr naming `bookFrom`, their count and time, and the first of them. */
function withDeadBookMasked(book: BookTable, trades: TradeTable, bookFrom: string, dead: MarketDataChecks): BookTable {
  const maxStalenessMs = dead.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  const stretches = deadBookStretches(book, trades, maxStalenessMs);
  if (stretches.length === 0) return book;
  const totalMs = maskedDurationMs(stretches);
  const first = stretches[0];
  process.stderr.write(
    `WARNING ${bookFrom}: the book did not change for more than ${formatDurationMs(maxStalenessMs)} while trades printed, in ${stretches.length} stretch${stretches.length === 1 ? '' : 'es'}, ` +
      `${formatDurationMs(totalMs)} in all (the first from ${new Date(first.fromMs).toISOString()}: ${first.reason}); ` +
      'masked: no quote, no fill and no estimate there\n',
  );
  return { ...book, masked: mergeMasks(book.masked, stretches) };
}

async function loadMarketTables(data: string, tradesFile: string | undefined, inst: string | undefined, options: TableReadOptions, purpose: string | undefined): Promise<MarketData> {
  const loaded = await loadTables(data, undefined, { levels: options.levels, unkeptLevels: options.unkeptLevels });
  const books = ofKind<BookTable>(loaded.tables, 'book', inst);
  if (books.length === 0) throw new UsageError(`${data} holds no book table${inst ? ` for ${inst}` : ''}`);
  if (books.length > 1) throw new UsageError(`${data} holds ${books.length} book tables (${books.map((t) => t.meta.instrument).join(', ')}): choose one with --inst`);
  const book = books[0];
  if (book.tsMs.length === 0) throw new DataError(data, 0, '', `no book rows${book.meta.instrument ? ` for ${book.meta.instrument}` : ''}${loaded.notes.length > 0 ? ` (${loaded.notes.join('; ')})` : ' (a header only?)'}`);
  assertTimeOrder(data, book);
  // before the trades are paired with it: a trade file checked against one row would say its trades do not belong
  if (purpose !== undefined) requireBookRows(book, data, purpose);
  const instrument = inst ?? book.meta.instrument;
  if (tradesFile) {
    const trades = oneTradeTable((await loadTables(tradesFile)).tables, instrument, tradesFile);
    if (!trades) throw new UsageError(`${tradesFile} holds no trade table${instrument ? ` for ${instrument}` : ''}`);
    if (trades.tsMs.length === 0) throw new DataError(tradesFile, 0, '', 'no trade rows (a header only?): leave out --trades to infer market orders from the book');
    assertTimeOrder(tradesFile, trades);
    const unique = withoutDuplicateTrades(trades, tradesFile);
    checkTradesOnBook(book, unique, tradesFile);
    return { format: loaded.format, book, trades: unique, tradesFrom: tradesFile };
  }
  const found = oneTradeTable(loaded.tables, instrument, data);
  let trades: TradeTable | undefined;
  if (found) {
    assertTimeOrder(data, found);
    trades = withoutDuplicateTrades(found, data);
    checkTradesOnBook(book, trades, data);
  }
  return { format: loaded.format, book, ...(trades ? { trades, tradesFrom: data } : {}) };
}

/**
 * The trades without rows recorded twice (`dropDuplicateTrades`: the same id, time, side, price and size), with a
 * WARNING on stderr naming the file, the count and the first; rows that share an id but differ are kept and
 * said in the same line.
 */
function withoutDuplicateTrades(trades: TradeTable, tradesFrom: string): TradeTable {
  const d = dropDuplicateTrades(trades);
  if (d.dropped === 0 && d.conflicting === 0) return trades;
  const parts = [
    ...(d.dropped > 0 ? [`${d.dropped} of ${trades.tsMs.length} trades repeat an earlier row (the same id, time, side, price and size: recorded twice) and are left out, so that no fill counts their volume twice`] : []),
    ...(d.conflicting > 0 ? [`${d.conflicting} share an earlier trade's id with another time, side, price or size and are kept`] : []),
  ];
  process.stderr.write(`WARNING ${tradesFrom}: ${parts.join('; ')} (the first: trade row ${d.firstRow + 1}, id ${trades.id[d.firstRow]})\n`);
  return d.trades;
}

/** A WARNING when at least this many trades, and this share of those checked, are on the wrong side of the book (see TradesOffBook.wrongSide). */
const WRONG_SIDE_MIN = 20;
const WRONG_SIDE_SHARE = 0.2;

/** Trades off the book by this much or more (of the mid) are no market event: see tradesOffBook. */
const OFF_BOOK_RELATIVE = 0.1;

/**
 * Refuses trades priced far from the book they are paired with (another instrument, other units: a backtest
 * would fill every order against them) when 10 or more, and at least a tenth of those checked, are; fewer are
 * a WARNING on stderr with the first one (a bad print or two is the exchange's, and the run goes on).
 */
function checkTradesOnBook(book: BookTable, trades: TradeTable, tradesFrom: string): void {
  const r = tradesOffBook(book, trades, OFF_BOOK_RELATIVE);
  if (r.off > 0 && r.first) {
    const f = r.first;
    const what = `${r.off} of ${r.checked} trades are priced more than ${100 * OFF_BOOK_RELATIVE} % from the book's mid (the first: trade row ${f.row + 1}, ${new Date(f.tsMs).toISOString()}, price ${f.px} against a mid of ${f.midPx})`;
    if (r.off >= 10 && 10 * r.off >= r.checked) throw new DataError(tradesFrom, 0, 'price', `${what}: trades of another instrument or in other units? (the book: ${book.meta.instrument ?? 'no instrument named'})`);
    process.stderr.write(`WARNING ${tradesFrom}: ${what}; they are kept\n`);
  }
  if (r.wrongSide >= WRONG_SIDE_MIN && r.wrongSide >= WRONG_SIDE_SHARE * r.checked) {
    process.stderr.write(
      `WARNING ${tradesFrom}: ${r.wrongSide} of ${r.checked} trades (${((100 * r.wrongSide) / r.checked).toFixed(0)} %) printed on the wrong side of the book row in force ` +
        `(buys at or below the best bid, sells at or above the best ask; a few % in a live capture): are trades and book out of step in time (another clock, time zone or day)? Fills and A, k from them are suspect\n`,
    );
  }
}

/**
 * The book's tick when no --tick is given: the file's, else inferred from the book (`declaredOrInferredTick`, one
 * pass), with a WARNING on stderr naming the file when the inference rests on a few stray rows; the warning
 * (without its prefix) comes back for --json. NaN with --tick given (the caller takes that).
 */
function warnInferredTick(book: BookTable, file: string, tickGiven: boolean, advice?: string): { readonly tickSize: number; readonly warning?: string } {
  if (tickGiven) return { tickSize: NaN };
  const t = declaredOrInferredTick(book, book.meta.tickSize, file, advice);
  if (t.warning) process.stderr.write(`WARNING ${t.warning}\n`);
  return t;
}

/**
 * The tick a command on a file works with: `--tick` when given (with `warnGivenTick`'s WARNING when the book's
 * prices are off its grid), else the file's or inferred (`warnInferredTick`). The warning, without its prefix,
 * comes back for --json.
 */
export function givenOrFileTick(book: BookTable, file: string, tickText: string | undefined): { readonly tickSize: number; readonly warning?: string } {
  const fileTick = warnInferredTick(book, file, tickText !== undefined);
  const tickSize = numberOption('tick', tickText, fileTick.tickSize, (v) => v > 0);
  const warning = fileTick.warning ?? warnGivenTick(book, tickText, tickSize);
  return warning === undefined ? { tickSize } : { tickSize, warning };
}

/**
 * The tick of a catalog range: `--tick` when given (warned by `offGridTickWarning` when the first day's prices are
 * off its grid), else the catalog's instrument.json tick or the first day's (`declaredOrInferredTick`, warned
 * when the inference rests on a few stray rows). Nothing is printed: the warning, without its prefix, is for the
 * command's notes.
 */
export function catalogRangeTick(
  firstDay: BookTable,
  catalogTick: number | undefined,
  tickText: string | undefined,
  instrument: string,
): { readonly tickSize: number; readonly warning?: string; readonly source: 'given' | 'from the catalog' | 'inferred from the first day' } {
  if (tickText !== undefined) {
    const tickSize = numberOption('tick', tickText, NaN, (v) => v > 0);
    const warning = offGridTickWarning(firstDay, tickSize, `--tick ${tickText}`);
    return warning === undefined ? { tickSize, source: 'given' } : { tickSize, warning, source: 'given' };
  }
  const declared = catalogTick ?? firstDay.meta.tickSize;
  const t = declaredOrInferredTick(firstDay, declared, `${instrument}'s first day in the catalog`);
  return { ...t, source: declared ? 'from the catalog' : 'inferred from the first day' };
}

/** A WARNING on stderr when a given --tick does not fit the book's prices (`offGridTickWarning`); returned for --json. */
function warnGivenTick(book: BookTable, tickText: string | undefined, tick: number): string | undefined {
  if (tickText === undefined) return undefined;
  const warning = offGridTickWarning(book, tick, `--tick ${tickText}`);
  if (warning) process.stderr.write(`WARNING ${warning}\n`);
  return warning;
}
