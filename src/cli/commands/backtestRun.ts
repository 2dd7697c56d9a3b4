import { queueModelText, type QueueModelSpec } from '../../backtest/queueModels.js';
import type { QuotingOptions } from './backtest.js';
import { backtestExecutions, backtestMetrics, createStrategy, noResultWarning, describeLatency, quotePlacement, readsArrivalModel, replayedEventsAre, runBacktest, snapInventoryToLot, type FillModel, type QuotePlacement, type StrategyName, type Strategy } from '../../backtest/index.js';
import { PARAM_RANGES, strategyFor, type ParamSet } from '../../calibrate/params.js';
import { describeMasks, masksJson, type BookTable, type TradeTable } from '../../data/index.js';
import { arrivalWarnings, checkArrivalFit, DEFAULT_DEPTH_RANGE, EstimationError, fitArrivalMle, rollingCalibration, type ArrivalFitCheck, type MarketOrders, type ReachDepthCounts } from '../../estimate/index.js';
import { givenOrFileTick } from '../marketData.js';
import { durationOption, formatTable, latencyConfig, numberOption, printJson, recordedClock, requireOrderCounts, UsageError, feeOption, refreshOption } from '../command.js';
import { metricRows, metricsJson, num, writeBacktestReport, type InventoryUnits } from './backtestReport.js';

/**
 * Whether the exponential the strategy takes A and k from describes the market orders at all: the pooled MLE
 * over all the data (the rolling windows' estimator, on every order) checked against the observed rates per
 * depth as `asmm estimate` checks it. A WARNING text (without its prefix) when that check fails; undefined
 * when it passes, could not be made, or the strategy reads neither A nor k.
 */
export function arrivalModelWarning(strategy: Pick<Strategy, 'name' | 'requires'>, orders: MarketOrders | undefined): string | undefined {
  if (!orders || !readsArrivalModel(strategy) || !(orders.observedMs > 0)) return undefined;
  let check;
  try {
    check = checkArrivalFit(orders, orders.observedMs / 1000, fitArrivalMle(orders, orders.observedMs / 1000, 'pooled', { depths: DEFAULT_DEPTH_RANGE }));
  } catch (error) {
    if (error instanceof EstimationError) return undefined;
    throw error;
  }
  return modelMissText(strategy, check);
}

/**
 * `arrivalModelWarning` of a streamed run over a catalog range, from its market orders counted per reach depth
 * (`ReachDepthCounts`, fed by runBacktestStream's onMarketOrders) over the pairing's observed time: the same
 * pooled MLE and χ² check, from the counts.
 */
export function arrivalModelWarningFromCounts(strategy: Pick<Strategy, 'name' | 'requires'>, reach: ReachDepthCounts, observedMs: number): string | undefined {
  if (!readsArrivalModel(strategy) || !(observedMs > 0)) return undefined;
  let check;
  try {
    check = reach.check('pooled', reach.fit('pooled', observedMs / 1000), observedMs / 1000);
  } catch (error) {
    if (error instanceof EstimationError) return undefined;
    throw error;
  }
  return modelMissText(strategy, check);
}

/**
 * The swept sets that quote with A and k, as one reader of the model for `arrivalModelWarning` ("every swept set",
 * "2 of the 3 swept sets"); undefined when none does.
 */
export function sweptSetsReadingModel(sets: readonly ParamSet[]): Pick<Strategy, 'name' | 'requires'> | undefined {
  const reading = sets.map(strategyFor).filter(readsArrivalModel).length;
  if (reading === 0) return undefined;
  return { name: reading === sets.length ? 'every swept set' : `${reading} of the ${sets.length} swept sets`, requires: ['k'] };
}

/** The WARNING text (without its prefix) of a failed check of the model the strategy quotes with; undefined when it did not fail. */
function modelMissText(strategy: Pick<Strategy, 'name'>, check: ArrivalFitCheck): string | undefined {
  if (check.gof.passes !== false) return undefined;
  const [w] = arrivalWarnings([check]);
  return `${strategy.name} quotes with A and k of an exponential λ(δ) that the market orders do not follow: over the whole data, ${w} (see asmm estimate)`;
}

/** Where the quotes sat, in words: the first thing to read when a run has few or no fills. */
function quotesLine(q: QuotePlacement): string {
  if (q.bidQuoted + q.askQuoted === 0) return `quotes: none at any of the ${q.decisions} decisions (the WARNING below says why)`;
  const side = (name: string, n: number, ticks: number, dir: string) => (n > 0 ? `${name} at ${n} of ${q.decisions} decisions, a median ${num(ticks, 4)} ticks ${dir} the mid` : `no ${name}`);
  return `quotes: ${side('bid', q.bidQuoted, q.bidMedianTicksFromMid, 'below')}; ${side('ask', q.askQuoted, q.askMedianTicksFromMid, 'above')}`;
}

/**
 * σ, A and k in rolling `--window`s for a strategy that reads them (undefined for one that reads none, such as
 * the symmetric one, which then needs no window of data); data shorter than one window is a usage error that
 * names --window.
 */
export function strategyCalibration(strategy: Strategy, book: BookTable, marketOrders: Parameters<typeof rollingCalibration>[1], windowMs: number, data: string): ReturnType<typeof rollingCalibration> | undefined {
  if (strategy.requires.length === 0) return undefined;
  try {
    return rollingCalibration(book, marketOrders, { windowSec: windowMs / 1000, stepSec: 1 });
  } catch (error) {
    throw windowUsageError(error, strategy, data);
  }
}

/** A calibration's "shorter than one window" as the usage error that names --window; any other error as it is. */
export function windowUsageError(error: unknown, strategy: { readonly name: string }, data: string): unknown {
  if (error instanceof EstimationError && /shorter than one window/.test(error.message)) return new UsageError(`${data}: ${error.message}: ${strategy.name} needs σ, A or k from one --window of data; give a shorter --window`);
  return error;
}

/** `asmm backtest --data FILE`: the file's market in memory, replayed by the engine (`runBacktest`). */
export async function backtestRun(
  values: Record<string, string | boolean | undefined> & { data?: string; trades?: string; json?: boolean; report?: string; png?: string; tick?: string; lot?: string; size?: string; refresh?: string; 'half-spread'?: string; 'maker-fee'?: string; 'taker-fee'?: string; 'max-position'?: string },
  book: BookTable,
  recorded: TradeTable | undefined,
  o: { fill: FillModel; strategyName: StrategyName; gamma: number; horizonMs: number; qMax: number; windowMs: number; queueModel: QueueModelSpec; quoting: QuotingOptions; unitsNote?: string },
): Promise<number> {
  const { fill, strategyName, gamma, horizonMs, qMax, windowMs } = o;
  if (fill === 'queue') requireOrderCounts([queueModelText(o.queueModel)], book, values.data ?? 'the data');
  const { tickSize: tick, warning: tickWarning } = givenOrFileTick(book, values.data ?? 'the data', values.tick);
  // books only: A and k from market orders inferred from the book, and tradeThrough and queue fill on them, with notes that say so
  const executions = backtestExecutions(book, recorded, fill, tick, { label: `trades of ${values.trades ?? values.data} against the book of ${values.data}` });
  const trades = executions.trades;
  const lot = numberOption('lot', values.lot, book.meta.lotSize ?? 0, (v) => v >= 0);
  const halfSpread = numberOption('half-spread', values['half-spread'], 5 * tick, PARAM_RANGES.halfSpreadPx.check);
  const strategy: Strategy = createStrategy(strategyName, { gamma, horizonSec: horizonMs / 1000, qMax, halfSpreadPx: halfSpread });
  // σ, A, k only for a strategy that reads them: a symmetric run needs no --window of data
  const calibration = strategyCalibration(strategy, book, executions.marketOrders, windowMs, values.data ?? 'the data');
  // the feed as recorded: the local stamps shifted by --local-clock-offset, and what the clock check found
  let clockNote: string | undefined;
  if (String(values['feed-latency'] ?? '').trim() === 'recorded' && book.localTsMs) {
    const clock = recordedClock(values, book.tsMs, book.localTsMs, values.data ?? 'the data');
    clockNote = clock.note;
    if (clock.offsetMs !== 0) book = { ...book, localTsMs: Float64Array.from(book.localTsMs, (t) => t + clock.offsetMs) };
  } else if (values['local-clock-offset'] !== undefined) throw new UsageError('--local-clock-offset shifts the local stamps of --feed-latency recorded; without it there is nothing to shift');
  const latencies = latencyConfig(values, book);
  const latencyText = { feed: describeLatency(latencies.feedLatencyMs), entry: describeLatency(latencies.entryLatencyMs), cancel: describeLatency(latencies.cancelLatencyMs ?? latencies.entryLatencyMs) };
  const orderSize = numberOption('size', values.size, 0.01, PARAM_RANGES.orderSize.check);
  const units: InventoryUnits = { lotSize: lot, orderSize };
  const maxPosition = numberOption('max-position', values['max-position'], Infinity, (v) => v > 0);
  const started = performance.now();
  const result = runBacktest(book, trades, {
    strategy,
    fill,
    orderSize,
    tickSize: tick,
    lotSize: lot,
    refreshMs: refreshOption(values.refresh as string | undefined),
    ...latencies,
    makerFee: feeOption('maker-fee', values['maker-fee']),
    takerFee: feeOption('taker-fee', values['taker-fee']),
    maxPosition,
    queueModel: o.queueModel,
    ...o.quoting,
    ...(calibration ? { calibration } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const notes = [...(o.unitsNote ? [o.unitsNote] : []), ...executions.notes, ...(clockNote ? [clockNote] : []), ...result.notes];
  const metrics = backtestMetrics(result);
  const quotes = quotePlacement(result, tick);
  // a run that never quoted or never filled is no result, whatever its PnL of 0 says: a WARNING with the cause
  const noResult = noResultWarning(result, strategy, calibration, executions.marketOrders);
  if (noResult) notes.unshift(`WARNING ${noResult}`);
  const modelMiss = calibration ? arrivalModelWarning(strategy, executions.marketOrders) : undefined;
  if (modelMiss) notes.unshift(`WARNING ${modelMiss}`);
  const reportPath = values.report ?? `reports/backtest-${strategyName}-${fill}.html`;
  const pngs = await writeBacktestReport(result, reportPath, values.png, `backtest-${strategyName}-${fill}`, `asmm backtest: ${strategy.name}, ${fill}`, units);
  const m = metrics;
  const maskLines = describeMasks(result.masked);
  if (values.json) {
    printJson({
      data: values.data,
      strategy: strategy.name,
      fill,
      queueModel: fill === 'queue' ? o.queueModel : null,
      quoting: o.quoting,
      latency: latencyText,
      metrics: metricsJson(metrics, lot),
      finalInventory: snapInventoryToLot(result.finalInventory, lot),
      finalCash: result.finalCash,
      nativeEvents: result.events,
      eventsAre: replayedEventsAre(book.depth),
      replaySec: seconds,
      decisions: result.decisions,
      masked: { ...masksJson(result.masked), tradesIgnored: result.maskedEvents.trades, bookRowsIgnored: result.maskedEvents.bookRows, decisionsWithoutQuotes: result.maskedEvents.decisions },
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      report: reportPath,
      pngs,
      quotes,
      // the tick warning went to stderr; --json keeps it with the notes
      notes: [...(tickWarning ? [`WARNING ${tickWarning}`] : []), ...notes],
    });
    return 0;
  }
  process.stdout.write(
    [
      `${strategy.name}, ${fill} fills, on ${values.data}${recorded ? ` with ${recorded.tsMs.length} trades` : trades ? ` with ${trades.tsMs.length} inferred executions` : ' (no trades)'}: ${result.events} events (${replayedEventsAre(book.depth)}), ${result.decisions} decisions, replayed in ${seconds.toFixed(2)} s (${(result.events / seconds / 1e6).toFixed(2)} M events/s; loading excluded)`,
      calibration
        ? `σ, A, k from rolling ${windowMs / 1000} s windows (values strictly before each decision)${recorded ? '' : '; A and k from market orders inferred from the book'}`
        : `σ, A, k: none estimated (${strategy.name} reads none)`,
      `latency: feed ${latencyText.feed}, entry ${latencyText.entry}, cancel ${latencyText.cancel}`,
      quotesLine(quotes),
      formatTable(['metric', 'value', 'unit'], metricRows(m, units)),
      ...notes.filter((n) => !n.startsWith('masked: ')),
      ...maskLines,
      ...(maskLines.length > 0 ? [`  inside them: ${result.maskedEvents.trades} trades and ${result.maskedEvents.bookRows} book rows not acted on, ${result.maskedEvents.decisions} decisions without quotes`] : []),
      `report: ${reportPath}`,
      ...pngs.map((path) => `png: ${path}`),
    ].join('\n') + '\n',
  );
  return 0;
}

