import { randomBytes } from 'node:crypto';
import type { BacktestMetrics } from '../../backtest/metrics.js';
import { FILL_CAUSES, type FillCause } from '../../backtest/types.js';
import { describeMasks, maskedWithinMs, maskSummary } from '../../data/masks.js';
import { calibrationTasks, selectionScore, walkForwardNotes, type CalibrationOptions, type CalibrationResult, type WalkForwardFold } from '../../calibrate/runner.js';
import type { EvaluationResult, EvaluationTask } from '../../calibrate/evaluate.js';
import { readCells, redisConnection, submitSweep } from './queue.js';
import type { DataShard, WorkUnit } from './unit.js';

/**
 * The metrics of a cell that failed for good: every field NaN (also when no cell succeeded, so that the tables
 * print NaN, not undefined).
 */
const NAN_METRICS: BacktestMetrics = {
  pnl: NaN, fills: NaN, bidFills: NaN, askFills: NaN, fillsByCause: Object.fromEntries(FILL_CAUSES.map((c) => [c, NaN])) as Record<FillCause, number>,
  pnlPerFill: NaN, sharpePerDay: NaN, sharpeIntervalSec: NaN, maxDrawdown: NaN, spreadCapturedPerUnit: NaN, inventoryMean: NaN, inventoryStd: NaN,
  maxAbsInventory: NaN, turnover: NaN, fees: NaN, finalInventory: NaN, finalCash: NaN,
};

export interface DistributedOptions {
  readonly redisUrl: string;
  readonly shard: DataShard;
  /** The command line stored with the run, for `--attach`. */
  readonly argv: readonly string[];
  /** Gather an existing run instead of submitting one. */
  readonly attachRunId?: string;
  readonly attempts: number;
  readonly onRunId?: (runId: string) => void;
  readonly onStatus?: (status: SweepStatus) => void;
  /** Test hook: the task ids that throw instead of running, and a hold before each unit (ms). */
  readonly failTaskIds?: readonly number[];
  readonly holdMs?: number;
}

export interface SweepStatus {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  readonly perWorker: ReadonlyMap<string, number>;
  readonly elapsedSec: number;
}

/** A cell that failed for good: its set, window and error (shown in the result, its metrics NaN). */
export interface CellFailure {
  readonly setIndex: number;
  readonly windowIndex: number;
  readonly error: string;
  readonly attempts: number;
}

export type DistributedResult = CalibrationResult & { readonly runId: string; readonly failures: readonly CellFailure[] };

/** New run ids: time and randomness (not a seed of any result). */
export const newRunId = () => `cal-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/**
 * `runCalibration` over BullMQ workers: the same windows, tasks and walk-forward, each cell run by a worker
 * from the shard's paths; the rows gathered from Redis as they finish.
 */
export async function runDistributedCalibration(options: CalibrationOptions, dist: DistributedOptions): Promise<DistributedResult> {
  const started = performance.now();
  const ts = options.book.tsMs;
  if (ts.length < 2) throw new Error('calibration needs at least 2 book rows');
  const { windows, tasks } = calibrationTasks(options);
  const fail = new Set(dist.failTaskIds ?? []);
  const units: WorkUnit[] = tasks.map((task) => ({ shard: dist.shard, settings: options.settings, task, ...(fail.has(task.id) ? { failWith: `test failure of task ${task.id}` } : {}), ...(dist.holdMs ? { holdMs: dist.holdMs } : {}) }));
  const connection = redisConnection(dist.redisUrl);
  connection.on('error', () => undefined);
  const runId = dist.attachRunId ?? newRunId();
  try {
    if (!dist.attachRunId) await submitSweep(connection, runId, dist.argv, units, dist.attempts);
    dist.onRunId?.(runId);
    const results = new Map<number, EvaluationResult>();
    const failures = new Map<number, CellFailure>();
    const perWorker = new Map<string, number>();
    let open = tasks.map((t) => t.id);
    while (open.length > 0) {
      let cells;
      try {
        cells = await readCells(connection, runId, open);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const [id, cell] of cells) {
        if (cell.kind === 'open') continue;
        perWorker.set(cell.worker, (perWorker.get(cell.worker) ?? 0) + 1);
        if (cell.kind === 'done') results.set(id, cell.result);
        else failures.set(id, { setIndex: tasks[id].setIndex, windowIndex: tasks[id].windowIndex, error: cell.error, attempts: cell.attempts });
      }
      open = open.filter((id) => !results.has(id) && !failures.has(id));
      dist.onStatus?.({ done: results.size, failed: failures.size, total: tasks.length, perWorker, elapsedSec: (performance.now() - started) / 1000 });
      if (open.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const nanMetrics = NAN_METRICS;
    const metrics = options.sets.map((_, s) => windows.map((__, w) => results.get(s * windows.length + w)?.metrics ?? nanMetrics));
    const metric = options.metric ?? 'pnl';
    const score = (m: BacktestMetrics) => selectionScore(m[metric]);
    const folds: WalkForwardFold[] = [];
    for (let w = 0; w + 1 < windows.length; w++) {
      let best = 0;
      for (let s = 1; s < options.sets.length; s++) if (score(metrics[s][w]) > score(metrics[best][w])) best = s;
      folds.push({ fit: { windowIndex: w, ...windows[w] }, evaluate: { windowIndex: w + 1, ...windows[w + 1] }, chosenSet: best, params: options.sets[best], inSample: metrics[best][w], outOfSample: metrics[best][w + 1] });
    }
    const masked = maskSummary(options.book.masked, options.trades?.masked);
    const failureList = [...failures.values()];
    const notes = [
      ...describeMasks(masked, 0),
      ...walkForwardNotes(metrics, metric),
      ...failureList.map((f) => `cell set ${f.setIndex} window ${f.windowIndex} failed after ${f.attempts} attempt(s): ${f.error} (its metrics are NaN)`),
    ];
    const windowsWithMasks = windows.map((win) => ({ ...win, maskedMs: maskedWithinMs(masked.intervals, win.fromMs, win.toMs) }));
    return { sets: options.sets, windows: windowsWithMasks, metrics, folds, metric, workers: perWorker.size, seconds: (performance.now() - started) / 1000, masked, notes, runId, failures: failureList };
  } finally {
    connection.disconnect();
  }
}
