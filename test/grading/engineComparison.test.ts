import { describe, expect, it } from 'vitest';
import { backtestExecutions, replayDepth, runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { compareOrderFills } from '../../src/grading/index.js';
import { depthEventsOf, generateOrderBookMarket } from '../../src/sample/index.js';

describe('compareOrderFills: two replays of the same quotes, order by order', () => {
  it('matches orders by side, price and rest start, and sorts out which filled where and when', () => {
    const a = { side: [1, -1, 1, -1, 1], pxTicks: [100, 102, 99, 103, 98], activeMs: [10, 10, 20, 20, 30], firstFillMs: [15, NaN, 25, 40, NaN] };
    const b = { side: [-1, 1, 1, -1, 1], pxTicks: [102, 100, 99, 103, 97], activeMs: [10, 10, 20, 20, 30], firstFillMs: [NaN, 15, NaN, 35, 31] };
    const c = compareOrderFills(a, b);
    expect(c).toEqual({
      matched: 4,
      onlyInA: 1,
      onlyInB: 1,
      same: 2,
      filledAtDifferentTimes: 1,
      filledInAOnly: 1,
      filledInBOnly: 0,
      firstDifferences: [
        { side: 1, pxTicks: 99, activeMs: 20, aFillMs: 25, bFillMs: NaN },
        { side: -1, pxTicks: 103, activeMs: 20, aFillMs: 40, bFillMs: 35 },
      ],
    });
    expect(compareOrderFills(b, a).filledInBOnly).toBe(1);
  });

  // the top-5 replay and the full-depth replay on an order-by-order market: the same quotes, the same orders;
  // they part only where the five levels hide the order's level
  const market = generateOrderBookMarket({ seed: 2, durationSec: 600 });
  const events = depthEventsOf(market);
  const run = (halfSpreadTicks: number, fill: 'queue' | 'tradeThrough' | 'midCross' = 'queue') => {
    const config = { strategy: symmetricStrategy(halfSpreadTicks * market.tickSize), orderSize: market.unitQty / 100, tickSize: market.tickSize, feedLatencyMs: 5, entryLatencyMs: 5, queueModel: { name: 'power' as const, n: 2 } };
    const depth = replayDepth(events, market.trades, { ...config, fill });
    const trades = backtestExecutions(market.book, market.trades, fill, market.tickSize).trades;
    const top = runBacktest(market.book, trades, { ...config, fill, lotSize: 0, refreshMs: 0, recordSeries: false, recordOrders: true });
    const o = top.orders!;
    const topView = { side: o.side, pxTicks: Array.from(o.px, (p) => Math.round(p / market.tickSize)), activeMs: o.activeMs, firstFillMs: o.firstFillMs };
    return { c: compareOrderFills(topView, depth.orders), topFills: top.fills.tsMs.length, depthFills: depth.fills.tsMs.length };
  };
  for (const fill of ['queue', 'tradeThrough', 'midCross'] as const) {
    it(`${fill}: quotes inside the five levels, every order matched and filled alike by the two replays (two implementations of one rule)`, () => {
      const { c, topFills, depthFills } = run(1.5, fill);
      expect(c.matched).toBeGreaterThan(200);
      expect(c.onlyInA + c.onlyInB).toBe(0);
      expect(c.same).toBe(c.matched);
      expect(depthFills).toBe(topFills);
      expect(depthFills).toBeGreaterThan(50);
    });
  }
  it('the counts add up: every order of each replay is matched or counted alone, every matched one in one class', () => {
    const { c } = run(3.5);
    const classes = c.same + c.filledAtDifferentTimes + c.filledInAOnly + c.filledInBOnly;
    expect(classes).toBe(c.matched);
    expect(c.firstDifferences.length).toBe(Math.min(10, c.matched - c.same));
    for (let k = 1; k < c.firstDifferences.length; k++) expect(c.firstDifferences[k].activeMs).toBeGreaterThanOrEqual(c.firstDifferences[k - 1].activeMs);
  });
});
