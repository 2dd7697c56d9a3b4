import type { Rng } from './rng.js';

/**
 * Standard normal draws by the Marsaglia polar method; caches the second variate of each pair.
 * Returns a sampler bound to `rng` (factory style, so the cache belongs to one stream).
 * @see G. Marsaglia, T. Bray (1964), "A convenient method for generating normal variables", SIAM Review 6(3).
 */
export function normalSampler(rng: Rng): () => number {
  let spare = 0;
  let hasSpare = false;
  return () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * rng.next() - 1;
      v = 2 * rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * m;
    hasSpare = true;
    return u * m;
  };
}

/**
 * Exponential draw with the given rate (mean 1/rate), by inversion: −ln(1 − U)/rate.
 * @example exponential(rng, 2) // mean 0.5
 */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.next()) / rate;
}
