import { describe, expect, it } from 'vitest';
import { backtestExecutions, FILL_CAUSES, replayDepth, runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
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
    return { c: compareOrderFills(topView, depth.orders), topFills: top.fills.tsMs.length, depthFills: depth.fills.tsMs.length, top, depth };
  };
  /**
   * The two runs' fills one for one: side, price and size, at the same time except a fill marketable on arrival
   * (at its arrival at full depth, at the next event in the top-5 replay).
   */
  const expectSameFills = (top: { fills: { tsMs: ArrayLike<number>; side: ArrayLike<number>; px: ArrayLike<number>; qty: ArrayLike<number>; cause: ArrayLike<number> } }, depth: typeof top, label: string) => {
    expect(depth.fills.tsMs.length, label).toBe(top.fills.tsMs.length);
    const marketable = FILL_CAUSES.indexOf('marketable');
    for (let f = 0; f < top.fills.tsMs.length; f++) {
      expect([depth.fills.side[f], depth.fills.cause[f]], `${label} fill ${f}`).toEqual([top.fills.side[f], top.fills.cause[f]]);
      expect(depth.fills.px[f], `${label} fill ${f}`).toBeCloseTo(top.fills.px[f], 9);
      expect(depth.fills.qty[f], `${label} fill ${f}`).toBeCloseTo(top.fills.qty[f], 12);
      if (top.fills.cause[f] !== marketable) expect(depth.fills.tsMs[f], `${label} fill ${f}`).toBe(top.fills.tsMs[f]);
    }
  };
  for (const fill of ['queue', 'tradeThrough', 'midCross'] as const) {
    it(`${fill}: quotes inside the five levels, every order matched and filled alike by the two replays (two implementations of one rule)`, () => {
      const { c, depthFills, top, depth } = run(1.5, fill);
      expect(c.matched).toBeGreaterThan(200);
      // an order sent at a decision the other replay does not take (a level change 1 µs before its book row) can
      // rest there for that 1 µs: it arrives, since an order on its way is not withdrawn, and is cancelled at once
      expect(c.onlyInA + c.onlyInB).toBeLessThanOrEqual(2);
      expect(c.filledInAOnly + c.filledInBOnly).toBe(0);
      // orders filled at another time are marketable on arrival (filled as they arrive here, at the next event there)
      expect(c.matched - c.same).toBeLessThanOrEqual(10);
      for (const d of c.firstDifferences) expect(d.bFillMs, JSON.stringify(d)).toBe(d.activeMs);
      expectSameFills(top, depth, fill);
      expect(depthFills).toBeGreaterThan(50);
    });
  }
  it('the quoting features (refresh tolerance, minimum spread, inventory target): the two replays still fill the same orders alike; the maximum age re-sends after it, not before', () => {
    const tick = market.tickSize;
    // quotes that lean with the inventory, so that the target matters
    const leaning = { name: 'leaning', requires: [] as const, quote: (c: { midPx: number; q: number }) => ({ reservationPx: c.midPx - 0.5 * c.q * tick, bidPx: c.midPx - 0.5 * c.q * tick - 1.5 * tick, askPx: c.midPx - 0.5 * c.q * tick + 1.5 * tick }) };
    const base = { strategy: leaning as never, orderSize: market.unitQty / 100, tickSize: tick, feedLatencyMs: 5, entryLatencyMs: 5 };
    const features = { refreshToleranceTicks: 1, minSpreadPx: 4 * tick, inventoryTarget: 2 * (market.unitQty / 100) };
    const depth = replayDepth(events, market.trades, { ...base, ...features });
    const trades = backtestExecutions(market.book, market.trades, 'queue', tick).trades;
    const top = runBacktest(market.book, trades, { ...base, ...features, fill: 'queue', lotSize: 0, refreshMs: 0, recordSeries: false, recordOrders: true });
    const o = top.orders!;
    const c = compareOrderFills({ side: o.side, pxTicks: Array.from(o.px, (p) => Math.round(p / tick)), activeMs: o.activeMs, firstFillMs: o.firstFillMs }, depth.orders);
    expect(c.matched).toBeGreaterThan(100);
    // (an order sent at a decision only one replay takes rests 1 µs there: see above)
    expect(c.onlyInA + c.onlyInB).toBeLessThanOrEqual(2);
    expect(c.filledInAOnly + c.filledInBOnly).toBe(0);
    for (const d of c.firstDifferences) expect(d.bFillMs, JSON.stringify(d)).toBe(d.activeMs);
    expectSameFills(top, depth, 'features');
    // the features act: without them the orders differ
    const plain = replayDepth(events, market.trades, base);
    expect(plain.orders.side.length).not.toBe(depth.orders.side.length);
  });

  it('a grid of 3 levels a side: the two replays fill the same number of orders; where they part it is an order marketable on arrival (filled at its arrival here, at the next event there)', () => {
    const busy = generateOrderBookMarket({ seed: 2, durationSec: 600, marketRatePerSec: 2, marketUnits: 4 });
    const ev = depthEventsOf(busy);
    for (const fill of ['queue', 'tradeThrough', 'midCross'] as const) {
      const config = { strategy: symmetricStrategy(1.5 * busy.tickSize), orderSize: busy.unitQty / 100, tickSize: busy.tickSize, feedLatencyMs: 5, entryLatencyMs: 5, orderLevels: 3, levelSpacingTicks: 1, maxPosition: (5 * busy.unitQty) / 100 };
      const depth = replayDepth(ev, busy.trades, { ...config, fill });
      const top = runBacktest(busy.book, backtestExecutions(busy.book, busy.trades, fill, busy.tickSize).trades, { ...config, fill, lotSize: 0, refreshMs: 0, recordSeries: false, recordOrders: true });
      const o = top.orders!;
      const c = compareOrderFills({ side: o.side, pxTicks: Array.from(o.px, (p) => Math.round(p / busy.tickSize)), activeMs: o.activeMs, firstFillMs: o.firstFillMs }, depth.orders, 1000);
      // (within 1 %: an order sent at a decision only the full depth takes, on a level change 1 µs before its
      // book row, still arrives, and can fill there as a taker: 4 of 1,807 fills with queue)
      expect(Math.abs(depth.fills.tsMs.length - top.fills.tsMs.length), fill).toBeLessThanOrEqual(0.01 * top.fills.tsMs.length);
      expect(c.matched, fill).toBeGreaterThan(0.99 * Math.max(o.side.length, depth.orders.side.length));
      expect(c.filledInAOnly + c.filledInBOnly, fill).toBe(0);
      // (or the sample's 1 µs between a market order's trades and its book row, which the rows and the level
      // changes stamp alike but a mid crossing at that instant sees from either side)
      for (const d of c.firstDifferences) expect(d.bFillMs === d.activeMs || Math.abs(d.aFillMs - d.bFillMs) < 0.01, `${fill} ${JSON.stringify(d)}`).toBe(true);
      // the levels rest at distinct prices, one spacing apart
      const pricesAt = new Map<number, Set<number>>();
      for (let k = 0; k < depth.orders.side.length; k++) {
        const key = depth.orders.sentMs[k] * depth.orders.side[k];
        if (!pricesAt.has(key)) pricesAt.set(key, new Set());
        pricesAt.get(key)!.add(depth.orders.pxTicks[k]);
      }
      expect([...pricesAt.values()].some((p) => p.size === 3)).toBe(true);
    }
  });

  it('maximum order age: a resting order is re-sent at the first decision after its age passed (a static book, decisions every second)', () => {
    // bids 99.0, asks 100.0 (tick 0.1) from t 0; one more change at t 10 s ends the data
    const events = { tsMs: Float64Array.of(0, 0, 10_000), side: Int8Array.of(1, -1, 1), px: Float64Array.of(99, 100, 98), qty: Float64Array.of(5, 5, 1) };
    const none = { kind: 'trades' as const, tsMs: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), sz: new Float64Array(0), id: new Float64Array(0), meta: {} };
    const run = (maxOrderAgeMs?: number) => replayDepth(events, none, { strategy: symmetricStrategy(0.55), orderSize: 1, tickSize: 0.1, refreshMs: 1000, ...(maxOrderAgeMs ? { maxOrderAgeMs } : {}) });
    const bids = (r: ReturnType<typeof replayDepth>) => r.orders.sentMs.filter((_, k) => r.orders.side[k] === 1);
    // decisions at the first book (t 0), as the top-5 replay's, then every second (they began at 1 s, one refresh late)
    expect(bids(run())).toEqual([0]);
    expect(bids(run(2500))).toEqual([0, 3000, 6000, 9000]); // (no decision after the last event)
  });

  it('the counts add up: every order of each replay is matched or counted alone, every matched one in one class', () => {
    const { c } = run(3.5);
    const classes = c.same + c.filledAtDifferentTimes + c.filledInAOnly + c.filledInBOnly;
    expect(classes).toBe(c.matched);
    expect(c.firstDifferences.length).toBe(Math.min(10, c.matched - c.same));
    for (let k = 1; k < c.firstDifferences.length; k++) expect(c.firstDifferences[k].activeMs).toBeGreaterThanOrEqual(c.firstDifferences[k - 1].activeMs);
  });
});
