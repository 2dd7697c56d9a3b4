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
  const consider = (a: number, b: number) => {
    const d = Math.abs(a - b);
    if (d > 0 && d < tick) tick = d;
  };
  for (let i = 0; i < book.tsMs.length; i += stride) {
    consider(book.askPx[0][i], book.bidPx[0][i]);
    for (let l = 1; l < book.depth; l++) {
      consider(book.bidPx[l - 1][i], book.bidPx[l][i]);
      consider(book.askPx[l][i], book.askPx[l - 1][i]);
    }
  }
  return Number.isFinite(tick) ? Number(tick.toPrecision(8)) : NaN;
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
