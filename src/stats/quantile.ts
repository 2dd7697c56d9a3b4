/**
 * asmm's one quantile convention: linear interpolation between order statistics, Hyndman & Fan (1996)
 * definition 7 — numpy's default (`numpy.quantile(x, p)`, method 'linear'), R's `quantile(x, p)` (type 7),
 * Excel's PERCENTILE.INC. For the sorted sample x₀ ≤ … ≤ xₙ₋₁ (0-based) and p in [0, 1]:
 *
 *   h = (n − 1)·p,   Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)
 *
 * so Q(0) is the minimum, Q(1) the maximum and Q(½) the median (the mean of the two middle values of an even
 * count). An empty sample, or one holding NaN, gives NaN (as numpy does). Estimation (bootstrap intervals),
 * metrics (median quote distances), latency descriptions and table summaries all use it.
 * @see R. J. Hyndman, Y. Fan (1996), "Sample quantiles in statistical packages", The American Statistician 50(4).
 * @example quantile([1, 2, 3, 4], 0.5) // 2.5 (numpy.quantile([1, 2, 3, 4], 0.5))
 * @example quantiles([7, 15, 36, 39, 40, 41], [0.25, 0.75]) // [20.25, 39.75]
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileOfSorted(sortedCopy(values), p);
}

/** Several quantiles of one sample (sorted once), in the order of `ps`; see `quantile`. */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = sortedCopy(values);
  return ps.map((p) => quantileOfSorted(sorted, p));
}

/** The median: `quantile(values, 0.5)`; NaN when empty. */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/**
 * `quantile` of a sample already sorted ascending (not checked). NaN sorts last in a Float64Array, so a
 * sorted sample holding NaN ends with NaN: the result is then NaN.
 * @throws RangeError when p is not in [0, 1].
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0 || Number.isNaN(sorted[n - 1])) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

/** An ascending copy (Float64Array sort: numeric, NaN last). */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
