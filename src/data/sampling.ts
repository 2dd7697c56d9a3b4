/**
 * Previous-tick row indices on a regular grid: for each grid time t = k·intervalMs from the first multiple at
 * or after `tsMs[from]` to the last row, the last row index with ts_ms ≤ t (rows before `from` are ignored).
 * The one sampling rule behind `sampleBookEvery` and the estimators' `previousTickGrid`.
 * @example previousTickRows([0, 250, 1200], 500) // { firstGridMs: 0, rows: [0, 1, 1] }
 */
export function previousTickRows(tsMs: ArrayLike<number>, intervalMs: number, from = 0): { firstGridMs: number; rows: Int32Array } {
  const n = tsMs.length;
  if (from >= n) return { firstGridMs: NaN, rows: new Int32Array(0) };
  const first = Math.ceil(tsMs[from] / intervalMs);
  const last = Math.floor(tsMs[n - 1] / intervalMs);
  const m = Math.max(0, last - first + 1);
  const rows = new Int32Array(m);
  let r = from;
  for (let k = 0; k < m; k++) {
    const t = (first + k) * intervalMs;
    while (r + 1 < n && tsMs[r + 1] <= t) r++;
    rows[k] = r;
  }
  return { firstGridMs: first * intervalMs, rows };
}

import { mergeMasks, type MaskedInterval } from './masks.js';
import { mapBookColumns, type BookTable } from './tables.js';
import { DEFAULT_MAX_STALENESS_MS, staleStretches } from './validate.js';

/**
 * A book sampled on a regular time grid by previous tick: at each grid time t = k·intervalMs (from the first
 * multiple at or after the first row to the last row) the row in force, i.e. the last row with ts_ms ≤ t.
 * Book levels are copied; `tsMs` becomes the grid time, `localTsMs` (when present) stays the sampled row's
 * receive time. For raw captures sampled "on a fixed interval" rather than at each change, and for
 * estimators that need a regular grid. Grid points in a hole of the source (no row for more than
 * `maxGapMs`, from that long after its last row) would repeat a row the market had left, and the regular rows
 * would hide the hole from every check downstream: the holes are added to the result's masked intervals
 * (see staleStretches), and the book's own masks are kept.
 * @example sampleBookEvery(book with rows at 0, 250, 1200 ms, 500).tsMs // [0, 500, 1000]: rows 0, 1, 1
 */
export function sampleBookEvery(book: BookTable, intervalMs: number, maxGapMs = DEFAULT_MAX_STALENESS_MS): BookTable {
  return sampleBookWithHoles(book, intervalMs, maxGapMs).book;
}

/** sampleBookEvery's book and the holes of the source it masked (for a note that says so). */
export function sampleBookWithHoles(book: BookTable, intervalMs: number, maxGapMs = DEFAULT_MAX_STALENESS_MS): { book: BookTable; holes: MaskedInterval[] } {
  if (!(intervalMs > 0)) throw new RangeError(`sampleBookEvery: intervalMs must be positive, got ${intervalMs}`);
  const { firstGridMs, rows } = previousTickRows(book.tsMs, intervalMs);
  const m = rows.length;
  const pick = (col: Float64Array) => {
    const out = new Float64Array(m);
    for (let k = 0; k < m; k++) out[k] = col[rows[k]];
    return out;
  };
  const grid = new Float64Array(m);
  for (let k = 0; k < m; k++) grid[k] = firstGridMs + k * intervalMs;
  const holes = staleStretches(book.tsMs, maxGapMs).map((h) => ({ ...h, reason: `no source row for more than ${maxGapMs} ms (sampled every ${intervalMs} ms)` }));
  const masked = holes.length > 0 ? mergeMasks(book.masked, holes) : book.masked;
  return {
    book: {
      ...mapBookColumns(book, pick),
      tsMs: grid,
      meta: { ...book.meta, extra: { ...book.meta.extra, sampled_every_ms: String(intervalMs) } },
      ...(masked ? { masked } : {}),
    },
    holes,
  };
}
