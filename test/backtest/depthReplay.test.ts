import { describe, expect, it } from 'vitest';
import { replayDepth, symmetricStrategy, type QueueModelName } from '../../src/backtest/index.js';
import { depthEventsOf, generateOrderBookMarket, trueFillTimes } from '../../src/sample/index.js';

// The full-depth replay graded against a market whose queue is known (Cont, Stoikov & Talreja's order-by-order
// market, src/sample/orderBookMarket.ts): the level changes of every order event, at every depth, replayed.

const replay = (cancelRatePerSec: number, halfSpreadTicks: number, queueModel: QueueModelName, seed = 3) => {
  // without cancellations, market orders of 8 units at 3 a second keep the queues from only growing and reach
  // deep into the book
  const market = generateOrderBookMarket({ seed, durationSec: 600, cancelRatePerSec, ...(cancelRatePerSec === 0 ? { marketRatePerSec: 3, marketUnits: 8 } : {}) });
  const events = depthEventsOf(market);
  const r = replayDepth(events, market.trades, {
    strategy: symmetricStrategy(halfSpreadTicks * market.tickSize),
    orderSize: 1e-6, // negligible, as the truth assumes
    tickSize: market.tickSize,
    feedLatencyMs: 3,
    entryLatencyMs: 7,
    queueModel: { name: queueModel },
  });
  // the truth over each order's life; an order the replay filled lives on in the truth (until the end) so that a
  // true fill after the replay's is found, not cut off by the replay's own end of the order
  const ours = r.orders.firstFillMs;
  const endMs = r.orders.endMs.map((end, o) => (Number.isNaN(ours[o]) ? end : Infinity));
  const truth = trueFillTimes(market.log, { side: r.orders.side, pxTicks: r.orders.pxTicks, activeMs: r.orders.activeMs, endMs });
  return { market, events, r, truth, ours };
};

describe('replayDepth: full-depth level changes, queue fills at any depth', () => {
  for (const half of [2.5, 7.5]) {
    it(`without cancellations every order fills exactly when the truth says (quotes ${half} ticks from the mid${half > 5 ? ', deep in the book' : ''})`, () => {
      const { r, truth, ours, events, market } = replay(0, half, 'power');
      expect(r.nativeEvents).toBe(events.tsMs.length + market.trades.tsMs.length);
      const n = ours.length;
      expect(n).toBeGreaterThan(100);
      let filled = 0;
      for (let o = 0; o < n; o++) {
        // (an order marketable on arrival fills as a taker at once; the truth knows only resting orders)
        if (ours[o] === r.orders.activeMs[o]) continue;
        if (Number.isNaN(ours[o])) expect(truth[o], `order ${o}`).toBeNaN();
        else {
          expect(ours[o], `order ${o}`).toBe(truth[o]);
          filled++;
        }
      }
      expect(filled).toBeGreaterThan(300);
    });
  }

  it('with cancellations: riskAverse never fills before the truth, optimistic never after it; the default lies between in fill counts', () => {
    const counts: Record<string, number> = {};
    for (const name of ['riskAverse', 'power', 'optimistic'] as const) {
      const { r, truth, ours } = replay(0.5, 1.5, name, 5);
      let count = 0;
      for (let o = 0; o < ours.length; o++) {
        if (ours[o] === r.orders.activeMs[o]) continue; // a taker fill on arrival (see above)
        const t = truth[o];
        if (name === 'riskAverse' && !Number.isNaN(ours[o])) expect(ours[o], `order ${o}`).toBeGreaterThanOrEqual(t);
        if (name === 'optimistic' && !Number.isNaN(t) && t <= r.orders.endMs[o]) expect(ours[o], `order ${o}`).toBeLessThanOrEqual(t);
        if (!Number.isNaN(ours[o])) count++;
      }
      counts[name] = count;
    }
    expect(counts.riskAverse).toBeLessThanOrEqual(counts.power);
    expect(counts.power).toBeLessThanOrEqual(counts.optimistic);
    expect(counts.riskAverse).toBeLessThan(counts.optimistic);
  });
});
