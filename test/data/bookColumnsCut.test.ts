import { describe, expect, it } from 'vitest';
import { sliceBook } from '../../src/calibrate/index.js';
import { sampleBookEvery } from '../../src/data/sampling.js';
import { mapBookColumns, type BookTable } from '../../src/data/tables.js';

// Every cut of a book (a calibration window, a sampling grid, a replay chunk) goes through mapBookColumns, so
// that no per-row column is left at its old rows: the order counts (the orderCount queue model reads them at a
// fill's row) were once left whole by the window cut, so window 2 of a walk-forward read window 1's counts.

/** Ten rows 1 s apart; every column's value at row r encodes the column and r, so a misaligned row shows. */
function book(): BookTable {
  const col = (base: number) => Float64Array.from({ length: 10 }, (_, r) => base + r);
  return {
    kind: 'book',
    depth: 2,
    tsMs: Float64Array.from({ length: 10 }, (_, r) => 1_000 * r),
    localTsMs: Float64Array.from({ length: 10 }, (_, r) => 1_000 * r + 7),
    bidPx: [col(100), col(200)],
    bidSz: [col(300), col(400)],
    askPx: [col(500), col(600)],
    askSz: [col(700), col(800)],
    bidCount: [col(900), col(1000)],
    askCount: [col(1100), col(1200)],
    meta: { instrument: 'X' },
  };
}

/** The row numbers each column holds (value − its base), one list per column. */
function rowsOf(b: BookTable): number[][] {
  const cols = [...b.bidPx, ...b.bidSz, ...b.askPx, ...b.askSz, ...(b.bidCount ?? []), ...(b.askCount ?? [])];
  return cols.map((c) => Array.from(c, (v) => v % 100));
}

describe('cuts of a book keep every per-row column on its rows', () => {
  it('mapBookColumns passes every column, counts and local times included', () => {
    const cut = mapBookColumns(book(), (c) => c.subarray(3, 6));
    expect(rowsOf(cut)).toEqual(Array.from({ length: 12 }, () => [3, 4, 5]));
    expect(Array.from(cut.localTsMs!)).toEqual([3007, 4007, 5007]);
    expect(cut.bidCount).toHaveLength(2);
  });

  it('a calibration window (sliceBook) cuts the order counts with the prices', () => {
    const w = sliceBook(book(), 4_000, 7_000);
    expect(Array.from(w.tsMs)).toEqual([4000, 5000, 6000]);
    expect(rowsOf(w)).toEqual(Array.from({ length: 12 }, () => [4, 5, 6]));
  });

  it('a sampling grid (sampleBookEvery) picks the order counts of the rows it picks', () => {
    const s = sampleBookEvery(book(), 2_000);
    expect(s.bidCount).toBeDefined();
    const rows = rowsOf(s);
    for (const r of rows) expect(r).toEqual(rows[0]);
    expect(Array.from(s.localTsMs!, (t) => (t - 7) / 1000)).toEqual(rows[0]);
  });
});
