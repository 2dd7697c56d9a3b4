import { clipMasks, isoMs, maskedDurationMs, mergeMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { DEFAULT_MAX_STALENESS_MS, staleStretches } from '../data/validate.js';
import { EstimationError } from './errors.js';

/** The default staleness limit (ms): see its note in data/validate.ts. */
export { DEFAULT_MAX_STALENESS_MS, staleStretches };

/**
 * Most trades cannot be paired with the book (outside its time range or stale): they do not belong to it.
 * An `EstimationError` (its name too, so the CLI prints it as one line, exit 1), distinct so that callers
 * that go on without A and k after other estimation errors stop here.
 */
export class UnpairedTradesError extends EstimationError {}

/**
 * Unpaired trades make an `UnpairedTradesError` only when there are at least this many: a handful tell nothing
 * about the files (OKX pushes the last trade on subscribing, before the first book row: an instrument with one
 * trade in a short capture has 1 of 1 unpaired). Fewer are dropped and counted like the rest.
 */
export const MIN_UNPAIRED_FOR_ERROR = 10;

/**
 * What pairing trades with the book kept, dropped and observed. Every dropped trade is counted once, in the
 * first of these that applies: before the first book row, after the last, inside a masked interval, stale.
 * Times in ms. The time no trade could be kept in (masked or stale) is left out of `observedMs`, so that
 * Â = N/T counts orders and time alike.
 */
export interface OrderPairing {
  /** Trades before the first book row (no book in force), dropped. */
  readonly tradesWithoutBook: number;
  /** Trades after the last book row (outside the book's time range), dropped. */
  readonly tradesAfterBook: number;
  /** Trades more than `maxStalenessMs` after the book row in force, dropped. */
  readonly tradesStale: number;
  readonly maxStalenessMs: number;
  /**
   * Trades inside a masked interval of the book (from its start until the first book row stamped at or after
   * its end: the book is rebuilt there) or of the trades, dropped. For orders inferred from the book: row
   * pairs that overlap a masked interval, skipped.
   */
  readonly droppedInMask: number;
  /** Trades merged into orders (same ms and taker side). */
  readonly tradesMerged: number;
  /** From the first to the last book row. */
  readonly spanMs: number;
  /** Masked time within the span (the book's masks, to its first row after each, and the trades' masks). */
  readonly maskedMs: number;
  /** Time within the span, not masked, more than `maxStalenessMs` after the last book row. */
  readonly staleMs: number;
  /**
   * Time at the start or end of the span, neither masked nor stale, with no trade for improbably long at the rate
   * of the rest (`tradelessEdges`): the trade record starts later or ends earlier than the book.
   */
  readonly tradelessMs: number;
  /** spanMs − maskedMs − staleMs − tradelessMs: the T of Â = N/T. */
  readonly observedMs: number;
  /**
   * The unobserved intervals within the span (masked or stale), merged and sorted: no order is kept inside
   * them. Rolling estimates take their rates over the time outside them.
   */
  readonly excluded: readonly MaskedInterval[];
}

/**
 * Market orders reconstructed from trades, each with the book in force when it arrived. Columnar.
 * `side`: +1 buy (reaches ask-side quotes), −1 sell (reaches bid-side quotes).
 */
export interface MarketOrders extends OrderPairing {
  readonly tsMs: Float64Array;
  readonly side: Int8Array;
  /** The deepest price the order traded at, quote currency. */
  readonly reachPx: Float64Array;
  /** Mid (best bid + best ask)/2 of the book in force, quote currency. */
  readonly midPx: Float64Array;
  /** Depth from that mid: reachPx − mid for buys, mid − reachPx for sells; quote currency. */
  readonly depthPx: Float64Array;
  /** Whole ticks the order went beyond the first level past the touch; −1 when it stayed at the touch. */
  readonly ticksBeyondTouch: Int32Array;
  readonly tickSize: number;
}

/** The pairing of a complete record observed for `spanMs` (nothing dropped, nothing masked): for generated orders. */
export function completePairing(spanMs: number): OrderPairing {
  return { tradesWithoutBook: 0, tradesAfterBook: 0, tradesStale: 0, maxStalenessMs: Infinity, droppedInMask: 0, tradesMerged: 0, spanMs, maskedMs: 0, staleMs: 0, tradelessMs: 0, observedMs: spanMs, excluded: [] };
}

export interface PairingOptions {
  /** A trade more than this after the book row in force is stale (dropped, counted), ms; default 5000. */
  readonly maxStalenessMs?: number;
  /** What is being paired, for the error message (e.g. "trades t.csv against book b.csv"); default "trades". */
  readonly label?: string;
}

/**
 * Market orders from trades. Trades with the same ms timestamp and taker side are one order that swept
 * several levels, also when trades of the other side at that ms come between them; its reach is its deepest
 * price. The book in force is the last row with ts_ms ≤ the trade's ts_ms (a book row stamped the same ms
 * counts as before the trade: exchange clocks are ms, and a row that already shows the trade's effect biases
 * depths toward zero). Depth beyond the touch is counted in whole ticks: for a buy at price P with best ask a,
 * ticksBeyondTouch = round((P − a)/tick) − 1 (−1 when P ≤ a: a touch trade, including trades at or inside a
 * stale touch).
 *
 * Dropped and counted (see `OrderPairing`): trades outside the book's time range [first row, last row]; trades
 * inside a masked interval of the book (`book.masked`, until the first row stamped at or after its end) or of
 * the trades (`trades.masked`); trades more than `maxStalenessMs` after the row in force. The masked and stale
 * time is left out of `observedMs`.
 * @throws EstimationError when the tick size is not positive or no trade is left; UnpairedTradesError (an
 *   EstimationError) when more than half of the trades outside masked intervals, and at least
 *   `MIN_UNPAIRED_FOR_ERROR`, are outside the book's time range or stale: they do not belong to
 *   this book (another day, another instrument, a book that stopped), and an estimate from the rest would be
 *   a number from a few stray trades. The message names `label`, the counts and both time ranges.
 * @example
 * // book rows at 0, 1000, 2000 and 20000 ms, trades at 500 and 8000 ms: the second is 6 s after its row,
 * // stale at the default 5 s, and 7000..20000 ms is unobserved: observedMs = 20000 − 13000 = 7000
 */
export function marketOrdersFromTrades(book: BookTable, trades: TradeTable, tickSize: number, options: PairingOptions = {}): MarketOrders {
  if (!(tickSize > 0)) throw new EstimationError(`tick size must be positive, got ${tickSize}`);
  const maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  if (!(maxStalenessMs >= 0)) throw new EstimationError(`the staleness limit must be non-negative, got ${maxStalenessMs} ms`);
  const label = options.label ?? 'trades';
  const n = trades.tsMs.length;
  const bookTs = book.tsMs;
  const rows = bookTs.length;
  if (rows === 0) throw new EstimationError(`${label}: the book has no rows to pair the trades with`);
  const firstMs = bookTs[0];
  const lastMs = bookTs[rows - 1];
  // where no trade is kept: the book's masks until its next row, the trades' masks, and the stale stretches
  const masked = mergeMasks(bookMasksToNextRow(book), trades.masked);
  const stale = staleStretches(bookTs, maxStalenessMs);
  const excluded = clipMasks(mergeMasks(masked, stale), firstMs, lastMs) ?? [];
  const maskedMs = maskedDurationMs(clipMasks(masked, firstMs, lastMs));
  const excludedMs = maskedDurationMs(excluded);
  const spanMs = lastMs - firstMs;

  const ts: number[] = [];
  const side: number[] = [];
  const reach: number[] = [];
  const mid: number[] = [];
  const beyond: number[] = [];
  let row = -1;
  let mask = 0;
  let before = 0;
  let after = 0;
  let inMask = 0;
  let stalePaired = 0;
  let merged = 0;
  // the order of each side at the current ms, for merging
  let currentMs = NaN;
  let buyOrder = -1;
  let sellOrder = -1;
  for (let i = 0; i < n; i++) {
    const t = trades.tsMs[i];
    if (t !== currentMs) {
      currentMs = t;
      buyOrder = -1;
      sellOrder = -1;
    }
    while (row + 1 < rows && bookTs[row + 1] <= t) row++;
    // a masked interval first: a book masked to the end of the data (no resync) has no row after it, and the
    // trades there are masked, not unpaired
    while (mask < masked.length && masked[mask].toMs <= t) mask++;
    if (mask < masked.length && masked[mask].fromMs <= t) {
      inMask++;
      continue;
    }
    if (row < 0) {
      before++;
      continue;
    }
    if (t > lastMs) {
      after++;
      continue;
    }
    if (t - bookTs[row] > maxStalenessMs) {
      stalePaired++;
      continue;
    }
    const s = trades.side[i];
    const px = trades.px[i];
    const existing = s > 0 ? buyOrder : sellOrder;
    if (existing >= 0) {
      merged++;
      if (s > 0 ? px > reach[existing] : px < reach[existing]) reach[existing] = px;
      beyond[existing] = ticksBeyond(s, reach[existing], s > 0 ? book.askPx[0][row] : book.bidPx[0][row], tickSize);
      continue;
    }
    const bid = book.bidPx[0][row];
    const ask = book.askPx[0][row];
    if (s > 0) buyOrder = ts.length;
    else sellOrder = ts.length;
    ts.push(t);
    side.push(s);
    reach.push(px);
    mid.push(0.5 * (bid + ask));
    beyond.push(ticksBeyond(s, px, s > 0 ? ask : bid, tickSize));
  }
  const unpaired = before + after + stalePaired;
  const outsideMasks = n - inMask;
  if (unpaired >= MIN_UNPAIRED_FOR_ERROR && 2 * unpaired > outsideMasks) {
    const range = (a: number, b: number) => `${iso(a)} .. ${iso(b)}`;
    throw new UnpairedTradesError(
      `${label}: ${unpaired} of ${outsideMasks} trades${inMask ? ` outside masked intervals` : ''} (${((100 * unpaired) / outsideMasks).toFixed(0)} %) cannot be paired with the book ` +
        `(${before} before its first row, ${after} after its last, ${stalePaired} more than ${maxStalenessMs} ms after the row in force): ` +
        `book ${range(firstMs, lastMs)}, trades ${n ? range(trades.tsMs[0], trades.tsMs[n - 1]) : 'none'}; are they of another day or instrument, or did the book stop?`,
    );
  }
  if (ts.length === 0) {
    if (n === 0) throw new EstimationError(`${label}: no trades`);
    throw new EstimationError(`${label}: none of the ${n} trades can be paired with the book (${before} before its first row, ${after} after its last, ${inMask} in masked intervals, ${stalePaired} stale)`);
  }
  const { excludedAll, excludedAllMs } = withTradelessEdges(excluded, excludedMs, firstMs, lastMs, ts[0], ts[ts.length - 1], ts.length);
  return {
    ...marketOrderColumns(ts, side, reach, mid, beyond, tickSize),
    tradesWithoutBook: before,
    tradesAfterBook: after,
    tradesStale: stalePaired,
    maxStalenessMs,
    droppedInMask: inMask,
    tradesMerged: merged,
    spanMs,
    maskedMs,
    staleMs: excludedMs - maskedMs,
    tradelessMs: excludedAllMs - excludedMs,
    observedMs: spanMs - excludedAllMs,
    excluded: excludedAll,
  };
}

/** Rows of `prices` that are NaN (a book row without a mid: a side empty). */
export function rowsWithoutPrice(prices: ArrayLike<number>): number {
  let n = 0;
  for (let r = 0; r < prices.length; r++) if (Number.isNaN(prices[r])) n++;
  return n;
}

/** `excluded` (its duration `excludedMs`) with the `tradelessEdges` of the span added, and the new duration. */
export function withTradelessEdges(
  excluded: readonly MaskedInterval[],
  excludedMs: number,
  firstMs: number,
  lastMs: number,
  firstOrderMs: number,
  lastOrderMs: number,
  orders: number,
): { excludedAll: readonly MaskedInterval[]; excludedAllMs: number } {
  const edges = tradelessEdges(firstMs, lastMs, firstOrderMs, lastOrderMs, orders, lastMs - firstMs - excludedMs);
  if (edges.length === 0) return { excludedAll: excluded, excludedAllMs: excludedMs };
  const excludedAll = clipMasks(mergeMasks(excluded, edges), firstMs, lastMs) ?? [];
  return { excludedAll, excludedAllMs: maskedDurationMs(excludedAll) };
}

/** −ln P: a stretch with no order is improbable when P(no order in it) at the rate elsewhere is below 1e-6. */
const IMPROBABLE_NO_ORDER = Math.log(1e6);

/**
 * The stretches at the start and end of the book's span [firstMs, lastMs] before the first order and after the
 * last one that are too long to be a quiet market: no order for t ms has probability e^(−rate·t) for Poisson
 * orders at the rate over the observed time (`orders` in `observedMs`, edges included, so the rate is if
 * anything too low and the test conservative); below 1e-6 the trade record is taken to start later (or end
 * earlier) than the book, and the stretch is left out of the observed time instead of counting as time with
 * no orders (which would bias Â = N/T down: a trade file of half the book's day halves it). Gaps inside the
 * record are not judged (a burst-and-lull market has long lulls).
 * @example tradelessEdges(0, 900_000, 450_000, 899_000, 900, 900_000) // [{ fromMs: 0, toMs: 450000, … }]
 */
export function tradelessEdges(firstMs: number, lastMs: number, firstOrderMs: number, lastOrderMs: number, orders: number, observedMs: number): MaskedInterval[] {
  if (!(orders > 0 && observedMs > 0)) return [];
  const perMs = orders / observedMs;
  const out: MaskedInterval[] = [];
  const lead = firstOrderMs - firstMs;
  if (lead * perMs > IMPROBABLE_NO_ORDER) {
    out.push({ fromMs: firstMs, toMs: firstOrderMs, reason: `no trade for ${(lead / 1000).toFixed(1)} s from the book's first row (P < 1e-6 at the rate elsewhere): the trade record starts later than the book` });
  }
  const tail = lastMs - lastOrderMs;
  if (tail * perMs > IMPROBABLE_NO_ORDER) {
    out.push({ fromMs: lastOrderMs, toMs: lastMs, reason: `no trade for ${(tail / 1000).toFixed(1)} s before the book's last row (P < 1e-6 at the rate elsewhere): the trade record ends earlier than the book` });
  }
  return out;
}

/**
 * The stretches at the start and end of a book's span with no trade for improbably long at the rate of the rest
 * (P < 1e-6, `tradelessEdges`), outside its masks: there the trade record is missing (it starts later or ends
 * earlier than the book: an OKX trades file dated D ends at 16:00 UTC, its books day at midnight), not quiet.
 */
export function tradelessBookEnds(book: BookTable, trades: TradeTable): MaskedInterval[] {
  const ts = book.tsMs;
  if (ts.length < 2) return [];
  return tradelessSpanEnds(ts[0], ts[ts.length - 1], mergeMasks(book.masked, trades.masked), trades.tsMs);
}

/**
 * The book with its `tradelessBookEnds` masked; `say` is told each stretch first (the caller's WARNING, in its
 * words: a command's stderr, a catalog day's notes, a notebook's lines). The book itself when there is none.
 */
export function maskTradelessBookEnds(book: BookTable, trades: TradeTable, say: (end: MaskedInterval) => void): BookTable {
  const ends = tradelessBookEnds(book, trades);
  if (ends.length === 0) return book;
  for (const e of ends) say(e);
  return { ...book, masked: mergeMasks(book.masked, ends) };
}

/** `tradelessBookEnds` of a book known by its first and last row times and masks (`masks`, trades' included). */
export function tradelessSpanEnds(firstMs: number, lastMs: number, masksIn: readonly MaskedInterval[] | undefined, tradeTsMs: ArrayLike<number>): MaskedInterval[] {
  if (!(lastMs > firstMs)) return [];
  const masks = clipMasks(mergeMasks(masksIn), firstMs, lastMs) ?? [];
  let first = NaN;
  let last = NaN;
  let count = 0;
  let m = 0;
  for (let i = 0; i < tradeTsMs.length; i++) {
    const t = tradeTsMs[i];
    if (t < firstMs || t > lastMs) continue;
    while (m < masks.length && masks[m].toMs <= t) m++;
    if (m < masks.length && masks[m].fromMs <= t) continue;
    if (count === 0) first = t;
    last = t;
    count++;
  }
  if (count === 0) return [];
  // (half-open intervals: the tail starts after the last trade, which stays outside it)
  return tradelessEdges(firstMs, lastMs, first, last, count, lastMs - firstMs - maskedDurationMs(masks)).map((e) => (e.fromMs === last && e.toMs === lastMs ? { ...e, fromMs: last + 1 } : e));
}

/**
 * The book's masked intervals, each extended to the first book row stamped at or after its end (the book is
 * rebuilt there: until then the row in force is one from before or inside the mask), or to the last row.
 */
export function bookMasksToNextRow(book: BookTable): MaskedInterval[] {
  const merged = mergeMasks(book.masked);
  const ts = book.tsMs;
  const out: MaskedInterval[] = [];
  let r = 0;
  for (const m of merged) {
    while (r < ts.length && ts[r] < m.toMs) r++;
    out.push(r < ts.length ? { ...m, toMs: ts[r] } : { ...m, toMs: Math.max(m.toMs, ts.length ? ts[ts.length - 1] : m.toMs) });
  }
  return mergeMasks(out);
}

const iso = isoMs;

/** The columns of `MarketOrders` from per-order lists; depth = reach − mid for buys, mid − reach for sells. */
export function marketOrderColumns(ts: number[], side: number[], reach: number[], mid: number[], beyond: number[], tickSize: number): Omit<MarketOrders, keyof OrderPairing> {
  const midPx = Float64Array.from(mid);
  const reachPx = Float64Array.from(reach);
  const sideArr = Int8Array.from(side);
  const depthPx = new Float64Array(ts.length);
  for (let i = 0; i < ts.length; i++) depthPx[i] = sideArr[i] > 0 ? reachPx[i] - midPx[i] : midPx[i] - reachPx[i];
  return { tsMs: Float64Array.from(ts), side: sideArr, reachPx, midPx, depthPx, ticksBeyondTouch: Int32Array.from(beyond), tickSize };
}

function ticksBeyond(side: number, px: number, touch: number, tick: number): number {
  const ticks = Math.round((side > 0 ? px - touch : touch - px) / tick);
  return ticks <= 0 || Number.isNaN(ticks) ? -1 : ticks - 1;
}
