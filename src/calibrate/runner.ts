import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { backtestExecutions, inferredFillsNote } from '../backtest/executions.js';
import type { BacktestMetrics } from '../backtest/metrics.js';
import { describeMasks, maskedWithinMs, maskSummary, type MaskSummary } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import { projectPath } from '../project/index.js';
import { evaluateTask, type EvaluationResult, type EvaluationSettings, type EvaluationTask } from './evaluate.js';
import type { ParamSet } from './params.js';

/** Which metric picks the best parameter set on a fit window (higher is better). */
export type SelectionMetric = 'pnl' | 'sharpePerDay';

/** A metric's value as the selection ranks it: an undefined one (NaN: no fills, flat equity) below every defined one. */
export function selectionScore(value: number): number {
  return Number.isFinite(value) ? value : -Infinity;
}

export interface CalibrationOptions {
  readonly book: BookTable;
  /** Recorded trades; without them `tradeThrough` and `queue` fill on executions inferred from the book (once, for every run). */
  readonly trades?: TradeTable;
  readonly calibration?: RollingCalibration;
  readonly settings: EvaluationSettings;
  readonly sets: readonly ParamSet[];
  /** Consecutive equal time windows; walk-forward fits on window i and evaluates on window i + 1. */
  readonly windows: number;
  readonly metric?: SelectionMetric;
  /** Worker threads (default: the number of cores); 0 runs in this thread. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One walk-forward step: the set chosen on `fit`, and its result on the next window `evaluate`. */
export interface WalkForwardFold {
  readonly fit: { readonly windowIndex: number; readonly fromMs: number; readonly toMs: number };
  readonly evaluate: { readonly windowIndex: number; readonly fromMs: number; readonly toMs: number };
  readonly chosenSet: number;
  readonly params: ParamSet;
  readonly inSample: BacktestMetrics;
  readonly outOfSample: BacktestMetrics;
}

export interface CalibrationResult {
  readonly sets: readonly ParamSet[];
  /** The windows, with the masked time inside each (ms; no quote and no fill there, see `data/masks.ts`). */
  readonly windows: ReadonlyArray<{ readonly fromMs: number; readonly toMs: number; readonly maskedMs: number }>;
  /** metrics[set][window]. */
  readonly metrics: ReadonlyArray<ReadonlyArray<BacktestMetrics>>;
  readonly folds: readonly WalkForwardFold[];
  readonly metric: SelectionMetric;
  readonly workers: number;
  readonly seconds: number;
  /** The data's masked intervals (book's and trades' merged) and their total. */
  readonly masked: MaskSummary;
  /** What was inferred rather than recorded, or masked, in words. */
  readonly notes: readonly string[];
}

/** The worker entry (a path, not import.meta.url: tslab compiles src/ to CommonJS, where that does not exist). */
const workerPath = () => projectPath('scripts', 'calibrate-worker.mjs');

/**
 * A copy of `value` in which every typed array is backed by a SharedArrayBuffer (copied once; arrays already
 * shared are kept), so that structured cloning to worker threads shares the memory instead of copying it.
 * Plain objects and arrays are walked; other values are kept as they are.
 */
export function inSharedMemory<T>(value: T): T {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const source = value as unknown as Float64Array;
    if (source.buffer instanceof SharedArrayBuffer) return value;
    const TypedArray = source.constructor as new (buffer: SharedArrayBuffer) => Float64Array;
    const copy = new TypedArray(new SharedArrayBuffer(source.byteLength));
    copy.set(source);
    return copy as unknown as T;
  }
  if (Array.isArray(value)) return value.map((item) => inSharedMemory(item)) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = inSharedMemory(item);
    return out as T;
  }
  return value;
}

/** Runs tasks on `workers` threads (each gets the data once), or in this thread when workers is 0. */
async function runTasks(options: CalibrationOptions, tasks: EvaluationTask[], workers: number): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = new Array(tasks.length);
  let done = 0;
  const progress = () => options.onProgress?.(++done, tasks.length);
  if (workers === 0) {
    for (const task of tasks) {
      results[task.id] = evaluateTask(options.book, options.trades, options.calibration, options.settings, task);
      progress();
    }
    return results;
  }
  let next = 0;
  // the data once in shared memory: each worker reads it there instead of receiving its own copy
  const data = inSharedMemory({ book: options.book, trades: options.trades, calibration: options.calibration });
  const pool = Array.from({ length: workers }, () => new Worker(workerPath(), { workerData: { ...data, settings: options.settings } }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= tasks.length) {
                resolve();
                return;
              }
              worker.postMessage(tasks[next++]);
            };
            worker.on('message', (result: EvaluationResult) => {
              results[result.id] = result;
              progress();
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < tasks.length || code !== 0) reject(new Error(`calibration worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

/**
 * Every parameter set on one window [fromMs, toMs) of the data (each run sees only that window, starting
 * flat), on `workers` threads as `runCalibration` runs them: the metrics per set, in set order, and the note
 * on inferred executions when the data has no trades. The daily walk-forward sweeps each day with it.
 */
export async function sweepWindow(
  options: Omit<CalibrationOptions, 'windows' | 'metric'>,
  window: { readonly fromMs: number; readonly toMs: number },
): Promise<{ readonly metrics: BacktestMetrics[]; readonly notes: string[] }> {
  const tasks: EvaluationTask[] = options.sets.map((params, setIndex) => ({ id: setIndex, setIndex, windowIndex: 0, params, ...window }));
  const workers = Math.max(0, Math.min(options.workers ?? availableParallelism(), availableParallelism(), tasks.length));
  const inferred = !options.trades && options.settings.fill !== 'midCross' ? backtestExecutions(options.book, undefined, options.settings.fill, options.settings.tickSize) : undefined;
  const results = await runTasks({ ...options, windows: 1, ...(inferred ? { trades: inferred.trades } : {}) }, tasks, workers);
  return { metrics: results.map((r) => r.metrics), notes: inferred ? [inferredFillsNote(options.settings.fill)] : [] };
}

/**
 * The sweep's equal time windows over the book's span (the last one ends after the last row) and its tasks,
 * every set on every window, numbered set by set: the same for the local pool and the distributed run.
 */
export function calibrationTasks(options: Pick<CalibrationOptions, 'book' | 'windows' | 'sets'>): { windows: Array<{ fromMs: number; toMs: number }>; tasks: EvaluationTask[] } {
  const ts = options.book.tsMs;
  const start = ts[0];
  const end = ts[ts.length - 1] + 1;
  const width = (end - start) / options.windows;
  const windows = Array.from({ length: options.windows }, (_, w) => ({ fromMs: start + w * width, toMs: w === options.windows - 1 ? end : start + (w + 1) * width }));
  const tasks: EvaluationTask[] = [];
  options.sets.forEach((params, setIndex) => windows.forEach((win, windowIndex) => tasks.push({ id: tasks.length, setIndex, windowIndex, params, ...win })));
  return { windows, tasks };
}

/**
 * Sweeps every parameter set over consecutive time windows of the data (each run sees only its window's
 * books and trades, starting flat), in parallel worker threads, then walks forward: for each window i the set
 * with the best `metric` on window i is evaluated on window i + 1, data it was not chosen on.
 */
export async function runCalibration(options: CalibrationOptions): Promise<CalibrationResult> {
  const started = performance.now();
  const ts = options.book.tsMs;
  if (ts.length < 2) throw new Error('calibration needs at least 2 book rows');
  if (!(options.windows >= 2)) throw new Error('walk-forward needs at least 2 windows');
  const { windows, tasks } = calibrationTasks(options);
  const workers = Math.max(0, Math.min(options.workers ?? availableParallelism(), availableParallelism(), tasks.length));
  // books only: the executions inferred from the book, once for every run (each window replays its part of them)
  const inferred = !options.trades && options.settings.fill !== 'midCross' ? backtestExecutions(options.book, undefined, options.settings.fill, options.settings.tickSize) : undefined;
  const results = await runTasks(inferred ? { ...options, trades: inferred.trades } : options, tasks, workers);
  const metrics = options.sets.map((_, s) => windows.map((__, w) => results.find((r) => r.setIndex === s && r.windowIndex === w)!.metrics));
  const metric = options.metric ?? 'pnl';
  const score = (m: BacktestMetrics) => selectionScore(m[metric]);
  const folds: WalkForwardFold[] = [];
  for (let w = 0; w + 1 < windows.length; w++) {
    let best = 0;
    for (let s = 1; s < options.sets.length; s++) if (score(metrics[s][w]) > score(metrics[best][w])) best = s;
    folds.push({
      fit: { windowIndex: w, ...windows[w] },
      evaluate: { windowIndex: w + 1, ...windows[w + 1] },
      chosenSet: best,
      params: options.sets[best],
      inSample: metrics[best][w],
      outOfSample: metrics[best][w + 1],
    });
  }
  const masked = maskSummary(options.book.masked, options.trades?.masked);
  const notes = [...(inferred ? [inferredFillsNote(options.settings.fill)] : []), ...describeMasks(masked, 0), ...walkForwardNotes(metrics, metric)];
  const windowsWithMasks = windows.map((win) => ({ ...win, maskedMs: maskedWithinMs(masked.intervals, win.fromMs, win.toMs) }));
  return { sets: options.sets, windows: windowsWithMasks, metrics, folds, metric, workers, seconds: (performance.now() - started) / 1000, masked, notes };
}

/**
 * The walk-forward's warnings on what its choices rest on: windows without a fill (`deadWindowNotes`) and fit
 * windows on which the selection metric is undefined for every set although some filled (a Sharpe ratio on
 * windows shorter than two of its intervals): each such choice is a tie, the first set taken on no evidence.
 * The local and the distributed sweep both give them.
 */
export function walkForwardNotes(metrics: readonly (readonly BacktestMetrics[])[], metric: SelectionMetric): string[] {
  return [...deadWindowNotes(metrics, metric), ...undefinedMetricNotes(metrics, metric)];
}

/** How the note on fit windows where no set has a defined selection metric starts. */
export const UNDEFINED_METRIC_NOTE = 'WARNING the selection metric is undefined for every set';

/** The fit windows (not the last) where some set filled but none has a finite `metric`: the choice there is a tie. */
export function tieWindows(metrics: readonly (readonly BacktestMetrics[])[], metric: SelectionMetric): number[] {
  const windows = metrics[0]?.length ?? 0;
  const out: number[] = [];
  for (let w = 0; w + 1 < windows; w++) if (metrics.every((perSet) => !Number.isFinite(perSet[w][metric])) && metrics.some((perSet) => perSet[w].fills > 0)) out.push(w);
  return out;
}

function undefinedMetricNotes(metrics: readonly (readonly BacktestMetrics[])[], metric: SelectionMetric): string[] {
  const ties = tieWindows(metrics, metric);
  if (ties.length === 0) return [];
  const why = metric === 'sharpePerDay' ? 'a Sharpe ratio needs at least two of its equity intervals that vary: longer windows, or --metric pnl' : 'no finite value';
  return [
    `${UNDEFINED_METRIC_NOTE} (${metric}) in window${ties.length === 1 ? '' : 's'} ${ties.map((w) => w + 1).join(', ')}, though sets filled there (${why}): ` +
      `the set chosen for window${ties.length === 1 ? '' : 's'} ${ties.map((w) => w + 2).join(', ')} is a tie, the first set taken on no evidence, and its out-of-sample rank ranks undefined values`,
  ];
}

/** How the note on windows without a fill starts (the command prints it in its text output too). */
export const NO_FILL_WINDOWS_NOTE = 'WARNING no parameter set had a fill';

/**
 * What the walk-forward's choices and means rest on when windows had no fill: a fit window on which no set
 * filled is a tie (the first set is taken, on no evidence), and the table's means count an undefined Sharpe
 * (no fill, flat equity) as 0. One line each, windows numbered from 1.
 */
function deadWindowNotes(metrics: readonly (readonly BacktestMetrics[])[], metric: SelectionMetric): string[] {
  const windows = metrics[0]?.length ?? 0;
  const dead: number[] = [];
  for (let w = 0; w < windows; w++) if (metrics.every((perSet) => perSet[w].fills === 0)) dead.push(w);
  if (dead.length === 0) return [];
  const list = dead.map((w) => w + 1).join(', ');
  const fits = dead.filter((w) => w + 1 < windows);
  return [
    `${NO_FILL_WINDOWS_NOTE} in window${dead.length === 1 ? '' : 's'} ${list} (shorter than the strategy's calibration window, masked, or without trades?)` +
      (fits.length > 0 ? `: the set chosen on ${fits.length === 1 ? 'it' : 'them'} for window${fits.length === 1 ? '' : 's'} ${fits.map((w) => w + 2).join(', ')} is a tie, the first set taken on no evidence` : '') +
      `; the means over windows count ${dead.length === 1 ? 'its' : 'their'} undefined Sharpe as 0${metric === 'sharpePerDay' ? ' (the selection metric too)' : ''}`,
  ];
}
