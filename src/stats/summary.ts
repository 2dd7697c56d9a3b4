/**
 * Mean and sample standard deviation with their standard errors, in one Welford pass.
 * - `std` uses the n − 1 denominator;
 * - `meanSe` = std/√n;
 * - `stdSe` ≈ std/√(2(n − 1)), exact to first order for normal data (an approximation otherwise).
 * @see B. P. Welford (1962), "Note on a method for calculating corrected sums of squares and products",
 *   Technometrics 4(3).
 */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly meanSe: number;
  readonly stdSe: number;
}

export function summarize(values: ArrayLike<number>): SampleSummary {
  let mean = 0;
  let m2 = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const delta = values[i] - mean;
    mean += delta / (i + 1);
    m2 += delta * (values[i] - mean);
  }
  if (n === 0) return { n, mean: NaN, std: NaN, meanSe: NaN, stdSe: NaN };
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  return { n, mean, std, meanSe: std / Math.sqrt(n), stdSe: n > 1 ? std / Math.sqrt(2 * (n - 1)) : NaN };
}
