import { runBacktest } from '../backtest/engine.js';
import type { FillModel } from '../backtest/types.js';
import { parseLatencyText, type FeedLatencySpec, type LatencySpec } from '../backtest/latency.js';
import { backtestMetrics, type BacktestMetrics } from '../backtest/metrics.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import { parseQueueModel } from '../backtest/queueModels.js';
import { strategyFor, type ParamSet } from './params.js';
import { sliceBook, sliceTrades } from './slices.js';

/** Settings shared by every run of a calibration (everything but the grid's parameters). */
export interface EvaluationSettings {
  readonly fill: FillModel;
  readonly tickSize: number;
  readonly lotSize: number;
  /** Latencies as in `BacktestConfig` (constant, sampled, or the feed as recorded). */
  readonly feedLatencyMs: FeedLatencySpec;
  readonly entryLatencyMs: LatencySpec;
  readonly cancelLatencyMs?: LatencySpec;
  readonly makerFee: number;
  readonly takerFee: number;
  readonly maxPosition: number;
}

/** One task: a parameter set on one time window. */
export interface EvaluationTask {
  readonly id: number;
  readonly setIndex: number;
  readonly windowIndex: number;
  readonly params: ParamSet;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface EvaluationResult {
  readonly id: number;
  readonly setIndex: number;
  readonly windowIndex: number;
  readonly metrics: BacktestMetrics;
}

const latencies = new Map<string, LatencySpec>();

/** A grid value's latency (a constant or a file: a grid's commas leave no room for sampled lists), parsed and its file read once per process. */
function latencyOfText(text: string): LatencySpec {
  let spec = latencies.get(text);
  if (spec === undefined) {
    spec = parseLatencyText(text);
    latencies.set(text, spec);
  }
  return spec;
}

/**
 * Backtests one parameter set on the data of one window only ([fromMs, toMs): books and trades outside are not
 * passed to the engine; the rolling calibration's values are computed from data strictly before each time).
 */
export function evaluateTask(book: BookTable, trades: TradeTable | undefined, calibration: RollingCalibration | undefined, settings: EvaluationSettings, task: EvaluationTask): EvaluationResult {
  const b = sliceBook(book, task.fromMs, task.toMs);
  const t = trades ? sliceTrades(trades, task.fromMs, task.toMs) : undefined;
  const result = runBacktest(b, t, {
    strategy: strategyFor(task.params),
    fill: settings.fill,
    orderSize: task.params.orderSize,
    tickSize: settings.tickSize,
    lotSize: settings.lotSize,
    refreshMs: task.params.refreshMs,
    feedLatencyMs: settings.feedLatencyMs,
    ...(task.params.entryLatency
      ? // the set's own latency, for entries and cancels alike (as --entry-latency without --cancel-latency)
        { entryLatencyMs: latencyOfText(task.params.entryLatency) }
      : { entryLatencyMs: settings.entryLatencyMs, ...(settings.cancelLatencyMs !== undefined ? { cancelLatencyMs: settings.cancelLatencyMs } : {}) }),
    makerFee: settings.makerFee,
    takerFee: settings.takerFee,
    maxPosition: settings.maxPosition,
    queueModel: parseQueueModel(task.params.queueModel),
    refreshToleranceTicks: task.params.refreshToleranceTicks,
    ...(task.params.maxOrderAgeMs > 0 ? { maxOrderAgeMs: task.params.maxOrderAgeMs } : {}),
    minSpreadPx: task.params.minSpreadPx,
    inventoryTarget: task.params.inventoryTarget,
    orderLevels: task.params.orderLevels,
    levelSpacingTicks: task.params.levelSpacingTicks,
    ...(calibration ? { calibration } : {}),
    recordSeries: true,
  });
  return { id: task.id, setIndex: task.setIndex, windowIndex: task.windowIndex, metrics: backtestMetrics(result) };
}
