import { describe, expect, it } from 'vitest';
import { PartColumns, columnBuffers, partColumnTypeOf } from '../../src/catalog/partColumns.js';

/** The first `rows` values of each column, as plain arrays. */
const rowsOf = (part: PartColumns) =>
  part.scanColumns().map((c) => Array.from((c.values as Float64Array).subarray(0, part.rows)));

describe('PartColumns: a streamed part gathered from copies of the caller\'s batches', () => {
  it('copies row ranges of typed and plain arrays after the rows gathered; the caller\'s arrays may change after', () => {
    const part = PartColumns.allocate(['ts_ms', 'side', 'flags'], ['double', 'int8', 'uint8'], 4, 100);
    const ts = Float64Array.of(1, 2, 3, 4, 5);
    const side = Int8Array.of(1, -1, 1, -1, 1);
    const flags = Uint8Array.of(3, 0, 1, 2, 255);
    part.append([ts, side, flags], 1, 4);
    part.append([[10, 11], Int8Array.of(-1, -1), Uint8Array.of(7, 8)], 0, 2);
    ts.fill(0);
    side.fill(0);
    expect(part.rows).toBe(5);
    expect(rowsOf(part)).toEqual([
      [2, 3, 4, 10, 11],
      [-1, 1, -1, -1, -1],
      [0, 1, 2, 7, 8],
    ]);
  });

  it('grows by doubling up to the part size, then by an eighth past it; an empty range adds nothing', () => {
    const part = PartColumns.allocate(['x'], ['double'], 2, 10);
    const ones = new Float64Array(20).fill(1);
    part.append([ones], 0, 3); // 3 > 2: doubled to 4
    expect(part.capacity).toBe(4);
    part.append([ones], 0, 2); // 5 > 4: doubled to 8
    expect(part.capacity).toBe(8);
    part.append([ones], 0, 4); // 9 > 8: 16 would pass the part size, so 10 + 10/8 = 11
    expect(part.capacity).toBe(11);
    part.append([ones], 0, 3); // 12 > 11, past the part size: 12 + 12/8 = 13
    expect(part.capacity).toBe(13);
    part.append([ones], 5, 5);
    expect(part.rows).toBe(12);
    expect(rowsOf(part)[0]).toEqual(new Array(12).fill(1));
  });

  it('refuses a column of another kind than the part\'s, and a wrong number of columns, naming them', () => {
    const part = PartColumns.allocate(['ts_ms', 'side'], ['double', 'int8'], 4, 4);
    expect(() => part.append([Float64Array.of(1), Float64Array.of(1)], 0, 1)).toThrow(/column side: double values after int8/);
    expect(() => part.append([Float64Array.of(1)], 0, 1)).toThrow(/1 columns given, 2 expected \(ts_ms, side\)/);
    expect(part.rows).toBe(0);
    expect([partColumnTypeOf(Int8Array.of()), partColumnTypeOf(Uint8Array.of()), partColumnTypeOf([1]), partColumnTypeOf(Float64Array.of())]).toEqual(['int8', 'uint8', 'double', 'double']);
  });

  it('columns handed over come back as an empty part over the same arrays; clear keeps the arrays', () => {
    const part = PartColumns.allocate(['a', 'b'], ['double', 'uint8'], 8, 8);
    part.append([Float64Array.of(1, 2), Uint8Array.of(3, 4)], 0, 2);
    const columns = part.scanColumns();
    expect(columnBuffers(columns)).toEqual([(columns[0].values as Float64Array).buffer, (columns[1].values as Uint8Array).buffer]);
    const back = PartColumns.from(columns, 8);
    expect([back.rows, back.capacity, back.names, back.types]).toEqual([0, 8, ['a', 'b'], ['double', 'uint8']]);
    back.append([Float64Array.of(9), Uint8Array.of(9)], 0, 1);
    expect(rowsOf(back)).toEqual([[9], [9]]);
    // the same memory: what was handed over is what is refilled
    expect((back.scanColumns()[0].values as Float64Array).buffer).toBe((columns[0].values as Float64Array).buffer);
    back.clear();
    expect([back.rows, back.capacity]).toEqual([0, 8]);
  });
});
