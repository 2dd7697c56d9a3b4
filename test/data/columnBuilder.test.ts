import { describe, expect, it } from 'vitest';
import { ColumnBuilder, Float64ColumnBuilder, Int8ColumnBuilder, withCapacity } from '../../src/data/columnBuilder.js';

describe('the growable column helper', () => {
  it('withCapacity: same kind, values copied to the start, zeros after; never shrinks', () => {
    const grown = withCapacity(Int32Array.of(7, -3), 5);
    expect(grown).toBeInstanceOf(Int32Array);
    expect(Array.from(grown)).toEqual([7, -3, 0, 0, 0]);
    expect(withCapacity(Uint8Array.of(1), 1)).toEqual(Uint8Array.of(1));
    expect(() => withCapacity(Float64Array.of(1, 2, 3), 2)).toThrow(RangeError);
  });

  it('ColumnBuilder keeps every pushed value, in order, across growth (capacity 1 → 1024), and finish is an exact-length copy', () => {
    for (const [kind, value] of [
      [Float64Array, (i: number) => i / 3],
      [Int8Array, (i: number) => (i % 2 === 0 ? 1 : -1)],
      [Int32Array, (i: number) => i * 1000],
    ] as const) {
      const c = new ColumnBuilder(kind as new (n: number) => Float64Array | Int8Array | Int32Array, 1);
      const arrays = new Set<unknown>();
      for (let i = 0; i < 1000; i++) {
        c.push(value(i));
        arrays.add(c.array);
      }
      expect(arrays.size).toBe(11); // 1, 2, 4, …, 1024: ten doublings
      const out = c.finish();
      expect(out).toBeInstanceOf(kind);
      expect(out.length).toBe(1000);
      expect(Array.from(out)).toEqual(Array.from({ length: 1000 }, (_, i) => Array.from(kind.of(value(i)))[0]));
      c.push(value(1000));
      expect(out.length).toBe(1000); // a copy: later pushes do not reach it
    }
  });

  it('Float64ColumnBuilder and Int8ColumnBuilder are ColumnBuilders of their kind', () => {
    const f = new Float64ColumnBuilder(2);
    const s = new Int8ColumnBuilder(2);
    for (const v of [0.5, NaN, -1]) f.push(v);
    for (const v of [1, -1, 1]) s.push(v);
    expect(f).toBeInstanceOf(ColumnBuilder);
    expect(Array.from(f.finish())).toEqual([0.5, NaN, -1]);
    expect(s.finish()).toEqual(Int8Array.of(1, -1, 1));
  });
});
