import { describe, expect, it } from 'vitest';
import { decimalGrid, generateOrderBookMarket, gridValue, ORDER_ADD, ORDER_CANCEL, ORDER_EXECUTE, trueFillTimes, type OrderEventLog } from '../../src/sample/index.js';

/** `n` units of `step` as a decimal. */
const scaled = (n: number, step: number) => gridValue(decimalGrid(step), n);

const market = generateOrderBookMarket({ seed: 3, durationSec: 1200 });
const { log, book, trades } = market;

/** The book rebuilt from the order log alone, queried at time t: level units per tick, per side. */
function bookAt(l: OrderEventLog, tMs: number): { bids: Map<number, number>; asks: Map<number, number> } {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let e = 0; e < l.tMs.length && l.tMs[e] <= tMs; e++) {
    const side = l.side[e] > 0 ? bids : asks;
    const sign = l.kind[e] === ORDER_ADD ? 1 : -1;
    const v = (side.get(l.tick[e]) ?? 0) + sign * l.units[e];
    if (Math.abs(v) < 1e-9) side.delete(l.tick[e]);
    else side.set(l.tick[e], v);
  }
  return { bids, asks };
}

describe('generateOrderBookMarket (Cont, Stoikov & Talreja 2010, order by order)', () => {
  it('shows in its book rows exactly the top levels of the book its order log builds', () => {
    const ticksPerUnit = Math.round(1 / market.tickSize);
    for (const r of [0, 1, 50, Math.floor(book.tsMs.length / 2), book.tsMs.length - 1]) {
      const { bids, asks } = bookAt(log, book.tsMs[r]);
      const bestBids = [...bids.keys()].sort((a, b) => b - a).slice(0, book.depth);
      const bestAsks = [...asks.keys()].sort((a, b) => a - b).slice(0, book.depth);
      expect(bestBids.map((t) => t / ticksPerUnit)).toEqual(book.bidPx.map((c) => c[r]).filter((v) => !Number.isNaN(v)));
      expect(bestAsks.map((t) => t / ticksPerUnit)).toEqual(book.askPx.map((c) => c[r]).filter((v) => !Number.isNaN(v)));
      expect(bestBids.map((t) => scaled(bids.get(t)!, market.unitQty))).toEqual(book.bidSz.map((c) => c[r]).filter((v) => !Number.isNaN(v)));
      // never crossed
      expect(bestBids[0]).toBeLessThan(bestAsks[0]);
    }
  });

  it('prints one trade per level a market order takes, for what it took there, on the taker side', () => {
    let executed = 0;
    for (let e = 0; e < log.tMs.length; e++) if (log.kind[e] === ORDER_EXECUTE) executed += log.units[e];
    const traded = trades.sz.reduce((a, b) => a + b, 0);
    expect(traded).toBeCloseTo(scaled(executed, market.unitQty), 9);
    // a market buy takes asks (executions of ask orders), a sell takes bids
    const firstExec = log.kind.indexOf(ORDER_EXECUTE);
    expect(trades.side[0]).toBe(-log.side[firstExec]);
  });

  it('recovers its own rates: market orders per second per side, and cancellations per resting order', () => {
    const markets = new Set<number>();
    let cancels = 0;
    for (let e = 0; e < log.tMs.length; e++) {
      if (log.kind[e] === ORDER_EXECUTE) markets.add(log.marketOrder[e]);
      if (log.kind[e] === ORDER_CANCEL) cancels++;
    }
    // Poisson counts: within 4 standard deviations of μ·2·T
    const expected = 0.94 * 2 * 1200;
    expect(Math.abs(markets.size - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(cancels).toBeGreaterThan(0);
  });

  it('is the same market for the same seed, another for another', () => {
    const again = generateOrderBookMarket({ seed: 3, durationSec: 1200 });
    expect(Array.from(again.book.tsMs.subarray(0, 100))).toEqual(Array.from(book.tsMs.subarray(0, 100)));
    const other = generateOrderBookMarket({ seed: 4, durationSec: 1200 });
    expect(other.log.tMs.length).not.toBe(log.tMs.length);
  });
});

describe('trueFillTimes (a tiny order of ours in the FIFO queue of the simulated market)', () => {
  it('fills an order at the back of the best bid when a market sell first takes an order that joined after it, or a level below', () => {
    // the best bid at some time, and what happens there next, read from the log by hand
    const t0 = log.tMs[Math.floor(log.tMs.length / 3)];
    const { bids } = bookAt(log, t0);
    const best = Math.max(...bids.keys());
    const ahead = new Set<number>();
    for (let e = 0; e < log.tMs.length && log.tMs[e] <= t0; e++) {
      if (log.side[e] > 0 && log.tick[e] === best) {
        if (log.kind[e] === ORDER_ADD) ahead.add(log.orderId[e]);
        else if (log.kind[e] === ORDER_CANCEL) ahead.delete(log.orderId[e]);
      }
    }
    let expected = NaN;
    for (let e = 0; e < log.tMs.length; e++) {
      if (!(log.tMs[e] > t0)) continue;
      const bidExec = log.kind[e] === ORDER_EXECUTE && log.side[e] > 0;
      if ((bidExec && log.tick[e] === best && !ahead.has(log.orderId[e])) || (bidExec && log.tick[e] < best) || (log.kind[e] === ORDER_ADD && log.side[e] < 0 && log.tick[e] <= best)) {
        expected = log.tMs[e];
        break;
      }
    }
    expect(Number.isNaN(expected)).toBe(false);
    const [t] = trueFillTimes(log, { side: [1], pxTicks: [best], activeMs: [t0], endMs: [Infinity] });
    expect(t).toBe(expected);
    // an order that ends before then never fills
    const [none] = trueFillTimes(log, { side: [1], pxTicks: [best], activeMs: [t0], endMs: [t0 + (expected - t0) / 2] });
    expect(Number.isNaN(none)).toBe(true);
  });
});
