import type { BacktestMetrics } from '../backtest/metrics.js';
import { clipMasks, maskSummary } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { EvaluationSettings } from './evaluate.js';
import type { ParamSet } from './params.js';
import { NO_FILL_WINDOWS_NOTE, selectionScore, sweepWindow, type SelectionMetric } from './runner.js';

/** One day of data for the daily walk-forward: its UTC date and its books (and trades, rolling calibration). */
export interface CalibrationDay {
  /** `YYYY-MM-DD`, UTC. */
  readonly date: string;
  readonly book: BookTable;
  readonly trades?: TradeTable;
  readonly calibration?: RollingCalibration;
}

/** How the note on days without a fill starts: as the note on windows without one (`NO_FILL_WINDOWS_NOTE`). */
export const NO_FILL_DAYS_NOTE = NO_FILL_WINDOWS_NOTE;

/** What the sweep of one day found: every set's metrics on that day alone (each run starting flat). */
export interface DailySweep {
  readonly date: string;
  readonly bookRows: number;
  readonly trades: number;
  /** Masked time inside the day (ms; no quote, no fill there). */
  readonly maskedMs: number;
  /** metrics[set], in set order; empty when the day was skipped. */
  readonly metrics: readonly BacktestMetrics[];
  /** Why the day was not swept (fewer than 2 book rows), or undefined. */
  readonly skipped?: string;
}

/** One out-of-sample day: the set chosen on the days before it, and how it did on this day. */
export interface DailyFold {
  /** The days the set was chosen on (the trailing window, swept days only), oldest first. */
  readonly fitDates: readonly string[];
  /** The day it then traded. */
  readonly date: string;
  readonly chosenSet: number;
  readonly params: ParamSet;
  /** The chosen set's selection score over the fit days (see `runDailyWalkForward`). */
  readonly inSample: number;
  readonly outOfSample: BacktestMetrics;
  /** Rank of the chosen set among all sets on this day by the selection metric (1 = best in hindsight) (an undefined value ranks last); NaN when no set has a value defined that day. */
  readonly outOfSampleRank: number;
  /** Out-of-sample PnL summed over the folds so far, this one included (quote currency). */
  readonly cumulativeOutOfSamplePnl: number;
}

export interface DailyWalkForwardOptions {
  /** The days, oldest first, one at a time (a catalog's day partitions): only one day is held at once. */
  readonly days: AsyncIterable<CalibrationDay> | Iterable<CalibrationDay>;
  readonly sets: readonly ParamSet[];
  readonly settings: EvaluationSettings;
  readonly metric?: SelectionMetric;
  /** Days the choice is made on (the last swept days before the day traded). Default 1. */
  readonly trailingDays?: number;
  /** Worker threads per day's sweep (default: the number of cores); 0 runs in this thread. */
  readonly workers?: number;
  /** Called after each day's sweep, with the fold of that day when there is one (a progress line). */
  readonly onDay?: (sweep: DailySweep, fold: DailyFold | undefined) => void;
}

export interface DailyWalkForwardResult {
  readonly sets: readonly ParamSet[];
  readonly days: readonly DailySweep[];
  readonly folds: readonly DailyFold[];
  readonly metric: SelectionMetric;
  readonly trailingDays: number;
  readonly seconds: number;
  /** Inferred executions, skipped days, masked time, in words. */
  readonly notes: readonly string[];
}

/**
 * A score over several days for the selection: the sum of daily PnL for `pnl` (the PnL of trading those days
 * one after another, each starting flat), the mean of daily Sharpe ratios for `sharpePerDay` (an undefined
 * one, NaN, counting 0; NaN when none is defined). Higher is better, as `selectionScore` ranks it.
 */
export function multiDayScore(daily: readonly BacktestMetrics[], metric: SelectionMetric): number {
  if (metric === 'pnl') return daily.reduce((a, m) => a + m.pnl, 0);
  const values = daily.map((m) => m.sharpePerDay);
  if (!values.some(Number.isFinite)) return NaN;
  return values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0) / values.length;
}

/**
 * The daily walk-forward: every parameter set is backtested on each day alone (starting flat, on that day's
 * data only, in worker threads); from the second swept day on, the set with the best score over the
 * `trailingDays` swept days before a day (`multiDayScore`; ties to the lower set index) is the one that
 * trades that day, and its result there is out of sample: it was chosen without that day's data. Days are
 * read one at a time, so memory holds one day and the metrics so far, however many days there are.
 *
 * A day with fewer than 2 book rows is skipped and said so; the fold after it uses the swept days before.
 */
export async function runDailyWalkForward(options: DailyWalkForwardOptions): Promise<DailyWalkForwardResult> {
  const started = performance.now();
  const metric = options.metric ?? 'pnl';
  const trailing = options.trailingDays ?? 1;
  if (!(Number.isInteger(trailing) && trailing >= 1)) throw new RangeError(`trailingDays must be a whole number ≥ 1, got ${trailing}`);
  if (options.sets.length === 0) throw new RangeError('the walk-forward needs at least one parameter set');
  const days: DailySweep[] = [];
  const folds: DailyFold[] = [];
  const notes = new Set<string>();
  const undefinedTies: string[] = [];
  let cumulative = 0;
  let lastDate = '';
  for await (const day of options.days) {
    if (!(day.date > lastDate)) throw new RangeError(`days must come in date order without repeats: ${day.date} after ${lastDate}`);
    lastDate = day.date;
    const ts = day.book.tsMs;
    // the masked time inside the day's own run (a day absent before it is masked up to its first row: not its own)
    const runFrom = ts.length > 0 ? ts[0] : -Infinity;
    const runTo = ts.length > 0 ? ts[ts.length - 1] + 1 : Infinity;
    const masked = maskSummary(clipMasks(day.book.masked, runFrom, runTo), clipMasks(day.trades?.masked, runFrom, runTo));
    const base = { date: day.date, bookRows: ts.length, trades: day.trades?.tsMs.length ?? 0, maskedMs: masked.totalMs };
    if (ts.length < 2) {
      const sweep: DailySweep = { ...base, metrics: [], skipped: `${ts.length} book rows` };
      days.push(sweep);
      notes.add(`skipped ${day.date}: ${sweep.skipped} (a day needs at least 2)`);
      options.onDay?.(sweep, undefined);
      continue;
    }
    const swept = await sweepWindow(
      { book: day.book, ...(day.trades ? { trades: day.trades } : {}), ...(day.calibration ? { calibration: day.calibration } : {}), settings: options.settings, sets: options.sets, ...(options.workers !== undefined ? { workers: options.workers } : {}) },
      { fromMs: ts[0], toMs: ts[ts.length - 1] + 1 },
    );
    for (const note of swept.notes) notes.add(note);
    if (masked.totalMs > 0) notes.add(`masked time inside the days (no quote, no fill there): see each day's maskedMs`);
    const sweep: DailySweep = { ...base, metrics: swept.metrics };
    const fitDays = days.filter((d) => d.skipped === undefined).slice(-trailing);
    let fold: DailyFold | undefined;
    if (fitDays.length > 0) {
      const scores = options.sets.map((_, s) => selectionScore(multiDayScore(fitDays.map((d) => d.metrics[s]), metric)));
      // no set scored (every score undefined) though some filled: a tie, said below
      if (scores.every((v) => v === -Infinity) && fitDays.some((d) => d.metrics.some((m) => m.fills > 0))) undefinedTies.push(day.date);
      let best = 0;
      for (let s = 1; s < scores.length; s++) if (scores[s] > scores[best]) best = s;
      const onDay = swept.metrics.map((m) => selectionScore(m[metric]));
      const outOfSample = swept.metrics[best];
      cumulative += outOfSample.pnl;
      fold = {
        fitDates: fitDays.map((d) => d.date),
        date: day.date,
        chosenSet: best,
        params: options.sets[best],
        inSample: multiDayScore(fitDays.map((d) => d.metrics[best]), metric),
        outOfSample,
        // (no set with a value defined that day: no rank, not '1 of N')
        outOfSampleRank: onDay.every((v) => v === -Infinity) ? NaN : 1 + onDay.filter((v) => v > onDay[best]).length,
        cumulativeOutOfSamplePnl: cumulative,
      };
      folds.push(fold);
    }
    days.push(sweep);
    options.onDay?.(sweep, fold);
  }
  // days on which no set filled: the folds fit on them alone chose a tie (the first set, on no evidence)
  const dead = days.filter((d) => d.skipped === undefined && d.metrics.length > 0 && d.metrics.every((m) => m.fills === 0)).map((d) => d.date);
  if (dead.length > 0) {
    const deadSet = new Set(dead);
    const ties = folds.filter((f) => f.fitDates.every((date) => deadSet.has(date))).map((f) => f.date);
    notes.add(
      `${NO_FILL_DAYS_NOTE} on ${dead.length === 1 ? 'day' : 'days'} ${dead.join(', ')} (the strategy's σ, A, k never estimated there, every quote refused, or no trade reached one?)` +
        (ties.length > 0 ? `: the set traded on ${ties.join(', ')} was chosen on ${ties.length === 1 ? 'a day' : 'days'} without a fill, a tie, the first set taken on no evidence` : '') +
        (metric === 'sharpePerDay' ? `; multi-day scores count ${dead.length === 1 ? 'its' : 'their'} undefined Sharpe as 0` : ''),
    );
  }
  if (undefinedTies.length > 0) {
    notes.add(
      `WARNING the selection metric (${metric}) is undefined for every set over the fit days of ${undefinedTies.join(', ')}, though sets filled there` +
        `${metric === 'sharpePerDay' ? ' (a Sharpe ratio needs at least two of its equity intervals that vary: longer days, or --metric pnl)' : ''}: the set traded is a tie, the first set taken on no evidence`,
    );
  }
  if (days.length === 0) notes.add('no days in the range');
  else if (folds.length === 0) notes.add('fewer than two days with data: no out-of-sample day');
  return { sets: options.sets, days, folds, metric, trailingDays: trailing, seconds: (performance.now() - started) / 1000, notes: [...notes] };
}
