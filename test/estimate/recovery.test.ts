import { describe, expect, it } from 'vitest';
import { midPrices } from '../../src/data/tables.js';
import { fitArrivalMle, fitArrivalWls, marketOrdersFromTrades, previousTickGrid, realizedVolatility, twoScaleVolatility } from '../../src/estimate/index.js';
import { createRng, normalSampler } from '../../src/random/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

const HOUR = 3600;

/** σ, A, k estimated on one hour of the sample market (100 ms) generated with `seed`. */
function estimateHour(seed: number) {
  const m = generateSampleMarket({ durationSec: HOUR, seed });
  const sigma = realizedVolatility(previousTickGrid(m.book.tsMs, midPrices(m.book), 100));
  const orders = marketOrdersFromTrades(m.book, m.trades, m.params.tickSize);
  const span = HOUR;
  return { m, sigma, orders, fits: { ask: fitArrivalMle(orders, span, 'ask'), bid: fitArrivalMle(orders, span, 'bid'), pooled: fitArrivalMle(orders, span, 'pooled') } };
}

const inside = (ci: readonly [number, number], truth: number) => ci[0] <= truth && truth <= ci[1];

/**
 * The sample market's A counted from the touch, the δ of the fits (orders reaching j ticks past the touch):
 * a buy trades at or through best ask a + j·tick (j ≥ 1) when its reach from the mid S is at least
 * (a − S) + j·tick, with probability e^{−k(a − S)}·e^{−k·tick·j}; a − S is uniform on (0, tick] (the mid is
 * continuous, the ask the next tick above it), so λ(j) = A·(1 − e^{−k·tick})/(k·tick)·e^{−k·tick·j} for j ≥ 1
 * (generateSampleMarket's model; at the touch itself every order trades, rate A, which is why the fits start
 * past it).
 */
const touchA = (p: { arrivalRatePerSec: number; kPerPrice: number; tickSize: number }) => {
  const kt = p.kPerPrice * p.tickSize;
  return (p.arrivalRatePerSec * (1 - Math.exp(-kt))) / kt;
};

describe('parameters recovered from the sample market (1 h at 100 ms, known σ = 0.3 USDT/√s, A = 2 /s from the mid, so 1.903 /s at the touch, k = 10 /USDT)', () => {
  it('50 seeded repetitions: σ within 3 %, k within 10 %, A (at the touch) within 15 % every time; the truth inside the 95 % intervals in at least 45 of 50', () => {
    const covered = { sigma: 0, aAsk: 0, aBid: 0, aPooled: 0, kAsk: 0, kBid: 0, kPooled: 0 };
    const reps = 50;
    for (let seed = 1000; seed < 1000 + reps; seed++) {
      const { m, sigma, fits } = estimateHour(seed);
      const p = m.params;
      const a = touchA(p);
      expect(Math.abs(sigma.sigmaPerSqrtSec / p.sigmaPerSqrtSec - 1), `σ seed ${seed}`).toBeLessThan(0.03);
      for (const f of Object.values(fits)) {
        expect(Math.abs(f.kPerPrice / p.kPerPrice - 1), `k ${f.side} seed ${seed}`).toBeLessThan(0.1);
        expect(Math.abs(f.aPerSec / a - 1), `A ${f.side} seed ${seed}`).toBeLessThan(0.15);
      }
      if (inside(sigma.ci95, p.sigmaPerSqrtSec)) covered.sigma++;
      if (inside(fits.ask.aCi95, a)) covered.aAsk++;
      if (inside(fits.bid.aCi95, a)) covered.aBid++;
      if (inside(fits.pooled.aCi95, a)) covered.aPooled++;
      if (inside(fits.ask.kCi95, p.kPerPrice)) covered.kAsk++;
      if (inside(fits.bid.kCi95, p.kPerPrice)) covered.kBid++;
      if (inside(fits.pooled.kCi95, p.kPerPrice)) covered.kPooled++;
    }
    // the count per parameter, for the record (about 47.5 of 50 expected for exact 95 % intervals)
    console.log(`95 % interval coverage in ${reps} repetitions: ${JSON.stringify(covered)}`);
    for (const [name, count] of Object.entries(covered)) expect(count, name).toBeGreaterThanOrEqual(45);
  }, 120_000);

  it('WLS on log λ over the same depths: k recovered within 10 % with the truth in its bootstrap interval; A the same touch rate as the MLE\'s', () => {
    const { m, orders } = estimateHour(7);
    const p = m.params;
    const wls = fitArrivalWls(orders, HOUR, 'pooled', { seed: 7 });
    expect(Math.abs(wls.kPerPrice / p.kPerPrice - 1)).toBeLessThan(0.1);
    expect(inside(wls.kCi95, p.kPerPrice)).toBe(true);
    expect(Math.abs(wls.aPerSec / touchA(p) - 1)).toBeLessThan(0.05);
    expect(inside(wls.aCi95, touchA(p))).toBe(true);
  });
});

describe('microstructure noise', () => {
  it('with i.i.d. noise of one tick on a 10 ms grid the naive estimator is biased up; two-scale stays within 5 %', () => {
    const sigma = 0.3;
    const dtSec = 0.01;
    const tick = 0.01;
    const n = 360_000;
    const z = normalSampler(createRng(42));
    const e = normalSampler(createRng(43));
    const ts = new Float64Array(n + 1);
    const x = new Float64Array(n + 1);
    let s = 3000;
    for (let i = 0; i <= n; i++) {
      if (i > 0) s += sigma * Math.sqrt(dtSec) * z();
      ts[i] = i * 10;
      x[i] = s + tick * e();
    }
    const grid = previousTickGrid(ts, x, 10);
    const naive = realizedVolatility(grid);
    const robust = twoScaleVolatility(grid);
    // naive: E σ̂² = σ² + 2·noise²/Δ = 0.09 + 0.02 → σ̂ ≈ 0.332
    expect(naive.sigmaPerSqrtSec).toBeGreaterThan(sigma * 1.05);
    expect(naive.ci95[0]).toBeGreaterThan(sigma);
    expect(Math.abs(robust.sigmaPerSqrtSec / sigma - 1)).toBeLessThan(0.05);
    expect(robust.ci95[0]).toBeLessThanOrEqual(sigma);
    expect(robust.ci95[1]).toBeGreaterThanOrEqual(sigma);
  });
});
