import { backtestExecutions, type FillModel } from '../../backtest/index.js';
import { gridEdgeNotes, runDailyWalkForward, setsReadCalibration, type CalibrationDay, type EvaluationSettings, type ParamSet, type SelectionMetric } from '../../calibrate/index.js';
import { catalogRangeTick } from '../marketData.js';
import { ReachDepthCounts, rollingCalibration } from '../../estimate/index.js';
import { dailyWalkForwardFigure, writeFiguresHtml } from '../../plot/index.js';
import { contractUnits, contractValueOption, daysInUnits } from '../contractUnits.js';
import { clockCheckedDays, openCatalogMarket } from '../catalogMarket.js';
import { checkGridLatencySeries, formatTable, latencyConfig, numberOption, printJson, requireOrderCounts, feeOption, noteLine } from '../command.js';
import { DayRangeInterrupt, INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import { arrivalModelWarningFromCounts, sweptSetsReadingModel } from './backtestRun.js';
import { calibrateClockRemedy } from './calibrate.js';

const num = (x: number, d = 5) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

/** The rules of a daily walk-forward day, said in the output. */
export const DAILY_RULES =
  'each day is traded on its own: every run starts flat at the day\'s first book row with no order resting and ends at its last book row (trades after it are not traded), and the rolling σ, A, k come from that day\'s data only (nothing is carried across midnight); the set traded on day i + 1 is the best over the --trailing-days swept days before it';

/**
 * `asmm calibrate --catalog DIR --inst ID [--venue V] [--from D1] [--to D2] --refit daily [--trailing-days N]`:
 * every set of the grid backtested on each UTC day of the range alone (`runDailyWalkForward`, one day in
 * memory), the best over the trailing N days traded on the next day, out of sample. Prints a line per day and
 * the table of folds (chosen parameters, in-sample score, out-of-sample PnL); writes the report with
 * `dailyWalkForwardFigure`.
 */
export async function calibrateCatalog(
  values: Record<string, string | boolean | undefined>,
  o: { fill: FillModel; metric: SelectionMetric; workers: number; windowMs: number; sets: ParamSet[]; keys: Array<keyof ParamSet>; trailingDays: number },
): Promise<number> {
  const { catalog, range, meta, notes, first, days: daysInVenueUnits, rangeDates } = await openCatalogMarket(values, { maskTradelessEnds: o.fill !== 'midCross' });
  try {
    // sizes in base currency (a linear contract's times its contract value; an inverse contract refused)
    const units = contractUnits(range.instrument, contractValueOption(values['contract-value'] as string | undefined), meta?.contractValue);
    if (units.note) notes.unshift(units.note);
    const inUnits = daysInUnits(daysInVenueUnits, units);
    // (the feed as recorded: every day's receive stamps checked, not the first day's only)
    const marketDays = values['feed-latency'] === 'recorded' ? clockCheckedDays(inUnits, `${range.instrument} (${range.venue})`, calibrateClockRemedy(true)) : inUnits;
    const book0 = units.book(first.book);
    if (o.fill === 'queue') requireOrderCounts(o.sets.map((s) => s.queueModel), book0, `the catalog's book_top (${range.instrument})`);
    const { tickSize, warning: tickWarning } = catalogRangeTick(book0, meta?.tickSize, values.tick as string | undefined, range.instrument);
    if (tickWarning) notes.unshift(`WARNING ${tickWarning}`);
    // measured latency series (the options' and the grid's) checked against the whole range, not its first day
    const spanMs = catalog.spanMs(range.venue, range.instrument, 'book_top', range.fromDate, range.toDate);
    checkGridLatencySeries(o.sets, spanMs);
    const settings: EvaluationSettings = {
      fill: o.fill,
      tickSize,
      lotSize: numberOption('lot', values.lot as string | undefined, book0.meta.lotSize ?? meta?.lotSize ?? 0, (v) => v >= 0),
      ...latencyConfig(values, book0, { clockCheckedPerDay: true, spanMs }),
      makerFee: feeOption('maker-fee', values['maker-fee'] as string | undefined),
      takerFee: feeOption('taker-fee', values['taker-fee'] as string | undefined),
      maxPosition: numberOption('max-position', values['max-position'] as string | undefined, Infinity, (v) => v > 0),
    };
    const executionNotes = new Set<string>();
    // the swept strategies that quote with A and k take them from an exponential: checked over the range's orders,
    // counted per reach depth day by day (as calibrate --data checks them over its file)
    const reader = sweptSetsReadingModel(o.sets);
    const reach = reader && new ReachDepthCounts(tickSize);
    let observedMs = 0;
    // Ctrl-C: the days swept and traded so far give the walk-forward (said to be partial, exit 130)
    const interrupt = new DayRangeInterrupt('the walk-forward', rangeDates);
    async function* days(): AsyncGenerator<CalibrationDay> {
      for await (const day of interrupt.days(marketDays)) yield withCalibration(day);
    }
    const calibrates = setsReadCalibration(o.sets);
    function withCalibration(day: { date: string; book: CalibrationDay['book']; trades?: CalibrationDay['trades'] }): CalibrationDay {
      if (day.book.tsMs.length < 2) return day;
      // the day's own executions and rolling calibration (nothing carried from the day before)
      const ex = backtestExecutions(day.book, day.trades, o.fill, tickSize, { label: `trades of ${day.date} against its books` });
      for (const n of ex.notes) executionNotes.add(n);
      if (reach && ex.marketOrders) {
        reach.count(ex.marketOrders);
        observedMs += ex.marketOrders.observedMs;
      }
      // (a sweep of symmetric quotes reads none of σ, A, k: no calibration, and no window of data needed)
      if (!calibrates) return { date: day.date, book: day.book, ...(ex.trades ? { trades: ex.trades } : {}) };
      const calibration = rollingCalibration(day.book, ex.marketOrders, { windowSec: o.windowMs / 1000, stepSec: 1 });
      return { date: day.date, book: day.book, ...(ex.trades ? { trades: ex.trades } : {}), calibration };
    }
    const result = await runDailyWalkForward({
      days: days(),
      sets: o.sets,
      settings,
      metric: o.metric,
      trailingDays: o.trailingDays,
      workers: o.workers,
      onDay: (sweep, fold) => {
        if (values.json) return;
        const what = sweep.skipped ? `skipped (${sweep.skipped})` : fold ? `traded set ${fold.chosenSet}: out-of-sample PnL ${num(fold.outOfSample.pnl)}` : 'swept (first day: nothing to trade yet)';
        process.stderr.write(`  ${sweep.date}: ${sweep.bookRows} book rows, ${sweep.trades} trades; ${what}\n`);
      },
    });
    const cutShort = interrupt.cutShort;
    if (cutShort) notes.unshift(interrupt.note()!);
    const report = (values.report as string | undefined) ?? 'reports/calibration-daily.html';
    writeFiguresHtml(report, [dailyWalkForwardFigure(result)], `asmm calibrate --refit daily: ${range.instrument}`);
    const modelMiss = reader && reach && arrivalModelWarningFromCounts(reader, reach, observedMs);
    if (modelMiss) notes.unshift(`WARNING ${modelMiss}`);
    const allNotes = [...notes, ...executionNotes, ...result.notes, ...gridEdgeNotes(o.keys, o.sets, result.folds.map((f) => f.params)), DAILY_RULES];
    const total = result.folds.length ? result.folds[result.folds.length - 1].cumulativeOutOfSamplePnl : 0;
    if (values.json) {
      printJson({
        catalog: range.root,
        venue: range.venue,
        instrument: range.instrument,
        refit: 'daily',
        ...(cutShort ? { interrupted: true } : {}),
        trailingDays: result.trailingDays,
        fill: o.fill,
        metric: result.metric,
        tickSize,
        lotSize: settings.lotSize,
        sets: result.sets.length,
        seconds: result.seconds,
        days: result.days.map((d) => ({ date: d.date, bookRows: d.bookRows, trades: d.trades, maskedMs: d.maskedMs, ...(d.skipped ? { skipped: d.skipped } : {}) })),
        walkForward: result.folds.map((f) => ({ fitDates: f.fitDates, date: f.date, chosenSet: f.chosenSet, params: f.params, inSample: f.inSample, outOfSample: f.outOfSample, outOfSampleRank: f.outOfSampleRank, cumulativeOutOfSamplePnl: f.cumulativeOutOfSamplePnl })),
        outOfSamplePnl: total,
        report,
        notes: allNotes,
      });
      return cutShort ? INTERRUPTED_EXIT_CODE : 0;
    }
    process.stdout.write(
      [
        `${result.sets.length} parameter sets × ${result.days.length} days (${o.fill} fills, tick ${tickSize}${values.tick !== undefined ? ' given' : ''}) on ${range.instrument} (${range.venue}) from ${range.root} in ${result.seconds.toFixed(1)} s`,
        `daily walk-forward (choose by ${result.metric} on the ${result.trailingDays === 1 ? 'day' : `${result.trailingDays} days`} before, trade the day):`,
        formatTable(
          ['fit days', 'traded', ...o.keys.map(String), `in-sample ${result.metric}`, 'out-of-sample PnL', 'out-of-sample rank', 'cumulative PnL'],
          result.folds.map((f) => [f.fitDates.length === 1 ? f.fitDates[0] : `${f.fitDates[0]}..${f.fitDates[f.fitDates.length - 1]}`, f.date, ...o.keys.map((k) => String(f.params[k])), String(num(f.inSample)), String(num(f.outOfSample.pnl)), Number.isNaN(f.outOfSampleRank) ? '-' : `${f.outOfSampleRank} of ${result.sets.length}`, String(num(f.cumulativeOutOfSamplePnl))]),
        ),
        `out-of-sample PnL over ${result.folds.length} traded days: ${num(total)}`,
        `report: ${report}`,
        ...allNotes.map(noteLine),
      ].join('\n') + '\n',
    );
    return cutShort ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    catalog.close();
  }
}
