import type { BacktestResult, BacktestSeries } from '../backtest/types.js';
import type { SeedCompatBlock, SeedCompatResult, SeedCompatSink } from '../backtest/seedCompat.js';
import { decimatedXY, M4Decimator, TimeM4Decimator } from './decimate.js';
import type { PlotlyFigure } from './figure.js';

/**
 * Points per line trace in the backtest figures: a longer series is decimated (`decimatedXY`, M4: each of
 * maxPoints / 4 runs keeps its first, last, lowest and highest point), which draws the same pixels as the full
 * series on a chart up to 1,500 px wide and keeps every spike, at a fraction of the report's size.
 */
const MAX_POINTS = 6_000;

/**
 * What the backtest figures read of a run: its series, its fills' times, sides and prices, and its labels.
 * A `BacktestResult` is one; `seedCompatView` makes a seed-compatible run one.
 */
export interface BacktestView {
  /** The run's series, or its plotted lines decimated already (a run streamed into `SeedCompatFigureRows`). */
  readonly series: BacktestSeries | DecimatedLines;
  readonly fills: { readonly tsMs: ArrayLike<number>; readonly side: ArrayLike<number>; readonly px: ArrayLike<number> };
  readonly config: { readonly strategy: string; readonly fill: string };
}

/** The lines the backtest figures draw. */
export type PlottedLine = 'midPx' | 'reservationPx' | 'bidPx' | 'askPx' | 'inventory' | 'equity';
const PLOTTED_LINES: readonly PlottedLine[] = ['midPx', 'reservationPx', 'bidPx', 'askPx', 'inventory', 'equity'];

/** Each plotted line as `decimatedXY` gives it for MAX_POINTS points. */
export interface DecimatedLines {
  readonly decimated: Readonly<Record<PlottedLine, { readonly x: Array<number | null>; readonly y: Array<number | null> }>>;
}

/** A line of the view: decimated now, or as it came. */
function lineXY(series: BacktestSeries | DecimatedLines, key: PlottedLine, maxPoints: number): { x: Array<number | null>; y: Array<number | null> } {
  if ('decimated' in series) {
    if (maxPoints !== MAX_POINTS) throw new Error(`the lines were decimated to ${MAX_POINTS} points, not ${maxPoints}`);
    return series.decimated[key];
  }
  return decimatedXY(series.tMs, series[key], maxPoints);
}

/**
 * The sink of a seed-compatible run (`runSeedCompatRows`) that keeps only the plotted lines, decimated as they
 * come (`M4Decimator`, the same points as `seedCompatView` of the stored run): the report of a long file
 * without its per-row columns. `view` after the run.
 */
export class SeedCompatFigureRows implements SeedCompatSink {
  private lines: Record<PlottedLine, M4Decimator> | undefined;

  start(tradedRows: number): void {
    this.lines = Object.fromEntries(PLOTTED_LINES.map((key) => [key, new M4Decimator(tradedRows, MAX_POINTS)])) as Record<PlottedLine, M4Decimator>;
  }

  rows(b: SeedCompatBlock): void {
    const lines = this.lines!;
    lines.midPx.pushAll(b.tsMs, b.midPx, 0, b.count);
    lines.reservationPx.pushAll(b.tsMs, b.reservationPx, 0, b.count);
    lines.bidPx.pushAll(b.tsMs, b.bidPx, 0, b.count);
    lines.askPx.pushAll(b.tsMs, b.askPx, 0, b.count);
    lines.inventory.pushAll(b.tsMs, b.inventory, 0, b.count);
    lines.equity.pushAll(b.tsMs, b.pnl, 0, b.count);
  }

  view(fills: SeedCompatResult['fills']): BacktestView {
    const lines = this.lines!;
    const decimated = Object.fromEntries(PLOTTED_LINES.map((key) => [key, lines[key].result()])) as DecimatedLines['decimated'];
    return { series: { decimated }, fills, config: SEED_COMPAT_CONFIG };
  }
}

/**
 * The plotted lines of a full-depth replay, from its decisions (`replayDepth`'s `onDecision`, which `onDecision`
 * here is), decimated over time as they come (TimeM4Decimator over [fromMs, toMs], the replay's span): the
 * report of a replay that stores no per-decision columns. Equity is cash + inventory × the mid the decision saw.
 * `view` after the run.
 */
export class DecisionFigureLines {
  private readonly lines: Record<PlottedLine, TimeM4Decimator>;
  /** The last quotes told (the lines' values at `end`). */
  private readonly last = { reservationPx: NaN, bidPx: NaN, askPx: NaN, tMs: -Infinity };

  constructor(fromMs: number, toMs: number) {
    this.lines = Object.fromEntries(PLOTTED_LINES.map((key) => [key, new TimeM4Decimator(fromMs, toMs, MAX_POINTS)])) as Record<PlottedLine, TimeM4Decimator>;
  }

  readonly onDecision = (tMs: number, midPx: number, reservationPx: number, bidPx: number, askPx: number, inventory: number, cash: number): void => {
    const lines = this.lines;
    const last = this.last;
    last.reservationPx = reservationPx;
    last.bidPx = bidPx;
    last.askPx = askPx;
    last.tMs = tMs;
    lines.midPx.push(tMs, midPx);
    lines.reservationPx.push(tMs, reservationPx);
    lines.bidPx.push(tMs, bidPx);
    lines.askPx.push(tMs, askPx);
    lines.inventory.push(tMs, inventory);
    lines.equity.push(tMs, cash + inventory * midPx);
  };

  /**
   * The state at the end of the replay (its last event, ms): the book's mid, our inventory and cash, with the
   * quotes of the last decision, so that the lines reach the end (the last decision may come well before it).
   */
  end(tMs: number, midPx: number, inventory: number, cash: number): void {
    const last = this.last;
    if (!(tMs >= last.tMs)) return;
    this.onDecision(tMs, midPx, last.reservationPx, last.bidPx, last.askPx, inventory, cash);
  }

  view(fills: BacktestView['fills'], config: BacktestView['config']): BacktestView {
    const decimated = Object.fromEntries(PLOTTED_LINES.map((key) => [key, this.lines[key].result()])) as DecimatedLines['decimated'];
    return { series: { decimated }, fills, config };
  }
}

const SEED_COMPAT_CONFIG = { strategy: 'reference market maker (seed-compatible)', fill: 'midCross' };

/** A seed-compatible run as the backtest figures read it (its PnL as equity, mid-cross fills). */
export function seedCompatView(seed: SeedCompatResult): BacktestView {
  return {
    series: { tMs: seed.tsMs, midPx: seed.midPx, reservationPx: seed.reservationPx, bidPx: seed.bidPx, askPx: seed.askPx, inventory: seed.inventory, cash: seed.cash, equity: seed.pnl },
    fills: seed.fills,
    config: SEED_COMPAT_CONFIG,
  };
}

/** Mid, reservation price, our bid and ask (step lines) and our fills (▲ bought, ▼ sold) over time. */
export function backtestQuotesFigure(result: BacktestView, title = 'Quotes and fills', maxPoints = MAX_POINTS): PlotlyFigure {
  const line = (name: string, key: PlottedLine, color: string, dash = 'solid') => ({ type: 'scatter', mode: 'lines', name, ...lineXY(result.series, key, maxPoints), line: { color, width: 1, dash, shape: 'hv' } });
  const fills = result.fills;
  const marker = (side: number, name: string, symbol: string, color: string) => {
    const { x, y, total, spans } = fillMarkers(fills, side, MARKERS_PER_POINT * maxPoints);
    const shown = x.length < total ? ` (${x.length} of ${total}: the highest and lowest of each of ${spans} time spans)` : '';
    return { type: 'scatter', mode: 'markers', name: `${name}${shown}`, x, y, marker: { symbol, color, size: 7 } };
  };
  return {
    data: [
      line('mid', 'midPx', '#1f77b4'),
      line('reservation', 'reservationPx', '#9467bd', 'dot'),
      line('our bid', 'bidPx', '#2ca02c'),
      line('our ask', 'askPx', '#d62728'),
      marker(1, 'bought', 'triangle-up', '#2ca02c'),
      marker(-1, 'sold', 'triangle-down', '#d62728'),
    ],
    layout: { title: { text: `${title}: ${result.config.strategy}, ${result.config.fill} fills` }, xaxis: { type: 'date', title: { text: 'time (UTC)' } }, yaxis: { title: { text: 'price (quote currency)' } }, height: 420, margin: { t: 50, r: 20 } },
  };
}

/** Fill markers per side at most, as a multiple of a line's points (markers cost plotly more than line points). */
const MARKERS_PER_POINT = 5;

/**
 * The fills of one side as markers: all of them up to `maxMarkers`; beyond, per each of maxMarkers / 2 equal
 * spans of time, the highest- and lowest-priced fill (a marker per fill of a month's run would make a page
 * plotly cannot draw; the kept ones cover the same pixels of the price range at each column of a wide chart).
 * `total` says how many there were and `spans` in how many spans they were thinned (the legend says both).
 */
export function fillMarkers(fills: BacktestView['fills'], side: number, maxMarkers: number): { x: number[]; y: number[]; total: number; spans: number } {
  const x: number[] = [];
  const y: number[] = [];
  let total = 0;
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < fills.tsMs.length; i++) {
    if (fills.side[i] !== side) continue;
    total++;
    from = Math.min(from, fills.tsMs[i]);
    to = Math.max(to, fills.tsMs[i]);
  }
  const spans = Math.max(1, Math.floor(maxMarkers / 2));
  if (total <= maxMarkers) {
    for (let i = 0; i < fills.tsMs.length; i++) {
      if (fills.side[i] !== side) continue;
      x.push(fills.tsMs[i]);
      y.push(fills.px[i]);
    }
    return { x, y, total, spans: 0 };
  }
  const lo = new Int32Array(spans).fill(-1);
  const hi = new Int32Array(spans).fill(-1);
  const perMs = to > from ? spans / (to - from) : 0;
  for (let i = 0; i < fills.tsMs.length; i++) {
    if (fills.side[i] !== side) continue;
    const b = Math.min(spans - 1, Math.floor((fills.tsMs[i] - from) * perMs));
    if (lo[b] < 0 || fills.px[i] < fills.px[lo[b]]) lo[b] = i;
    if (hi[b] < 0 || fills.px[i] > fills.px[hi[b]]) hi[b] = i;
  }
  for (let b = 0; b < spans; b++) {
    if (lo[b] < 0) continue;
    // in time order, once when one fill is both
    for (const i of lo[b] === hi[b] ? [lo[b]] : lo[b] < hi[b] ? [lo[b], hi[b]] : [hi[b], lo[b]]) {
      x.push(fills.tsMs[i]);
      y.push(fills.px[i]);
    }
  }
  return { x, y, total, spans };
}

/** One series of the backtest over time (inventory, cash or equity), its values through `display` when given. */
function seriesFigure(result: BacktestView, key: 'inventory' | 'equity', title: string, yTitle: string, maxPoints: number, display?: (v: number) => number): PlotlyFigure {
  const { x, y } = lineXY(result.series, key, maxPoints);
  return {
    data: [{ type: 'scatter', mode: 'lines', name: key, x, y: display ? y.map((v) => (v === null ? null : display(v))) : y, line: { width: 1, shape: 'hv' } }],
    layout: { title: { text: title }, xaxis: { type: 'date', title: { text: 'time (UTC)' } }, yaxis: { title: { text: yTitle } }, height: 300, margin: { t: 50, r: 20 } },
  };
}

/**
 * Inventory over time. `roundInventory` (e.g. `(q) => roundInventory(q, lot, size)` of backtest/inventoryDisplay)
 * is applied to the plotted values, so that a sum of fills that is 0 reads 0 and not 1e-17 in the hover text.
 */
export function backtestInventoryFigure(result: BacktestView, maxPoints = MAX_POINTS, roundInventory?: (q: number) => number): PlotlyFigure {
  return seriesFigure(result, 'inventory', 'Inventory', 'inventory (base units)', maxPoints, roundInventory);
}

export function backtestEquityFigure(result: BacktestView, maxPoints = MAX_POINTS): PlotlyFigure {
  return seriesFigure(result, 'equity', 'Equity marked to mid (cash + inventory × mid)', 'equity (quote currency)', maxPoints);
}

/** The three figures of a backtest report (`roundInventory`: see `backtestInventoryFigure`). */
export function backtestFigures(result: BacktestView, options: { readonly roundInventory?: (q: number) => number } = {}): PlotlyFigure[] {
  return [backtestQuotesFigure(result), backtestInventoryFigure(result, MAX_POINTS, options.roundInventory), backtestEquityFigure(result)];
}

/**
 * The reference system's market maker (a seed-compatible run) beside an asmm backtest on the same market:
 * top, the reference's quotes around the mid with its fills; bottom, the PnL of both from their start (the
 * reference's initial cash and inventory marked at its first traded row's mid; asmm starts flat).
 */
export function seedCompatComparisonFigure(seed: SeedCompatResult, asmm: BacktestResult, maxPoints = MAX_POINTS): PlotlyFigure {
  const line = (name: string, y: ArrayLike<number>, color: string, dash = 'solid') => ({ type: 'scatter', mode: 'lines', name, ...decimatedXY(seed.tsMs, y, maxPoints), line: { color, width: 1, dash, shape: 'hv' } });
  const f = seed.fills;
  const marker = (side: number, name: string, symbol: string, color: string) => {
    const idx = f.tsMs.map((_, i) => i).filter((i) => f.side[i] === side);
    return { type: 'scatter', mode: 'markers', name, x: idx.map((i) => f.tsMs[i]), y: idx.map((i) => f.px[i]), marker: { symbol, color, size: 7 } };
  };
  // PnL from the start: against the initial cash and inventory marked at the first traded row's mid
  const start = seed.midPx.length > 0 ? seed.initialCash + seed.initialInventory * seed.midPx[0] : 0;
  const seedPnl = seed.pnl.map((v) => v - start);
  const s = asmm.series;
  const equity0 = s.equity.length > 0 ? s.equity[0] : 0;
  return {
    data: [
      line('mid', seed.midPx, '#1f77b4'),
      line('reference bid', seed.bidPx, '#2ca02c'),
      line('reference ask', seed.askPx, '#d62728'),
      marker(1, 'reference bought', 'triangle-up', '#2ca02c'),
      marker(-1, 'reference sold', 'triangle-down', '#d62728'),
      { ...line('reference PnL', seedPnl, '#7f7f7f'), yaxis: 'y2' },
      { type: 'scatter', mode: 'lines', name: `asmm PnL (${asmm.config.fill})`, ...decimatedXY(s.tMs, s.equity.map((v) => v - equity0), maxPoints), yaxis: 'y2', line: { color: '#ff7f0e', width: 1, shape: 'hv' } },
    ],
    layout: {
      title: { text: `The reference market maker (seed-compatible) and ${asmm.config.strategy}` },
      xaxis: { type: 'date', title: { text: 'time (UTC)' }, anchor: 'y2' },
      yaxis: { title: { text: 'price (quote currency)' }, domain: [0.42, 1] },
      yaxis2: { title: { text: 'PnL (quote currency)' }, domain: [0, 0.33] },
      height: 620,
      margin: { t: 50, r: 20 },
    },
  };
}
