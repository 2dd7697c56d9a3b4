import type { ClockRemedy } from '../../backtest/latency.js';
import { queueModelText, type QueueModelSpec } from '../../backtest/queueModels.js';
import type { QuotingOptions } from './backtest.js';
import { createStrategy, readsArrivalModel, replayedEventsAre, runBacktestStream, snapInventoryToLot, type FillModel, type StrategyName } from '../../backtest/index.js';
import { PARAM_RANGES } from '../../calibrate/params.js';
import { describeMasks, masksJson } from '../../data/index.js';
import { catalogRangeTick } from '../marketData.js';
import { ReachDepthCounts } from '../../estimate/index.js';
import { clockCheckedDays, openCatalogMarket, UnpairedTradesWarning } from '../catalogMarket.js';
import { contractUnits, contractValueOption, daysInUnits } from '../contractUnits.js';
import { durationOption, formatTable, latencyConfig, numberOption, printJson, requireOrderCounts, UsageError, feeOption, noteLine, refreshOption } from '../command.js';
import { inv, metricRows, metricsJson, writeBacktestReport, type InventoryUnits } from './backtestReport.js';
import { arrivalModelWarningFromCounts } from './backtestRun.js';
import { DayRangeInterrupt, INTERRUPTED_EXIT_CODE } from '../interrupt.js';

/**
 * `asmm backtest --catalog DIR --inst ID [--from D1] [--to D2]`: the backtest streamed over the catalog's day
 * partitions (`runBacktestStream`: one day in memory, book, rolling calibration, orders and inventory carried
 * across midnight; fills and PnL equal to a run on the days put together). Prints the metrics, a line per day
 * (fills, inventory and equity at its end) and the peak RSS; writes the report from the thinned series.
 */
/** The clock refusal's advice over a top-of-book catalog range, which takes no --local-clock-offset. */
const CATALOG_CLOCK_REMEDY: ClockRemedy = (check) =>
  `Replay it with --depth full --local-clock-offset auto (a shift of ${Math.ceil(check.autoOffsetMs)} ms, so the smallest latency is 0 ms) or a duration you know; --catalog takes --local-clock-offset only with --depth full`;

export async function backtestCatalog(
  values: Record<string, string | boolean | undefined>,
  o: { fill: FillModel; strategyName: StrategyName; gamma: number; horizonMs: number; qMax: number; windowMs: number; queueModel: QueueModelSpec; quoting: QuotingOptions },
): Promise<number> {
  if (values['local-clock-offset'] !== undefined) throw new UsageError(`--catalog does not take --local-clock-offset over top of book: give --depth full with it (the catalog's book_deltas), or replay the file with --data`);
  const { catalog, range, meta, notes, first, days: daysInVenueUnits, rangeDates } = await openCatalogMarket(values, { maskTradelessEnds: o.fill !== 'midCross' });
  try {
    // sizes in base currency (a linear contract's times its contract value; an inverse contract refused)
    const contract = contractUnits(range.instrument, contractValueOption(values['contract-value'] as string | undefined), meta?.contractValue);
    if (contract.note) notes.unshift(contract.note);
    const days = daysInUnits(daysInVenueUnits, contract);
    const book0 = contract.book(first.book);
    if (o.fill === 'queue') requireOrderCounts([queueModelText(o.queueModel)], book0, `the catalog's book_top (${range.instrument})`);
    // a tick inferred from the first day that rests on a few stray rows, or a --tick its prices are off, is warned
    const { tickSize: tick, warning: tickWarning } = catalogRangeTick(book0, meta?.tickSize, values.tick as string | undefined, range.instrument);
    if (tickWarning) notes.unshift(`WARNING ${tickWarning}`);
    const lot = numberOption('lot', values.lot as string | undefined, book0.meta.lotSize ?? meta?.lotSize ?? 0, (v) => v >= 0);
    const halfSpread = numberOption('half-spread', values['half-spread'] as string | undefined, 5 * tick, PARAM_RANGES.halfSpreadPx.check);
    const strategy = createStrategy(o.strategyName, { gamma: o.gamma, horizonSec: o.horizonMs / 1000, qMax: o.qMax, halfSpreadPx: halfSpread });
    // measured latency series checked against the whole range, not its first day
    const latencies = latencyConfig(values, book0, { clockCheckedPerDay: true, spanMs: catalog.spanMs(range.venue, range.instrument, 'book_top', range.fromDate, range.toDate) });
    const orderSize = numberOption('size', values.size as string | undefined, 0.01, PARAM_RANGES.orderSize.check);
    const units: InventoryUnits = { lotSize: lot, orderSize };
    const maxPosition = numberOption('max-position', values['max-position'] as string | undefined, Infinity, (v) => v > 0);
    const perDay: Array<{ date: string; bookRows: number; trades: number; fillsSoFar: number; inventory: number; equity: number; unpairedTradesSoFar: number | null }> = [];
    const unpairedWarning = new UnpairedTradesWarning();
    // Ctrl-C: the days replayed so far give the result (said to be partial, exit 130)
    const interrupt = new DayRangeInterrupt('the backtest', rangeDates);
    const dates = interrupt.done;
    const started = performance.now();
    // the model the strategy quotes with, checked over the whole range as the in-memory run checks it (from counts)
    const reach = readsArrivalModel(strategy) ? new ReachDepthCounts(tick) : undefined;
    const { result, metrics, replaySec, pairing } = await runBacktestStream(
      interrupt.days(values['feed-latency'] === 'recorded' ? clockCheckedDays(days, `${range.instrument} (${range.venue})`, CATALOG_CLOCK_REMEDY) : days),
      {
        strategy,
        fill: o.fill,
        orderSize,
        tickSize: tick,
        lotSize: lot,
        refreshMs: refreshOption(values.refresh as string | undefined),
        ...latencies,
        makerFee: feeOption('maker-fee', values['maker-fee'] as string | undefined),
        takerFee: feeOption('taker-fee', values['taker-fee'] as string | undefined),
        maxPosition,
        queueModel: o.queueModel,
        ...o.quoting,
      },
      {
        calibration: { windowSec: o.windowMs / 1000, stepSec: 1 },
        // a strategy that reads none of σ, A, k needs no window of data (its trades are still paired with the book)
        ...(strategy.requires.length === 0 ? { pairTradesOnly: true } : {}),
        ...(reach ? { onMarketOrders: (orders: Parameters<ReachDepthCounts['count']>[0]) => reach.count(orders) } : {}),
        onChunk: (info) => {
          const row = { date: dates[info.chunk], bookRows: info.rows, trades: info.trades, fillsSoFar: info.state.fills, inventory: snapInventoryToLot(info.state.inventory, lot), equity: info.state.equity, unpairedTradesSoFar: info.pairing?.unpaired ?? null };
          perDay.push(row);
          if (!values.json) process.stderr.write(`  ${row.date}: ${row.bookRows} book rows, ${row.trades} trades; ${row.fillsSoFar} fills so far, inventory ${inv(row.inventory, units)}, equity ${row.equity.toFixed(2)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
          unpairedWarning.after(row.date, info.pairing);
        },
      },
    )
      .catch((error: Error) => {
        // the streamed run's rules on chunks (books only with trade fills, days out of order): one line
        if (/^runBacktestStream: /.test(error.message)) throw new UsageError(error.message.replace(/^runBacktestStream: /, ''));
        throw error;
      });
    const cutShort = interrupt.cutShort;
    if (cutShort) notes.unshift(interrupt.note()!);
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const reportPath = (values.report as string | undefined) ?? `reports/backtest-${o.strategyName}-${o.fill}-catalog.html`;
    const pngs = await writeBacktestReport(result, reportPath, values.png as string | undefined, `backtest-${o.strategyName}-${o.fill}-catalog`, `asmm backtest: ${strategy.name}, ${o.fill}, ${range.instrument} ${dates[0]}..${dates[dates.length - 1]}`, units);
    const modelMiss = reach && pairing ? arrivalModelWarningFromCounts(strategy, reach, pairing.observedMs) : undefined;
    if (modelMiss) notes.unshift(`WARNING ${modelMiss}`);
    // a run without a fill is no result, whatever its PnL of 0 says; the cause when it is known
    if (metrics.fills === 0) {
      const cause = orderSize > maxPosition ? `--max-position ${maxPosition} is below the order size ${orderSize}: every quote would take the position past it` : `the strategy waited for its σ, A, k (a --window longer than a day's data, or orders that never reach the fit's depths: see asmm estimate --catalog), every quote was refused (crossed, or past --max-position), or none was reached by a trade`;
      notes.unshift(`WARNING no fill in ${result.decisions} decisions: ${cause}`);
    }
    const allNotes = [...notes, ...result.notes, 'report plots the series thinned to one decision a minute (metrics from every decision)'];
    const masks = result.masked;
    if (values.json) {
      printJson({ catalog: range.root, venue: range.venue, instrument: range.instrument, ...(cutShort ? { interrupted: true } : {}), days: perDay, strategy: strategy.name, fill: o.fill, queueModel: o.fill === 'queue' ? o.queueModel : null, quoting: o.quoting, metrics: metricsJson(metrics, lot), finalInventory: snapInventoryToLot(result.finalInventory, lot), finalCash: result.finalCash, nativeEvents: result.events, eventsAre: replayedEventsAre(book0.depth), replaySec, wallSec: seconds, decisions: result.decisions, masked: masksJson(masks), peakRssMb, report: reportPath, pngs, notes: allNotes });
      return cutShort ? INTERRUPTED_EXIT_CODE : 0;
    }
    process.stdout.write(
      [
        `${strategy.name}, ${o.fill} fills, on ${range.instrument} (${range.venue}) ${dates[0]}..${dates[dates.length - 1]} from ${range.root}: ${perDay.length} days, ${result.events} events (${replayedEventsAre(book0.depth)}), ${result.decisions} decisions in ${seconds.toFixed(1)} s (the replay itself ${replaySec.toFixed(1)} s, ${(result.events / replaySec / 1e6).toFixed(2)} M events/s), peak RSS ${peakRssMb.toFixed(0)} MB`,
        formatTable(['metric', 'value', 'unit'], metricRows(metrics, units)),
        ...describeMasks(masks),
        // (the masks' headline is among the replay's notes for --json; printed above with the intervals)
        ...allNotes.filter((n) => !n.startsWith('masked: ')).map(noteLine),
        `report: ${reportPath}`,
        ...pngs.map((p) => `png: ${p}`),
      ].join('\n') + '\n',
    );
    return cutShort ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    catalog.close();
  }
}
