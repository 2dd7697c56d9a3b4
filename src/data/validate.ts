import type { BookTable, TradeTable } from './tables.js';

/** A violated rule at one row: which field and why. */
export interface RowProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Checks row `i` of a book (and its order against row i − 1). Rules: finite timestamp, not earlier
 * than the previous row; each level has both price and size or neither; prices and sizes positive;
 * no hole before a present level; bids strictly descending, asks strictly ascending; best bid < best ask.
 */
export function bookRowProblem(book: BookTable, i: number): RowProblem | null {
  const ts = book.tsMs[i];
  if (!Number.isFinite(ts)) return { field: 'ts_ms', reason: 'missing or not a number' };
  if (i > 0 && ts < book.tsMs[i - 1]) return { field: 'ts_ms', reason: `timestamps not sorted (${ts} < previous ${book.tsMs[i - 1]})` };
  if (book.localTsMs && !Number.isFinite(book.localTsMs[i])) return { field: 'local_ts_ms', reason: 'missing or not a number' };
  for (let side = 0; side < 2; side++) {
    const problem = sideProblem(book, i, side === 0);
    if (problem) return problem;
  }
  const bid = book.bidPx[0][i];
  const ask = book.askPx[0][i];
  if (bid >= ask) return { field: 'ask_px_1', reason: `crossed or locked book: best bid ${bid} >= best ask ${ask}` };
  if (book.bidCount) return countProblem(book, i);
  return null;
}

/** Orders per level (`bidCount`, `askCount`): a whole number ≥ 0 where given (empty: unknown). */
function countProblem(book: BookTable, i: number): RowProblem | null {
  for (const [name, counts] of [['bid_cnt', book.bidCount], ['ask_cnt', book.askCount]] as const) {
    if (!counts) return { field: `${name}_1`, reason: 'order counts for one side only' };
    for (let level = 0; level < book.depth; level++) {
      const c = counts[level][i];
      if (c === c && !(c >= 0 && Number.isInteger(c))) return { field: `${name}_${level + 1}`, reason: `an order count must be a whole number of orders, 0 or more, got ${c}` };
    }
  }
  return null;
}

/** Level rules for one side of row `i`; allocation-free unless there is a problem. */
function sideProblem(book: BookTable, i: number, isBid: boolean): RowProblem | null {
  const pxs = isBid ? book.bidPx : book.askPx;
  const szs = isBid ? book.bidSz : book.askSz;
  const direction = isBid ? -1 : 1;
  const name = isBid ? 'bid' : 'ask';
  let previous = NaN;
  let ended = false;
  for (let level = 0; level < book.depth; level++) {
    const px = pxs[level][i];
    const sz = szs[level][i];
    const pxMissing = px !== px;
    const szMissing = sz !== sz;
    if (pxMissing !== szMissing) {
      return { field: `${name}_${pxMissing ? 'px' : 'sz'}_${level + 1}`, reason: `missing while ${name}_${pxMissing ? 'sz' : 'px'}_${level + 1} is present` };
    }
    if (pxMissing) {
      ended = true;
      continue;
    }
    if (ended) return { field: `${name}_px_${level + 1}`, reason: `level ${level + 1} present after a missing level` };
    if (!(px > 0 && px < Infinity)) return { field: `${name}_px_${level + 1}`, reason: `price must be positive and finite, got ${px}` };
    if (!(sz > 0 && sz < Infinity)) return { field: `${name}_sz_${level + 1}`, reason: `size must be positive and finite, got ${sz}` };
    if (level > 0 && !((px - previous) * direction > 0)) {
      return { field: `${name}_px_${level + 1}`, reason: `${name} prices must be strictly ${isBid ? 'descending' : 'ascending'} (${px} after ${previous})` };
    }
    previous = px;
  }
  return null;
}

/** Checks row `i` of a trade table: finite sorted timestamp, finite id, side ±1, positive price and size. */
export function tradeRowProblem(trades: TradeTable, i: number): RowProblem | null {
  const ts = trades.tsMs[i];
  if (!Number.isFinite(ts)) return { field: 'ts_ms', reason: 'missing or not a number' };
  if (i > 0 && ts < trades.tsMs[i - 1]) return { field: 'ts_ms', reason: `timestamps not sorted (${ts} < previous ${trades.tsMs[i - 1]})` };
  if (trades.localTsMs && !Number.isFinite(trades.localTsMs[i])) return { field: 'local_ts_ms', reason: 'missing or not a number' };
  if (!Number.isFinite(trades.id[i])) return { field: 'id', reason: 'missing or not a number' };
  const side = trades.side[i];
  if (side !== 1 && side !== -1) return { field: 'side', reason: `must be buy or sell` };
  const px = trades.px[i];
  if (!(px > 0) || !Number.isFinite(px)) return { field: 'px', reason: `price must be positive and finite, got ${px}` };
  const sz = trades.sz[i];
  if (!(sz > 0) || !Number.isFinite(sz)) return { field: 'sz', reason: `size must be positive and finite, got ${sz}` };
  return null;
}

/** Trades priced far from the book in force when they printed (see `tradesOffBook`). */
export interface TradesOffBook {
  /** Trades with a book in force (after its first row, with a mid). */
  readonly checked: number;
  /** Of those, priced more than `maxRelative` from the mid. */
  readonly off: number;
  /** The first of them: its row (0-based), time (ms), price, and the mid then; undefined when none. */
  readonly first?: { readonly row: number; readonly tsMs: number; readonly px: number; readonly midPx: number };
}

/**
 * Trades whose price is more than `maxRelative` (default 10 %) away from the mid of the book row in force
 * (the last row stamped at or before the trade): a trade file of another instrument, in other units, or
 * scaled wrongly, which a backtest would fill against (a trade 10 times the ask fills every bid). A market
 * that really moves 10 % moves its book too, so such trades are no market event. Trades before the first
 * row, or with a book row without a mid, are not checked. Rows must be in time order.
 * @example tradesOffBook(book, trades) // { checked: 3572, off: 0 }
 */
export function tradesOffBook(book: BookTable, trades: TradeTable, maxRelative = 0.1): TradesOffBook {
  const ts = book.tsMs;
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  let row = -1;
  let checked = 0;
  let off = 0;
  let first: TradesOffBook['first'];
  if (!bid || !ask) return { checked, off };
  for (let i = 0; i < trades.tsMs.length; i++) {
    const t = trades.tsMs[i];
    while (row + 1 < ts.length && ts[row + 1] <= t) row++;
    if (row < 0) continue;
    const mid = 0.5 * (bid[row] + ask[row]);
    if (!(mid > 0)) continue;
    checked++;
    const px = trades.px[i];
    if (Math.abs(px - mid) > maxRelative * mid) {
      off++;
      first ??= { row: i, tsMs: t, px, midPx: mid };
    }
  }
  return first ? { checked, off, first } : { checked, off };
}
