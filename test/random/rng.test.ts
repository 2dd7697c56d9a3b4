import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, exponential, normalSampler, xoshiro128StarStar } from '../../src/random/index.js';

describe('xoshiro128**', () => {
  it('matches the reference algorithm on state {1, 2, 3, 4}', () => {
    // Worked by hand from https://prng.di.unimi.it/xoshiro128starstar.c:
    // out1 = rotl(2·5, 7)·9 = 11520; state → {7, 0, 1026, 12288}; out2 = rotl(0, 7)·9 = 0;
    // state → {12295, 1029, 1029, 25165824}; out3 = rotl(1029·5, 7)·9 = 5927040.
    const rng = xoshiro128StarStar(1, 2, 3, 4);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(deriveSeed(1, 'mid')).not.toBe(deriveSeed(1, 'trades'));
  });

  it('rejects seeds it would have to truncate (so different seeds never share a stream)', () => {
    expect(() => createRng(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(0xffffffff)).not.toThrow();
  });

  it('gives uniform doubles in [0, 1) with mean 1/2 and variance 1/12 within 4 standard errors', () => {
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    // Var of U² estimator: Var(U²) = 1/5 − 1/9 = 4/45.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt(4 / 45 / n));
  });
});

describe('distributions', () => {
  it('normal draws have mean 0, variance 1 and kurtosis 3 within sampling error', () => {
    const normal = normalSampler(createRng(11));
    const n = 200_000;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const z = normal();
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('exponential draws have mean 1/rate and P(X > x) = exp(−rate·x)', () => {
    const rng = createRng(5);
    const rate = 2.5;
    const n = 100_000;
    let sum = 0;
    let beyond = 0;
    for (let i = 0; i < n; i++) {
      const x = exponential(rng, rate);
      sum += x;
      if (x > 0.6) beyond++;
    }
    expect(Math.abs(sum / n - 1 / rate)).toBeLessThan(4 * (1 / rate) / Math.sqrt(n));
    const p = Math.exp(-rate * 0.6);
    expect(Math.abs(beyond / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });
});
