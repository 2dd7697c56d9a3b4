import { describe, expect, it } from 'vitest';
import { midPrices, type BookTable, type TradeTable } from '../../src/data/tables.js';
import {
  EstimationError,
  fitArrivalMle,
  marketOrdersFromTrades,
  previousTickGrid,
  realizedVolatility,
  referenceRollingStdOfMid,
  rollingCalibration,
  twoScaleVolatility,
} from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

const market = generateSampleMarket({ durationSec: 1200, seed: 21 });
const tick = market.params.tickSize;

function scaleBook(book: BookTable, priceBy: number, timeBy: number): BookTable {
  const px = (cols: readonly Float64Array[]) => cols.map((c) => c.map((v) => v * priceBy));
  return { ...book, tsMs: book.tsMs.map((t) => t * timeBy), bidPx: px(book.bidPx), askPx: px(book.askPx) };
}
function scaleTrades(trades: TradeTable, priceBy: number, timeBy: number): TradeTable {
  return { ...trades, tsMs: trades.tsMs.map((t) => t * timeBy), px: trades.px.map((v) => v * priceBy) };
}

function estimates(book: BookTable, trades: TradeTable, tickSize: number, gridMs: number, durationSec: number) {
  const mid = midPrices(book);
  const price = realizedVolatility(previousTickGrid(book.tsMs, mid, gridMs));
  const log = realizedVolatility(previousTickGrid(book.tsMs, mid.map(Math.log), gridMs));
  const fit = fitArrivalMle(marketOrdersFromTrades(book, trades, tickSize), durationSec, 'pooled');
  return { sigma: price.sigmaPerSqrtSec, sigmaLog: log.sigmaPerSqrtSec, a: fit.aPerSec, k: fit.kPerPrice };
}

describe('units', () => {
  const base = estimates(market.book, market.trades, tick, 100, 1200);

  it('prices × 4 (e.g. quoting in another currency): σ in price units × 4, σ in log units unchanged, A unchanged, k ÷ 4', () => {
    const c = 4;
    const scaled = estimates(scaleBook(market.book, c, 1), scaleTrades(market.trades, c, 1), tick * c, 100, 1200);
    expect(scaled.sigma / base.sigma).toBeCloseTo(c, 9);
    expect(scaled.sigmaLog / base.sigmaLog).toBeCloseTo(1, 9);
    expect(scaled.a).toBe(base.a);
    expect(scaled.k * c).toBeCloseTo(base.k, 9);
  });

  it('time × 2 (the same path twice as slow): σ per √s ÷ √2, A ÷ 2, k unchanged', () => {
    // times doubled about 0 so the grid (now 200 ms) samples the same rows
    const scaled = estimates(scaleBook(market.book, 1, 2), scaleTrades(market.trades, 1, 2), tick, 200, 2400);
    expect(scaled.sigma * Math.SQRT2).toBeCloseTo(base.sigma, 9);
    expect(scaled.sigmaLog * Math.SQRT2).toBeCloseTo(base.sigmaLog, 9);
    expect(scaled.a * 2).toBeCloseTo(base.a, 12);
    expect(scaled.k).toBe(base.k);
  });
});

describe('edge cases: defined results or clear errors, never a silent NaN', () => {
  const oneRowBook = (ts: number[], bid: number, ask: number): BookTable => ({
    kind: 'book',
    depth: 1,
    tsMs: Float64Array.from(ts),
    bidPx: [Float64Array.from(ts, () => bid)],
    bidSz: [Float64Array.from(ts, () => 1)],
    askPx: [Float64Array.from(ts, () => ask)],
    askSz: [Float64Array.from(ts, () => 1)],
    meta: {},
  });
  const trades = (rows: Array<[number, number, number]>): TradeTable => ({
    kind: 'trades',
    tsMs: Float64Array.from(rows, (r) => r[0]),
    id: Float64Array.from(rows, (_, i) => i + 1),
    side: Int8Array.from(rows, (r) => r[1]),
    px: Float64Array.from(rows, (r) => r[2]),
    sz: Float64Array.from(rows, () => 1),
    meta: {},
  });

  it('empty series and empty windows', () => {
    expect(() => previousTickGrid([], [], 100)).toThrow(EstimationError);
    expect(() => realizedVolatility(previousTickGrid([0], [1], 100))).toThrow(/at least 1 grid increments/);
    expect(() => rollingCalibration(oneRowBook([0, 1000], 99, 101), undefined, { windowSec: 60 })).toThrow(/shorter than one window/);
  });

  it('a constant price has zero volatility, with a zero-width interval', () => {
    const flat = realizedVolatility(previousTickGrid([0, 100, 200, 300], [5, 5, 5, 5], 100));
    expect(flat.sigmaPerSqrtSec).toBe(0);
    expect(flat.ci95).toEqual([0, 0]);
    expect(twoScaleVolatility(previousTickGrid(Array.from({ length: 20 }, (_, i) => i * 100), new Array(20).fill(5), 100)).sigmaPerSqrtSec).toBe(0);
  });

  it('a single trade gives A but no k (a clear error)', () => {
    const orders = marketOrdersFromTrades(oneRowBook([0, 1000], 99.99, 100.01), trades([[500, 1, 100.05]]), 0.01);
    expect(() => fitArrivalMle(orders, 1, 'ask', { depths: { fromTicks: 1, toTicks: 10 } })).toThrow(/k needs at least 2 market orders reaching 1\.\.10 ticks past the touch on the ask side, got 1 \(of 1\)/);
    expect(() => fitArrivalMle(orders, 1, 'bid')).toThrow(/no market orders on the bid side/);
  });

  it('intervals of A and k stay positive with few orders (log-scale intervals)', () => {
    const orders = marketOrdersFromTrades(oneRowBook([0, 10_000], 99.99, 100.01), trades([[100, 1, 100.02], [200, 1, 100.05], [300, 1, 100.03]]), 0.01);
    const fit = fitArrivalMle(orders, 10, 'ask', { depths: { fromTicks: 1, toTicks: 10 } });
    expect(fit.aCi95[0]).toBeGreaterThan(0);
    expect(fit.kCi95[0]).toBeGreaterThan(0);
    expect(fit.aCi95[0]).toBeLessThan(fit.aPerSec);
    expect(fit.kCi95[1]).toBeGreaterThan(fit.kPerPrice);
  });

  it('trades with no preceding book are dropped and counted; only such trades is an error', () => {
    const book = oneRowBook([1000, 2000], 99.99, 100.01);
    const orders = marketOrdersFromTrades(book, trades([[500, 1, 100.01], [1500, 1, 100.03], [1500, 1, 100.05]]), 0.01);
    expect(orders.tradesWithoutBook).toBe(1);
    expect(orders.tradesMerged).toBe(1);
    expect(Array.from(orders.reachPx)).toEqual([100.05]);
    expect(Array.from(orders.ticksBeyondTouch)).toEqual([3]);
    expect(() => marketOrdersFromTrades(book, trades([[10, 1, 100.01]]), 0.01)).toThrow(/none of the 1 trades can be paired with the book \(1 before its first row/);
  });
});

describe('rolling calibration', () => {
  const orders = marketOrdersFromTrades(market.book, market.trades, tick);
  const rolling = rollingCalibration(market.book, orders, { windowSec: 300, stepSec: 5 });

  it('no look-ahead: changing every row and trade at or after t leaves every value at times ≤ t unchanged', () => {
    const cutMs = market.book.tsMs[0] + 600_000;
    const book = { ...market.book, bidPx: market.book.bidPx.map((c) => c.map((v, i) => (market.book.tsMs[i] >= cutMs ? v + 7 + (i % 3) * 0.01 : v))) };
    book.askPx = market.book.askPx.map((c) => c.map((v, i) => (market.book.tsMs[i] >= cutMs ? v + 7 + (i % 5) * 0.01 : v)));
    const tr = { ...market.trades, px: market.trades.px.map((v, i) => (market.trades.tsMs[i] >= cutMs ? v + (market.trades.side[i] > 0 ? 7.5 : 6.5) : v)) };
    const changed = rollingCalibration(book, marketOrdersFromTrades(book, tr, tick), { windowSec: 300, stepSec: 5 });
    const upTo = rolling.tMs.findIndex((t) => t > cutMs);
    expect(upTo).toBeGreaterThan(10);
    for (const key of ['sigmaPricePerSqrtSec', 'sigmaLogPerSqrtSec', 'sigmaEwmaPricePerSqrtSec', 'aPooledPerSec', 'kAskPerPrice', 'kBidPerPrice', 'kPooledPerPrice'] as const) {
      expect(Array.from(changed[key].subarray(0, upTo)), key).toEqual(Array.from(rolling[key].subarray(0, upTo)));
      // and the change is visible right after t, so the test can fail
    }
    expect(changed.sigmaPricePerSqrtSec[upTo + 1]).not.toBe(rolling.sigmaPricePerSqrtSec[upTo + 1]);
  });

  it('each window equals the one-shot estimators on the data strictly before t', () => {
    const e = 40;
    const t = rolling.tMs[e];
    const keep = (ts: number) => ts < t && ts >= t - 300_000;
    const rowIdx = Array.from(market.book.tsMs.keys()).filter((i) => market.book.tsMs[i] < t);
    const grid = previousTickGrid(rowIdx.map((i) => market.book.tsMs[i]), rowIdx.map((i) => 0.5 * (market.book.bidPx[0][i] + market.book.askPx[0][i])), 100);
    const first = grid.values.length - 1 - rolling.increments[e];
    const window = { ...grid, values: grid.values.subarray(first) };
    expect(rolling.sigmaPricePerSqrtSec[e]).toBeCloseTo(realizedVolatility(window).sigmaPerSqrtSec, 10);
    const idx = Array.from(orders.tsMs.keys()).filter((i) => keep(orders.tsMs[i]));
    const sub = { ...orders, tsMs: orders.tsMs.filter((_, i) => idx.includes(i)), side: orders.side.filter((_, i) => idx.includes(i)), ticksBeyondTouch: orders.ticksBeyondTouch.filter((_, i) => idx.includes(i)), depthPx: orders.depthPx.filter((_, i) => idx.includes(i)) };
    const fit = fitArrivalMle(sub, 300, 'pooled');
    expect(rolling.aPooledPerSec[e]).toBeCloseTo(fit.aPerSec, 12);
    expect(rolling.kPooledPerPrice[e]).toBeCloseTo(fit.kPerPrice, 9);
  });
});

describe("the reference system's estimator", () => {
  it('is the rolling sample std of the last 200 mids (pandas ddof 1), not a rate', () => {
    const mid = midPrices(market.book);
    const ref = referenceRollingStdOfMid(mid, 200);
    expect(Number.isNaN(ref[198])).toBe(true);
    for (const i of [199, 1000, 5000]) {
      const w = Array.from(mid.subarray(i - 199, i + 1));
      const mean = w.reduce((a, b) => a + b, 0) / 200;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 199);
      expect(ref[i]).toBeCloseTo(sd, 9);
    }
  });

  it('stays exact over a long file: no drift of its running sums (1,000,000 rows)', () => {
    const n = 1_000_000;
    const mid = new Float64Array(n);
    let x = 3000;
    let seed = 1;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x += (seed / 2147483648 - 0.5) * 0.2;
      mid[i] = Math.round(x * 100) / 100;
    }
    const ref = referenceRollingStdOfMid(mid, 200);
    for (const i of [n - 1, n - 77, 654_321]) {
      const w = Array.from(mid.subarray(i - 199, i + 1));
      const mean = w.reduce((a, b) => a + b, 0) / 200;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 199);
      expect(Math.abs(ref[i] - sd) / sd).toBeLessThan(1e-9);
    }
  });

  it('is NaN for every window holding a NaN mid (a one-sided book), as pandas, and recovers after it', () => {
    const mid = Float64Array.from([NaN, 10, 11, 13, NaN, 12, 12, 15, 9]);
    const ref = referenceRollingStdOfMid(mid, 3);
    const sd = (w: number[]) => {
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      return Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / (w.length - 1));
    };
    expect(Array.from(ref.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(ref[3]).toBeCloseTo(sd([10, 11, 13]), 12);
    expect(Array.from(ref.subarray(4, 7)).every(Number.isNaN)).toBe(true);
    expect(ref[7]).toBeCloseTo(sd([12, 12, 15]), 12);
    expect(ref[8]).toBeCloseTo(sd([12, 15, 9]), 12);
  });
});
