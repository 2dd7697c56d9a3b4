import { describe, expect, it } from 'vitest';
import { extent } from '../../src/stats/index.js';

describe('extent', () => {
  it('gives the smallest and largest value, NaN left out, as Math.min/Math.max on the values that are numbers', () => {
    const values = [3, NaN, -1, 2, NaN, -0.5, 7];
    const numbers = values.filter((v) => !Number.isNaN(v));
    expect(extent(values)).toEqual([Math.min(...numbers), Math.max(...numbers)]);
    expect(extent(Float64Array.of(5))).toEqual([5, 5]);
    expect(extent([])).toEqual([NaN, NaN]);
    expect(extent([NaN, NaN])).toEqual([NaN, NaN]);
  });

  it('takes a day of 100 ms points, where spreading them into Math.min overflows the call stack', () => {
    const day = Float64Array.from({ length: 864_000 }, (_, i) => Math.sin(i / 1000) * 10);
    expect(() => Math.min(...day)).toThrow(RangeError);
    const [lo, hi] = extent(day);
    expect(lo).toBeCloseTo(-10, 6);
    expect(hi).toBeCloseTo(10, 6);
  });
});
