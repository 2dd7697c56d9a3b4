import { existsSync } from 'node:fs';
import { CatalogRangeError, catalogMarketDays, catalogRange } from '../catalog/marketRange.js';
import { openCatalog } from '../catalog/catalog.js';
import { concatBookTables, concatTradeTables } from '../data/concatTables.js';
import { describeMasks, maskSummary, type MaskSummary } from '../data/masks.js';
import { inferTickSize } from '../data/quality.js';
import type { BookTable, Table, TradeTable } from '../data/tables.js';
import { assertTimeOrder } from '../data/timeOrder.js';
import { previousTickGrid, type GridSeries } from '../estimate/grid.js';
import { referenceRollingStdOfMid } from '../estimate/volatility.js';
import { midPrices } from '../data/tables.js';
import { maskTradelessBookEnds, type OrderPairing } from '../estimate/marketOrders.js';
import { loadTables, readBookFile, readTradeFile } from '../formats/loadAny.js';
import { DEFAULT_SAMPLE_DIR, SAMPLE_FILES, ensureSampleMarket, readSampleParams } from '../sample/files.js';
import type { SampleMarketParams } from '../sample/params.js';

/**
 * The market data a notebook works on, and the shared real captures it compares with. One place decides which
 * data a notebook reads, so that every notebook honours `ASMM_BOOKS` / `ASMM_TRADES` the same way and every
 * estimate made in a cell is given the data's masked intervals.
 */

/** The shared real data, relative to the project root (the notebooks' working directory); read-only. */
export const SHARED_DATA_DIR = '../shared/data';

/** The shared real captures the notebooks compare with (provenance in `../shared/data/PROVENANCE.md`). */
export const SHARED_CAPTURES = {
  /** Binance spot BTCUSDT, hftbacktest's collector: REST snapshot, depth@100ms diffs, trades; about 346 s. */
  binanceBtcusdt: `${SHARED_DATA_DIR}/binance-spot-btcusdt-hftbacktest/btcusdt_20240808.gz`,
  /** OKX v5 `books` + `trades` recorded by cryptofeed; about 10.8 s, several instruments. */
  okxCryptofeed: `${SHARED_DATA_DIR}/okx-v5-cryptofeed-sample/OKX.ws.1.0`,
} as const;

/**
 * The environment variables that switch the notebooks to the user's own data: files (`ASMM_BOOKS`, optionally
 * `ASMM_TRADES`), or a range of a catalog (`ASMM_CATALOG` with `ASMM_INST`, optionally `ASMM_VENUE`,
 * `ASMM_FROM`, `ASMM_TO` as `YYYY-MM-DD`, inclusive).
 */
export const MARKET_ENV = {
  books: 'ASMM_BOOKS', trades: 'ASMM_TRADES',
  catalog: 'ASMM_CATALOG', inst: 'ASMM_INST', venue: 'ASMM_VENUE', from: 'ASMM_FROM', to: 'ASMM_TO',
} as const;

/**
 * Book rows a notebook loads from a catalog range at most (about 170 bytes a row at 5 levels, so 0.5 GB):
 * notebooks hold their data in memory; months stream through `asmm estimate|backtest|calibrate --catalog`.
 */
export const NOTEBOOK_MAX_CATALOG_BOOK_ROWS = 3_000_000;

/** The user's data cannot be used: the message names the variable, the file and what is wrong. */
export class NotebookDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookDataError';
  }
}

/** The book and trades a notebook works on, and where they came from. */
export interface NotebookMarket {
  /**
   * `sample`: the project's generated sample market; `files`: the user's files named by ASMM_BOOKS / ASMM_TRADES;
   * `catalog`: the days of a catalog range named by ASMM_CATALOG / ASMM_INST (/ ASMM_VENUE / ASMM_FROM / ASMM_TO).
   */
  readonly source: 'sample' | 'files' | 'catalog';
  /** One line: which data, e.g. "the sample market (seed 1, data/sample)" or "your files: b.csv with trades t.csv". */
  readonly description: string;
  readonly bookPath: string;
  readonly tradesPath?: string;
  readonly book: BookTable;
  readonly trades?: TradeTable;
  /** The sample's model parameters (the truth the estimates are checked against); only for the sample. */
  readonly sample?: SampleMarketParams;
  /** Price tick, quote currency: the sample's, the file's, or inferred from the book. */
  readonly tickSize: number;
  readonly tickSource: 'sample parameters' | 'the file' | 'the catalog' | 'inferred from the book';
  /** Size lot, base currency, when known (the sample's or the file's). */
  readonly lotSize?: number;
  /** The masked intervals of the book and trades (merged) and their total duration. */
  readonly masked: MaskSummary;
  /** The loaders' notes: integrity checks of a replayed capture, data dropped. */
  readonly notes: readonly string[];
  /** What `notebookMarket` printed: the source, the tables, the notes and the masked intervals. */
  readonly lines: readonly string[];
}

export interface NotebookMarketOptions {
  /** Where ASMM_BOOKS / ASMM_TRADES are read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The sample's directory; default `data/sample`. */
  readonly sampleDir?: string;
  /** Sample parameters other than the defaults (tests use a short sample). */
  readonly sampleOverrides?: Partial<SampleMarketParams>;
  /** Where the lines go; default `console.log`. */
  readonly print?: (line: string) => void;
  /** Book rows loaded from a catalog range at most; default NOTEBOOK_MAX_CATALOG_BOOK_ROWS. */
  readonly maxCatalogBookRows?: number;
  /**
   * For a backtest (notebooks 05, 06): mask the book where the user's trade record stops before its end or starts
   * after its beginning (`tradelessBookEnds`; a catalog range day by day), as `asmm backtest` does: quotes there
   * could be filled by nothing but book crosses. A note says so. The sample's trades cover its book.
   */
  readonly maskTradelessEnds?: boolean;
}

/** Seconds from a table's first to its last row (0 for fewer than two rows). */
export function spanSec(table: Table): number {
  const n = table.tsMs.length;
  return n < 2 ? 0 : (table.tsMs[n - 1] - table.tsMs[0]) / 1000;
}

function ofKind<T extends Table>(tables: readonly Table[], kind: T['kind'], instrument?: string): T[] {
  return tables.filter((t) => t.kind === kind && (!instrument || t.meta.instrument === undefined || t.meta.instrument === instrument)) as T[];
}

function tableLine(table: Table, path: string): string {
  const n = table.tsMs.length;
  const what = table.kind === 'book' ? `${n} book rows (${(table as BookTable).depth} levels)` : `${n} trades`;
  return `  ${what} over ${spanSec(table).toFixed(1)} s${table.meta.instrument ? ` of ${table.meta.instrument}` : ''} from ${path}`;
}

/** Reads the user's book (and trades) named by the environment; throws NotebookDataError naming the variable and file. */
async function userMarket(bookPath: string, tradesPath: string | undefined): Promise<{ book: BookTable; trades?: TradeTable; tradesPath?: string; notes: string[] }> {
  if (!existsSync(bookPath)) throw new NotebookDataError(`${MARKET_ENV.books}=${bookPath}: no such file or directory`);
  if (tradesPath !== undefined && !existsSync(tradesPath)) throw new NotebookDataError(`${MARKET_ENV.trades}=${tradesPath}: no such file or directory`);
  const loaded = await loadTables(bookPath);
  const books = ofKind<BookTable>(loaded.tables, 'book');
  if (books.length === 0) throw new NotebookDataError(`${MARKET_ENV.books}=${bookPath} holds no book table (${loaded.format})`);
  if (books.length > 1) {
    throw new NotebookDataError(`${MARKET_ENV.books}=${bookPath} holds ${books.length} book tables (${books.map((b) => b.meta.instrument ?? '?').join(', ')}): convert one with \`asmm convert ${bookPath} --inst ID --to csv DIR\` and point ${MARKET_ENV.books} at its book file`);
  }
  const book = books[0];
  if (book.tsMs.length < 2) throw new NotebookDataError(`${MARKET_ENV.books}=${bookPath}: ${book.tsMs.length} book row(s), too few for any estimate`);
  assertTimeOrder(bookPath, book);
  const notes = [...loaded.notes];
  const instrument = book.meta.instrument;
  if (tradesPath !== undefined) {
    const tradeLoad = await loadTables(tradesPath);
    const found = ofKind<TradeTable>(tradeLoad.tables, 'trades', instrument);
    // a book that names no instrument (an asmm CSV) beside a capture of several instruments' trades: never the first of them
    if (found.length > 1) {
      throw new NotebookDataError(`${MARKET_ENV.trades}=${tradesPath} holds ${found.length} trade tables (${found.map((t) => t.meta.instrument ?? '?').join(', ')}) and the book of ${MARKET_ENV.books} names no instrument: convert the one that goes with it with \`asmm convert ${tradesPath} --inst ID --to csv DIR\` and point ${MARKET_ENV.trades} at its trades file`);
    }
    const trades = found[0];
    if (!trades) throw new NotebookDataError(`${MARKET_ENV.trades}=${tradesPath} holds no trade table${instrument ? ` for ${instrument}` : ''} (${tradeLoad.format})`);
    assertTimeOrder(tradesPath, trades);
    notes.push(...tradeLoad.notes);
    return { book, trades, tradesPath, notes };
  }
  // a capture holds books and trades: its trades are used when ASMM_TRADES is not set
  const trades = ofKind<TradeTable>(loaded.tables, 'trades', instrument)[0];
  if (trades) assertTimeOrder(bookPath, trades);
  return { book, ...(trades ? { trades, tradesPath: bookPath } : {}), notes };
}

/** Reads the days of the catalog range named by the environment into one book (and trade) table. */
async function catalogMarket(env: Readonly<Record<string, string | undefined>>, maxBookRows: number, maskTradelessEnds: boolean): Promise<{ book: BookTable; trades?: TradeTable; where: string; notes: string[] }> {
  const root = env[MARKET_ENV.catalog]!;
  if (!existsSync(root)) throw new NotebookDataError(`${MARKET_ENV.catalog}=${root}: no such directory`);
  const catalog = await openCatalog(root);
  try {
    const names = { catalog: MARKET_ENV.catalog, inst: MARKET_ENV.inst, venue: MARKET_ENV.venue, from: MARKET_ENV.from, to: MARKET_ENV.to };
    const values = { inst: env[MARKET_ENV.inst] || undefined, venue: env[MARKET_ENV.venue] || undefined, from: env[MARKET_ENV.from] || undefined, to: env[MARKET_ENV.to] || undefined };
    let range;
    try {
      range = catalogRange(catalog, values, names);
    } catch (error) {
      if (error instanceof CatalogRangeError) throw new NotebookDataError(`${MARKET_ENV.catalog}=${root}: ${error.message}`);
      throw error;
    }
    const notes: string[] = [];
    const books: BookTable[] = [];
    const trades: TradeTable[] = [];
    const dates: string[] = [];
    let rows = 0;
    for await (const day of catalogMarketDays(catalog, range, notes, undefined, maskTradelessEnds)) {
      rows += day.book.tsMs.length;
      if (rows > maxBookRows) {
        throw new NotebookDataError(`${MARKET_ENV.catalog}=${root}: ${range.instrument} from ${dates[0] ?? day.date} to ${day.date} holds more than ${maxBookRows.toLocaleString('en-US')} book rows, more than a notebook loads into memory; narrow ${MARKET_ENV.from} / ${MARKET_ENV.to}, or stream the whole range with \`asmm backtest --catalog ${root} --inst ${range.instrument}\``);
      }
      dates.push(day.date);
      books.push(day.book);
      if (day.trades) trades.push(day.trades);
    }
    const span = `${range.fromDate ?? 'first date'}..${range.toDate ?? 'last date'}`;
    if (books.length === 0) throw new NotebookDataError(`${MARKET_ENV.catalog}=${root}: no book_top day of ${range.venue}/${range.instrument} in ${span} (asmm catalog ls lists what is there)`);
    const book = concatBookTables(books);
    if (book.tsMs.length < 2) throw new NotebookDataError(`${MARKET_ENV.catalog}=${root}: ${book.tsMs.length} book row(s) in ${span}, too few for any estimate`);
    const where = `${root}, ${range.venue}/${range.instrument}, ${dates.length} day(s) ${dates[0]}..${dates[dates.length - 1]}`;
    return { book, ...(trades.length > 0 ? { trades: concatTradeTables(trades) } : {}), where, notes };
  } finally {
    catalog.close();
  }
}

/**
 * The book and trades a notebook works on: the user's files when `ASMM_BOOKS` is set (any format `asmm
 * inspect` reads; trades from `ASMM_TRADES`, or from the book file itself when it is a capture holding both),
 * a catalog range when `ASMM_CATALOG` is set (`ASMM_INST`, optionally `ASMM_VENUE`, `ASMM_FROM`, `ASMM_TO`:
 * its `book_top` and `trades` days joined, its `gaps` masked; at most `maxCatalogBookRows` book rows),
 * else the project's sample market (generated into `data/sample` when absent). Prints which data it is, the
 * tables, the loaders' notes (data dropped, checksums) and the masked intervals (`describeMasks`), which every
 * estimate in the notebook must be given (`maskedGrid`, `arrivalSeconds`).
 * @throws NotebookDataError when ASMM_TRADES is set without ASMM_BOOKS, files and a catalog are both named, a
 *   range variable is set without ASMM_CATALOG, the range does not fit the catalog or is too large, a file is missing, or holds no usable
 *   book (or trade) table; DataError from the loaders for malformed rows and rows that go back in time.
 */
export async function notebookMarket(options: NotebookMarketOptions = {}): Promise<NotebookMarket> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const userBooks = env[MARKET_ENV.books] || undefined;
  const userTrades = env[MARKET_ENV.trades] || undefined;
  const userCatalog = env[MARKET_ENV.catalog] || undefined;
  if (!userBooks && userTrades) throw new NotebookDataError(`${MARKET_ENV.trades}=${userTrades} is set but ${MARKET_ENV.books} is not: set both (or neither, for the sample market)`);
  if (userCatalog && (userBooks || userTrades)) throw new NotebookDataError(`${MARKET_ENV.catalog}=${userCatalog} and ${userBooks ? MARKET_ENV.books : MARKET_ENV.trades} are both set: choose files or a catalog range`);
  if (!userCatalog) {
    const stray = [MARKET_ENV.inst, MARKET_ENV.venue, MARKET_ENV.from, MARKET_ENV.to].filter((name) => env[name]);
    if (stray.length > 0) throw new NotebookDataError(`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but ${MARKET_ENV.catalog} is not: they choose a range of a catalog`);
  }
  let market: Omit<NotebookMarket, 'masked' | 'lines'>;
  if (userCatalog) {
    const user = await catalogMarket(env, options.maxCatalogBookRows ?? NOTEBOOK_MAX_CATALOG_BOOK_ROWS, options.maskTradelessEnds === true);
    const tick = user.book.meta.tickSize;
    market = {
      source: 'catalog',
      description: `your catalog (${MARKET_ENV.catalog}): ${user.where}${user.trades ? '' : ' (no trades)'}`,
      bookPath: userCatalog,
      ...(user.trades ? { tradesPath: userCatalog } : {}),
      book: user.book,
      ...(user.trades ? { trades: user.trades } : {}),
      tickSize: tick ?? inferTickSize(user.book),
      tickSource: tick ? 'the catalog' : 'inferred from the book',
      ...(user.book.meta.lotSize ? { lotSize: user.book.meta.lotSize } : {}),
      notes: user.notes,
    };
  } else if (userBooks) {
    const user = await userMarket(userBooks, userTrades);
    if (options.maskTradelessEnds && user.trades) {
      // as asmm backtest --data: the book where the trade record is missing is masked, with a WARNING
      user.book = maskTradelessBookEnds(user.book, user.trades, (e) => user.notes.push(`WARNING ${user.tradesPath ?? userTrades}: ${e.reason} of ${userBooks} (${new Date(e.fromMs).toISOString()} .. ${new Date(e.toMs).toISOString()}); masked for the backtests: no quote and no fill there`));
    }
    const fileTick = user.book.meta.tickSize;
    market = {
      source: 'files',
      description: `your files (${MARKET_ENV.books}${userTrades ? `, ${MARKET_ENV.trades}` : ''}): ${userBooks}${user.tradesPath ? (user.tradesPath === userBooks ? ' (books and trades)' : ` with trades ${user.tradesPath}`) : ' (no trades)'}`,
      bookPath: userBooks,
      ...(user.tradesPath ? { tradesPath: user.tradesPath } : {}),
      book: user.book,
      ...(user.trades ? { trades: user.trades } : {}),
      tickSize: fileTick ?? inferTickSize(user.book),
      tickSource: fileTick ? 'the file' : 'inferred from the book',
      ...(user.book.meta.lotSize ? { lotSize: user.book.meta.lotSize } : {}),
      notes: user.notes,
    };
  } else {
    const dir = options.sampleDir ?? DEFAULT_SAMPLE_DIR;
    const generated = ensureSampleMarket(dir, options.sampleOverrides);
    const sample = readSampleParams(dir)!;
    const bookPath = `${dir}/${SAMPLE_FILES.booksArrow}`;
    const tradesPath = `${dir}/${SAMPLE_FILES.tradesArrow}`;
    market = {
      source: 'sample',
      description: `the sample market (seed ${sample.seed}, ${dir}${generated ? ', generated now' : ''}): σ ${sample.sigmaPerSqrtSec} USDT/√s, A ${sample.arrivalRatePerSec} /s per side, k ${sample.kPerPrice} /USDT (set ${MARKET_ENV.books} for your own data)`,
      bookPath,
      tradesPath,
      book: readBookFile(bookPath),
      trades: readTradeFile(tradesPath),
      sample,
      tickSize: sample.tickSize,
      tickSource: 'sample parameters',
      lotSize: sample.lotSize,
      notes: [],
    };
  }
  const masked = maskSummary(market.book.masked, market.trades?.masked);
  const lines = [
    `data: ${market.description}`,
    tableLine(market.book, market.bookPath),
    ...(market.trades ? [tableLine(market.trades, market.tradesPath!)] : []),
    `  tick ${market.tickSize} (${market.tickSource})`,
    ...market.notes.map((note) => `  ${note}`),
    ...(masked.count > 0 ? describeMasks(masked) : ['  masked: none (no gap, checksum mismatch or missing resync recorded)']),
  ];
  for (const line of lines) print(line);
  return { ...market, masked, lines };
}

/** A shared capture's book and trades for one instrument, with the loader's notes. */
export interface SharedCapture {
  readonly path: string;
  readonly book: BookTable;
  readonly trades?: TradeTable;
  readonly notes: readonly string[];
  readonly masked: MaskSummary;
}

/**
 * A shared real capture (`SHARED_CAPTURES`), replayed with its integrity checks, or undefined when
 * `../shared/data` is absent (a line says the section is skipped). `instrument` picks the book of a capture
 * holding several. Prints the notes and masked intervals like `notebookMarket`.
 * @throws NotebookDataError when the capture holds no book (for the instrument).
 */
export async function loadSharedCapture(path: string, instrument?: string, print: (line: string) => void = (line) => console.log(line)): Promise<SharedCapture | undefined> {
  if (!existsSync(path)) {
    print(`${path} is absent (no ../shared/data): this section is skipped`);
    return undefined;
  }
  const loaded = await loadTables(path);
  const book = ofKind<BookTable>(loaded.tables, 'book', instrument)[0];
  if (!book) throw new NotebookDataError(`${path} holds no book table${instrument ? ` for ${instrument}` : ''}`);
  const trades = ofKind<TradeTable>(loaded.tables, 'trades', book.meta.instrument)[0];
  const masked = maskSummary(book.masked, trades?.masked);
  print(`${path}: ${loaded.notes.join('; ')}`);
  print(tableLine(book, path));
  if (trades) print(tableLine(trades, path));
  for (const line of describeMasks(masked)) print(line);
  return { path, book, ...(trades ? { trades } : {}), notes: loaded.notes, masked };
}

/**
 * Values of a book's rows (its mid, log mid, micro-price…) sampled by previous tick on a regular grid of
 * `gridMs`, with the book's masked intervals: increments that overlap one are left out of every σ estimate.
 * Use this rather than `previousTickGrid(book.tsMs, …)`, which without `book.masked` would count returns across
 * a gap as market moves.
 */
export function maskedGrid(book: BookTable, values: ArrayLike<number>, gridMs: number): GridSeries {
  return previousTickGrid(book.tsMs, values, gridMs, book.masked);
}

/**
 * The reference system's rolling std of the last `windowRows` mids (`referenceRollingStdOfMid`) on the book
 * resampled to one row every `rowMs` (previous tick, masked intervals left out), averaged over the rows where it
 * is defined, with the number of resampled rows. A book resampled to fewer than `windowRows` rows has no
 * window: the mean is NaN and `note` says why (a notebook printed "the reference std grows NaNx" with no word).
 * @example referenceStdOnRows(bookOf150Seconds, 1000).note
 * // 'at one row every 1000 ms the book has 151 rows, fewer than the 200 of one reference window: its std is not defined there'
 */
export function referenceStdOnRows(book: BookTable, rowMs: number, windowRows = 200): { rows: number; meanStdPx: number; note?: string } {
  const grid = maskedGrid(book, midPrices(book), rowMs);
  const std = referenceRollingStdOfMid(grid.values, windowRows);
  let sum = 0;
  let defined = 0;
  for (const v of std) {
    if (Number.isNaN(v)) continue;
    sum += v;
    defined++;
  }
  const rows = grid.values.length;
  if (defined > 0) return { rows, meanStdPx: sum / defined };
  const why = rows < windowRows ? `fewer than the ${windowRows} of one reference window` : `and every ${windowRows}-row window holds a one-sided row (no mid)`;
  return { rows, meanStdPx: NaN, note: `at one row every ${rowMs} ms the book has ${rows} rows, ${why}: its std is not defined there` };
}

/**
 * The T of Â = N/T for market orders paired with a book, seconds: the time they were observed in (the book's
 * span net of masked and stale stretches, `OrderPairing.observedMs`), not the book's span.
 * @example arrivalSeconds({ observedMs: 7000 } as OrderPairing) // 7
 */
export function arrivalSeconds(orders: Pick<OrderPairing, 'observedMs'>): number {
  return orders.observedMs / 1000;
}

/**
 * The rolling calibration window the notebooks use for a book, seconds: 300 s on data of 30 minutes or more
 * (the sample's hour), else 60 s (short captures such as the shared Binance one, about 346 s).
 */
export function rollingWindowSec(book: BookTable): number {
  return spanSec(book) >= 1800 ? 300 : 60;
}
