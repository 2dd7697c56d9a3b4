import type { QuotingOptions } from './backtest.js';
import { depthReplaySession } from '../../backtest/depthReplay.js';
import { remainderCrossWarning } from '../../backtest/remainderCrosses.js';
import type { RecordedLevelChanges } from '../../formats/levelChanges.js';
import { FILL_CAUSES } from '../../backtest/types.js';
import { formatInventory, snapInventoryToLot } from '../../backtest/inventoryDisplay.js';
import { describeLatency, LocalClockStats, type LatencySpec } from '../../backtest/latency.js';
import type { QueueModelSpec } from '../../backtest/queueModels.js';
import { backtestExecutions } from '../../backtest/executions.js';
import { createStrategy, type StrategyName } from '../../backtest/strategies.js';
import type { Strategy } from '../../backtest/strategy.js';
import { arrivalModelWarning, arrivalModelWarningFromCounts, strategyCalibration, windowUsageError } from './backtestRun.js';
import type { DepthEvents } from '../../backtest/depthReplay.js';
import type { RollingCalibration } from '../../estimate/rolling.js';
import type { PairingSoFar } from '../../estimate/streamedMarketOrders.js';
import type { CalibrationRows } from '../../backtest/replay.js';
import type { BookDeltaDay } from '../../catalog/catalog.js';
import { utcDayEndMs } from '../../catalog/schema.js';
import { concatColumns } from '../../data/concatTables.js';
import { assertTimeOrder, DataError, emptyBookTable, emptyTradeTable, mergeMasks, type BookTable, type MaskedInterval, type TradeTable } from '../../data/index.js';
import { tradelessSpanEnds } from '../../estimate/marketOrders.js';
import { replayBinanceCapture } from '../../formats/binanceCapture.js';
import { loadTables } from '../../formats/index.js';
import { readOkxBooksDepthEvents } from '../../formats/okxHistoryBooks.js';
import { detectFormat } from '../../formats/loadAny.js';
import { inferTickSize } from '../../data/quality.js';
import { withTradelessEndsMasked } from '../marketData.js';
import { UnpairedTradesWarning } from '../catalogMarket.js';
import { DayRangeInterrupt, INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import { checkLatencySeries, durationOption, formatTable, latencyOption, localClockOffsetOption, numberOption, printJson, recordedClock, recordedClockOfStats, UsageError, feeOption, refreshOption } from '../command.js';
import { contractUnits } from '../contractUnits.js';

/**
 * `asmm backtest --depth full`: the full-depth replay (`replayDepth`) of a file's native level changes, for the
 * files that carry them: hftbacktest's Binance captures, and OKX books history days (with `--trades`, their
 * trades day file). What it does not take yet is a usage
 * error naming it, never ignored.
 */
export async function backtestDepth(values: Record<string, string | boolean | undefined>, options: DepthOptions): Promise<number> {
  // what the run opens (a catalog read a day at a time) is closed however it ends
  const opened: Array<() => void> = [];
  try {
    return await backtestDepthRun(values, options, opened);
  } finally {
    for (const close of opened) close();
  }
}

type DepthOptions = { strategyName: StrategyName; queueModel: QueueModelSpec; gamma: number; horizonMs: number; qMax: number; windowMs: number; quoting: QuotingOptions };

async function backtestDepthRun(values: Record<string, string | boolean | undefined>, options: DepthOptions, opened: Array<() => void>): Promise<number> {
  const fromCatalog = values.catalog !== undefined;
  if (!fromCatalog) for (const flag of ['venue', 'from', 'to'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} selects a catalog range: give --catalog DIR --inst ID`);
  const data = fromCatalog ? `catalog ${values.catalog as string}` : (values.data as string);
  for (const [flag, why] of [
    ['seed-compat', 'the reference market maker replays its own rows'],
    ['inst', 'the files it reads hold one instrument'],
  ] as const) {
    if (flag === 'inst' && (fromCatalog || ['asmm-recorder-raw', 'okx-cryptofeed-capture'].includes(detectFormat(data)))) continue;
    if (values[flag] !== undefined) throw new UsageError(`--depth full does not take --${flag} (${why})`);
  }
  const fill = (values.fill ?? 'queue') as 'queue' | 'tradeThrough' | 'midCross';
  if (!['queue', 'tradeThrough', 'midCross'].includes(fill)) throw new UsageError(`--depth full replays --fill queue, tradeThrough or midCross (got ${values.fill})`);
  const format = fromCatalog ? 'catalog' : detectFormat(data);
  if (!['catalog', 'binance-hftbacktest-capture', 'okx-history-books', 'asmm-recorder-raw', 'okx-cryptofeed-capture'].includes(format)) {
    throw new UsageError(`--depth full reads the level changes of a Binance capture (hftbacktest's format), an OKX books history day, an OKX recording (asmm record's raw log, or cryptofeed's) or a catalog's book_deltas (--catalog DIR --inst ID); ${data} is ${format}`);
  }
  if ((format === 'asmm-recorder-raw' || format === 'okx-cryptofeed-capture') && values.trades !== undefined) throw new UsageError('--depth full on an OKX recording: the recording carries its trades, leave out --trades');
  if (format === 'catalog' && values.trades !== undefined) throw new UsageError('--catalog reads the trades from the catalog: leave out --trades');
  if (format === 'binance-hftbacktest-capture' && values.trades !== undefined) throw new UsageError('--depth full on a Binance capture: the capture carries its trades, leave out --trades');
  if (format === 'okx-history-books' && values.trades === undefined) throw new UsageError(`--depth full on an OKX books day needs its trades: --trades {INST}-trades-{DATE}.zip`);
  // constant, sampled (20ms,35ms,120ms), a measured series (file:PATH) or, for the feed, recorded
  const seed = numberOption('latency-seed', values['latency-seed'] as string | undefined, 1, (v) => Number.isInteger(v));
  const feed = latencyOption('feed-latency', values['feed-latency'] as string | undefined, seed, true) ?? 0;
  const entryLatencyMs = (latencyOption('entry-latency', values['entry-latency'] as string | undefined, seed, false) ?? 0) as LatencySpec;
  const cancelLatencyMs = latencyOption('cancel-latency', values['cancel-latency'] as string | undefined, seed, false) as LatencySpec | undefined;
  if (feed === 'recorded' && typeof entryLatencyMs !== 'number') throw new UsageError('--feed-latency recorded notifies our fills after the entry latency: give a constant --entry-latency (such as 10ms)');
  if (feed !== 'recorded' && values['local-clock-offset'] !== undefined) throw new UsageError('--local-clock-offset shifts the local stamps of --feed-latency recorded; without it there is nothing to shift');
  const loadStarted = performance.now();
  // a catalog range is read a day at a time (memory of one day, whatever the range)
  const streamed = format === 'catalog' ? await catalogDepthStream(values) : undefined;
  if (streamed) opened.push(streamed.close);
  const capture = streamed
    ? streamed.capture
    : format === 'asmm-recorder-raw' || format === 'okx-cryptofeed-capture'
        ? await loadRecordingNative(data, format, values.inst as string | undefined)
        : await loadNative(data, format, values.trades as string | undefined);
  let loadSec = (performance.now() - loadStarted) / 1000;
  const native = capture.events;
  // times in order, as the top-5 run's loader checks them (a file, a recording's sessions or a catalog's parts
  // out of order would be merged wrongly)
  assertChangesInOrder(data, native.tsMs);
  assertTimeOrder(data, capture.trades);
  if (fill === 'queue' && options.queueModel.name === 'orderCount' && !(streamed ? await streamed.withOrderCounts() : native.orders)) throw new UsageError(`--queue-model orderCount needs the order count of each level, which ${data} does not carry (OKX books history days do; Binance depth streams do not): choose another queue model`);
  // the feed as recorded: each level change at its local receive stamp (shifted by --local-clock-offset); the
  // fills are notified after --entry-latency (the order-response latency of hftbacktest's constant model)
  let bookArrivalMs: Float64Array | undefined;
  let clockNote: string | undefined;
  let clockOffsetMs = 0;
  if (feed === 'recorded' && streamed) {
    // the clock check over every day's stamps first (a pass of its own, in memory of one day), then each day's
    // changes at their stamps as the days are replayed
    const option = localClockOffsetOption(values);
    const stats = new LocalClockStats(option === 'auto' ? 0 : option);
    await streamed.eachDeltaDay((day) => {
      if (!day.localTsMs) throw new UsageError(`--feed-latency recorded needs local receive stamps, which ${data} does not have on ${day.date} (OKX history files carry exchange time only)`);
      stats.add(day.tsMs, day.localTsMs);
    });
    const clock = recordedClockOfStats(option, stats, data);
    clockOffsetMs = clock.offsetMs;
    clockNote = clock.note;
  } else if (feed === 'recorded') {
    if (!capture.localTsMs) throw new UsageError(`--feed-latency recorded needs local receive stamps, which ${data} does not have (OKX history files carry exchange time only)`);
    const clock = recordedClock(values, native.tsMs, capture.localTsMs, data);
    clockOffsetMs = clock.offsetMs;
    bookArrivalMs = Float64Array.from(capture.localTsMs, (t) => t + clock.offsetMs);
    clockNote = clock.note;
  }
  const feedLatencyMs = feed === 'recorded' ? (entryLatencyMs as number) : feed;
  // a measured latency series (file:) that misses the replayed span is refused, one that covers part of it warned
  // (a catalog range's span: every day's, not the first one's)
  const spanMs = streamed ? { fromMs: streamed.firstMs, toMs: streamed.lastMs } : native.tsMs.length > 0 ? { fromMs: native.tsMs[0], toMs: native.tsMs[native.tsMs.length - 1] } : undefined;
  if (spanMs) checkLatencySeries({ 'feed-latency': feed, 'entry-latency': entryLatencyMs, 'cancel-latency': cancelLatencyMs }, spanMs.fromMs, spanMs.toMs);
  // the full-depth replay keeps the capture's size unit: an inverse contract is refused, a linear one said to be in contracts
  if (values['contract-value'] !== undefined) throw new UsageError('--contract-value does not convert the level changes of --depth full yet: leave it out (sizes stay in contracts, and the output says so)');
  const units = contractUnits(capture.book.meta.instrument ?? (values.inst as string | undefined), undefined);
  // a file's book ends where its trade record is missing are masked for fills on trades (as the top-5 run does)
  const masked = !streamed && fill !== 'midCross' ? (withTradelessEndsMasked(capture.book, capture.trades, data, (values.trades as string | undefined) ?? data).masked ?? []) : (capture.book.masked ?? []);
  const inferred = streamed ? streamed.inferredTick : inferTickSize(capture.book);
  const tickSize = numberOption('tick', values.tick as string | undefined, inferred, (v) => v > 0);
  const halfSpreadPx = numberOption('half-spread', values['half-spread'] as string | undefined, 5 * tickSize, (v) => v > 0);
  const orderSize = numberOption('size', values.size as string | undefined, 0.01, (v) => v > 0);
  const refreshMs = refreshOption(values.refresh as string | undefined);
  const maxPosition = numberOption('max-position', values['max-position'] as string | undefined, Infinity, (v) => v > 0);
  const strategy = createStrategy(options.strategyName, { gamma: options.gamma, horizonSec: options.horizonMs / 1000, qMax: options.qMax, halfSpreadPx });
  // σ, A, k as the top-5 run estimates them: rolling windows over the folded rows and the market orders paired
  // from the trades (the estimators read the touch; the replay reads every level)
  const calibrated = strategy.requires.length > 0;
  // (a catalog range's come a day at a time with its days, below)
  const marketOrders = !calibrated || streamed ? undefined : backtestExecutions(capture.book, capture.trades, 'queue', tickSize, { label: `trades of ${data}` }).marketOrders;
  const calibration = marketOrders && strategyCalibration(strategy, capture.book, marketOrders, options.windowMs, data);
  // the model the strategy quotes with, checked over the whole data (a catalog range's, from its counts, below)
  let modelMiss = marketOrders && arrivalModelWarning(strategy, marketOrders);
  const lotSize = numberOption('lot', values.lot as string | undefined, (streamed ? streamed.lotSize : capture.book.meta.lotSize) ?? 0, (v) => v >= 0);
  if (lotSize > 0 && !(Math.floor(orderSize / lotSize + 1e-9) * lotSize > 0)) throw new UsageError(`--size ${orderSize} is below the lot ${lotSize}${values.lot === undefined ? ' (the data\'s; give --lot to set it)' : ''}`);
  // the report's lines, from the decisions, decimated over the replay's span as they come
  const firstMs = streamed ? streamed.firstMs : Math.min(native.tsMs.length ? native.tsMs[0] : Infinity, capture.trades.tsMs.length ? capture.trades.tsMs[0] : Infinity);
  const lastMs = streamed ? streamed.lastMs : Math.max(native.tsMs.length ? native.tsMs[native.tsMs.length - 1] : -Infinity, capture.trades.tsMs.length ? capture.trades.tsMs[capture.trades.tsMs.length - 1] : -Infinity);
  const { DecisionFigureLines } = await import('../../plot/backtestFigures.js');
  const lines = new DecisionFigureLines(firstMs, Math.max(firstMs, lastMs));
  const session = depthReplaySession({
    onDecision: lines.onDecision,
    recordOrders: false, // counts only: no record per order over a long range
    strategy,
    orderSize,
    tickSize,
    feedLatencyMs,
    entryLatencyMs,
    ...(cancelLatencyMs !== undefined ? { cancelLatencyMs } : {}),
    fill,
    lotSize,
    makerFee: feeOption('maker-fee', values['maker-fee'] as string | undefined),
    takerFee: feeOption('taker-fee', values['taker-fee'] as string | undefined),
    orderLevels: options.quoting.orderLevels ?? 1,
    levelSpacingTicks: options.quoting.levelSpacingTicks ?? 1,
    refreshToleranceTicks: options.quoting.refreshToleranceTicks,
    ...(options.quoting.maxOrderAgeMs !== undefined ? { maxOrderAgeMs: options.quoting.maxOrderAgeMs } : {}),
    minSpreadPx: options.quoting.minSpreadPx,
    inventoryTarget: options.quoting.inventoryTarget,
    queueModel: options.queueModel,
    partialFills: values['no-partial-fills'] !== true,
    maxPosition,
    refreshMs,
    masked,
    ...(calibration ? { calibration } : {}),
  }, feed === 'recorded');
  let changes = native.tsMs.length;
  /** The last event replayed (the report's lines end there; a range cut short by Ctrl-C ends at its last day). */
  let endMs = streamed ? -Infinity : lastMs;
  let tradesReplayed = capture.trades.tsMs.length;
  /** Ctrl-C during a catalog range: the days replayed so far give the result (said to be partial, exit 130). */
  const interrupt = streamed ? new DayRangeInterrupt('the backtest', () => streamed.dates) : undefined;
  /** A catalog range's days as they were replayed (progress on stderr as they go, and in --json). */
  const perDay: Array<{ date: string; levelChanges: number; trades: number; fillsSoFar: number; inventory: number; pnl: number; wallSec: number; unpairedTradesSoFar: number | null }> = [];
  if (streamed) {
    // a day at a time: its level changes (time order checked within it; the session checks it across days) and trades
    changes = 0;
    tradesReplayed = 0;
    // σ, A, k a day of top-5 rows and trades at a time, fed with the day they reach past (see CalibrationFeed)
    const calibrationFeed = calibrated ? new CalibrationFeed(streamed.calibration(strategy, tickSize, options.windowMs)) : undefined;
    const unpairedWarning = new UnpairedTradesWarning();
    let mark = performance.now();
    for await (const day of interrupt!.days(streamed.days())) {
      const ts = day.events.tsMs;
      const tradeTs = day.trades.tsMs;
      const calibrationRows = await calibrationFeed?.rowsThrough(Math.max(ts.length ? ts[ts.length - 1] : -Infinity, tradeTs.length ? tradeTs[tradeTs.length - 1] : -Infinity));
      loadSec += (performance.now() - mark) / 1000; // reading the day (and the calibration's days)
      assertChangesInOrder(data, ts, day.date);
      assertTimeOrder(`${data} ${day.date}`, day.trades);
      const local = (day.events as { localTsMs?: Float64Array }).localTsMs ?? new Float64Array(0); // (none on a day of trades only)
      session.feed(day.events, day.trades, {
        ...(feed === 'recorded' ? { bookArrivalMs: Float64Array.from(local, (t) => t + clockOffsetMs) } : {}),
        ...(calibrationRows ? { calibration: calibrationRows } : {}),
      });
      changes += ts.length;
      tradesReplayed += tradeTs.length;
      if (ts.length) endMs = Math.max(endMs, ts[ts.length - 1]);
      if (tradeTs.length) endMs = Math.max(endMs, tradeTs[tradeTs.length - 1]);
      const state = session.state();
      const pairingSoFar = calibrationFeed?.pairingSoFar();
      const row = { date: day.date, levelChanges: ts.length, trades: tradeTs.length, fillsSoFar: state.fills, inventory: snapInventoryToLot(state.inventory, lotSize), pnl: state.pnl, wallSec: (performance.now() - loadStarted) / 1000, unpairedTradesSoFar: pairingSoFar?.unpaired ?? null };
      perDay.push(row);
      if (values.json !== true) process.stderr.write(`  ${row.date}: ${row.levelChanges} level changes, ${row.trades} trades; ${row.fillsSoFar} fills so far, inventory ${formatInventory(row.inventory, lotSize, orderSize)}, PnL ${row.pnl.toFixed(2)} (${row.wallSec.toFixed(1)} s)\n`);
      unpairedWarning.after(row.date, pairingSoFar);
      mark = performance.now();
    }
    // the calibration's checks (the pairing's errors): over the whole range, or over what was read when cut short
    modelMiss = await calibrationFeed?.finish(!interrupt!.cutShort);
    // the catalog's reads are over: DuckDB's memory goes before the report is built
    streamed.close();
  } else session.feed(native, capture.trades, bookArrivalMs ? { bookArrivalMs } : {});
  const r = session.finish();
  const notes = [
    ...(interrupt?.cutShort ? [interrupt.note()!] : []),
    ...(units.note ? [units.note] : []),
    ...capture.notes,
    ...(clockNote ? [`${clockNote}; our fills notified after the entry latency (${entryLatencyMs} ms)`] : []),
    ...(values['no-partial-fills'] ? ['no partial fills: an order fills whole when a trade passes the queue ahead of it (hftbacktest NoPartialFillExchange), so fills = orders filled'] : []),
    `full depth: ${changes} level changes (every depth the file holds) and ${tradesReplayed} trades replayed in integer ticks of ${tickSize}${values.tick === undefined ? ' (inferred from the book: give --tick to set it)' : ''}`,
    ...(calibrated ? [`σ, A, k: rolling ${options.windowMs / 1000} s windows over the capture's top-5 rows and market orders (as the top-5 run), the value in force at each decision less the feed latency`] : []),
    `latency: feed ${describeLatency(feed)}, entry ${describeLatency(entryLatencyMs)}, cancel ${describeLatency(cancelLatencyMs ?? entryLatencyMs)}`,
    ...(r.orderSize !== orderSize ? [`order size ${orderSize} rounded down to ${r.orderSize} (the lot)`] : []),
    ...((options.quoting.orderLevels ?? 1) > 1 ? [`a grid of ${options.quoting.orderLevels} orders a side, ${options.quoting.levelSpacingTicks ?? 1} tick(s) apart`] : []),
    ...(fill === 'tradeThrough' ? ['tradeThrough: a trade at or through our price fills us up to its size, whatever the queue (optimistic)'] : []),
    ...[remainderCrossWarning(r.remainderCrosses, r.remainderCrossQty)].filter((w): w is string => w !== undefined),
    ...(fill === 'midCross' ? ['midCross: the mid reaching our price fills us whole, trades ignored (the reference system\'s rule)'] : []),
    ...(modelMiss ? [`WARNING ${modelMiss}`] : []),
    ...(r.orderCount === 0
      ? [`WARNING no order was sent in ${r.decisions} decisions: the strategy waited for its σ, A, k (a --window longer than the data?) or every quote was refused (crossed, or past --max-position)`]
      : r.fills.tsMs.length === 0
        ? [`WARNING no fill: ${r.orderCount} orders rested and no trade or book move reached one (${fill} fills; quotes ${strategy.name} too far from the touch for this market, a size larger than the trades, or a market too short?)`]
        : []),
    ...(masked.length > 0
      ? [`masked: ${masked.length} interval(s) where the book is invalid (${masked.map((m) => m.reason).join('; ')}): orders pulled, ${r.maskedDecisions} decisions and ${r.maskedTrades} trades inside without quote or fill`]
      : []),
  ];
  const reportPath = (values.report as string | undefined) ?? `reports/backtest-depth-${options.strategyName}-${fill}.html`;
  const { writeBacktestReport } = await import('./backtestReport.js');
  lines.end(endMs, r.lastMidPx, r.inventory, r.cash);
  const pngs = await writeBacktestReport(
    lines.view(r.fills, { strategy: strategy.name, fill: fill === 'queue' ? `queue (${options.queueModel.name})` : fill }),
    reportPath,
    values.png as string | undefined,
    `backtest-depth-${options.strategyName}-${fill}`,
    `asmm backtest --depth full: ${strategy.name}, ${fill}`,
    { lotSize, orderSize: r.orderSize },
  );
  notes.push(`report: ${reportPath} (lines taken at the decisions that asked the strategy or saw our position move, and at the end)`, ...pngs.map((path) => `png: ${path}`));
  const summary = {
    data,
    depth: 'full',
    eventsAre: 'native level changes and trades, as the file holds them',
    nativeEvents: r.nativeEvents,
    replaySec: r.replaySec,
    loadSec,
    decisions: r.decisions,
    maskedDecisions: r.maskedDecisions,
    maskedTrades: r.maskedTrades,
    ...(interrupt?.cutShort ? { interrupted: true } : {}),
    ...(streamed ? { days: perDay } : {}),
    masked: masked.map((m) => ({ fromMs: m.fromMs, toMs: m.toMs, reason: m.reason })),
    fill,
    fillsByCause: Object.fromEntries(FILL_CAUSES.map((c, i) => [c, r.fills.cause.filter((x) => x === i).length]).filter(([, n]) => (n as number) > 0)),
    orders: r.orderCount,
    ordersFilled: r.ordersFilled,
    fills: r.fills.tsMs.length,
    partialFills: values['no-partial-fills'] !== true,
    finalInventory: snapInventoryToLot(r.inventory, lotSize),
    pnl: r.pnl,
    lastMidPx: r.lastMidPx,
    halfSpreadPx,
    orderSize: r.orderSize,
    fees: r.fees,
    feedLatencyMs: typeof feed === 'object' ? describeLatency(feed) : feed,
    entryLatencyMs: typeof entryLatencyMs === 'object' ? describeLatency(entryLatencyMs) : entryLatencyMs,
    ...(feed === 'recorded' ? { localClockOffsetMs: clockOffsetMs } : {}),
    ...(fill === 'queue' ? { queueModel: options.queueModel } : {}),
    /** The process's peak resident memory so far (MB), read after the replay and the report. */
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    report: reportPath,
    pngs,
    notes,
  };
  if (values.json) printJson(summary);
  else {
    const rows = Object.entries(summary).filter(([k]) => k !== 'notes' && k !== 'queueModel' && k !== 'report' && k !== 'pngs' && k !== 'days').map(([k, v]) => [k, k === 'finalInventory' ? formatInventory(r.inventory, lotSize, r.orderSize) : typeof v === 'object' && v !== null ? JSON.stringify(v) : typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v)]);
    process.stdout.write(`${formatTable(['metric', 'value'], rows)}\n${notes.join('\n')}\n`);
  }
  return interrupt?.cutShort ? INTERRUPTED_EXIT_CODE : 0;
}

/**
 * An OKX recording (asmm record's raw log, or cryptofeed's capture): the level changes of the instrument's most
 * detailed book channel as the recording received them (rebuilt with its sequence and checksum checks, only
 * while the book was trusted; its faults and breaks masked), its trades, and its top-5 rows for the estimators.
 */
async function loadRecordingNative(data: string, format: string, inst: string | undefined): Promise<{ events: DepthEvents; localTsMs?: Float64Array; book: BookTable; trades: TradeTable; notes: string[] }> {
  const { mergeMasks } = await import('../../data/masks.js');
  let instruments: ReadonlyMap<string, { book?: BookTable; trades?: TradeTable; native?: RecordedLevelChanges }>;
  let replayNotes: readonly string[];
  if (format === 'asmm-recorder-raw') {
    const replay = await (await import('../../formats/recorderRaw.js')).replayRecorderRaw(data, 5, { native: true });
    instruments = new Map([...replay.instruments].map(([id, t]) => [id, { ...t, native: replay.books.find((b) => b.book === t.book)?.native }]));
    replayNotes = replay.notes;
  } else {
    const cryptofeed = await import('../../formats/cryptofeedOkx.js');
    const replay = await cryptofeed.replayCryptofeedOkx(data, 5, { native: true });
    instruments = replay.instruments;
    replayNotes = cryptofeed.cryptofeedOkxNotes(replay);
  }
  const ids = [...instruments.keys()];
  const id = inst ?? (ids.length === 1 ? ids[0] : undefined);
  if (id === undefined) throw new UsageError(`${data} holds ${ids.join(', ')}: choose one with --inst`);
  const tables = instruments.get(id);
  if (!tables?.book) throw new UsageError(`${data} holds no book of ${id} (it holds ${ids.join(', ') || 'none'})`);
  const channel = String(tables.book.meta.extra?.channel ?? 'book');
  const native = tables.native;
  if (!native || native.tsMs.length === 0) throw new UsageError(`${data}: no level changes of ${id}`);
  if (!tables.trades || tables.trades.tsMs.length === 0) throw new UsageError(`${data} holds no trades of ${id}: record the trades channel too`);
  const { localTsMs, ...events } = native;
  const masked = mergeMasks(tables.book.masked ?? [], tables.trades.masked ?? []);
  return {
    events,
    localTsMs,
    book: { ...tables.book, masked },
    trades: tables.trades,
    notes: [`${data}: ${id} ${channel}: ${events.tsMs.length} level changes (rebuilt with the recording's sequence and checksum checks; each snapshot a clear), ${tables.trades.tsMs.length} trades`, ...replayNotes],
  };
}

/** The level changes, the top-5 rows they fold into (for the estimators) and the trades of a file `--depth full` reads. */
async function loadNative(data: string, format: string, tradesFile: string | undefined): Promise<{ events: DepthEvents; localTsMs?: Float64Array; book: BookTable; trades: TradeTable; notes: string[] }> {
  if (format === 'binance-hftbacktest-capture') {
    const capture = await replayBinanceCapture(data, 5, { native: true });
    return { events: capture.native!, localTsMs: capture.native!.localTsMs, book: capture.book, trades: capture.trades, notes: [] };
  }
  const { events, book, summary } = await readOkxBooksDepthEvents(data);
  if (book.tsMs.length === 0) throw new DataError(data, 0, '', 'no book rows');
  const trades = (await loadTables(tradesFile!)).tables.find((t): t is TradeTable => t.kind === 'trades' && (t.meta.instrument === undefined || t.meta.instrument === summary.instId));
  if (!trades || trades.tsMs.length === 0) throw new UsageError(`${tradesFile} holds no trades${summary.instId ? ` of ${summary.instId}` : ''}`);
  assertTimeOrder(tradesFile!, trades);
  return { events, book, trades, notes: summary.notes.map((n) => `${data}: ${n}`) };
}

/** A catalog range's streamed calibration: its days in turn, and the checks of what was read. */
interface StreamedCatalogCalibration {
  readonly days: AsyncGenerator<CalibrationDay, void, undefined>;
  /**
   * The pairing's checks over the days read (UnpairedTradesError...), as the in-memory calibration raises them;
   * then the model the strategy quotes with checked over those days' market orders, counted per reach depth
   * (`arrivalModelWarningFromCounts`): its WARNING text when the check fails.
   */
  finish(): string | undefined;
  /** The pairing's counts over the days read so far (for the progress lines' warning). */
  pairingSoFar(): PairingSoFar;
}

/** Level change times in order (`day`: a catalog day's, named in the message), else the DataError naming the first out of order. */
function assertChangesInOrder(data: string, tsMs: Float64Array, day?: string): void {
  for (let e = 1; e < tsMs.length; e++) {
    if (tsMs[e] < tsMs[e - 1]) throw new DataError(data, 0, 'ts_ms', `${day ? `${day}: ` : ''}level change ${e + 1} at ${tsMs[e]} ms comes before the one before it (${tsMs[e - 1]} ms): the level changes are not in time order`);
  }
}

/** The rows a streamed calibration gives for a day (see catalogDepthStream's calibration), and how far they reach. */
interface CalibrationDay {
  readonly rows: RollingCalibration;
  /** The time of the last top-5 row the calibration has read: every row stamped at or before it is given by now. */
  readonly throughMs: number;
}

/**
 * A streamed calibration's days handed to the replay as it needs them: `rowsThrough(t)` reads calibration days
 * until their rows reach t (every row stamped at or before t given: `StreamedRollingCalibration.feed` gives the
 * rows up to its last top-5 row, that one's time included), or the days end, and gives the rows not given yet,
 * the four columns the replay reads, joined. A day of level changes then comes with every row its decisions can see (none sees past
 * its last event), so the session holds a day or two of rows instead of the range's (DepthPieceOptions).
 */
class CalibrationFeed {
  private throughMs = -Infinity;
  private done = false;

  constructor(private readonly calibration: StreamedCatalogCalibration) {}

  /** The calibration's pairing so far (over the days read for the replay so far). */
  pairingSoFar(): PairingSoFar {
    return this.calibration.pairingSoFar();
  }

  /**
   * The checks of the calibration: over every day when `readRest` (the range replayed whole), else over the days
   * read so far. The WARNING text of the model check (see StreamedCatalogCalibration.finish), when it fails.
   */
  async finish(readRest: boolean): Promise<string | undefined> {
    if (readRest) await this.rowsThrough(Infinity);
    return this.calibration.finish();
  }

  async rowsThrough(lastEventMs: number): Promise<CalibrationRows | undefined> {
    const chunks: CalibrationRows[] = [];
    while (!this.done && !(this.throughMs >= lastEventMs)) {
      const next = await this.calibration.days.next();
      if (next.done) {
        this.done = true;
        break;
      }
      this.throughMs = next.value.throughMs;
      if (next.value.rows.tMs.length > 0) chunks.push(next.value.rows);
    }
    if (chunks.length === 0) return undefined;
    if (chunks.length === 1) return chunks[0];
    const join = (key: keyof CalibrationRows) => concatColumns(chunks.map((c) => c[key]));
    return { tMs: join('tMs'), sigmaPricePerSqrtSec: join('sigmaPricePerSqrtSec'), aPooledPerSec: join('aPooledPerSec'), kPooledPerPrice: join('kPooledPerPrice') };
  }
}

/**
 * `--catalog DIR --inst ID --depth full`, a day at a time: the range's masks (gaps, and where it starts inside a
 * day without a snapshot), the tick inferred over every day's top-5 rows, the lot, the span, σ, A, k (for a
 * strategy that reads them) in streamed rolling windows over the top-5 rows and the paired market orders, and
 * the days' level changes and trades. Memory: a day or two of the range (a day's top-5 rows and trades for the
 * calibration, a day's level changes and trades for the replay), whatever its length.
 */
async function catalogDepthStream(values: Record<string, string | boolean | undefined>) {
  const { openCatalog, catalogDepthDays } = await import('../../catalog/index.js');
  const { catalogRange } = await import('../catalogMarket.js');
  const { ReachDepthCounts, StreamedMarketOrders, StreamedRollingCalibration, windowSpanError } = await import('../../estimate/index.js');
  const catalog = await openCatalog(values.catalog as string);
  let closed = false;
  const close = () => {
    if (!closed) catalog.close();
    closed = true;
  };
  try {
    const range = catalogRange(catalog, values as { inst?: string; venue?: string; from?: string; to?: string });
    const source = await catalogDepthDays(catalog, range.venue, range.instrument, range.fromDate, range.toDate).catch((error: Error) => {
      throw new UsageError(error.message);
    });
    const bookDays = () => catalog.readBookTopDays(range.venue, range.instrument, range.fromDate, range.toDate);
    let inferredTick = Infinity;
    let lotSize: number | undefined;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    let topDays = 0;
    let depth = 0;
    /** Each book day's first and last row, for the days whose trades stop early (see below). */
    const spans = new Map<string, { firstMs: number; lastMs: number }>();
    for await (const day of bookDays()) {
      const n = day.tsMs.length;
      if (n === 0) continue;
      spans.set(day.date, { firstMs: day.tsMs[0], lastMs: day.tsMs[n - 1] });
      topDays++;
      depth ||= day.depth;
      inferredTick = Math.min(inferredTick, inferTickSize(day));
      lotSize ??= day.meta.lotSize;
      firstMs = Math.min(firstMs, day.tsMs[0]);
      lastMs = Math.max(lastMs, day.tsMs[n - 1]);
    }
    if (topDays === 0) throw new UsageError(`${values.catalog as string}: no book_top of ${range.instrument} beside its book_deltas (import the source again)`);
    const emptyBook = emptyBookTable(depth, { instrument: range.instrument });
    // for fills on trades, a day's book is masked where its trades stop before its end or start after its
    // beginning (the trade record is missing there: OKX's trades files run on UTC+8 days, its books on UTC days)
    const tradeless: MaskedInterval[] = [];
    const tradelessNotes: string[] = [];
    if ((values.fill ?? 'queue') !== 'midCross') {
      for await (const t of catalog.readTradesDays(range.venue, range.instrument, range.fromDate, range.toDate)) {
        const span = spans.get(t.date);
        if (!span) continue;
        for (const e of tradelessSpanEnds(span.firstMs, span.lastMs, mergeMasks(source.masked, t.masked), t.tsMs)) {
          tradeless.push(e);
          tradelessNotes.push(`WARNING ${t.date}: ${e.reason} of that day (${new Date(e.fromMs).toISOString()} .. ${new Date(e.toMs).toISOString()}): masked, no quote and no fill there (OKX's trades files run on UTC+8 days, its books files on UTC days: import the trades file of the next date)`);
        }
      }
    }
    const capture = {
      events: { tsMs: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), qty: new Float64Array(0) } as DepthEvents,
      book: { ...emptyBookTable(0, { instrument: range.instrument }), masked: mergeMasks(source.masked, tradeless) },
      trades: emptyTradeTable({ instrument: range.instrument }),
      localTsMs: undefined as Float64Array | undefined,
      notes: [`catalog ${values.catalog as string}: ${range.venue}/${range.instrument} ${source.dates.join(', ')}: read a day at a time, ${source.masked.length} masked interval(s) from its gaps and where the range starts without a snapshot`, ...tradelessNotes],
    };
    /** The calibration's days (see `calibration`): each date with top-5 rows or trades, its rows and how far they reach. */
    async function* calibrationDays(pairing: InstanceType<typeof StreamedMarketOrders>, rolling: InstanceType<typeof StreamedRollingCalibration>, reach: InstanceType<typeof ReachDepthCounts>): AsyncGenerator<CalibrationDay, void, undefined> {
      // every date with top-5 rows or trades, in order: a day of trades only pairs them with the last row before
      // (an empty chunk of book), as the joined range does
      const days = (table: 'book_top' | 'trades') => catalog.days(range.venue, range.instrument, table, range.fromDate, range.toDate).map((d) => d.date);
      const topDates = new Set(days('book_top'));
      let topLeft = topDates.size;
      let lastRowMs = -Infinity;
      for (const date of [...new Set([...topDates, ...days('trades')])].sort()) {
        let top: BookTable | undefined;
        if (topDates.has(date)) for await (const t of catalog.readBookTopDays(range.venue, range.instrument, date, date)) top = t;
        if (top) topLeft--;
        const n = top?.tsMs.length ?? 0;
        // the range's masks, each to the day whose rows reach it: after the last row before, up to this day's
        // last (the last day of rows takes the rest), so that a mask between two days' rows is not lost
        const masked = n ? source.masked.filter((m) => m.toMs > lastRowMs && (topLeft === 0 || m.fromMs <= top!.tsMs[n - 1])) : [];
        const book: BookTable = top ? { ...top, masked } : { ...emptyBook, masked: [] };
        let trades: TradeTable | undefined;
        for await (const t of catalog.readTradesDays(range.venue, range.instrument, date, date)) trades = t;
        trades ??= { ...capture.trades };
        if (n) lastRowMs = top!.tsMs[n - 1];
        // the bound of the pairing's progress counts (see StreamedMarketOrders.feed): the day's end (no row of a
        // later date comes before it), or the first mask still to be given to a later day, if sooner (its trades
        // are masked, not stale)
        const later = topLeft === 0 ? [] : source.masked.filter((m) => m.fromMs > lastRowMs).map((m) => m.fromMs);
        const throughMs = Math.min(utcDayEndMs(date), ...later);
        const orders = pairing.feed(book, trades, throughMs);
        reach.count(orders);
        const rows = rolling.feed(book, orders, pairing.excludedSoFar());
        yield { rows, throughMs: lastRowMs };
      }
    }
    return {
      capture,
      close,
      /** Each day's level changes in turn (for a pass before the replay: the catalog stays open). */
      async eachDeltaDay(visit: (day: BookDeltaDay) => void): Promise<void> {
        for await (const d of catalog.readBookDeltasDays(range.venue, range.instrument, range.fromDate, range.toDate)) visit(d);
      },
      /** The range's dates with level changes or trades. */
      dates: source.dates,
      inferredTick,
      lotSize,
      firstMs,
      lastMs,
      /** Whether the range's level changes carry order counts (its first day's, read for it). */
      async withOrderCounts(): Promise<boolean> {
        let counts = true;
        for await (const d of catalog.readBookDeltasDays(range.venue, range.instrument, source.deltaDates[0], source.deltaDates[0])) counts = d.orders !== undefined;
        return counts;
      },
      /**
       * σ, A, k over the range, a day of top-5 rows and trades at a time (`days`: each date's rows in turn), and
       * the checks of what was read (`finish`: the pairing's errors, as the in-memory calibration raises them).
       * A range shorter than one window is refused here, before anything is read.
       */
      calibration(strategy: Pick<Strategy, 'name' | 'requires'>, tickSize: number, windowMs: number): StreamedCatalogCalibration {
        const label = `catalog ${values.catalog as string}`;
        const short = windowSpanError(firstMs, lastMs, windowMs / 1000);
        if (short) throw windowUsageError(short, strategy, label);
        const pairing = new StreamedMarketOrders(tickSize);
        const rolling = new StreamedRollingCalibration({ windowSec: windowMs / 1000, stepSec: 1 }, tickSize, true);
        const reach = new ReachDepthCounts(tickSize);
        return {
          days: calibrationDays(pairing, rolling, reach),
          pairingSoFar: () => pairing.soFar(),
          finish() {
            let last;
            try {
              rolling.finish();
              last = pairing.finish();
            } catch (error) {
              throw windowUsageError(error, strategy, label);
            }
            reach.count(last.orders);
            return arrivalModelWarningFromCounts(strategy, reach, last.pairing.observedMs);
          },
        };
      },
      /** Each day's level changes and trades (the command closes the catalog when it is done, the calibration's reads included). */
      days: () => source.days(),
    };
  } catch (error) {
    close();
    throw error;
  }
}
