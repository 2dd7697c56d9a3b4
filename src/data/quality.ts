import type { BookTable } from './tables.js';

/** Events per second in consecutive bins of `binMs`, from the first event's bin to the last's. */
export interface RateSeries {
  readonly binMs: number;
  /** Start of each bin, ms since epoch. */
  readonly binStartMs: Float64Array;
  /** Events in the bin divided by the bin length in seconds. */
  readonly perSec: Float64Array;
}

/**
 * Event rate over time: counts of `tsMs` (non-decreasing, ms) per bin of `binMs`, as events per second. Empty
 * input gives empty series.
 * @example eventRate([0, 100, 1500], 1000).perSec // Float64Array [2, 1]
 */
export function eventRate(tsMs: ArrayLike<number>, binMs: number): RateSeries {
  if (!(binMs > 0)) throw new RangeError(`eventRate: binMs must be positive, got ${binMs}`);
  const n = tsMs.length;
  if (n === 0) return { binMs, binStartMs: new Float64Array(0), perSec: new Float64Array(0) };
  const first = Math.floor(tsMs[0] / binMs);
  const bins = Math.floor(tsMs[n - 1] / binMs) - first + 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) counts[Math.floor(tsMs[i] / binMs) - first]++;
  const binStartMs = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    binStartMs[b] = (first + b) * binMs;
    counts[b] /= binMs / 1000;
  }
  return { binMs, binStartMs, perSec: counts };
}

/**
 * The price tick implied by a book: the smallest positive difference between adjacent levels or between best
 * bid and ask over the rows (every `stride`-th row), rounded to 8 significant digits (absorbing float error in price differences). NaN when no two prices
 * differ. Use the instrument's declared tick when known (`meta.tickSize`); this is for files that lack it.
 */
export function inferTickSize(book: BookTable, stride = 1): number {
  let tick = Infinity;
  for (let i = 0; i < book.tsMs.length; i += stride) tick = Math.min(tick, finestStepOfRow(book, i));
  return Number.isFinite(tick) ? Number(tick.toPrecision(8)) : NaN;
}

/** Row `i`'s finest positive step between best bid and ask and between adjacent levels (∞ when it has none). */
function finestStepOfRow(book: BookTable, i: number): number {
  let m = Infinity;
  const d0 = Math.abs(book.askPx[0][i] - book.bidPx[0][i]);
  if (d0 > 0) m = d0;
  for (let l = 1; l < book.depth; l++) {
    const db = Math.abs(book.bidPx[l - 1][i] - book.bidPx[l][i]);
    if (db > 0 && db < m) m = db;
    const da = Math.abs(book.askPx[l][i] - book.askPx[l - 1][i]);
    if (da > 0 && da < m) m = da;
  }
  return m;
}

/** What `inferTickSize` rests on: how many rows show a step as fine as the tick, and the finest step of the rest. */
export interface TickInference {
  /** `inferTickSize`'s tick (NaN when no two prices differ). */
  readonly tickSize: number;
  /** Rows (of those looked at) with at least one step between adjacent prices; the others have none. */
  readonly rowsWithStep: number;
  /** Of those, the rows whose finest step is the tick. */
  readonly rowsAtTick: number;
  /** The first such row (index into the book), −1 when none. */
  readonly firstRowAtTick: number;
  /** The finest step of every other row (NaN when every row with a step is at the tick). */
  readonly nextStep: number;
}

/**
 * `inferTickSize` with what it rests on: per row, the finest positive step between best bid and ask and between
 * adjacent levels; the tick is the finest over the rows, and `rowsAtTick` counts the rows that show it. One row
 * with a stray price (a half-tick, another feed's price) is enough to set it: see `tickInferenceWarning`.
 * @example // rows on 0.01 steps and one row with a level 0.005 from the next: tick 0.005, from 1 row, next step 0.01
 */
export function tickInference(book: BookTable, stride = 1): TickInference {
  const n = book.tsMs.length;
  const rowMin = new Float64Array(Math.ceil(n / stride)).fill(Infinity);
  let tick = Infinity;
  for (let i = 0, r = 0; i < n; i += stride, r++) {
    const m = finestStepOfRow(book, i);
    rowMin[r] = m;
    if (m < tick) tick = m;
  }
  if (!Number.isFinite(tick)) return { tickSize: NaN, rowsWithStep: 0, rowsAtTick: 0, firstRowAtTick: -1, nextStep: NaN };
  const tickSize = Number(tick.toPrecision(8));
  // a row is at the tick when its finest step rounds to it (the same 8 significant digits)
  let rowsWithStep = 0;
  let rowsAtTick = 0;
  let firstRowAtTick = -1;
  let next = Infinity;
  for (let r = 0; r < rowMin.length; r++) {
    const m = rowMin[r];
    if (!Number.isFinite(m)) continue;
    rowsWithStep++;
    if (Number(m.toPrecision(8)) <= tickSize) {
      rowsAtTick++;
      if (firstRowAtTick < 0) firstRowAtTick = r * stride;
    } else if (m < next) next = m;
  }
  return { tickSize, rowsWithStep, rowsAtTick, firstRowAtTick, nextStep: Number.isFinite(next) ? Number(next.toPrecision(8)) : NaN };
}

/** Below this share of rows showing it, an inferred tick is said to rest on a few rows (`tickInferenceWarning`). */
export const FEW_TICK_ROWS_SHARE = 0.01;

/**
 * A warning (without the `WARNING` prefix) when an inferred tick rests on fewer than `FEW_TICK_ROWS_SHARE` of
 * the rows and every other row steps by at least twice it: one stray price (a half-tick row in a file on whole
 * ticks) then halves the tick of the whole run, doubling every depth in ticks and the grid quotes are put on,
 * with nothing else to show it. Undefined otherwise.
 * @example tickInferenceWarning({ tickSize: 0.005, rowsWithStep: 9000, rowsAtTick: 1, firstRowAtTick: 4501, nextStep: 0.01 }, 'b.csv')
 * // 'b.csv: tick 0.005 inferred from 1 of 9000 book rows (the first: book row 4502); every other row steps by 0.01 or more: …'
 */
export function tickInferenceWarning(t: TickInference, file: string, advice = "pass --tick with the instrument's tick"): string | undefined {
  if (!(t.rowsAtTick > 0) || !(t.nextStep >= 2 * t.tickSize * (1 - 1e-9))) return undefined;
  if (t.rowsAtTick >= FEW_TICK_ROWS_SHARE * t.rowsWithStep) return undefined;
  return (
    `${file}: tick ${t.tickSize} inferred from ${t.rowsAtTick} of ${t.rowsWithStep} book rows (the first: book row ${t.firstRowAtTick + 1}); ` +
    `every other row steps by ${t.nextStep} or more: a stray price sets the tick of the whole run (depths in ticks, the quotes' grid and 5-tick defaults); ${advice}`
  );
}

/**
 * A book's tick: `declared` (the file's or the catalog's) when known, else `tickInference`'s (one pass over the
 * book) with `tickInferenceWarning`'s warning when the inference rests on a few stray rows (`file` and `advice`
 * as there).
 */
export function declaredOrInferredTick(book: BookTable, declared: number | undefined, file: string, advice?: string): { readonly tickSize: number; readonly warning?: string } {
  if (declared !== undefined) return { tickSize: declared };
  const t = tickInference(book);
  const warning = tickInferenceWarning(t, file, advice);
  return warning === undefined ? { tickSize: t.tickSize } : { tickSize: t.tickSize, warning };
}

/** How often the best bid–ask spread was 1, 2, ... ticks wide. */
export interface SpreadHistogram {
  readonly tickSize: number;
  readonly ticks: number[];
  readonly rows: number[];
  /** Rows with a missing side (not counted above). */
  readonly oneSided: number;
}

/** Histogram of the spread in ticks, `round((ask1 − bid1) / tickSize)`, over every row. */
export function spreadTicksHistogram(book: BookTable, tickSize: number): SpreadHistogram {
  if (!(tickSize > 0)) throw new RangeError(`spreadTicksHistogram: tickSize must be positive, got ${tickSize}`);
  const counts = new Map<number, number>();
  let oneSided = 0;
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  for (let i = 0; i < book.tsMs.length; i++) {
    const spread = ask[i] - bid[i];
    if (Number.isNaN(spread)) {
      oneSided++;
      continue;
    }
    const t = Math.round(spread / tickSize);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const ticks = [...counts.keys()].sort((a, b) => a - b);
  return { tickSize, ticks, rows: ticks.map((t) => counts.get(t) as number), oneSided };
}

/** Mean size shown at each level (1 = best) per side, and the share of rows where the level is missing. */
export interface DepthProfile {
  readonly level: number[];
  readonly bidMeanSz: number[];
  readonly askMeanSz: number[];
  readonly bidMissingShare: number[];
  readonly askMissingShare: number[];
}

/** Average displayed size per level and side (missing levels excluded from the mean, counted in the share). */
export function depthProfile(book: BookTable): DepthProfile {
  const n = book.tsMs.length;
  const stats = (col: Float64Array) => {
    let sum = 0;
    let present = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(col[i])) {
        sum += col[i];
        present++;
      }
    }
    return { mean: present > 0 ? sum / present : NaN, missing: n > 0 ? (n - present) / n : NaN };
  };
  const bid = book.bidSz.map(stats);
  const ask = book.askSz.map(stats);
  return {
    level: bid.map((_, l) => l + 1),
    bidMeanSz: bid.map((s) => s.mean),
    askMeanSz: ask.map((s) => s.mean),
    bidMissingShare: bid.map((s) => s.missing),
    askMissingShare: ask.map((s) => s.missing),
  };
}

/** An interval in which data may be missing, ms since epoch. */
export interface TimeGap {
  readonly fromMs: number;
  readonly toMs: number;
  readonly label: string;
}

/**
 * Silences: consecutive timestamps further apart than `thresholdMs`. For tables without gap records (the
 * sample, other collectors' files), where a silence may be a quiet market or lost data: the label says so.
 */
export function silences(tsMs: ArrayLike<number>, thresholdMs: number): TimeGap[] {
  const out: TimeGap[] = [];
  for (let i = 1; i < tsMs.length; i++) {
    const d = tsMs[i] - tsMs[i - 1];
    if (d > thresholdMs) out.push({ fromMs: tsMs[i - 1], toMs: tsMs[i], label: `no row for ${(d / 1000).toFixed(1)} s (quiet market or lost data)` });
  }
  return out;
}

/**
 * A warning (without the `WARNING` prefix) when a tick given for a book does not fit its prices: more than 1 %
 * of the rows have a best bid or ask off the grid of `tickSize` (|p/tick − round(p/tick)| > 1e−6), so depths in
 * ticks and quotes are rounded to a grid the market does not use (`--tick 0.05` on a book on 0.01 steps).
 * `source` names where the tick came from (`--tick 0.05`). Undefined when the prices fit.
 * @example offGridTickWarning(book, 0.05, '--tick 0.05') // '--tick 0.05: 7212 of 9000 book rows have a best price off its grid …'
 */
export function offGridTickWarning(book: BookTable, tickSize: number, source: string): string | undefined {
  if (!(tickSize > 0)) return undefined;
  // off the grid by more than float error (relative to the number of ticks, for large prices in small ticks)
  const off = (p: number) => {
    if (!Number.isFinite(p)) return false;
    const q = p / tickSize;
    return Math.abs(q - Math.round(q)) > Math.max(1e-6, 16 * Number.EPSILON * Math.abs(q));
  };
  let rows = 0;
  let first = -1;
  const n = book.tsMs.length;
  for (let i = 0; i < n; i++) {
    if (off(book.bidPx[0][i]) || off(book.askPx[0][i])) {
      rows++;
      if (first < 0) first = i;
    }
  }
  if (rows === 0 || rows <= 0.01 * n) return undefined;
  const own = inferTickSize(book);
  return (
    `${source}: ${rows} of ${n} book rows have a best price off its grid (the first: book row ${first + 1}, bid ${book.bidPx[0][first]}, ask ${book.askPx[0][first]}): ` +
    `depths in ticks and the quotes are rounded to a grid the market does not use${Number.isFinite(own) ? ` (the book's own finest step is ${own})` : ''}`
  );
}
