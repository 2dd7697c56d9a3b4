import { quantileOfSorted } from '../stats/quantile.js';
import { DataError } from './errors.js';

/**
 * Plausible epochs: a time column in a market-data file holds dates from 2000-01-01 to 2100-01-01 (UTC) in its
 * declared unit. A column in the wrong unit lands far outside: Unix seconds read as ms are January 1970, µs
 * read as ms are tens of thousands of years ahead. `epochProblem` says so and which unit the numbers fit.
 *
 * Values below 1e9 ms (before 1970-01-12T13:46:40Z read as ms, in whichever declared unit) are taken as
 * relative times from an arbitrary origin (synthetic data, hand-built tests) and accepted: no unit makes them
 * a date in range, and their meaning does not depend on the epoch.
 */
export type TimeUnit = 's' | 'ms' | 'µs' | 'ns';

/** Milliseconds per unit. */
const MS_PER: Record<TimeUnit, number> = { s: 1000, ms: 1, µs: 1e-3, ns: 1e-6 };
const UNIT_WORD: Record<TimeUnit, string> = { s: 'seconds', ms: 'ms', µs: 'µs', ns: 'ns' };

/** First and last plausible epoch, ms since 1970-01-01 UTC. */
export const PLAUSIBLE_EPOCH_MS = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2100, 0, 1) } as const;
/** Below this (as ms), a time is relative, not an epoch (see the module note). */
export const RELATIVE_TIME_BELOW_MS = 1e9;

const inRange = (ms: number) => ms >= PLAUSIBLE_EPOCH_MS.from && ms < PLAUSIBLE_EPOCH_MS.to;
const iso = (ms: number) => (Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().replace('.000Z', 'Z') : `${(ms / 3.156e13).toExponential(2)} millennia from 1970`);

/**
 * Why `value`, read in `unit`, is not a plausible epoch, or null when it is (or is a relative time).
 * @example epochProblem(1767225600, 'ms')
 * // '1767225600 read as ms is 1970-01-21T10:53:45.600Z, outside 2000..2100; the column seems to hold seconds (2026-01-01T00:00:00Z)'
 * @example epochProblem(1767225600000, 'ms') // null
 * @example epochProblem(1000, 'ms') // null (a relative time)
 */
export function epochProblem(value: number, unit: TimeUnit): string | null {
  if (!Number.isFinite(value)) return null; // the row rules report missing or non-numeric times
  const ms = value * MS_PER[unit];
  if (inRange(ms) || Math.abs(ms) < RELATIVE_TIME_BELOW_MS) return null;
  const fits = (Object.keys(MS_PER) as TimeUnit[]).find((u) => u !== unit && inRange(value * MS_PER[u]));
  const seems = fits ? `the column seems to hold ${UNIT_WORD[fits]} (${iso(value * MS_PER[fits])})` : 'no unit (s, ms, µs, ns) makes it a date in that range';
  return `${value} read as ${UNIT_WORD[unit]} is ${iso(ms)}, outside 2000..2100; ${seems}`;
}

/**
 * The first implausible epoch among the first and last value of a sorted time column (the values in between
 * lie between them), as `{ index, reason }`, or null.
 */
export function columnEpochProblem(values: ArrayLike<number>, unit: TimeUnit): { index: number; reason: string } | null {
  const n = values.length;
  for (const index of n === 0 ? [] : n === 1 ? [0] : [0, n - 1]) {
    const reason = epochProblem(values[index], unit);
    if (reason) return { index, reason };
  }
  return null;
}

/** The text lines of a table's first and last rows, noted as a reader goes (for epoch errors that name a line). */
export class RowLines {
  first = 0;
  last = 0;
  note(line: number): void {
    if (this.first === 0) this.first = line;
    this.last = line;
  }
}

/**
 * Refuses a table whose time columns (`tsMs`, and `localTsMs` when present) hold implausible epochs: a
 * DataError naming the file, the line (CSV, from `lines`) or 0-based row (binary tables, `lines` omitted)
 * and the column. `fields` are the file's own column names; `scale` turns ms back into the file's own
 * numbers (1000 for Tardis µs) so the message quotes what the file holds in the unit it declares.
 */
export function checkTableEpochs(
  path: string,
  table: { readonly tsMs: ArrayLike<number>; readonly localTsMs?: ArrayLike<number> },
  lines?: RowLines,
  fields: { ts: string; local: string } = { ts: 'ts_ms', local: 'local_ts_ms' },
  unit: TimeUnit = 'ms',
  scale = 1,
): void {
  const columns: Array<[string, ArrayLike<number> | undefined]> = [[fields.ts, table.tsMs], [fields.local, table.localTsMs]];
  for (const [field, values] of columns) {
    if (!values) continue;
    const raw = scale === 1 ? values : { length: values.length, 0: values[0] * scale, [values.length - 1]: values[values.length - 1] * scale };
    const problem = columnEpochProblem(raw as ArrayLike<number>, unit);
    if (!problem) continue;
    if (lines) throw new DataError(path, problem.index === 0 ? lines.first : lines.last, field, problem.reason);
    throw new DataError(path, problem.index, field, problem.reason, 'row');
  }
}

/** Rows sampled for relativeTimeUnitProblem's median step. */
const STEP_SAMPLE = 10_001;

/**
 * Why a time column of relative times (see RELATIVE_TIME_BELOW_MS) looks like seconds, not ms, or null. Rows of a
 * book or trades stamped in ms step by whole ms (or by 0, on the same ms); relative times whose median step
 * between distinct rows (over the first 10,001 rows) is below 1 ms, with values that are not whole numbers,
 * look like seconds read as ms: rates would be 1000 times and σ per √s √1000 times too large. (A simulation
 * in continuous ms with over 1000 rows a second looks the same, so callers warn rather than refuse.) Epochs
 * are left to epochProblem.
 * @example relativeTimeUnitProblem(Float64Array.of(0, 0.1, 0.2, 0.3))
 * // 'the times are relative (below 1e9) and step by 0.1 ms at the median, in fractions of a ms: seconds read as ms? …'
 */
export function relativeTimeUnitProblem(tsMs: ArrayLike<number>): string | null {
  const n = Math.min(tsMs.length, STEP_SAMPLE);
  if (n < 3 || !(Math.abs(tsMs[0]) < RELATIVE_TIME_BELOW_MS) || !(Math.abs(tsMs[tsMs.length - 1]) < RELATIVE_TIME_BELOW_MS)) return null;
  const steps: number[] = [];
  let fractional = false;
  for (let i = 1; i < n; i++) {
    const d = tsMs[i] - tsMs[i - 1];
    if (d > 0) steps.push(d);
    if (!Number.isInteger(tsMs[i])) fractional = true;
  }
  if (!fractional || steps.length === 0) return null;
  steps.sort((a, b) => a - b);
  const median = quantileOfSorted(steps, 0.5);
  if (median >= 1) return null;
  const spanMs = tsMs[tsMs.length - 1] - tsMs[0];
  return (
    `the times are relative (below 1e9) and step by ${Number(median.toPrecision(3))} ms at the median, in fractions of a ms: seconds read as ms? ` +
    `Read as ms, the ${tsMs.length} rows span ${Number(spanMs.toPrecision(4))} ms; if they are seconds, rates come out 1000 times and σ per √s √1000 times too large (multiply the column by 1000)`
  );
}
