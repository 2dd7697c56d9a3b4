import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/index.js';
import { studentT975 } from '../../src/stats/index.js';

// Student's t quantile for 95 % intervals of a mean over a few values (the fill-model grades over seeds).
// References: the published t table and the normal limit; and coverage measured on normal samples.

describe('studentT975', () => {
  it('matches published t₀.₉₇₅ values beyond the stored table (df 40, 60, 120) and tends to 1.96', () => {
    // NIST/SEMATECH e-Handbook 1.3.6.7.2: 2.021 (40), 2.000 (60), 1.980 (120)
    expect(studentT975(40)).toBeCloseTo(2.021, 3);
    expect(studentT975(60)).toBeCloseTo(2.0, 3);
    expect(studentT975(120)).toBeCloseTo(1.98, 3);
    expect(studentT975(1e6)).toBeCloseTo(1.96, 4);
    // the expansion meets the table where they join
    expect(Math.abs(studentT975(31) - 2.0395)).toBeLessThan(3e-4);
  });

  it('is NaN for no degree of freedom', () => {
    expect(studentT975(0)).toBeNaN();
    expect(studentT975(2.5)).toBeNaN();
  });

  it('gives 95 % coverage of the mean of 2 and of 5 normal values, where 1.96 does not', () => {
    const rng = createRng(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    for (const n of [2, 5]) {
      let t = 0;
      let z = 0;
      const trials = 20_000;
      for (let k = 0; k < trials; k++) {
        const xs = Array.from({ length: n }, normal);
        const mean = xs.reduce((a, b) => a + b, 0) / n;
        const se = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
        if (Math.abs(mean) <= studentT975(n - 1) * se) t++;
        if (Math.abs(mean) <= 1.96 * se) z++;
      }
      expect(t / trials).toBeGreaterThan(0.94);
      expect(t / trials).toBeLessThan(0.96);
      expect(z / trials).toBeLessThan(n === 2 ? 0.75 : 0.9); // 70 % and 88 %
    }
  });
});
