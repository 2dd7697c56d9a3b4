import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/index.js';
import { median, quantile, quantileOfSorted, quantiles } from '../../src/stats/index.js';

/** Values printed by numpy 2.4.6 (`numpy.quantile`, default method 'linear' = Hyndman & Fan type 7). */
const NUMPY: ReadonlyArray<{ x: number[]; p: number[]; q: number[] }> = [
  { x: [1, 2, 3, 4], p: [0.5], q: [2.5] },
  { x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: [0.05, 0.95], q: [1.45, 9.55] },
  // the textbook example of Hyndman & Fan's definitions (R type 7)
  { x: [7, 15, 36, 39, 40, 41], p: [0.25, 0.75], q: [20.25, 39.75] },
  { x: [3, 6, 7, 8, 8, 10, 13, 15, 16, 20], p: [0, 0.25, 0.5, 0.75, 1], q: [3, 7.25, 9, 14.5, 20] },
  { x: [5], p: [0, 0.3, 1], q: [5, 5, 5] },
  { x: [2.5, -1, 10], p: [0.1, 0.9], q: [-0.3, 8.5] },
];

describe('quantile: Hyndman & Fan type 7 (numpy default, linear interpolation)', () => {
  it('gives numpy.quantile values', () => {
    for (const { x, p, q } of NUMPY) {
      expect(quantiles(x, p).map((v) => Number(v.toPrecision(12)))).toEqual(q);
      p.forEach((pi, i) => expect(quantile(x, pi)).toBeCloseTo(q[i], 12));
    }
  });

  it('median is the middle value, or the mean of the two middle values; input order and input array untouched', () => {
    const x = [9, 1, 5, 3];
    expect(median(x)).toBe(4);
    expect(x).toEqual([9, 1, 5, 3]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median(Float64Array.of(-2, 8))).toBe(3);
  });

  it('empty or NaN-holding samples give NaN; p outside [0, 1] is refused', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([1, NaN, 3])).toBeNaN();
    expect(quantileOfSorted([1, 2, NaN], 0)).toBeNaN();
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], NaN)).toThrow(/p must be in \[0, 1\]/);
  });

  const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!numpy)('agrees with numpy on 200 random samples (sizes 1..60, ties included) when numpy is installed', () => {
    const rng = createRng(18);
    const cases: Array<{ x: number[]; p: number[] }> = [];
    for (let c = 0; c < 200; c++) {
      const n = 1 + Math.floor(rng.next() * 60);
      const x = Array.from({ length: n }, () => (c % 3 === 0 ? Math.floor(rng.next() * 5) : (rng.next() - 0.3) * 1000));
      cases.push({ x, p: [0, 0.025, 0.05, rng.next(), 0.5, 0.95, 0.975, 1] });
    }
    const script = 'import json,sys,numpy as np\nprint(json.dumps([np.quantile(c["x"], c["p"]).tolist() for c in json.load(sys.stdin)]))';
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as number[][];
    cases.forEach((c, i) => {
      const got = quantiles(c.x, c.p);
      got.forEach((g, j) => expect(Math.abs(g - expected[i][j]), `case ${i} p ${c.p[j]}: ${g} vs numpy ${expected[i][j]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i][j]))));
    });
  });
});
