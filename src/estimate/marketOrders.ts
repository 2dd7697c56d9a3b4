import type { BookTable, TradeTable } from '../data/tables.js';
import { EstimationError } from './errors.js';

/**
 * Market orders reconstructed from trades, each with the book in force when it arrived. Columnar.
 * `side`: +1 buy (reaches ask-side quotes), −1 sell (reaches bid-side quotes).
 */
export interface MarketOrders {
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
  /** Trades before the first book row (no book in force), dropped and counted here. */
  readonly tradesWithoutBook: number;
  /** Trades merged into orders (same ms and side). */
  readonly tradesMerged: number;
}

/**
 * Market orders from trades. Trades with the same ms timestamp and taker side are one order that swept
 * several levels; its reach is its deepest price. The book in force is the last row with ts_ms ≤ the
 * trade's ts_ms (a book row stamped the same ms counts as before the trade: exchange clocks are ms, and a
 * row that already shows the trade's effect biases depths toward zero). Depth beyond the touch is counted
 * in whole ticks: for a buy at price P with best ask a, ticksBeyondTouch = round((P − a)/tick) − 1 (−1 when
 * P ≤ a: a touch trade, including trades at or inside a stale touch).
 * @throws EstimationError when no trade has a book in force or the tick size is not positive.
 */
export function marketOrdersFromTrades(book: BookTable, trades: TradeTable, tickSize: number): MarketOrders {
  if (!(tickSize > 0)) throw new EstimationError(`tick size must be positive, got ${tickSize}`);
  const n = trades.tsMs.length;
  const ts: number[] = [];
  const side: number[] = [];
  const reach: number[] = [];
  const mid: number[] = [];
  const beyond: number[] = [];
  let row = -1;
  let without = 0;
  let merged = 0;
  const bookTs = book.tsMs;
  for (let i = 0; i < n; i++) {
    const t = trades.tsMs[i];
    while (row + 1 < bookTs.length && bookTs[row + 1] <= t) row++;
    if (row < 0) {
      without++;
      continue;
    }
    const s = trades.side[i];
    const px = trades.px[i];
    const last = ts.length - 1;
    if (last >= 0 && ts[last] === t && side[last] === s) {
      merged++;
      if (s > 0 ? px > reach[last] : px < reach[last]) reach[last] = px;
      beyond[last] = ticksBeyond(s, reach[last], s > 0 ? book.askPx[0][row] : book.bidPx[0][row], tickSize);
      continue;
    }
    const bid = book.bidPx[0][row];
    const ask = book.askPx[0][row];
    ts.push(t);
    side.push(s);
    reach.push(px);
    mid.push(0.5 * (bid + ask));
    beyond.push(ticksBeyond(s, px, s > 0 ? ask : bid, tickSize));
  }
  if (ts.length === 0) throw new EstimationError(n === 0 ? 'no trades' : `none of the ${n} trades has a book in force (all precede the first book row)`);
  return { ...marketOrderColumns(ts, side, reach, mid, beyond, tickSize), tradesWithoutBook: without, tradesMerged: merged };
}

/** The columns of `MarketOrders` from per-order lists; depth = reach − mid for buys, mid − reach for sells. */
export function marketOrderColumns(ts: number[], side: number[], reach: number[], mid: number[], beyond: number[], tickSize: number): Omit<MarketOrders, 'tradesWithoutBook' | 'tradesMerged'> {
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
