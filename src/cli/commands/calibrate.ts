import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { queueModelOption } from './backtest.js';
import type { ClockRemedy } from '../../backtest/latency.js';
import { queueModelText } from '../../backtest/queueModels.js';
import { calibrationTable, DEFAULT_PARAMS, setsReadCalibration, gridEdgeNotes, tieWindows, NO_FILL_WINDOWS_NOTE, UNDEFINED_METRIC_NOTE, expandGrid, parseGridSpec, runCalibration, walkForwardSummary, walkForwardTable, windowsProblem, unreadGridAxes, MIN_WINDOW_BOOK_ROWS, MIN_WINDOW_SEC, type ParamSet, type SelectionMetric } from '../../calibrate/index.js';
import { backtestExecutions, isStrategyName, STRATEGY_NAMES, type FillModel } from '../../backtest/index.js';
import { DataError, describeMasks, masksJson } from '../../data/index.js';
import { contractValueOption, marketInBaseUnits } from '../contractUnits.js';
import { givenOrFileTick, loadMarketData } from '../marketData.js';
import { arrivalModelWarning, sweptSetsReadingModel, windowUsageError } from './backtestRun.js';
import { MARKET_RUN_OPTIONS } from './marketRunOptions.js';
import { rollingCalibration } from '../../estimate/index.js';
import { calibrationHeatmap, walkForwardFigure, writeFiguresHtml } from '../../plot/index.js';
import { checkGridLatencySeries, durationOption, formatTable, latencyConfig, numberOption, parseCommandArgs, printJson, requireOrderCounts, UsageError, feeOption } from '../command.js';

/**
 * The refusal's advice when the recording clock was behind (`--feed-latency recorded`): calibrate takes no
 * --local-clock-offset, which the default advice names. `catalog`: the --catalog form (backtest takes the
 * option there with --depth full only).
 */
export function calibrateClockRemedy(catalog: boolean): ClockRemedy {
  return (check) =>
    `calibrate takes no --local-clock-offset: give --feed-latency a duration (or a list to sample) instead, or leave this data out; asmm backtest ${catalog ? '--catalog --depth full ' : ''}--feed-latency recorded --local-clock-offset auto replays it with the local stamps shifted (by ${Math.ceil(check.autoOffsetMs)} ms here)`;
}

const num = (x: number, d = 5) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

export async function runCalibrate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      ...MARKET_RUN_OPTIONS,
      grid: { type: 'string' },
      windows: { type: 'string' },
      metric: { type: 'string' },
      workers: { type: 'string' },
      refit: { type: 'string' },
      'trailing-days': { type: 'string' },
      redis: { type: 'string' },
      attach: { type: 'string' },
      attempts: { type: 'string' },
      tick: { type: 'string' },
      lot: { type: 'string' },
    },
    { min: 0, max: 0 },
  );
  // --redis / --attach: the sweep runs on BullMQ workers (src/cli/distributed); --attach reloads the run's command line
  const distributed = values.redis || values.attach ? await import('../distributedCalibration.js') : undefined;
  if (distributed && values.attach) return runCalibrate(await distributed.attachedArgv(values.redis, values.attach));
  if (values.catalog !== undefined && values.data !== undefined) throw new UsageError('give --data FILE or --catalog DIR, not both');
  if (values.catalog === undefined) {
    for (const flag of ['refit', 'trailing-days', 'venue', 'from', 'to'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --catalog DIR --inst ID`);
  } else {
    // the ordinary walk-forward cuts one market into windows in memory; over a catalog range the windows are its days
    if (values.refit === undefined) throw new UsageError('--catalog calibrates day by day: add --refit daily (fit on a day, trade the next)');
    if (values.refit !== 'daily') throw new UsageError(`--refit must be daily, got "${values.refit}"`);
    if (values.trades) throw new UsageError('--catalog reads the trades from the catalog: leave out --trades');
    if (values.redis !== undefined) throw new UsageError('--refit daily sweeps each day in local worker threads: --redis does not go with --catalog');
    if (values.windows !== undefined) throw new UsageError('--windows does not go with --refit daily (the windows are the days; see --trailing-days)');
  }
  if (!values.data && values.catalog === undefined) throw new UsageError('--data FILE (or --catalog DIR --inst ID --refit daily) is required');
  if (!values.grid) throw new UsageError('--grid is required, e.g. --grid "gamma=0.01,0.1,1;size=0.01,0.05;refresh=0,1000"');
  for (const f of [values.data, values.trades]) if (f && !existsSync(f)) throw new UsageError(`no such file: ${f}`);
  let spec;
  try {
    spec = parseGridSpec(values.grid);
  } catch (error) {
    throw new UsageError(`--grid: ${(error as Error).message}`);
  }
  const fill = (values.fill ?? 'queue') as FillModel;
  if (!['midCross', 'tradeThrough', 'queue'].includes(fill)) throw new UsageError('--fill must be midCross, tradeThrough or queue');
  // a queue model given (or a grid axis of them) means nothing to another fill model: said, not ignored
  const queueModel = queueModelOption(values['queue-model'], fill);
  if (spec.queueModel && fill !== 'queue') throw new UsageError(`--grid: queue-model goes with --fill queue (got --fill ${fill})`);
  const metric = (values.metric ?? 'pnl') as SelectionMetric;
  if (metric !== 'pnl' && metric !== 'sharpePerDay') throw new UsageError('--metric must be pnl or sharpePerDay');
  const windows = numberOption('windows', values.windows, 4, (v) => Number.isInteger(v) && v >= 2);
  // checked before any data is read: a fee in the wrong units is the user's to fix first
  const makerFee = feeOption('maker-fee', values['maker-fee']);
  const takerFee = feeOption('taker-fee', values['taker-fee']);
  const workers = numberOption('workers', values.workers, availableParallelism(), (v) => Number.isInteger(v) && v >= 0);
  const strategy = values.strategy ?? 'as';
  if (!isStrategyName(strategy)) throw new UsageError(`--strategy must be ${STRATEGY_NAMES.slice(0, -1).join(', ')} or ${STRATEGY_NAMES[STRATEGY_NAMES.length - 1]}`);
  // the grid's sets, and no axis whose values none of them reads (a sweep over it would compare nothing)
  const sets = expandGrid(spec, { ...DEFAULT_PARAMS, strategy, queueModel: queueModelText(queueModel) });
  const unread = unreadGridAxes(spec, sets);
  if (unread.length > 0) throw new UsageError(`--grid: ${unread.join('; ')}: every value of such an axis gives the same result: leave it out (or choose a strategy that reads it)`);
  if (values.catalog !== undefined) {
    const trailingDays = numberOption('trailing-days', values['trailing-days'], 1, (v) => Number.isInteger(v) && v >= 1);
    const { calibrateCatalog } = await import('./calibrateCatalog.js');
    return calibrateCatalog(values, { fill, metric, workers, windowMs: durationOption('window', values.window, 300_000) as number, sets, keys: Object.keys(spec) as Array<keyof ParamSet>, trailingDays });
  }
  // the book's ends where the trade record is missing are masked for fills on trades, as each worker's shard is
  const market = await loadMarketData(values.data as string, values.trades, values.inst, {}, { purpose: 'a calibration', maskTradelessEnds: fill !== 'midCross' });
  // sizes in base currency (a linear contract's times its contract value; an inverse contract refused)
  const { book, trades: recorded, note: unitsNote } = marketInBaseUnits(market, values.inst, contractValueOption(values['contract-value']));
  if (fill === 'queue') requireOrderCounts(sets.map((s) => s.queueModel), book, values.data as string);
  checkGridLatencySeries(sets, book.tsMs.length > 0 ? { fromMs: book.tsMs[0], toMs: book.tsMs[book.tsMs.length - 1] } : undefined);
  const tooMany = windowsProblem(book.tsMs, windows);
  if (tooMany) {
    // not even the fewest windows (2) fit: the data is too short, whatever --windows says
    if (windowsProblem(book.tsMs, 2) !== null) {
      const n = book.tsMs.length;
      throw new DataError(values.data as string, 0, '', `${n} book rows over ${((book.tsMs[n - 1] - book.tsMs[0]) / 1000).toFixed(1)} s: too few rows for a calibration (the walk-forward needs at least 2 windows of ≥ ${MIN_WINDOW_SEC} s with ${MIN_WINDOW_BOOK_ROWS} book rows or more each)`);
    }
    throw new UsageError(`--windows ${windows}: ${tooMany}`);
  }
  const { tickSize, warning: tickWarning } = givenOrFileTick(book, values.data as string, values.tick);
  const lotSize = numberOption('lot', values.lot, book.meta.lotSize ?? 0, (v) => v >= 0);
  // books only: A and k from market orders inferred from the book, and tradeThrough and queue fill on them, with notes that say so
  const executions = backtestExecutions(book, recorded, fill, tickSize, { label: `trades of ${values.trades ?? values.data} against the book of ${values.data}` });
  const trades = executions.trades;
  // σ, A and k in rolling windows when a swept set reads them (a sweep of symmetric quotes needs no window of data)
  let calibration;
  try {
    calibration = setsReadCalibration(sets) ? rollingCalibration(book, executions.marketOrders, { windowSec: (durationOption('window', values.window, 300_000) as number) / 1000, stepSec: 1 }) : undefined;
  } catch (error) {
    throw windowUsageError(error, { name: 'a swept strategy' }, values.data as string);
  }
  // the swept strategies that quote with A and k take them from an exponential: said when the orders do not follow one
  const reader = sweptSetsReadingModel(sets);
  const modelMiss = reader && arrivalModelWarning(reader, executions.marketOrders);
  if (modelMiss) process.stderr.write(`WARNING ${modelMiss}\n`);
  const tty = process.stderr.isTTY === true;
  let lastShown = 0;
  const result = await (distributed ? distributed.distributedRunner(values, argv) : runCalibration)({
    book,
    ...(trades ? { trades } : {}),
    calibration,
    settings: {
      fill,
      tickSize,
      lotSize,
      ...latencyConfig(values, book, { clockRemedy: calibrateClockRemedy(false) }),
      makerFee,
      takerFee,
      maxPosition: numberOption('max-position', values['max-position'], Infinity, (v) => v > 0),
    },
    sets,
    windows,
    metric,
    workers,
    onProgress: (done, total) => {
      const now = Date.now();
      if (done < total && now - lastShown < (tty ? 100 : 2000)) return;
      lastShown = now;
      const width = 30;
      const bar = '#'.repeat(Math.round((done / total) * width)).padEnd(width, '.');
      process.stderr.write(`${tty ? '\r' : ''}calibrating [${bar}] ${done}/${total} runs${tty && done < total ? '' : '\n'}`);
    },
  });
  const keys = Object.keys(spec) as Array<keyof ParamSet>;
  const table = calibrationTable(result);
  const walk = walkForwardTable(result);
  const summary = walkForwardSummary(result);
  const report = values.report ?? 'reports/calibration.html';
  const numericKeys = keys.filter((k) => k !== 'strategy');
  const figures = [walkForwardFigure(result)];
  if (numericKeys.length >= 2) figures.unshift(calibrationHeatmap(result, numericKeys[0], numericKeys[1]));
  writeFiguresHtml(report, figures, 'asmm calibration');
  const oos = summary.outOfSamplePnlTotal;
  // a choice at the grid's edge: the best may lie beyond it
  // (folds chosen on a tie, no fill or no defined metric on their fit window, say nothing of the grid's edge)
  const ties = new Set([...tieWindows(result.metrics, metric), ...result.folds.map((f) => f.fit.windowIndex).filter((w) => result.metrics.every((perSet) => perSet[w].fills === 0))]);
  const edgeNotes = gridEdgeNotes(keys, sets, result.folds.filter((f) => !ties.has(f.fit.windowIndex)).map((f) => f.params));
  if (values.json) {
    printJson({
      data: values.data,
      fill,
      metric,
      tickSize,
      lotSize,
      workers: result.workers,
      seconds: result.seconds,
      windows: result.windows,
      table: table.map((row) => ({ ...row.params, pnlMeanPerWindow: row.pnlMeanPerWindow, sharpePerDayMean: row.sharpePerDayMean, fillsMeanPerWindow: row.fillsMeanPerWindow })),
      walkForward: result.folds.map((f, i) => ({ fitWindow: f.fit, evaluateWindow: f.evaluate, params: f.params, inSample: f.inSample, outOfSample: f.outOfSample, outOfSampleRank: walk[i].outOfSampleRank })),
      walkForwardSummary: summary,
      outOfSamplePnl: oos,
      report,
      masked: masksJson(result.masked),
      notes: [...(tickWarning ? [`WARNING ${tickWarning}`] : []), ...(modelMiss ? [`WARNING ${modelMiss}`] : []), ...(unitsNote ? [unitsNote] : []), ...executions.notes, ...result.notes, ...edgeNotes],
    });
    return 0;
  }
  const rows = table.map((row) => [...keys.map((k) => String(row.params[k])), num(row.pnlMeanPerWindow), num(row.sharpePerDayMean, 4), num(row.fillsMeanPerWindow, 4)]);
  process.stdout.write(
    [
      `${sets.length} parameter sets × ${windows} windows = ${sets.length * windows} backtests (${fill} fills, tick ${tickSize}${values.tick !== undefined ? ' given' : ''}) on ${result.workers} ${distributed ? 'asmm worker process(es)' : 'worker thread(s)'} in ${result.seconds.toFixed(1)} s`,
      formatTable([...keys.map(String), 'PnL / window', 'Sharpe / day', 'fills / window'], rows),
      '',
      `walk-forward (choose by ${metric} on window i, evaluate on window i + 1):`,
      formatTable(
        ['fit', 'test', ...keys.map(String), `in-sample ${metric}`, `out-of-sample ${metric}`, ...(metric === 'pnl' ? [] : ['out-of-sample PnL']), 'out-of-sample rank'],
        walk.map((f) => [String(f.fitWindow), String(f.testWindow), ...keys.map((k) => String(f.params[k])), num(f.inSample), num(f.outOfSample), ...(metric === 'pnl' ? [] : [num(f.outOfSamplePnl)]), Number.isNaN(f.outOfSampleRank) ? '-' : `${f.outOfSampleRank} of ${sets.length}`]),
      ),
      `chosen sets: mean in-sample ${metric} ${num(summary.inSampleMean)}, mean out-of-sample ${metric} ${num(summary.outOfSampleMean)}; out-of-sample PnL over ${summary.folds} test windows: ${num(oos)}`,
      ...edgeNotes.map((n) => `note: ${n}`),
      `report: ${report}`,
      ...(unitsNote ? [unitsNote] : []),
      ...executions.notes,
      ...(distributed ? result.notes.filter((n) => n.startsWith('cell ')) : []),
      ...result.notes.filter((n) => n.startsWith(NO_FILL_WINDOWS_NOTE) || n.startsWith(UNDEFINED_METRIC_NOTE)),
      ...describeMasks(result.masked),
      ...(result.masked.count > 0 ? [`  masked per window (ms): ${result.windows.map((w) => w.maskedMs).join(', ')}`] : []),
    ].join('\n') + '\n',
  );
  return 0;
}
