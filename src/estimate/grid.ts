import { previousTickRows } from '../data/sampling.js';
import { EstimationError } from './errors.js';

/** Values on a regular time grid: `values[i]` is in force at `startMs + i·intervalMs`. */
export interface GridSeries {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly values: Float64Array;
}

/**
 * Previous-tick sampling: at each grid time t = k·intervalMs, from the first multiple at or after the first
 * observation to the last observation, the last value observed at or before t. NaN observations are skipped
 * (the previous value stays in force). Times in ms, non-decreasing.
 * @example previousTickGrid([0, 250, 1200], [1, 2, 3], 500).values // [1, 2, 2]
 * @throws EstimationError when there are no observations or intervalMs is not positive.
 */
export function previousTickGrid(tsMs: ArrayLike<number>, values: ArrayLike<number>, intervalMs: number): GridSeries {
  if (!(intervalMs > 0)) throw new EstimationError(`grid interval must be positive, got ${intervalMs} ms`);
  let firstValid = 0;
  while (firstValid < tsMs.length && Number.isNaN(values[firstValid])) firstValid++;
  if (firstValid >= tsMs.length) throw new EstimationError('no observations to sample (empty series or all NaN)');
  const { firstGridMs, rows } = previousTickRows(tsMs, intervalMs, firstValid);
  // NaN observations are skipped: carry the last valid value forward before sampling
  const out = new Float64Array(rows.length);
  let r = firstValid;
  let current = values[firstValid];
  for (let k = 0; k < rows.length; k++) {
    for (; r <= rows[k]; r++) if (!Number.isNaN(values[r])) current = values[r];
    out[k] = current;
  }
  return { startMs: firstGridMs, intervalMs, values: out };
}
