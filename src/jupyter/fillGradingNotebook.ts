import { replayDepth } from '../backtest/depthReplay.js';
import { backtestExecutions } from '../backtest/executions.js';
import { runBacktest } from '../backtest/engine.js';
import { localClockCheck } from '../backtest/latency.js';
import { FILL_CAUSES } from '../backtest/types.js';
import { replayBinanceCapture } from '../formats/binanceCapture.js';
import { compareOrderFills, type OrderFillComparison } from '../grading/engineComparison.js';
import { queueModelText, type QueueModelSpec } from '../backtest/queueModels.js';
import { symmetricStrategy } from '../backtest/strategy.js';
import type { GradeOverSeeds } from '../grading/fillModels.js';
import type { PlotlyFigure } from '../plot/figure.js';
import type { NotebookMarket } from './notebookData.js';

/**
 * Notebook 08's figure: per fill model, its fill-rate bias against the truth, and its early and missed fills
 * per true fill (bars: means over the seeds; whiskers: 95 % intervals of the means), in percent.
 */
export function fillGradingFigure(rows: readonly GradeOverSeeds[], title = 'Fill models against the true queue'): PlotlyFigure {
  const labels = rows.map((r) => r.label);
  const bar = (name: string, pick: (r: GradeOverSeeds) => readonly [number, number, number], color: string) => ({
    type: 'bar',
    name,
    x: labels,
    y: rows.map((r) => 100 * pick(r)[0]),
    error_y: { type: 'data', symmetric: false, array: rows.map((r) => 100 * (pick(r)[2] - pick(r)[0])), arrayminus: rows.map((r) => 100 * (pick(r)[0] - pick(r)[1])) },
    marker: { color },
  });
  return {
    data: [bar('fill-rate bias', (r) => r.fillRateBias, '#1f77b4'), bar('early fills per true fill', (r) => r.earlyPerTrueFill, '#d62728'), bar('missed fills per true fill', (r) => r.missedPerTrueFill, '#2ca02c')],
    layout: { title: { text: title }, barmode: 'group', yaxis: { title: { text: '% (mean over seeds, 95 % interval)' } }, height: 420, margin: { t: 50, r: 20, b: 90 } },
  };
}

/** The queue models notebook 08 runs on the user's data: the two bounds and the default between them. */
export const BOUNDING_QUEUE_MODELS: readonly QueueModelSpec[] = [{ name: 'riskAverse' }, { name: 'power', n: 2 }, { name: 'optimistic' }];

/**
 * On data without a known queue (the sample market, or the user's files): the fills of the symmetric quotes
 * one tick from the mid under each bounding queue model (`BOUNDING_QUEUE_MODELS`), orders of a hundredth of
 * the lot (or of 0.001). The true count lies between the riskAverse and optimistic ones, as on the graded
 * markets; how far apart they are says how much the queue assumption matters on this data.
 */
export function queueBoundsOn(market: NotebookMarket): Array<{ model: string; fills: number; bidFills: number; askFills: number; events: number }> {
  const tick = market.tickSize;
  const executions = backtestExecutions(market.book, market.trades, 'queue', tick, { label: market.description });
  return BOUNDING_QUEUE_MODELS.map((queueModel) => {
    const r = runBacktest(market.book, executions.trades, {
      strategy: symmetricStrategy(tick),
      fill: 'queue',
      queueModel,
      orderSize: (market.lotSize ?? 0.1) / 100,
      tickSize: tick,
      lotSize: 0,
      refreshMs: 0,
      refreshToleranceTicks: 1,
      recordSeries: false,
    });
    const bidFills = Array.from(r.fills.side).filter((s) => s > 0).length;
    return { model: queueModelText(queueModel), fills: r.fills.side.length, bidFills, askFills: r.fills.side.length - bidFills, events: r.events };
  });
}

/** One replay of the capture comparison (`captureEngineComparison`). */
export interface CaptureReplayRow {
  readonly replay: string;
  /** Fill records (a partial fill is one), and orders with at least one fill. */
  readonly fills: number;
  readonly ordersFilled: number;
  readonly bidFills: number;
  readonly askFills: number;
  readonly finalInventory: number;
  readonly pnl: number;
}

/** What notebook 08 shows of the top-5 and full-depth replays of one hftbacktest Binance capture. */
export interface CaptureEngineComparison {
  readonly levelChanges: number;
  readonly trades: number;
  readonly topRows: number;
  /** The top-5 replay (A) against the full-depth replay (B), order by order, with the same settings. */
  readonly topVsDepth: OrderFillComparison;
  /** The top-5 replay's fills by cause (FILL_CAUSES names). */
  readonly topCauses: Readonly<Record<string, number>>;
  /** The two replays, then the full depth with one setting changed at a time. */
  readonly rows: readonly CaptureReplayRow[];
  /** The capture's local clock against the exchange's (local − exchange, ms) and the shift `auto` applies. */
  readonly clock: { readonly medianMs: number; readonly autoOffsetMs: number; readonly behindShare: number };
}

/**
 * The settings of issue 16's side-by-side run against hftbacktest 1.8.4 on the shared Binance capture: quotes one
 * tick (0.01) either side of the mid, orders of 0.01 BTC, 10 ms feed and entry latencies, power-2 queue, no fees.
 */
export const HFTBACKTEST_COMPARISON = { halfSpreadPx: 0.01, tickSize: 0.01, orderSize: 0.01, latencyMs: 10 } as const;

/**
 * The shared Binance capture replayed by the top-5 replay (its folded rows) and the full-depth replay (its level
 * changes) with the same quotes and settings (`HFTBACKTEST_COMPARISON`), compared order by order; then the full
 * depth with one setting changed at a time: the feed as recorded (local stamps shifted by the clock check's
 * automatic offset), whole-order fills (hftbacktest's NoPartialFillExchange, which issue 16's hftbacktest run
 * used), and the two bounding queue models.
 */
export async function captureEngineComparison(path: string): Promise<CaptureEngineComparison> {
  const capture = await replayBinanceCapture(path, 5, { native: true });
  const native = capture.native!;
  const events = { tsMs: native.tsMs, side: native.side, px: native.px, qty: native.qty };
  const c = HFTBACKTEST_COMPARISON;
  const base = { strategy: symmetricStrategy(c.halfSpreadPx), orderSize: c.orderSize, tickSize: c.tickSize, feedLatencyMs: c.latencyMs, entryLatencyMs: c.latencyMs, queueModel: { name: 'power', n: 2 } as QueueModelSpec };
  const masked = capture.book.masked ?? [];
  const depth = replayDepth(events, capture.trades, { ...base, masked });
  const top = runBacktest(capture.book, capture.trades, { ...base, fill: 'queue', lotSize: 0, refreshMs: 0, recordSeries: false, recordOrders: true });
  const o = top.orders!;
  const topVsDepth = compareOrderFills({ side: o.side, pxTicks: Array.from(o.px, (p) => Math.round(p / c.tickSize)), activeMs: o.activeMs, firstFillMs: o.firstFillMs }, depth.orders);
  const topCauses: Record<string, number> = {};
  for (const k of top.fills.cause) topCauses[FILL_CAUSES[k]] = (topCauses[FILL_CAUSES[k]] ?? 0) + 1;
  const clock = localClockCheck(native.tsMs, native.localTsMs);
  const row = (replay: string, r: { fills: { side: ArrayLike<number> }; orders: { firstFillMs: ArrayLike<number> }; inventory: number; pnl: number }): CaptureReplayRow => {
    const bids = Array.from(r.fills.side).filter((s) => s > 0).length;
    const ordersFilled = Array.from(r.orders.firstFillMs).filter((t) => t === t).length;
    return { replay, fills: r.fills.side.length, ordersFilled, bidFills: bids, askFills: r.fills.side.length - bids, finalInventory: r.inventory, pnl: r.pnl };
  };
  const topPnl = topPnlOf(top);
  const rows: CaptureReplayRow[] = [
    row('top 5 (folded rows), 10 ms feed', { fills: top.fills, orders: o, inventory: top.finalInventory, pnl: topPnl }),
    row('full depth, 10 ms feed', depth),
    row(`full depth, feed as recorded (local clock shifted ${clock.autoOffsetMs.toFixed(0)} ms)`, replayDepth(events, capture.trades, { ...base, masked, bookArrivalMs: Float64Array.from(native.localTsMs, (t) => t + clock.autoOffsetMs) })),
    row('full depth, no partial fills (hftbacktest NoPartialFillExchange)', replayDepth(events, capture.trades, { ...base, masked, partialFills: false })),
    row('full depth, queue riskAverse', replayDepth(events, capture.trades, { ...base, masked, queueModel: { name: 'riskAverse' } })),
    row('full depth, queue optimistic', replayDepth(events, capture.trades, { ...base, masked, queueModel: { name: 'optimistic' } })),
  ];
  return {
    levelChanges: native.tsMs.length,
    trades: capture.trades.tsMs.length,
    topRows: capture.book.tsMs.length,
    topVsDepth,
    topCauses,
    rows,
    clock: { medianMs: clock.medianMs, autoOffsetMs: clock.autoOffsetMs, behindShare: clock.rows ? clock.behind / clock.rows : NaN },
  };
}

/** A top-N run's PnL marked at its last mid (cash + inventory × mid), as the full-depth replay reports it. */
function topPnlOf(r: ReturnType<typeof runBacktest>): number {
  return r.finalCash + r.finalInventory * r.finalMidPx;
}

/** hftbacktest 1.8.4 on the shared Binance capture as issue 16 measured it (not re-run: hftbacktest is not installable here). */
export const HFTBACKTEST_1_8_4_ON_SHARED_CAPTURE = { fills: 254, finalPosition: -0.02, pnl: -28.07 } as const;
