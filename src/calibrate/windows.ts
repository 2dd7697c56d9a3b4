import { lowerBound } from '../data/search.js';

/** A calibration window: half-open `[fromMs, toMs)` of exchange time. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The shortest window a calibration accepts (a backtest on less says little, and its Sharpe is undefined). */
export const MIN_WINDOW_SEC = 10;
/** The fewest book rows a calibration window must hold. */
export const MIN_WINDOW_BOOK_ROWS = 2;

/**
 * `count` consecutive equal windows over a sorted time column, from its first time to just past its last
 * (`[t₀ + w·width, t₀ + (w + 1)·width)`, width = (t_last + 1 − t₀)/count): the split `runCalibration` uses.
 * @example splitWindows([0, 999], 2) // [{ fromMs: 0, toMs: 500 }, { fromMs: 500, toMs: 1000 }]
 */
export function splitWindows(tsMs: ArrayLike<number>, count: number): TimeWindow[] {
  const start = tsMs[0];
  const end = tsMs[tsMs.length - 1] + 1;
  const width = (end - start) / count;
  return Array.from({ length: count }, (_, w) => ({ fromMs: start + w * width, toMs: w === count - 1 ? end : start + (w + 1) * width }));
}

/**
 * Why `count` windows over the book's times are too many, naming the numbers, or null: each must span at
 * least `MIN_WINDOW_SEC` and hold at least `MIN_WINDOW_BOOK_ROWS` book rows.
 * @example windowsProblem(Float64Array.from({ length: 601 }, (_, i) => i * 100), 100)
 * // '100 windows over 60.0 s of data are 0.6 s each, shorter than the minimum 10 s: use at most 6'
 */
export function windowsProblem(tsMs: ArrayLike<number>, count: number): string | null {
  if (tsMs.length === 0) return 'the book has no rows';
  const windows = splitWindows(tsMs, count);
  const spanSec = (windows[windows.length - 1].toMs - windows[0].fromMs) / 1000;
  const widthSec = spanSec / count;
  if (widthSec < MIN_WINDOW_SEC) {
    return `${count} windows over ${spanSec.toFixed(1)} s of data are ${widthSec.toPrecision(2)} s each, shorter than the minimum ${MIN_WINDOW_SEC} s: use at most ${Math.floor(spanSec / MIN_WINDOW_SEC)}`;
  }
  for (const [w, win] of windows.entries()) {
    const rows = lowerBound(tsMs, win.toMs) - lowerBound(tsMs, win.fromMs);
    if (rows < MIN_WINDOW_BOOK_ROWS) {
      const iso = (ms: number) => new Date(ms).toISOString();
      return `window ${w + 1} of ${count} (${iso(win.fromMs)} .. ${iso(win.toMs)}) holds ${rows} book row${rows === 1 ? '' : 's'}, fewer than ${MIN_WINDOW_BOOK_ROWS}: the data has a hole there; use fewer windows or data without the hole`;
    }
  }
  return null;
}
