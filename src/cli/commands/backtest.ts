import { existsSync } from 'node:fs';
import { isStrategyName, STRATEGIES, STRATEGY_NAMES } from '../../backtest/strategies.js';
import type { BacktestConfig, FillModel } from '../../backtest/types.js';
import { PARAM_RANGES } from '../../calibrate/params.js';
import { DEFAULT_QUEUE_MODEL, parseQueueModel, type QueueModelSpec } from '../../backtest/queueModels.js';
import { durationOption, numberOption, parseCommandArgs, UsageError } from '../command.js';
import { contractValueOption, marketInBaseUnits } from '../contractUnits.js';
import { MARKET_RUN_OPTIONS } from './marketRunOptions.js';

/**
 * `asmm backtest`: its options and their checks, then one of three runs, each in its own module loaded only
 * when chosen (a seed-compatible run does not load the engine): `backtestRun` (a file in memory),
 * `backtestCatalog` (days streamed from a catalog), `backtestSeedCompat` (the reference market maker).
 */
const FILLS: readonly FillModel[] = ['midCross', 'tradeThrough', 'queue'];

/** Every option `asmm backtest` accepts (its usage line in commands/index.ts and docs/backtest.md name each: test/cli/usage.test.ts). */
export const BACKTEST_OPTIONS = {
  ...MARKET_RUN_OPTIONS,
  gamma: { type: 'string' },
  horizon: { type: 'string' },
  'q-max': { type: 'string' },
  'half-spread': { type: 'string' },
  'refresh-tolerance': { type: 'string' },
  levels: { type: 'string' },
  'level-spacing': { type: 'string' },
  'max-order-age': { type: 'string' },
  'min-spread': { type: 'string' },
  'inventory-target': { type: 'string' },
  size: { type: 'string' },
  refresh: { type: 'string' },
  'local-clock-offset': { type: 'string' },
  tick: { type: 'string' },
  lot: { type: 'string' },
  png: { type: 'string' },
  'seed-compat': { type: 'boolean' },
  depth: { type: 'string' },
  'no-partial-fills': { type: 'boolean' },
  'window-rows': { type: 'string' },
  'initial-inventory': { type: 'string' },
  'initial-cash': { type: 'string' },
} as const;

export async function runBacktestCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, BACKTEST_OPTIONS, { min: 0, max: 0 });
  if (values.catalog !== undefined && values.data !== undefined) throw new UsageError('give --data FILE or --catalog DIR, not both');
  if (values.catalog === undefined && !values.data) throw new UsageError('--data FILE (or --catalog DIR --inst ID) is required');
  for (const f of [values.data, values.trades]) if (f && !existsSync(f)) throw new UsageError(`no such file: ${f}`);
  const fill = (values.fill ?? 'queue') as FillModel;
  if (!FILLS.includes(fill)) throw new UsageError(`--fill must be one of ${FILLS.join(', ')}`);
  const strategyName = values.strategy ?? 'as';
  if (!isStrategyName(strategyName)) throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}`);
  const gamma = numberOption('gamma', values.gamma, 0.1, PARAM_RANGES.gamma.check);
  const horizonMs = durationOption('horizon', values.horizon, 600_000) as number;
  const qMax = numberOption('q-max', values['q-max'], 10, PARAM_RANGES.qMax.check);
  const windowMs = durationOption('window', values.window, 300_000) as number;
  const queueModel = queueModelOption(values['queue-model'], fill);
  const quoting = quotingOptions(values);
  // a strategy parameter the chosen strategy does not read would change nothing: refused, not ignored (the
  // seed-compatible run has its own rules below)
  if (!values['seed-compat']) {
    const reads = STRATEGIES[strategyName].reads;
    for (const [flag, param] of STRATEGY_PARAM_FLAGS) {
      if (values[flag] !== undefined && !reads.includes(param)) {
        const readers = STRATEGY_NAMES.filter((n) => STRATEGIES[n].reads.includes(param));
        throw new UsageError(`--${flag} is read by --strategy ${readers.join(' or ')}, not by ${strategyName} (${strategyName} reads ${STRATEGIES[strategyName].reads.map((r) => `--${flagOf(r)}`).join(', ')})`);
      }
    }
    // the target shifts the inventory q the strategy is shown; quotes that do not read q would not move
    if (values['inventory-target'] !== undefined && !STRATEGIES[strategyName].readsInventory) {
      const readers = STRATEGY_NAMES.filter((n) => STRATEGIES[n].readsInventory);
      throw new UsageError(`--inventory-target shifts the inventory the strategy sees, and ${strategyName} quotes do not depend on it (it would change nothing; --strategy ${readers.join(', ')} read it; --max-position bounds the inventory of any strategy)`);
    }
  }
  if (values['seed-compat']) {
    // the reference's rules fix these: an option that would change nothing is refused, not ignored
    for (const flag of ['fill', 'queue-model', 'strategy', 'feed-latency', 'local-clock-offset', 'entry-latency', 'cancel-latency', 'latency-seed', 'maker-fee', 'taker-fee', 'size', 'max-position', 'refresh', 'levels', 'level-spacing', 'trades', 'refresh-tolerance', 'max-order-age', 'min-spread', 'inventory-target', 'lot', 'tick', 'half-spread', 'horizon', 'q-max', 'window', 'depth', 'no-partial-fills', 'contract-value'] as const) {
      if ((values as Record<string, unknown>)[flag] !== undefined) throw new UsageError(`--seed-compat runs the reference system's rules (mid-cross fills, no latency or fees, its sizes): it does not take --${flag}`);
    }
  } else {
    for (const flag of ['window-rows', 'initial-inventory', 'initial-cash'] as const) {
      if ((values as Record<string, unknown>)[flag] !== undefined) throw new UsageError(`--${flag} is an argument of the reference system's market maker: add --seed-compat`);
    }
  }
  if (values.depth !== undefined && values.depth !== 'top') {
    if (values.depth !== 'full') throw new UsageError(`--depth must be top (the loader's top-5 rows, the default) or full (every level change the capture sent), got "${values.depth}"`);
    if (values.catalog !== undefined && values['seed-compat']) throw new UsageError('--seed-compat reads one file: give --data');
    if (values.catalog === undefined && !values.data) throw new UsageError('--depth full reads a capture (--data FILE) or a catalog range (--catalog DIR --inst ID)');
    return (await import('./backtestDepth.js')).backtestDepth(values, { strategyName, queueModel, gamma, horizonMs, qMax, windowMs, quoting });
  }
  if (values['no-partial-fills']) throw new UsageError('--no-partial-fills is a rule of the full-depth replay for now: add --depth full');
  if (values.catalog !== undefined) {
    if (values['seed-compat']) throw new UsageError('--seed-compat reads one file: give --data');
    if (values.trades) throw new UsageError('--catalog reads the trades from the catalog: leave out --trades');
    return (await import('./backtestCatalog.js')).backtestCatalog(values, { fill, strategyName, gamma, horizonMs, qMax, windowMs, queueModel, quoting });
  }
  if (!values.data) throw new UsageError('--data FILE is required');
  // the seed-compatible run uses the touch only: a table file that can skip the deeper levels does not read them
  // (the result cannot depend on them; the output says they were not read or validated)
  const { book, trades: recorded } = await (await import('../marketData.js')).loadMarketData(values.data, values.trades, values.inst, values['seed-compat'] ? { levels: 1, unkeptLevels: 'skip' } : {}, {
    purpose: values['seed-compat'] ? 'the seed-compatible run' : 'a backtest',
    // the book's ends where the trade record is missing are masked for fills on trades
    maskTradelessEnds: !values['seed-compat'] && fill !== 'midCross',
  });
  if (values['seed-compat']) {
    const options = {
      gamma,
      windowRows: numberOption('window-rows', values['window-rows'], 200, (v) => Number.isInteger(v) && v >= 2),
      initialInventory: numberOption('initial-inventory', values['initial-inventory'], 0, Number.isFinite),
      initialCash: numberOption('initial-cash', values['initial-cash'], 0, Number.isFinite),
    };
    return (await import('./backtestSeedCompat.js')).seedCompat(book, options, values.data, { json: values.json === true, report: values.report, png: values.png });
  }
  // sizes in base currency (a linear contract's times its contract value; an inverse contract refused)
  const inBase = marketInBaseUnits({ book, ...(recorded ? { trades: recorded } : {}) }, values.inst, contractValueOption(values['contract-value']));
  return (await import('./backtestRun.js')).backtestRun(values, inBase.book, inBase.trades, { fill, strategyName, gamma, horizonMs, qMax, windowMs, queueModel, quoting, ...(inBase.note ? { unitsNote: inBase.note } : {}) });
}

/** The flag of each strategy parameter (see StrategyParams). */
const STRATEGY_PARAM_FLAGS = [
  ['gamma', 'gamma'],
  ['horizon', 'horizonSec'],
  ['q-max', 'qMax'],
  ['half-spread', 'halfSpreadPx'],
] as const;
const flagOf = (param: string) => STRATEGY_PARAM_FLAGS.find(([, p]) => p === param)![0];

/** `--queue-model NAME[:n]` (queue fills only; default power 2), a usage error when it is no model or goes with another fill. */
export function queueModelOption(text: string | undefined, fill: FillModel): QueueModelSpec {
  if (text === undefined) return DEFAULT_QUEUE_MODEL;
  if (fill !== 'queue') throw new UsageError(`--queue-model goes with --fill queue (got --fill ${fill})`);
  try {
    return parseQueueModel(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The quoting features' options (BacktestConfig: refresh tolerance, maximum order age, minimum spread, inventory target, grid). */
export type QuotingOptions = Pick<BacktestConfig, 'refreshToleranceTicks' | 'maxOrderAgeMs' | 'minSpreadPx' | 'inventoryTarget' | 'orderLevels' | 'levelSpacingTicks'>;

export function quotingOptions(values: Record<string, string | boolean | undefined>): QuotingOptions {
  const text = (name: string) => values[name] as string | undefined;
  const maxAge = durationOption('max-order-age', text('max-order-age'), undefined);
  // one order a side has no spacing to apply: the option would change nothing, without a word
  if (text('level-spacing') !== undefined && numberOption('levels', text('levels'), 1, PARAM_RANGES.orderLevels.check) < 2) throw new UsageError('--level-spacing goes with --levels N (N ≥ 2 orders a side, spaced by it)');
  return {
    refreshToleranceTicks: numberOption('refresh-tolerance', text('refresh-tolerance'), 0, PARAM_RANGES.refreshToleranceTicks.check, PARAM_RANGES.refreshToleranceTicks.range),
    ...(maxAge !== undefined ? { maxOrderAgeMs: maxAge } : {}),
    minSpreadPx: numberOption('min-spread', text('min-spread'), 0, PARAM_RANGES.minSpreadPx.check),
    inventoryTarget: numberOption('inventory-target', text('inventory-target'), 0, PARAM_RANGES.inventoryTarget.check),
    orderLevels: numberOption('levels', text('levels'), 1, PARAM_RANGES.orderLevels.check),
    levelSpacingTicks: numberOption('level-spacing', text('level-spacing'), 1, PARAM_RANGES.levelSpacingTicks.check),
  };
}
