import { describe, expect, it } from 'vitest';
import { previousTickGrid, realizedVolatility, sparseGridWarning } from '../../src/estimate/index.js';
import { createRng, normalSampler } from '../../src/random/index.js';

/**
 * Seeded Brownian paths (σ = 0.3 /√s) observed as 1 s snapshots for 30 min: σ on a 100 ms grid (9 in 10
 * increments carry the last snapshot over) and on a 1 s grid. The estimates are the same sums; only the
 * intervals differ, and the warning says which one holds.
 */
describe('σ on a grid finer than the book\'s rows', () => {
  const SIGMA = 0.3;
  const paths = Array.from({ length: 200 }, (_, seed) => {
    const z = normalSampler(createRng(1000 + seed));
    const ts = Float64Array.from({ length: 1801 }, (_, i) => i * 1000);
    const x = new Float64Array(ts.length);
    x[0] = 3000;
    for (let i = 1; i < x.length; i++) x[i] = x[i - 1] + SIGMA * z();
    return { ts, x };
  });
  const covered = (gridMs: number) => paths.filter((p) => {
    const e = realizedVolatility(previousTickGrid(p.ts, p.x, gridMs));
    return e.ci95[0] <= SIGMA && SIGMA <= e.ci95[1];
  }).length;

  it('the 100 ms grid\'s 95 % interval holds the true σ in about half the paths, the 1 s grid\'s in about 95 %; the estimates agree', () => {
    const fine = covered(100);
    const rows = covered(1000);
    // binomial(200, 0.95): 190 ± 9 at 3 SE (these seeds: 183); the too-narrow interval: 2Φ(1.96/√10) − 1 = 0.46, i.e. 92 ± 21 (these seeds: 88)
    expect(rows).toBeGreaterThanOrEqual(181);
    expect(fine).toBeGreaterThan(71);
    expect(fine).toBeLessThan(113);
    const p = paths[0];
    expect(realizedVolatility(previousTickGrid(p.ts, p.x, 100)).sigmaPerSqrtSec).toBeCloseTo(realizedVolatility(previousTickGrid(p.ts, p.x, 1000)).sigmaPerSqrtSec, 12);
  });

  it('sparseGridWarning says so for rows 10 grid steps apart and names the grid that matches; not for rows one step apart', () => {
    expect(sparseGridWarning(paths[0].ts, 100)).toMatch(/a median 1000 ms apart: about 90 % .* up to 3\.2× too narrow .*--grid 1000ms matches the rows$/);
    expect(sparseGridWarning(paths[0].ts, 1000)).toBeUndefined();
    // rows at 100 ms with a few 200 ms gaps (the Binance capture's): median 100 ms, no warning
    expect(sparseGridWarning([0, 100, 200, 400, 500, 600], 100)).toBeUndefined();
  });
});
