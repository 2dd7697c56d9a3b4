import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backtestExecutions, backtestMetrics, createStrategy, describeLatency, isStrategyName, quotePlacement, runBacktest, runBacktestStream, runSeedCompatRows, SeedCompatSummarizer, STRATEGY_NAMES, type FillModel, type StrategyName, type QuotePlacement, type SeedCompatOptions, type Strategy } from '../../backtest/index.js';
import { describeMasks, inferTickSize, masksJson, maskSummary, type BookTable } from '../../data/index.js';
import { onReferenceClock } from '../../formats/index.js';
import { catalogMarketDays, catalogRange } from '../catalogMarket.js';
import { loadMarketData } from '../marketData.js';
import { PARAM_RANGES } from '../../calibrate/params.js';
import { rollingCalibration } from '../../estimate/index.js';
import { backtestFigures, SeedCompatFigureRows, writeFigurePng, writeFiguresHtml, type BacktestView } from '../../plot/index.js';
import { durationOption, formatTable, latencyConfig, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

const FILLS: readonly FillModel[] = ['midCross', 'tradeThrough', 'queue'];


const num = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** Where the quotes sat, in words: the first thing to read when a run has few or no fills. */
function quotesLine(q: QuotePlacement): string {
  if (q.bidQuoted + q.askQuoted === 0) return `quotes: none at any of the ${q.decisions} decisions (the strategy waits for its calibration window, or its quotes were refused: crossed, or past --max-position)`;
  const side = (name: string, n: number, ticks: number, dir: string) => (n > 0 ? `${name} at ${n} of ${q.decisions} decisions, a median ${num(ticks, 4)} ticks ${dir} the mid` : `no ${name}`);
  return `quotes: ${side('bid', q.bidQuoted, q.bidMedianTicksFromMid, 'below')}; ${side('ask', q.askQuoted, q.askMedianTicksFromMid, 'above')}`;
}

export async function runBacktestCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      data: { type: 'string' },
      trades: { type: 'string' },
      inst: { type: 'string' },
      strategy: { type: 'string' },
      gamma: { type: 'string' },
      horizon: { type: 'string' },
      'q-max': { type: 'string' },
      'half-spread': { type: 'string' },
      fill: { type: 'string' },
      size: { type: 'string' },
      refresh: { type: 'string' },
      'feed-latency': { type: 'string' },
      'entry-latency': { type: 'string' },
      'cancel-latency': { type: 'string' },
      'latency-seed': { type: 'string' },
      'maker-fee': { type: 'string' },
      'taker-fee': { type: 'string' },
      'max-position': { type: 'string' },
      window: { type: 'string' },
      tick: { type: 'string' },
      lot: { type: 'string' },
      report: { type: 'string' },
      png: { type: 'string' },
      'seed-compat': { type: 'boolean' },
      'window-rows': { type: 'string' },
      'initial-inventory': { type: 'string' },
      'initial-cash': { type: 'string' },
      catalog: { type: 'string' },
      venue: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
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
  if (values.catalog !== undefined) {
    if (values['seed-compat']) throw new UsageError('--seed-compat reads one file: give --data');
    if (values.trades) throw new UsageError('--catalog reads the trades from the catalog: leave out --trades');
    return backtestCatalog(values, { fill, strategyName, gamma, horizonMs, qMax, windowMs });
  }
  if (!values.data) throw new UsageError('--data FILE is required');
  // the seed-compatible run uses the touch only: a table file that can skip the deeper levels does not read them
  // (the result cannot depend on them; the output says they were not read or validated)
  const { book, trades: recorded } = await loadMarketData(values.data, values.trades, values.inst, values['seed-compat'] ? { levels: 1, unkeptLevels: 'skip' } : {});
  if (values['seed-compat']) {
    const options = {
      gamma,
      windowRows: numberOption('window-rows', values['window-rows'], 200, (v) => Number.isInteger(v) && v >= 2),
      initialInventory: numberOption('initial-inventory', values['initial-inventory'], 0, Number.isFinite),
      initialCash: numberOption('initial-cash', values['initial-cash'], 0, Number.isFinite),
    };
    return seedCompat(book, options, values.data, { json: values.json === true, report: values.report, png: values.png });
  }
  const tick = numberOption('tick', values.tick, book.meta.tickSize ?? inferTickSize(book), (v) => v > 0);
  // books only: A and k from market orders inferred from the book, and tradeThrough and queue fill on them, with notes that say so
  const executions = backtestExecutions(book, recorded, fill, tick, { label: `trades of ${values.trades ?? values.data} against the book of ${values.data}` });
  const trades = executions.trades;
  const lot = numberOption('lot', values.lot, book.meta.lotSize ?? 0, (v) => v >= 0);
  const halfSpread = numberOption('half-spread', values['half-spread'], 5 * tick, PARAM_RANGES.halfSpreadPx.check);
  const strategy: Strategy = createStrategy(strategyName, { gamma, horizonSec: horizonMs / 1000, qMax, halfSpreadPx: halfSpread });
  const calibration = rollingCalibration(book, executions.marketOrders, { windowSec: windowMs / 1000, stepSec: 1 });
  const latencies = latencyConfig(values, book);
  const latencyText = { feed: describeLatency(latencies.feedLatencyMs), entry: describeLatency(latencies.entryLatencyMs), cancel: describeLatency(latencies.cancelLatencyMs ?? latencies.entryLatencyMs) };
  const started = performance.now();
  const result = runBacktest(book, trades, {
    strategy,
    fill,
    orderSize: numberOption('size', values.size, 0.01, PARAM_RANGES.orderSize.check),
    tickSize: tick,
    lotSize: lot,
    refreshMs: durationOption('refresh', values.refresh, undefined) ?? 0,
    ...latencies,
    makerFee: numberOption('maker-fee', values['maker-fee'], 0),
    takerFee: numberOption('taker-fee', values['taker-fee'], 0),
    maxPosition: numberOption('max-position', values['max-position'], Infinity, (v) => v > 0),
    calibration,
  });
  const notes = [...executions.notes, ...result.notes];
  const seconds = (performance.now() - started) / 1000;
  const metrics = backtestMetrics(result);
  const quotes = quotePlacement(result, tick);
  const reportPath = values.report ?? `reports/backtest-${strategyName}-${fill}.html`;
  const pngs = await writeBacktestReport(result, reportPath, values.png, `backtest-${strategyName}-${fill}`, `asmm backtest: ${strategy.name}, ${fill}`);
  const m = metrics;
  const causes = Object.entries(m.fillsByCause)
    .filter(([, n]) => n > 0)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  const maskLines = describeMasks(result.masked);
  if (values.json) {
    printJson({
      data: values.data,
      strategy: strategy.name,
      fill,
      latency: latencyText,
      metrics,
      finalInventory: result.finalInventory,
      finalCash: result.finalCash,
      events: result.events,
      decisions: result.decisions,
      masked: { ...masksJson(result.masked), tradesIgnored: result.maskedEvents.trades, bookRowsIgnored: result.maskedEvents.bookRows, decisionsWithoutQuotes: result.maskedEvents.decisions },
      seconds,
      report: reportPath,
      pngs,
      quotes,
      notes,
    });
    return 0;
  }
  process.stdout.write(
    [
      `${strategy.name}, ${fill} fills, on ${values.data}${recorded ? ` with ${recorded.tsMs.length} trades` : trades ? ` with ${trades.tsMs.length} inferred executions` : ' (no trades)'}: ${result.events} events, ${result.decisions} decisions in ${seconds.toFixed(2)} s`,
      `σ, A, k from rolling ${windowMs / 1000} s windows (values strictly before each decision)${recorded ? '' : '; A and k from market orders inferred from the book'}`,
      `latency: feed ${latencyText.feed}, entry ${latencyText.entry}, cancel ${latencyText.cancel}`,
      quotesLine(quotes),
      formatTable(
        ['metric', 'value', 'unit'],
        [
          ['PnL', num(m.pnl), 'quote currency'],
          ['fills (bid / ask)', `${m.fills} (${m.bidFills} / ${m.askFills})`, ''],
          ['fills by cause', causes === '' ? 'none' : causes, 'trade at our price, trade through, book cross, marketable on arrival, mid cross'],
          ['PnL per fill', num(m.pnlPerFill), 'quote currency'],
          ['Sharpe per day', num(m.sharpePerDay, 4), Number.isNaN(m.sharpePerDay) ? `not defined: fewer than two ${m.sharpeIntervalSec} s equity changes, or none that varies` : `from ${m.sharpeIntervalSec} s equity changes`],
          ['max drawdown', num(m.maxDrawdown), 'quote currency'],
          ['spread captured', num(m.spreadCapturedPerUnit), 'quote currency per unit vs mid'],
          ['inventory mean / std', `${num(m.inventoryMean, 4)} / ${num(m.inventoryStd, 4)}`, 'base units'],
          ['max |inventory|', num(m.maxAbsInventory, 4), 'base units'],
          ['turnover', num(m.turnover), 'quote currency'],
          ['fees', num(m.fees), 'quote currency (negative: rebates)'],
          ['final inventory', num(m.finalInventory), 'base units'],
          ['final cash', num(m.finalCash), 'quote currency'],
        ],
      ),
      ...notes.filter((n) => !n.startsWith('masked: ')),
      ...maskLines,
      ...(maskLines.length > 0 ? [`  inside them: ${result.maskedEvents.trades} trades and ${result.maskedEvents.bookRows} book rows not acted on, ${result.maskedEvents.decisions} decisions without quotes`] : []),
      `report: ${reportPath}`,
      ...pngs.map((path) => `png: ${path}`),
    ].join('\n') + '\n',
  );
  return 0;
}

/** The HTML report (quotes, inventory, equity) and, with a PNG directory, one PNG per figure; the PNG paths. */
async function writeBacktestReport(run: BacktestView, reportPath: string, pngDir: string | undefined, stem: string, title: string): Promise<string[]> {
  const figures = backtestFigures(run);
  writeFiguresHtml(reportPath, figures, title);
  const pngs: string[] = [];
  if (pngDir) {
    for (const [i, name] of ['quotes', 'inventory', 'equity'].entries()) {
      const path = join(pngDir, `${stem}-${name}.png`);
      await writeFigurePng(path, figures[i], { width: 1200, height: name === 'quotes' ? 600 : 400 });
      pngs.push(path);
    }
  }
  return pngs;
}

/**
 * `--seed-compat`: the reference system's market maker (see runSeedCompat), for comparison, with the same
 * report (and PNGs) as other runs.
 */
async function seedCompat(
  loaded: BookTable,
  options: Required<Pick<SeedCompatOptions, 'gamma' | 'windowRows' | 'initialInventory' | 'initialCash'>>,
  data: string,
  output: { json: boolean; report?: string; png?: string },
): Promise<number> {
  // A file in the reference layout is read as the reference reads it, at whatever resolution its timestamps
  // have; other data is put on the reference's clock (the second of the receive clock, as it records rows).
  const referenceFile = loaded.meta.extra?.['asmm.source_layout'] === 'reference-books5-csv';
  const resolutionMs = Number(loaded.meta.extra?.['asmm.ts_resolution_ms'] ?? NaN);
  const book = referenceFile ? loaded : onReferenceClock(loaded);
  const resolution = resolutionMs === 1000 ? '1 s' : Number.isFinite(resolutionMs) ? `${resolutionMs} ms` : 'unknown';
  const clock = referenceFile
    ? `the file's timestamps as they are (${resolution} resolution), as the reference reads them`
    : `${loaded.localTsMs ? 'local receive' : 'exchange'} times truncated to the second, as the reference records them`;
  // streamed into its summary and its decimated plot lines: no per-row column is stored (the same numbers and
  // figures as runSeedCompat + seedCompatSummary + seedCompatView, at a fraction of the memory)
  const summarizer = new SeedCompatSummarizer();
  const figureRows = new SeedCompatFigureRows();
  const run = runSeedCompatRows(book, options, {
    start: (tradedRows) => figureRows.start(tradedRows),
    row: (r) => {
      summarizer.add(r);
      figureRows.row(r);
    },
  });
  const reportPath = output.report ?? 'reports/backtest-seed-compat.html';
  const pngs = await writeBacktestReport(figureRows.view(run.fills), reportPath, output.png, 'backtest-seed-compat', 'asmm backtest --seed-compat: the reference market maker');
  const masks = maskSummary(loaded.masked);
  const sum = summarizer.summary(run.fills);
  const summary = {
    mode: `seed-compatible reference market maker (σ = std of the last ${options.windowRows} mids, k = 1/message rate over ${options.windowRows} rows, time normalised over the rows traded, orders of 0.1 within |q| ≤ 3 and λ-sized beyond, five best-priced orders per side, mid-cross fills)`,
    data,
    gamma: options.gamma,
    initialInventory: options.initialInventory,
    initialCash: options.initialCash,
    bookRows: book.tsMs.length,
    clock,
    levelsRead: loaded.meta.extra?.['asmm.levels_unread']
      ? `the touch only (the run uses no other level): ${loaded.meta.extra['asmm.levels_unread']}`
      : 'every level of the file read and validated; the run uses the touch',
    ...sum,
    meanMessageRatePerSec: num(sum.meanMessageRatePerSec),
    meanSigmaPriceLevel: num(sum.meanSigmaPriceLevel),
    meanHalfSpreadPx: num(sum.meanHalfSpreadPx),
    note: 'reproduces the reference code row by row (λ-sized orders beyond |q| > 3 included); it looks ahead (time normalised to the last row) and its σ and k are not rates: for comparison only',
    report: reportPath,
    pngs,
  };
  if (output.json) printJson({ ...summary, masked: masksJson(masks) });
  else {
    const rows = Object.entries(summary).filter(([key]) => key !== 'mode' && key !== 'report' && key !== 'pngs');
    const maskLines = describeMasks(masks).map((line) => (line.startsWith('masked:') ? `${line.replace(' (no quote, no fill, no estimate inside)', '')}: WARNING the reference market maker does not know of them and trades through them` : line));
    process.stdout.write([summary.mode, formatTable(['metric', 'value'], rows.map(([key, value]) => [key, String(value)])), ...maskLines, `report: ${reportPath}`, ...pngs.map((p) => `png: ${p}`)].join('\n') + '\n');
  }
  return 0;
}

/**
 * `asmm backtest --catalog DIR --inst ID [--from D1] [--to D2]`: the backtest streamed over the catalog's day
 * partitions (`runBacktestStream`: one day in memory, book, rolling calibration, orders and inventory carried
 * across midnight; fills and PnL equal to a run on the days put together). Prints the metrics, a line per day
 * (fills, inventory and equity at its end) and the peak RSS; writes the report from the thinned series.
 */
async function backtestCatalog(
  values: Record<string, string | boolean | undefined>,
  o: { fill: FillModel; strategyName: StrategyName; gamma: number; horizonMs: number; qMax: number; windowMs: number },
): Promise<number> {
  const { openCatalog } = await import('../../catalog/index.js');
  const catalog = await openCatalog(resolve(values.catalog as string));
  try {
    const range = catalogRange(catalog, values as { inst?: string; venue?: string; from?: string; to?: string });
    const meta = catalog.instruments().find((i) => i.venue === range.venue && i.instrument === range.instrument)?.meta;
    const notes: string[] = [];
    const days = catalogMarketDays(catalog, range, notes);
    const first = await days.next();
    if (first.done) throw new UsageError(`no book days for ${range.instrument} (${range.venue}) in ${range.fromDate ?? 'the first day'}..${range.toDate ?? 'the last day'} of ${range.root}`);
    const book0 = first.value.book;
    const tick = numberOption('tick', values.tick as string | undefined, meta?.tickSize ?? book0.meta.tickSize ?? inferTickSize(book0), (v) => v > 0);
    const lot = numberOption('lot', values.lot as string | undefined, meta?.lotSize ?? 0, (v) => v >= 0);
    const halfSpread = numberOption('half-spread', values['half-spread'] as string | undefined, 5 * tick, PARAM_RANGES.halfSpreadPx.check);
    const strategy = createStrategy(o.strategyName, { gamma: o.gamma, horizonSec: o.horizonMs / 1000, qMax: o.qMax, halfSpreadPx: halfSpread });
    const latencies = latencyConfig(values, book0);
    const dates: string[] = [];
    const perDay: Array<{ date: string; bookRows: number; trades: number; fillsSoFar: number; inventory: number; equity: number }> = [];
    async function* all() {
      yield first.value!;
      for await (const day of days) yield day;
    }
    async function* tracked() {
      for await (const day of all()) {
        dates.push(day.date);
        yield day;
      }
    }
    const started = performance.now();
    const { result, metrics } = await runBacktestStream(
      tracked(),
      {
        strategy,
        fill: o.fill,
        orderSize: numberOption('size', values.size as string | undefined, 0.01, PARAM_RANGES.orderSize.check),
        tickSize: tick,
        lotSize: lot,
        refreshMs: durationOption('refresh', values.refresh as string | undefined, undefined) ?? 0,
        ...latencies,
        makerFee: numberOption('maker-fee', values['maker-fee'] as string | undefined, 0),
        takerFee: numberOption('taker-fee', values['taker-fee'] as string | undefined, 0),
        maxPosition: numberOption('max-position', values['max-position'] as string | undefined, Infinity, (v) => v > 0),
      },
      {
        calibration: { windowSec: o.windowMs / 1000, stepSec: 1 },
        onChunk: (info) => {
          const row = { date: dates[info.chunk], bookRows: info.rows, trades: info.trades, fillsSoFar: info.state.fills, inventory: info.state.inventory, equity: info.state.equity };
          perDay.push(row);
          if (!values.json) process.stderr.write(`  ${row.date}: ${row.bookRows} book rows, ${row.trades} trades; ${row.fillsSoFar} fills so far, inventory ${row.inventory.toFixed(4)}, equity ${row.equity.toFixed(2)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
        },
      },
    ).catch((error: Error) => {
      // the streamed run's rules on chunks (books only with trade fills, days out of order): one line
      if (/^runBacktestStream: /.test(error.message)) throw new UsageError(error.message.replace(/^runBacktestStream: /, ''));
      throw error;
    });
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const reportPath = (values.report as string | undefined) ?? `reports/backtest-${o.strategyName}-${o.fill}-catalog.html`;
    const pngs = await writeBacktestReport(result, reportPath, values.png as string | undefined, `backtest-${o.strategyName}-${o.fill}-catalog`, `asmm backtest: ${strategy.name}, ${o.fill}, ${range.instrument} ${dates[0]}..${dates[dates.length - 1]}`);
    const allNotes = [...notes, ...result.notes, 'report plots the series thinned to one decision a minute (metrics from every decision)'];
    const masks = result.masked;
    if (values.json) {
      printJson({ catalog: range.root, venue: range.venue, instrument: range.instrument, days: perDay, strategy: strategy.name, fill: o.fill, metrics, finalInventory: result.finalInventory, finalCash: result.finalCash, events: result.events, decisions: result.decisions, masked: masksJson(masks), seconds, peakRssMb, report: reportPath, pngs, notes: allNotes });
      return 0;
    }
    process.stdout.write(
      [
        `${strategy.name}, ${o.fill} fills, on ${range.instrument} (${range.venue}) ${dates[0]}..${dates[dates.length - 1]} from ${range.root}: ${perDay.length} days, ${result.events} events, ${result.decisions} decisions in ${seconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB`,
        formatTable(['metric', 'value'], Object.entries(metrics).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, String(v)])),
        ...describeMasks(masks),
        ...allNotes.map((n) => `note: ${n}`),
        `report: ${reportPath}`,
        ...pngs.map((p) => `png: ${p}`),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    catalog.close();
  }
}
