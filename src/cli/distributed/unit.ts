import { backtestExecutions } from '../../backtest/index.js';
import type { BookTable, TradeTable } from '../../data/tables.js';
import { rollingCalibration, type RollingCalibration } from '../../estimate/index.js';
import { marketInBaseUnits } from '../contractUnits.js';
import { loadMarketData } from '../marketData.js';
import { evaluateTask, type EvaluationResult, type EvaluationSettings, type EvaluationTask } from '../../calibrate/evaluate.js';

/**
 * The data shard of a distributed calibration: paths every worker can reach, never the data. A worker prepares
 * it exactly as `asmm calibrate` does (the book, its trades or the executions inferred from the book, the rolling
 * A and k), so a unit's row equals the local run's row.
 */
export interface DataShard {
  readonly dataPath: string;
  readonly tradesPath?: string;
  readonly inst?: string;
  /** The rolling A, k window (ms), as `asmm calibrate --window`. */
  readonly windowMs: number;
  /** `--contract-value` (base currency per contract), when given. */
  readonly contractValue?: number;
}

/** One unit of work: (data shard, parameter set on a time window, latency seed inside the settings) → one row. */
export interface WorkUnit {
  readonly shard: DataShard;
  readonly settings: EvaluationSettings;
  readonly task: EvaluationTask;
  /** Test hook: a unit that throws this message instead of running (the failure path of the result table). */
  readonly failWith?: string;
  /** Test hook: hold the unit this long before running it (ms), so a test can kill its worker mid-job. */
  readonly holdMs?: number;
}

export interface PreparedShard {
  readonly book: BookTable;
  readonly trades?: TradeTable;
  readonly calibration: RollingCalibration;
}

/** The market data of a shard, prepared as `asmm calibrate` prepares it. */
export async function prepareShard(shard: DataShard, fill: EvaluationSettings['fill'], tickSize: number): Promise<PreparedShard> {
  const market = await loadMarketData(shard.dataPath, shard.tradesPath, shard.inst, {}, { maskTradelessEnds: fill !== 'midCross' });
  const { book, trades: recorded } = marketInBaseUnits(market, shard.inst, shard.contractValue);
  const executions = backtestExecutions(book, recorded, fill, tickSize, { label: `trades of ${shard.tradesPath ?? shard.dataPath} against the book of ${shard.dataPath}` });
  const calibration = rollingCalibration(book, executions.marketOrders, { windowSec: shard.windowMs / 1000, stepSec: 1 });
  return { book, ...(executions.trades ? { trades: executions.trades } : {}), calibration };
}

const prepared = new Map<string, Promise<PreparedShard>>();

/** Runs one unit (its shard prepared once per process and kept): a pure function of the unit. */
export async function runWorkUnit(unit: WorkUnit): Promise<EvaluationResult> {
  if (unit.holdMs) await new Promise((resolve) => setTimeout(resolve, unit.holdMs));
  if (unit.failWith) throw new Error(unit.failWith);
  const key = JSON.stringify([unit.shard, unit.settings.fill, unit.settings.tickSize]);
  let shard = prepared.get(key);
  if (!shard) {
    shard = prepareShard(unit.shard, unit.settings.fill, unit.settings.tickSize);
    prepared.set(key, shard);
    shard.catch(() => prepared.delete(key));
  }
  const { book, trades, calibration } = await shard;
  return evaluateTask(book, trades, calibration, unit.settings, unit.task);
}
