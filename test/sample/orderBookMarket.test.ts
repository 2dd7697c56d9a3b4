import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import { decimalGrid, generateOrderBookMarket, gridValue, ORDER_ADD, ORDER_CANCEL, ORDER_EXECUTE, trueFillTimes, trueQueue, type OrderEventLog, type OurOrders } from '../../src/sample/index.js';

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

  it('trueQueue gives what a direct replay gives that checks every order of ours at every event: fill times and queues ahead', () => {
    // the reference: for each order of ours on its own, the log replayed event by event from the start (the
    // FIFO queue of its level as it joins, then every event tested against the order's rule)
    const m = generateOrderBookMarket({ seed: 11, durationSec: 240 });
    const L = m.log.tMs.length;
    const [t0, t1] = [m.log.tMs[0], m.log.tMs[L - 1]];
    const rng = createRng(5);
    const n = 120;
    const side = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : -1));
    // some joining at an event's exact time
    const activeMs = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? m.log.tMs[Math.floor(rng.next() * L)] : t0 + rng.next() * (t1 - t0)));
    // every third at the back of its side's best level of the book row in force then (a queue ahead), the others anywhere near
    const bestTick = (o: number) => {
      const row = Math.max(0, m.book.tsMs.findIndex((t) => t > activeMs[o]) - 1);
      return Math.round((side[o] > 0 ? m.book.bidPx[0][row] : m.book.askPx[0][row]) / m.tickSize);
    };
    const pxTicks = Array.from({ length: n }, (_, o) => (o % 3 === 0 ? bestTick(o) : 10_000 + Math.round((rng.next() - 0.5) * 16)));
    const orders: OurOrders = { side, pxTicks, activeMs, endMs: Array.from({ length: n }, () => NaN) };
    for (let o = 0; o < n; o++) {
      const u = rng.next();
      (orders.endMs as number[])[o] = u < 0.3 ? Infinity : u < 0.4 ? NaN : u < 0.5 ? m.log.tMs[Math.floor(rng.next() * L)] : orders.activeMs[o] + rng.next() * 30_000;
    }
    const reference = (o: number): { fillMs: number; ahead: (tMs: number) => number } => {
      const side = orders.side[o];
      const tick = orders.pxTicks[o];
      const end = Number.isFinite(orders.endMs[o]) ? orders.endMs[o] : Infinity;
      const left = new Map<number, number>();
      const level = new Set<number>();
      let ahead: Set<number> | undefined;
      let fillMs = NaN;
      // the queue ahead just before each event while the order rests, by event
      const history = new Map<number, number>();
      const aheadUnits = () => [...ahead!].reduce((sum, id) => sum + (left.get(id) ?? 0), 0);
      for (let e = 0; e < L; e++) {
        const t = m.log.tMs[e];
        if (ahead === undefined && orders.activeMs[o] < t) ahead = new Set(level);
        if (ahead !== undefined) {
          history.set(e, aheadUnits());
          // an order that ended by this event's time is closed at it (after the samples before it)
          if (end <= t) break;
          const [k, s, x, id] = [m.log.kind[e], m.log.side[e], m.log.tick[e], m.log.orderId[e]];
          const filled =
            (k === ORDER_EXECUTE && s === side && (x === tick ? !ahead.has(id) : side > 0 ? x < tick : x > tick)) ||
            (k === ORDER_ADD && s === -side && (side > 0 ? x <= tick : x >= tick));
          if (filled) {
            fillMs = t;
            break;
          }
        }
        const [k, s, x, id] = [m.log.kind[e], m.log.side[e], m.log.tick[e], m.log.orderId[e]];
        const here = s === side && x === tick;
        if (k === ORDER_ADD) {
          left.set(id, m.log.units[e]);
          if (here) level.add(id);
        } else {
          const rest = k === ORDER_CANCEL ? 0 : (left.get(id) ?? 0) - m.log.units[e];
          if (rest > 1e-9) left.set(id, rest);
          else {
            left.delete(id);
            level.delete(id);
            ahead?.delete(id);
          }
        }
      }
      // the queue before the first event at or after tMs, if the order rests then (every sample here falls at or
      // before the last event)
      return { fillMs, ahead: (tMs) => history.get(m.log.tMs.findIndex((t) => t >= tMs)) ?? NaN };
    };
    const refs = Array.from({ length: n }, (_, o) => reference(o));
    // and copies of some that fill, each ending at the time it would fill: an order that ends by an event's time is
    // not filled by it
    for (let o = 0; o < n; o += 2) {
      if (Number.isNaN(refs[o].fillMs)) continue;
      (orders.side as number[]).push(orders.side[o]);
      (orders.pxTicks as number[]).push(orders.pxTicks[o]);
      (orders.activeMs as number[]).push(orders.activeMs[o]);
      (orders.endMs as number[]).push(refs[o].fillMs);
      refs.push(reference(orders.side.length - 1));
    }
    expect(refs.length).toBeGreaterThan(n + 10);
    // samples in time order: half at any time, half while their order rests (by the reference)
    const picks = Array.from({ length: 400 }, (_, i) => {
      const o = Math.floor(rng.next() * refs.length);
      const to = Math.min(t1, Number.isFinite(orders.endMs[o]) ? orders.endMs[o] : t1, Number.isNaN(refs[o].fillMs) ? t1 : refs[o].fillMs);
      const from = orders.activeMs[o];
      return { o, tMs: i % 2 === 0 && from < to ? from + rng.next() * (to - from) : t0 + rng.next() * (t1 - t0) };
    }).sort((a, b) => a.tMs - b.tMs);
    const samples = { order: picks.map((p) => p.o), tMs: picks.map((p) => p.tMs) };
    const got = trueQueue(m.log, orders, samples);
    expect(Array.from(got.fillMs)).toEqual(refs.map((r) => r.fillMs));
    expect(refs.slice(0, n).filter((r) => !Number.isNaN(r.fillMs)).length).toBeGreaterThan(n / 3);
    expect(refs.slice(n).every((r) => Number.isNaN(r.fillMs))).toBe(true);
    expect(Array.from(got.aheadUnits)).toEqual(samples.order.map((o, i) => refs[o].ahead(samples.tMs[i])));
    // and the comparison is not of NaNs and zeros only
    expect(Array.from(got.aheadUnits).filter((u) => !Number.isNaN(u)).length).toBeGreaterThan(100);
    expect(Array.from(got.aheadUnits).filter((u) => u > 0).length).toBeGreaterThan(30);
  });
});
