/**
 * The smallest and largest value, NaN (a gap, a masked point) left out: `[NaN, NaN]` when no value is left.
 * A loop, not `Math.min(...values)`, which overflows the call stack on a day of 100 ms points.
 * @example extent([3, NaN, -1, 2]) // [-1, 3]
 */
export function extent(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [NaN, NaN];
}
