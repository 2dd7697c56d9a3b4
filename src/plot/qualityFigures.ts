import type { DepthProfile, RateSeries, SpreadHistogram, TimeGap } from '../data/quality.js';
import { toPlain, type PlotlyFigure } from './figure.js';

const GAP_FILL = 'rgba(214, 39, 40, 0.18)';

/** Shaded rectangles over the whole height of a date axis, one per gap. */
function gapShapes(gaps: readonly TimeGap[]): Array<Record<string, unknown>> {
  return gaps.map((g) => ({ type: 'rect', xref: 'x', yref: 'paper', x0: g.fromMs, x1: Math.max(g.toMs, g.fromMs + 1), y0: 0, y1: 1, fillcolor: GAP_FILL, line: { width: 0 } }));
}

/**
 * Rate over time (events per second per bin) of one or more series, with gaps shaded red. x: UTC date axis.
 */
export function rateFigure(title: string, series: ReadonlyArray<{ name: string; rate: RateSeries }>, gaps: readonly TimeGap[] = []): PlotlyFigure {
  return {
    data: series.map(({ name, rate }) => ({ type: 'scatter', mode: 'lines', name, x: toPlain(rate.binStartMs), y: toPlain(rate.perSec), line: { width: 1, shape: 'hv' } })),
    layout: {
      title: { text: title },
      xaxis: { type: 'date', title: { text: 'time (UTC)' } },
      yaxis: { title: { text: `per second (${series[0]?.rate.binMs ?? 0} ms bins)` }, rangemode: 'tozero' },
      shapes: gapShapes(gaps),
      height: 320,
      margin: { t: 50, r: 20 },
    },
  };
}

/**
 * Gaps as a timeline: one row per stream (inst and channel), a red bar from each gap's start to its end,
 * hover text with its length and reason.
 */
export function gapTimelineFigure(gaps: ReadonlyArray<TimeGap & { stream: string }>, spanMs: readonly [number, number]): PlotlyFigure {
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        name: 'gap',
        base: gaps.map((g) => g.fromMs),
        x: gaps.map((g) => Math.max(g.toMs - g.fromMs, 1)),
        y: gaps.map((g) => g.stream),
        hovertext: gaps.map((g) => `${g.toMs - g.fromMs} ms: ${g.label}`),
        hoverinfo: 'text+y',
        textposition: 'none',
        marker: { color: '#d62728' },
      },
    ],
    layout: {
      title: { text: gaps.length === 0 ? 'Gaps: none' : `Gaps: ${gaps.length}` },
      xaxis: { type: 'date', range: [spanMs[0], spanMs[1]], title: { text: 'time (UTC)' } },
      yaxis: { automargin: true },
      height: 140 + 30 * new Set(gaps.map((g) => g.stream)).size,
      margin: { t: 50, r: 20 },
      ...(gaps.length === 0 ? { annotations: [{ text: 'no gap recorded', showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5 }] } : {}),
    },
  };
}

/** Share of rows by spread width in ticks (bar chart). */
export function spreadFigure(histogram: SpreadHistogram, title = 'Spread distribution'): PlotlyFigure {
  const total = histogram.rows.reduce((a, b) => a + b, 0);
  return {
    data: [{ type: 'bar', name: 'rows', x: histogram.ticks, y: histogram.rows.map((r) => r / Math.max(total, 1)), marker: { color: '#1f77b4' } }],
    layout: {
      title: { text: `${title} (tick ${histogram.tickSize})` },
      xaxis: { title: { text: 'best ask − best bid (ticks)' }, dtick: 1 },
      yaxis: { title: { text: 'share of rows' }, tickformat: '.0%' },
      height: 320,
      margin: { t: 50, r: 20 },
    },
  };
}

/** Mean displayed size per level, bids and asks side by side. */
export function depthFigure(profile: DepthProfile, sizeUnit: string, title = 'Depth per level'): PlotlyFigure {
  return {
    data: [
      { type: 'bar', name: 'bid', x: profile.level, y: toPlain(profile.bidMeanSz), marker: { color: '#2ca02c' } },
      { type: 'bar', name: 'ask', x: profile.level, y: toPlain(profile.askMeanSz), marker: { color: '#d62728' } },
    ],
    layout: {
      title: { text: title },
      barmode: 'group',
      xaxis: { title: { text: 'level (1 = best)' }, dtick: 1 },
      yaxis: { title: { text: `mean size (${sizeUnit})` } },
      height: 320,
      margin: { t: 50, r: 20 },
    },
  };
}

/** Inputs of a data-quality report: one book stream, optional trades, and gaps (recorded or detected). */
export interface DataQualityInput {
  readonly name: string;
  readonly book: import('../data/tables.js').BookTable;
  readonly trades?: import('../data/tables.js').TradeTable;
  readonly gaps: ReadonlyArray<TimeGap & { stream: string }>;
  /** Price tick; inferred from the book when absent. */
  readonly tickSize?: number;
  readonly binMs?: number;
  readonly sizeUnit?: string;
}

/**
 * The data-quality figures of notebook 01 for one dataset: message (book row) rate and trade rate over time
 * with gaps shaded, the gap timeline, the spread distribution in ticks and the mean depth per level.
 * Times are local receive times where the table has them, exchange times otherwise.
 */
export async function dataQualityFigures(input: DataQualityInput): Promise<PlotlyFigure[]> {
  const { depthProfile, eventRate, inferTickSize, spreadTicksHistogram } = await import('../data/quality.js');
  const binMs = input.binMs ?? 1000;
  const bookTimes = input.book.localTsMs ?? input.book.tsMs;
  const tradeTimes = input.trades ? (input.trades.localTsMs ?? input.trades.tsMs) : undefined;
  const tick = input.tickSize ?? input.book.meta.tickSize ?? inferTickSize(input.book, 10);
  const n = bookTimes.length;
  const span: [number, number] = n > 0 ? [bookTimes[0], bookTimes[n - 1]] : [0, 1];
  const figures = [
    rateFigure(`${input.name}: book messages per second`, [{ name: 'book rows', rate: eventRate(bookTimes, binMs) }], input.gaps),
  ];
  if (tradeTimes) figures.push(rateFigure(`${input.name}: trades per second`, [{ name: 'trades', rate: eventRate(tradeTimes, binMs) }], input.gaps));
  figures.push(
    gapTimelineFigure(input.gaps, span),
    spreadFigure(spreadTicksHistogram(input.book, tick), `${input.name}: spread`),
    depthFigure(depthProfile(input.book), input.sizeUnit ?? 'base currency', `${input.name}: depth per level`),
  );
  return figures;
}
