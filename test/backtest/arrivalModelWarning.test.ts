import { describe, expect, it } from 'vitest';
import { arrivalModelWarning, arrivalModelWarningFromCounts } from '../../src/cli/commands/backtestRun.js';
import { marketOrdersFromTrades, ReachDepthCounts, type MarketOrders } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// The check of the model a strategy quotes with: over the market orders in memory (backtest --data) and from their
// counts per reach depth (backtest --catalog, which never holds the orders of the range at once). The two must
// say the same, word for word, χ² and p included.

const tick = 0.01;
const as = { name: 'AS finite horizon', requires: ['sigma', 'a', 'k'] as const };
const { book, trades } = generateSampleMarket({ durationSec: 1800, seed: 5 });

function fromCounts(orders: MarketOrders, strategy: { name: string; requires: readonly ('sigma' | 'a' | 'k')[] } = as): string | undefined {
  const reach = new ReachDepthCounts(tick);
  // in two pieces, as chunks come
  const half = Math.floor(orders.side.length / 2);
  reach.count({ side: orders.side.subarray(0, half), ticksBeyondTouch: orders.ticksBeyondTouch.subarray(0, half) });
  reach.count({ side: orders.side.subarray(half), ticksBeyondTouch: orders.ticksBeyondTouch.subarray(half) });
  return arrivalModelWarningFromCounts(strategy, reach, orders.observedMs);
}

describe('the arrival model check from counts per reach depth', () => {
  it('says nothing on the sample market, whose orders follow A·exp(−k·δ), as the check over the orders', () => {
    const orders = marketOrdersFromTrades(book, trades, tick);
    expect(orders.side.length).toBeGreaterThan(1000);
    expect(arrivalModelWarning(as, orders)).toBeUndefined();
    expect(fromCounts(orders)).toBeUndefined();
  });

  it('gives the WARNING of the check over the orders, word for word, when every order reaches 10 ticks past the touch; none for a strategy that reads neither A nor k', () => {
    const px = Float64Array.from(trades.tsMs, (t, i) => {
      let row = 0;
      while (row + 1 < book.tsMs.length && book.tsMs[row + 1] <= t) row++;
      return Number((trades.side[i] > 0 ? book.askPx[0][row] + 0.1 : book.bidPx[0][row] - 0.1).toFixed(2));
    });
    const orders = marketOrdersFromTrades(book, { ...trades, px }, tick);
    const inMemory = arrivalModelWarning(as, orders);
    expect(inMemory).toMatch(/^AS finite horizon quotes with A and k of an exponential λ\(δ\) that the market orders do not follow: over the whole data, pooled: .*χ²/);
    expect(fromCounts(orders)).toBe(inMemory);
    expect(fromCounts(orders, { name: 'symmetric', requires: [] })).toBeUndefined();
  });
});
