import { describe, expect, it } from 'vitest';
import type { MaskedInterval } from '../../src/data/masks.js';
import { midPrices, type BookTable, type TradeTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades, previousTickGrid, realizedVolatility, rollingCalibration, twoScaleVolatility, type MarketOrders } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// Estimators skip masked time (issue 14, defect 2). A generated market (rows every 100 ms, so the 100 ms grid
// samples every row) gets two masked intervals:
// - M1 = [10 min, 20 min): the book is frozen (every row inside repeats the last row before; the row at 20 min
//   is the rebuilt book) while trades keep coming;
// - M2 = [25 min, 30 min): the trade stream is down (no trades inside), the book is fine.
// The estimates on the masked tables must equal those on the same data with the intervals cut out (the
// pieces before, between and after, each taken on its own and pooled), and must differ materially when the
// masks are ignored — the frozen mid's zero returns and the jump across M1 in σ, the frozen book under the
// trades in k, the 5 trade-less minutes in A.

const market = generateSampleMarket({ durationSec: 2400, seed: 31 });
const tick = market.params.tickSize;
const start = market.book.tsMs[0];
const end = market.book.tsMs[market.book.tsMs.length - 1];
const a1 = start + 600_000;
const b1 = start + 1_200_000;
const a2 = start + 1_500_000;
const b2 = start + 1_800_000;
const M1: MaskedInterval = { fromMs: a1, toMs: b1, reason: 'sequence gap (test)' };
const M2: MaskedInterval = { fromMs: a2, toMs: b2, reason: 'trade stream down (test)' };

/** Rows whose ts satisfies `keep`, every column. */
function bookRows(book: BookTable, keep: (t: number) => boolean): BookTable {
  const idx = Array.from(book.tsMs.keys()).filter((i) => keep(book.tsMs[i]));
  const pick = (c: Float64Array) => Float64Array.from(idx, (i) => c[i]);
  return { ...book, tsMs: pick(book.tsMs), bidPx: book.bidPx.map(pick), bidSz: book.bidSz.map(pick), askPx: book.askPx.map(pick), askSz: book.askSz.map(pick), masked: undefined };
}
function tradeRows(trades: TradeTable, keep: (t: number) => boolean): TradeTable {
  const idx = Array.from(trades.tsMs.keys()).filter((i) => keep(trades.tsMs[i]));
  const f = (c: Float64Array) => Float64Array.from(idx, (i) => c[i]);
  return { ...trades, tsMs: f(trades.tsMs), id: f(trades.id), side: Int8Array.from(idx, (i) => trades.side[i]), px: f(trades.px), sz: f(trades.sz), masked: undefined };
}

// the frozen book: rows inside M1 repeat the last row before it
const frozenRow = market.book.tsMs.findIndex((t) => t >= a1) - 1;
const freeze = (c: Float64Array) => c.map((v, i) => (market.book.tsMs[i] >= a1 && market.book.tsMs[i] < b1 ? c[frozenRow] : v));
const frozenBook: BookTable = { ...market.book, bidPx: market.book.bidPx.map(freeze), bidSz: market.book.bidSz.map(freeze), askPx: market.book.askPx.map(freeze), askSz: market.book.askSz.map(freeze) };
const tradesWithHole = tradeRows(market.trades, (t) => t < a2 || t >= b2);
const maskedBook: BookTable = { ...frozenBook, masked: [M1] };
const maskedTrades: TradeTable = { ...tradesWithHole, masked: [M2] };

/**
 * The pieces outside the masks, for A and k: [start, a1] (its last row the frozen copy at a1, the same as the
 * one before it), [b1, a2], [b2, end].
 */
const pieces: Array<[number, number]> = [
  [start, a1],
  [b1, a2],
  [b2, end],
];

/** Pooled A per side and geometric k from orders' ticks past the touch and a duration (the closed forms, written out here). */
function aAndK(ticksBeyondTouch: ArrayLike<number>, durationSec: number): { a: number; k: number } {
  let past = 0;
  let sumJ = 0;
  for (let i = 0; i < ticksBeyondTouch.length; i++) {
    const j = ticksBeyondTouch[i];
    if (j >= 0) {
      past++;
      sumJ += j;
    }
  }
  return { a: ticksBeyondTouch.length / (2 * durationSec), k: Math.log(1 + past / sumJ) / tick };
}

const relDiff = (x: number, y: number) => Math.abs(x / y - 1);

describe('σ skips masked time', () => {
  const mid = midPrices(maskedBook);
  const grid = previousTickGrid(maskedBook.tsMs, mid, 100, maskedBook.masked);
  const masked = realizedVolatility(grid);
  // reference: Σ(Δmid)² over consecutive rows (the grid points) outside M1, an increment ending at a1 or
  // starting before b1 touching it, over (count·0.1 s)
  let sum = 0;
  let count = 0;
  const trueMid = midPrices(market.book);
  for (let i = 1; i < trueMid.length; i++) {
    const t0 = market.book.tsMs[i - 1];
    const t1 = market.book.tsMs[i];
    if (t1 >= a1 && t0 < b1) continue;
    sum += (trueMid[i] - trueMid[i - 1]) ** 2;
    count++;
  }
  const reference = Math.sqrt(sum / (count * 0.1));

  it('realized σ equals σ over the pieces outside the mask; the increments dropped and the masked time are reported', () => {
    expect(masked.increments).toBe(count);
    expect(masked.sigmaPerSqrtSec).toBeCloseTo(reference, 12);
    // increments ending in [a1, b1]: (b1 − a1)/100 + 1
    expect(masked.droppedIncrements).toBe((b1 - a1) / 100 + 1);
    expect(masked.maskedMs).toBe(b1 - a1);
  });

  it('differs materially when the mask is ignored (zero returns of the frozen mid, then the jump across it)', () => {
    const ignored = realizedVolatility(previousTickGrid(frozenBook.tsMs, mid, 100));
    expect(ignored.droppedIncrements).toBe(0);
    expect(relDiff(ignored.sigmaPerSqrtSec, reference)).toBeGreaterThan(0.05);
    // and the masked estimate holds the truth in its interval
    expect(masked.ci95[0]).toBeLessThanOrEqual(market.params.sigmaPerSqrtSec);
    expect(masked.ci95[1]).toBeGreaterThanOrEqual(market.params.sigmaPerSqrtSec);
  });

  it('two-scale σ equals the two-scale σ of the pieces joined without the jump (within 1 %), and not when the mask is ignored', () => {
    // the true mid before a1, then from b1 on shifted to continue where it stopped (no jump)
    const joined: number[] = [];
    for (let i = 0; i < trueMid.length; i++) if (market.book.tsMs[i] < a1) joined.push(trueMid[i]);
    const resume = market.book.tsMs.findIndex((t) => t >= b1);
    const shift = joined[joined.length - 1] - trueMid[resume];
    for (let i = resume + 1; i < trueMid.length; i++) joined.push(trueMid[i] + shift);
    const ref = twoScaleVolatility({ startMs: 0, intervalMs: 100, values: Float64Array.from(joined) });
    const ts = twoScaleVolatility(grid);
    expect(relDiff(ts.sigmaPerSqrtSec, ref.sigmaPerSqrtSec)).toBeLessThan(0.01);
    expect(ts.droppedIncrements).toBe(masked.droppedIncrements);
    const ignored = twoScaleVolatility(previousTickGrid(frozenBook.tsMs, mid, 100));
    expect(relDiff(ignored.sigmaPerSqrtSec, ref.sigmaPerSqrtSec)).toBeGreaterThan(0.05);
  });
});

describe('A and k skip masked time', () => {
  const orders = marketOrdersFromTrades(maskedBook, maskedTrades, tick);
  // reference: each piece paired on its own (true book, no masks), orders concatenated, durations summed
  const parts = pieces.map(([from, to]) => marketOrdersFromTrades(bookRows(frozenBook, (t) => t >= from && t <= to), tradeRows(tradesWithHole, (t) => t >= from && (to === end ? t <= to : t < to)), tick));
  const cat = (f: (o: MarketOrders) => ArrayLike<number>) => parts.flatMap((o) => Array.from(f(o)));
  const observedMs = parts.reduce((s, o) => s + o.observedMs, 0);

  it('trades inside the masks are dropped and counted; T is the span net of the masked time; the orders are those of the pieces', () => {
    const inM1 = tradesWithHole.tsMs.filter((t) => t >= a1 && t < b1).length;
    expect(orders.droppedInMask).toBe(inM1);
    expect(orders.maskedMs).toBe(b1 - a1 + (b2 - a2));
    expect(orders.observedMs).toBe(end - start - (b1 - a1) - (b2 - a2));
    expect(orders.observedMs).toBe(observedMs);
    expect(Array.from(orders.tsMs)).toEqual(cat((o) => o.tsMs));
    expect(Array.from(orders.reachPx)).toEqual(cat((o) => o.reachPx));
    expect(Array.from(orders.midPx)).toEqual(cat((o) => o.midPx));
    expect(Array.from(orders.ticksBeyondTouch)).toEqual(cat((o) => o.ticksBeyondTouch));
  });

  it('A and k equal those of the pieces, hold the truth, and differ materially when the masks are ignored', () => {
    const withMasks = aAndK(orders.ticksBeyondTouch, orders.observedMs / 1000);
    const ref = aAndK(cat((o) => o.ticksBeyondTouch), observedMs / 1000);
    expect(withMasks.a).toBeCloseTo(ref.a, 12);
    expect(withMasks.k).toBeCloseTo(ref.k, 9);
    expect(relDiff(withMasks.a, market.params.arrivalRatePerSec)).toBeLessThan(0.05);
    expect(relDiff(withMasks.k, market.params.kPerPrice)).toBeLessThan(0.1);
    const plain = marketOrdersFromTrades(frozenBook, tradesWithHole, tick);
    const ignored = aAndK(plain.ticksBeyondTouch, plain.observedMs / 1000);
    expect(plain.observedMs).toBe(end - start);
    // A: five minutes without trades counted as observed; k: trades paired with a book 10 min old
    expect(relDiff(ignored.a, withMasks.a)).toBeGreaterThan(0.1);
    expect(relDiff(ignored.k, withMasks.k)).toBeGreaterThan(0.2);
  });
});

describe('rolling calibration skips masked time', () => {
  const orders = marketOrdersFromTrades(maskedBook, maskedTrades, tick);
  const W = 120_000;
  // depths from the touch: A = N/(2·T) per side, whatever k does (arrivalFromStats with d0 = 0)
  const depths = { fromTicks: 0, toTicks: 1000 };
  const rolling = rollingCalibration(maskedBook, orders, { windowSec: W / 1000, stepSec: 10, depths });
  const at = (t: number) => rolling.tMs.findIndex((x) => x === t);

  it('a window entirely inside a mask gives NaN σ, A and k (not a stale value, not 0)', () => {
    const e = at(a1 + 300_000);
    expect(e).toBeGreaterThan(0);
    for (const key of ['sigmaPricePerSqrtSec', 'sigmaLogPerSqrtSec', 'sigmaEwmaPricePerSqrtSec', 'aPooledPerSec', 'aAskPerSec', 'aBidPerSec', 'kPooledPerPrice'] as const) {
      expect(rolling[key][e], key).toBeNaN();
    }
    expect(rolling.increments[e]).toBe(0);
    expect(rolling.observedSec[e]).toBe(0);
    // ignoring the mask: σ 0 from the frozen mid, and A from the trades paired with the frozen book
    const plain = rollingCalibration(frozenBook, marketOrdersFromTrades(frozenBook, tradesWithHole, tick), { windowSec: W / 1000, stepSec: 10, depths });
    expect(plain.sigmaPricePerSqrtSec[e]).toBe(0);
    expect(plain.aPooledPerSec[e]).toBeGreaterThan(0);
  });

  it('a window straddling a mask: σ from the increments outside it, A over the time outside it', () => {
    for (const t of [a1 + 30_000, b1 + 60_000, a2 + 60_000]) {
      const e = at(t);
      expect(e).toBeGreaterThan(0);
      const from = t - W;
      // σ: increments between consecutive rows inside [t − W, t), not touching M1
      const mid = midPrices(maskedBook);
      let sum = 0;
      let count = 0;
      for (let i = 1; i < mid.length; i++) {
        const t0 = maskedBook.tsMs[i - 1];
        const t1 = maskedBook.tsMs[i];
        if (t0 >= from && t1 < t && !(t1 >= a1 && t0 < b1)) {
          sum += (mid[i] - mid[i - 1]) ** 2;
          count++;
        }
      }
      expect(rolling.increments[e]).toBe(count);
      expect(rolling.sigmaPricePerSqrtSec[e]).toBeCloseTo(Math.sqrt(sum / (count * 0.1)), 10);
      // A: orders in [t − W, t) over the window's time outside M1 and M2
      const overlap = (a: number, b: number) => Math.max(0, Math.min(b, t) - Math.max(a, from));
      const netSec = (W - overlap(a1, b1) - overlap(a2, b2)) / 1000;
      expect(rolling.observedSec[e]).toBeCloseTo(netSec, 9);
      const n = orders.tsMs.filter((x) => x >= from && x < t).length;
      expect(rolling.aPooledPerSec[e]).toBeCloseTo(n / (2 * netSec), 12);
    }
  });
});
