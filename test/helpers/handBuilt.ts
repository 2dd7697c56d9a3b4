import type { BacktestConfig, Strategy } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';

// Small hand-built books, trades and strategies for the backtest tests, where every expected number is
// worked out by hand.

/** A 2-level book from rows [ts, bid1, bidSz1, ask1, askSz1] (level 2 one unit further, size 10). */
export function book(rows: number[][]): BookTable {
  const col = (f: (r: number[]) => number) => Float64Array.from(rows, f);
  return {
    kind: 'book',
    depth: 2,
    tsMs: col((r) => r[0]),
    bidPx: [col((r) => r[1]), col((r) => Math.round((r[1] - 1) * 100) / 100)],
    bidSz: [col((r) => r[2]), col(() => 10)],
    askPx: [col((r) => r[3]), col((r) => Math.round((r[3] + 1) * 100) / 100)],
    askSz: [col((r) => r[4]), col(() => 10)],
    meta: {},
  };
}

/** Trades from rows [ts, taker side (+1 buy, −1 sell), px, sz]. */
export function trades(rows: Array<[number, number, number, number]>): TradeTable {
  return {
    kind: 'trades',
    tsMs: Float64Array.from(rows, (r) => r[0]),
    id: Float64Array.from(rows, (_, i) => i + 1),
    side: Int8Array.from(rows, (r) => r[1]),
    px: Float64Array.from(rows, (r) => r[2]),
    sz: Float64Array.from(rows, (r) => r[3]),
    meta: {},
  };
}

/** Quotes a fixed bid and ask whatever happens. */
export const fixed = (bidPx: number, askPx: number): Strategy => ({ name: 'fixed', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx, askPx }) });

/** Orders of 2 on a tick of 1, a decision at every book row, no latency; σ, A, k fixed at 1. */
export const base = (strategy: Strategy, fill: BacktestConfig['fill']): BacktestConfig => ({
  strategy,
  fill,
  orderSize: 2,
  tickSize: 1,
  refreshMs: 0,
  fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 },
});
