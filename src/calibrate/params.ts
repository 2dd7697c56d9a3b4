import { createStrategy, isStrategyName, type StrategyName } from '../backtest/strategies.js';
import { parseLatencyText } from '../backtest/latency.js';
import { parseQueueModel } from '../backtest/queueModels.js';
import type { Strategy } from '../backtest/strategy.js';

/** One point of a calibration grid: the strategy and its parameters (units in the names). */
export interface ParamSet {
  readonly strategy: StrategyName;
  readonly gamma: number;
  readonly horizonSec: number;
  readonly qMax: number;
  readonly halfSpreadPx: number;
  readonly orderSize: number;
  readonly refreshMs: number;
  /** Queue model of `queue` fills, as `--queue-model` writes it (`power:2`, `log2`; see backtest/queueModels.ts). */
  readonly queueModel: string;
  /** Keep a resting order when the new quote is within this many ticks (0: only at the same price). */
  readonly refreshToleranceTicks: number;
  /** Re-send an order older than this, ms (0: no maximum). */
  readonly maxOrderAgeMs: number;
  /** Minimum spread, price units (each quote at least half of it from the mid; 0: none). */
  readonly minSpreadPx: number;
  /** Inventory the strategy steers toward, base units. */
  readonly inventoryTarget: number;
  /** Order levels per side (a grid; 1: one order a side). */
  readonly orderLevels: number;
  /** Spacing of the grid's levels, ticks. */
  readonly levelSpacingTicks: number;
  /**
   * Entry (and cancel) latency as `--entry-latency` writes it (`0`, `20ms`, `file:PATH`; see
   * parseLatencyText); '' leaves the sweep's own `--entry-latency`.
   */
  readonly entryLatency: string;
}

export const DEFAULT_PARAMS: ParamSet = { strategy: 'as', gamma: 0.1, horizonSec: 600, qMax: 10, halfSpreadPx: 0.05, orderSize: 0.01, refreshMs: 0, queueModel: 'power:2', refreshToleranceTicks: 0, maxOrderAgeMs: 0, minSpreadPx: 0, inventoryTarget: 0, orderLevels: 1, levelSpacingTicks: 1, entryLatency: '' };

type NumericParam = Exclude<keyof ParamSet, 'strategy' | 'queueModel' | 'entryLatency'>;

/**
 * The valid range of each numeric parameter: `asmm backtest` checks its options with these, and a calibration
 * grid checks every value with the same ones (a value out of range would run NaN or no-fill backtests).
 * `option` is the command-line name (`--gamma`, and `gamma=` in `--grid`).
 */
export const PARAM_RANGES: { readonly [K in NumericParam]: { readonly option: string; readonly range: string; readonly check: (value: number) => boolean } } = {
  gamma: { option: 'gamma', range: '> 0', check: (v) => v > 0 },
  horizonSec: { option: 'horizon', range: '> 0 (seconds)', check: (v) => v > 0 },
  qMax: { option: 'q-max', range: '> 0', check: (v) => v > 0 },
  halfSpreadPx: { option: 'half-spread', range: '> 0 (price units)', check: (v) => v > 0 },
  orderSize: { option: 'size', range: '> 0 (base units)', check: (v) => v > 0 },
  refreshMs: { option: 'refresh', range: '>= 0 (ms)', check: (v) => v >= 0 },
  refreshToleranceTicks: { option: 'refresh-tolerance', range: 'a whole number >= 0 (ticks: quotes differ by whole ticks, so 1.5 would act as 1)', check: (v) => Number.isInteger(v) && v >= 0 },
  maxOrderAgeMs: { option: 'max-order-age', range: '>= 0 (ms; 0 = no maximum)', check: (v) => v >= 0 },
  minSpreadPx: { option: 'min-spread', range: '>= 0 (price units)', check: (v) => v >= 0 },
  inventoryTarget: { option: 'inventory-target', range: 'a finite number (base units)', check: (v) => Number.isFinite(v) },
  orderLevels: { option: 'levels', range: 'a whole number >= 1 (orders per side)', check: (v) => Number.isInteger(v) && v >= 1 },
  levelSpacingTicks: { option: 'level-spacing', range: 'a whole number >= 1 (ticks)', check: (v) => Number.isInteger(v) && v >= 1 },
};

/** Grid axes: parameter name → values to try. */
export type GridSpec = Partial<{ [K in keyof ParamSet]: ReadonlyArray<ParamSet[K]> }>;

/** Every combination of the axes' values (first axis varies slowest), on top of `base`. */
export function expandGrid(spec: GridSpec, base: ParamSet = DEFAULT_PARAMS): ParamSet[] {
  let sets: ParamSet[] = [base];
  for (const [key, values] of Object.entries(spec) as Array<[keyof ParamSet, ReadonlyArray<ParamSet[keyof ParamSet]>]>) {
    if (!values || values.length === 0) continue;
    sets = sets.flatMap((set) => values.map((v) => ({ ...set, [key]: v })));
  }
  return sets;
}

/** The strategy a parameter set describes (from the registry, `backtest/strategies.ts`). */
export function strategyFor(p: ParamSet): Strategy {
  return createStrategy(p.strategy, p);
}

/** Whether some set's strategy reads σ, A or k (else the sweep needs no rolling calibration, and no window of data). */
export function setsReadCalibration(sets: readonly ParamSet[]): boolean {
  return sets.some((s) => strategyFor(s).requires.length > 0);
}

/** The duration axes of a grid: ms per unit of the axis (refresh and max-order-age in ms, horizon in s). */
const DURATION_AXIS_MS: Readonly<Record<string, number>> = { refreshMs: 1, maxOrderAgeMs: 1, horizonSec: 1000 };
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a grid given on the command line: `gamma=0.01,0.1,1;size=0.01,0.05;refresh=0,1000` (size = orderSize,
 * refresh and max-order-age in ms and horizon in s when bare, or durations with a unit: `refresh=0,250ms,1s`;
 * strategy names allowed for `strategy`, queue models for `queue-model`: `queue-model=power:2,log2`;
 * latencies for `entry-latency`: `entry-latency=0,20ms,file:lat.csv`, one constant or file per value).
 * Every value must lie in its `PARAM_RANGES` range.
 */
export function parseGridSpec(text: string): GridSpec {
  const aliases: Record<string, keyof ParamSet> = { size: 'orderSize', refresh: 'refreshMs', horizon: 'horizonSec', 'half-spread': 'halfSpreadPx', 'q-max': 'qMax', 'queue-model': 'queueModel', 'refresh-tolerance': 'refreshToleranceTicks', 'max-order-age': 'maxOrderAgeMs', 'min-spread': 'minSpreadPx', 'inventory-target': 'inventoryTarget', levels: 'orderLevels', 'level-spacing': 'levelSpacingTicks', 'entry-latency': 'entryLatency' };
  const spec: Record<string, unknown[]> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [rawKey, rawValues] = part.split('=');
    const key = aliases[rawKey?.trim() ?? ''] ?? (rawKey?.trim() as keyof ParamSet);
    if (!(key in DEFAULT_PARAMS)) throw new Error(`unknown grid parameter "${rawKey}" (use ${[...Object.keys(DEFAULT_PARAMS), ...Object.keys(aliases)].join(', ')})`);
    const items = (rawValues ?? '').split(',').map((v) => v.trim());
    if (items.length === 0 || items.some((v) => v === '')) throw new Error(`grid parameter "${rawKey}" needs comma-separated values`);
    spec[key] =
      key === 'strategy'
        ? items.map((v) => {
            if (!isStrategyName(v)) throw new Error(`unknown strategy "${v}"`);
            return v;
          })
        : key === 'queueModel'
        ? items.map((v) => {
            parseQueueModel(v); // throws naming the models
            return v;
          })
        : key === 'entryLatency'
        ? items.map((v) => {
            try {
              parseLatencyText(v); // reads a file once here, so a bad one fails before the sweep
            } catch (error) {
              throw new Error(`grid parameter "${rawKey.trim()}": ${(error as Error).message}`);
            }
            return v;
          })
        : items.map((v) => {
            // a duration axis takes the CLI's units (250ms, 1s, 2m); a bare number is in the axis's own unit
            const axisMs = DURATION_AXIS_MS[key as string];
            const duration = axisMs === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v);
            const n = duration ? (Number(duration[1]) * DURATION_UNIT_MS[duration[2]]) / axisMs! : Number(v);
            if (v === '' || !Number.isFinite(n)) throw new Error(`grid parameter "${rawKey}": "${v}" is not a number${axisMs === undefined ? '' : ' or a duration (250ms, 1s, 2m)'}`);
            const range = PARAM_RANGES[key as NumericParam];
            if (!range.check(n)) throw new Error(`grid parameter "${rawKey.trim()}": ${v} is out of range (${range.option} must be ${range.range}, as --${range.option} of asmm backtest)`);
            return n;
          });
  }
  return spec as GridSpec;
}
