import { describe, expect, it } from 'vitest';
import { dropDuplicateTrades, type TradeTable } from '../../src/data/index.js';

/** Trades from rows of [ts, id, side, px, sz]. */
function trades(rows: number[][]): TradeTable {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { kind: 'trades', tsMs: col(0), id: col(1), side: Int8Array.from(rows, (r) => r[2]), px: col(3), sz: col(4), meta: {} };
}

describe('dropDuplicateTrades', () => {
  it('takes out a row equal in every field to an earlier one, keeps a row that shares only the id, and counts both', () => {
    const t = trades([
      [1000, 1, 1, 100.01, 0.5],
      [1000, 2, -1, 99.99, 0.2],
      [1000, 2, -1, 99.99, 0.2], // recorded twice
      [1500, 3, 1, 100.02, 0.1],
      [1600, 3, 1, 100.02, 0.3], // id 3 again, another time and size: kept
      [2000, 1, 1, 100.01, 0.5], // id 1 again, another time: kept
    ]);
    const d = dropDuplicateTrades(t);
    expect(d.dropped).toBe(1);
    expect(d.conflicting).toBe(2);
    expect(d.firstRow).toBe(2);
    expect(Array.from(d.trades.id)).toEqual([1, 2, 3, 3, 1]);
    expect(Array.from(d.trades.sz)).toEqual([0.5, 0.2, 0.1, 0.3, 0.5]);
    expect(Array.from(d.trades.side)).toEqual([1, -1, 1, 1, 1]);
  });

  it('ids that name nothing (all equal) take nothing out; a file without repeats is returned as it is', () => {
    const same = trades([
      [1000, 0, 1, 100.01, 0.5],
      [1000, 0, 1, 100.01, 0.5],
    ]);
    expect(dropDuplicateTrades(same)).toMatchObject({ dropped: 0, conflicting: 0, firstRow: -1 });
    const clean = trades([
      [1000, 1, 1, 100.01, 0.5],
      [1100, 2, 1, 100.01, 0.5],
    ]);
    expect(dropDuplicateTrades(clean).trades).toBe(clean);
  });
});
