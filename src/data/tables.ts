/**
 * The project's normalized tables: columnar, typed-array, one row per book snapshot or per trade.
 *
 * Units and conventions (shared by every loader, writer, estimator and the backtester):
 * - `tsMs`: exchange time, milliseconds since the Unix epoch (UTC), non-decreasing.
 * - `localTsMs` (optional): local receive time, same unit; present for live recordings.
 * - Book levels are 1-based in file column names (`bid_px_1` is the best bid) and 0-based in memory
 *   (`bidPx[0]`). Bids strictly descending, asks strictly ascending, best bid < best ask.
 *   A missing level (fewer levels than the table's depth) is NaN in memory and empty in CSV.
 * - Prices in quote currency (`px`), sizes in base currency or contracts as the venue quotes them (`sz`).
 * - Trade `side` is the taker (aggressor) side: +1 buy (lifted the ask), −1 sell (hit the bid).
 */
import type { MaskedInterval } from './masks.js';

export interface TableMeta {
  /** Instrument id such as "ETH-USDT", when known. */
  readonly instrument?: string;
  /** Price tick in quote currency, when known. */
  readonly tickSize?: number;
  /** Size lot, when known. */
  readonly lotSize?: number;
  /** Where the data came from, e.g. "asmm sample market (seed 1)". */
  readonly source?: string;
  /** Any further key/value pairs (stored as Arrow schema metadata). */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface BookTable {
  readonly kind: 'book';
  /** Levels per side. */
  readonly depth: number;
  readonly tsMs: Float64Array;
  readonly localTsMs?: Float64Array;
  /** `bidPx[level][row]`, level 0 = best. */
  readonly bidPx: readonly Float64Array[];
  readonly bidSz: readonly Float64Array[];
  readonly askPx: readonly Float64Array[];
  readonly askSz: readonly Float64Array[];
  /**
   * Orders resting at each level (`bidCount[level][row]`), where the venue publishes them (OKX `books`: the
   * fourth field of a level) or the data was simulated order by order; NaN where a level is missing. Absent:
   * unknown. The `orderCount` queue model needs them.
   */
  readonly bidCount?: readonly Float64Array[];
  readonly askCount?: readonly Float64Array[];
  readonly meta: TableMeta;
  /**
   * Intervals in which the book is invalid (a gap, a checksum mismatch, no resync yet): no quote, no fill, no
   * estimate inside (see `masks.ts`). Absent or empty: the loader found nothing to mask.
   */
  readonly masked?: readonly MaskedInterval[];
}

export interface TradeTable {
  readonly kind: 'trades';
  readonly tsMs: Float64Array;
  readonly localTsMs?: Float64Array;
  /** Exchange trade id (integers up to 2^53 are exact). */
  readonly id: Float64Array;
  /** Taker side: +1 buy, −1 sell. */
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly sz: Float64Array;
  readonly meta: TableMeta;
  /** Intervals in which trades may be missing (the trade stream was down): see `masks.ts`. */
  readonly masked?: readonly MaskedInterval[];
}

export type Table = BookTable | TradeTable;

/** A trades table without rows (a day with no trades, the start of a stream). */
export function emptyTradeTable(meta: TableMeta = {}): TradeTable {
  return { kind: 'trades', tsMs: new Float64Array(0), id: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), sz: new Float64Array(0), meta };
}

/** A book table of `depth` levels without rows. */
export function emptyBookTable(depth: number, meta: TableMeta = {}): BookTable {
  const levels = () => Array.from({ length: depth }, () => new Float64Array(0));
  return { kind: 'book', depth, tsMs: new Float64Array(0), bidPx: levels(), bidSz: levels(), askPx: levels(), askSz: levels(), meta };
}

export const SIDE_BUY = 1;
export const SIDE_SELL = -1;

/**
 * Column names of a book table with `depth` levels, in file order; with `withCounts`, the orders per level
 * (`bid_cnt_1..N`, `ask_cnt_1..N`: `BookTable.bidCount`) after the sizes' and prices' columns.
 */
export function bookColumnNames(depth: number, withLocalTs = false, withCounts = false): string[] {
  const names = ['ts_ms'];
  if (withLocalTs) names.push('local_ts_ms');
  for (const field of withCounts ? ['bid_px', 'bid_sz', 'ask_px', 'ask_sz', 'bid_cnt', 'ask_cnt'] : ['bid_px', 'bid_sz', 'ask_px', 'ask_sz']) {
    for (let level = 1; level <= depth; level++) names.push(`${field}_${level}`);
  }
  return names;
}

/** Column names of a trade table, in file order. */
export function tradeColumnNames(withLocalTs = false): string[] {
  return withLocalTs ? ['ts_ms', 'local_ts_ms', 'id', 'side', 'px', 'sz'] : ['ts_ms', 'id', 'side', 'px', 'sz'];
}

/**
 * The book with every per-row column — times (exchange and local), prices, sizes and order counts — passed
 * through `column` (a slice, a row pick): the one place that lists them, so that a cut of a book cannot leave
 * a column behind at its old rows. Depth, metadata and masks are kept as they are (cut masks yourself).
 * @example mapBookColumns(book, (c) => c.subarray(10, 20)) // rows 10..19, counts included
 */
export function mapBookColumns(book: BookTable, column: (c: Float64Array) => Float64Array): BookTable {
  return {
    ...book,
    tsMs: column(book.tsMs),
    localTsMs: book.localTsMs ? column(book.localTsMs) : undefined,
    bidPx: book.bidPx.map(column),
    bidSz: book.bidSz.map(column),
    askPx: book.askPx.map(column),
    askSz: book.askSz.map(column),
    bidCount: book.bidCount?.map(column),
    askCount: book.askCount?.map(column),
  };
}

export function rowCount(table: Table): number {
  return table.tsMs.length;
}

/** Mid price (best bid + best ask)/2 of every snapshot; NaN where a side is empty. */
export function midPrices(book: BookTable): Float64Array {
  const n = book.tsMs.length;
  const mid = new Float64Array(n);
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  for (let i = 0; i < n; i++) mid[i] = 0.5 * (bid[i] + ask[i]);
  return mid;
}

/**
 * Micro-price (size-weighted mid) of every snapshot: (bid·askSize + ask·bidSize)/(bidSize + askSize) at the
 * touch; leans toward the side with less size (the side more likely to be taken next). NaN where a side is
 * empty. @see Stoikov (2018), "The micro-price", Quantitative Finance 18(12) (this is its first-order form,
 * the weighted mid).
 */
export function microPrices(book: BookTable): Float64Array {
  const n = book.tsMs.length;
  const out = new Float64Array(n);
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  const bidSz = book.bidSz[0];
  const askSz = book.askSz[0];
  for (let i = 0; i < n; i++) out[i] = (bid[i] * askSz[i] + ask[i] * bidSz[i]) / (bidSz[i] + askSz[i]);
  return out;
}

/** Book columns by file column name (`bid_px_1` → bidPx[0]), for writers and frames. */
export function bookColumns(book: BookTable): Array<[string, Float64Array]> {
  const cols: Array<[string, Float64Array]> = [['ts_ms', book.tsMs]];
  if (book.localTsMs) cols.push(['local_ts_ms', book.localTsMs]);
  const groups: Array<[string, readonly Float64Array[]]> = [
    ['bid_px', book.bidPx],
    ['bid_sz', book.bidSz],
    ['ask_px', book.askPx],
    ['ask_sz', book.askSz],
  ];
  if (book.bidCount && book.askCount) groups.push(['bid_cnt', book.bidCount], ['ask_cnt', book.askCount]);
  for (const [field, levels] of groups) levels.forEach((col, i) => cols.push([`${field}_${i + 1}`, col]));
  return cols;
}
