/**
 * Index of the first element of sorted `sorted` that is ≥ `value` (its length when none): binary search.
 * @example lowerBound([1, 3, 3, 5], 3) // 1
 */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
