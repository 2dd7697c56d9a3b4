import type { ArrivalEstimate, EmpiricalIntensity } from '../estimate/intensity.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import { toPlain, type PlotlyFigure, type PlotlyTrace } from './figure.js';

const TRUTH_LINE = { color: '#222222', dash: 'dash', width: 1.5 };
/** Legend in a row below the x-axis title (the bottom margin leaves it room). */
const LEGEND_BELOW = { orientation: 'h', yanchor: 'top', y: -0.2 };

/** A horizontal line across [x0, x1] as a two-point trace (so it has a legend entry and hover value). */
function horizontalLine(name: string, value: number, x0: number, x1: number, yaxis = 'y'): PlotlyTrace {
  return { type: 'scatter', mode: 'lines', name, x: [x0, x1], y: [value, value], yaxis, line: TRUTH_LINE, hoverinfo: 'name+y' };
}

/** Every `stride`-th element of a series as a plain array (NaN → null), stride chosen to keep at most `maxPoints`. */
function thinned(tMs: ArrayLike<number>, values: ArrayLike<number>, maxPoints: number): { x: Array<number | null>; y: Array<number | null> } {
  const stride = Math.max(1, Math.ceil(tMs.length / maxPoints));
  const x: Array<number | null> = [];
  const y: Array<number | null> = [];
  for (let i = 0; i < tMs.length; i += stride) {
    x.push(tMs[i]);
    y.push(Number.isNaN(values[i]) ? null : values[i]);
  }
  return { x, y };
}

/** Options of `sigmaOverTimeFigure`. */
export interface SigmaOverTimeOptions {
  readonly title?: string;
  /** Quote currency, for axis titles (default 'USDT'). */
  readonly priceUnit?: string;
  /** A known σ (quote currency per √s), drawn as a dashed horizontal line. */
  readonly trueSigmaPerSqrtSec?: number;
  /**
   * The reference system's rolling std of the last N mids (quote currency, not per √s), drawn on a second
   * y axis of its own: `tMs` of each book row and the std there (NaN until N rows exist).
   */
  readonly reference?: { readonly tMs: ArrayLike<number>; readonly stdPx: ArrayLike<number>; readonly label?: string };
  /** At most this many points of the reference series are drawn (every m-th row; default 4000). */
  readonly maxReferencePoints?: number;
}

/**
 * Rolling σ over time: the window estimate and the EWMA (quote currency per √s) at each evaluation time of
 * `rollingCalibration` (each value from data strictly before its time), with an optional true σ and,
 * on a second y axis in quote currency, the reference system's rolling std of mids. x: UTC date axis.
 */
export function sigmaOverTimeFigure(rolling: RollingCalibration, options: SigmaOverTimeOptions = {}): PlotlyFigure {
  const unit = options.priceUnit ?? 'USDT';
  const x = toPlain(rolling.tMs);
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines', name: `σ, ${rolling.windowSec} s window`, x, y: toPlain(rolling.sigmaPricePerSqrtSec), line: { color: '#1f77b4', width: 1.5 } },
    { type: 'scatter', mode: 'lines', name: `σ, EWMA (half-life ${rolling.ewmaHalfLifeSec} s)`, x, y: toPlain(rolling.sigmaEwmaPricePerSqrtSec), line: { color: '#ff7f0e', width: 1 } },
  ];
  const n = rolling.tMs.length;
  if (options.trueSigmaPerSqrtSec !== undefined && n > 0) data.push(horizontalLine('true σ', options.trueSigmaPerSqrtSec, rolling.tMs[0], rolling.tMs[n - 1]));
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? `σ over time (${rolling.windowSec} s windows, every ${rolling.stepSec} s, ${rolling.gridMs} ms grid)` },
    xaxis: { type: 'date', title: { text: 'time (UTC)' } },
    yaxis: { title: { text: `σ (${unit}/√s)` }, rangemode: 'tozero' },
    legend: LEGEND_BELOW,
    height: 420,
    margin: { t: 50, r: 20, b: 110 },
  };
  if (options.reference) {
    const ref = thinned(options.reference.tMs, options.reference.stdPx, options.maxReferencePoints ?? 4000);
    data.push({ type: 'scatter', mode: 'lines', name: options.reference.label ?? 'reference: rolling std of mids (right axis)', x: ref.x, y: ref.y, yaxis: 'y2', line: { color: '#7f7f7f', width: 1 }, opacity: 0.8 });
    layout.yaxis2 = { title: { text: `std of mids (${unit}, not per √s)` }, overlaying: 'y', side: 'right', rangemode: 'tozero', showgrid: false };
    layout.margin = { t: 50, r: 70, b: 110 };
  }
  return { data, layout };
}

/** Options of `signatureFigure`. */
export interface SignatureOptions {
  readonly title?: string;
  /** Units of σ for the axis title (default 'USDT/√s'). */
  readonly sigmaUnit?: string;
  /** A known σ, drawn as a dashed horizontal line over the sampling intervals shown. */
  readonly trueSigmaPerSqrtSec?: number;
}

/**
 * The volatility signature plot: realized σ against the sampling interval (ms, log axis), as returned by
 * `volatilitySignature`. Flat for a Brownian mid; rising toward short intervals under microstructure noise.
 */
export function signatureFigure(signature: { readonly intervalMs: readonly number[]; readonly sigmaPerSqrtSec: readonly number[] }, options: SignatureOptions = {}): PlotlyFigure {
  const unit = options.sigmaUnit ?? 'USDT/√s';
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines+markers', name: 'realized σ', x: [...signature.intervalMs], y: toPlain(signature.sigmaPerSqrtSec), marker: { size: 7, color: '#1f77b4' } },
  ];
  const n = signature.intervalMs.length;
  if (options.trueSigmaPerSqrtSec !== undefined && n > 0) data.push(horizontalLine('true σ', options.trueSigmaPerSqrtSec, Math.min(...signature.intervalMs), Math.max(...signature.intervalMs)));
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Volatility signature' },
      xaxis: { type: 'log', title: { text: 'sampling interval (ms, log scale)' } },
      yaxis: { title: { text: `σ (${unit})` }, rangemode: 'tozero' },
      legend: LEGEND_BELOW,
      height: 380,
      margin: { t: 50, r: 20, b: 110 },
    },
  };
}

/** Short label of an arrival fit from its `method` text: 'MLE', 'WLS' or the method itself. */
export function arrivalFitLabel(fit: ArrivalEstimate): string {
  if (fit.method.startsWith('maximum likelihood')) return 'MLE';
  if (fit.method.startsWith('weighted least squares')) return 'WLS';
  return fit.method;
}

/** Options of `intensityFigure`. */
export interface IntensityOptions {
  readonly title?: string;
  /** x in quote currency from the mid (default) or in ticks. */
  readonly x?: 'price' | 'ticks';
  /** Quote currency, for axis titles and legends (default 'USDT'). */
  readonly priceUnit?: string;
  /** The true A (per s) and k (per unit of price), drawn dashed. */
  readonly truth?: { readonly aPerSec: number; readonly kPerPrice: number };
}

const FIT_COLORS = ['#d62728', '#2ca02c', '#9467bd', '#8c564b'];

/**
 * Empirical λ(δ) (orders per second reaching depth δ or more, from `empiricalIntensity`) as markers on a
 * log y axis, and each fitted curve A·exp(−k·δ) as a line evaluated at the same depths (a straight line on
 * the log axis). x is the depth from the mid in quote currency or in ticks; curves are always computed from
 * the depth in quote currency, so k is per unit of price.
 */
export function intensityFigure(empirical: EmpiricalIntensity, fits: readonly ArrivalEstimate[], options: IntensityOptions = {}): PlotlyFigure {
  const unit = options.priceUnit ?? 'USDT';
  const inTicks = options.x === 'ticks';
  const x = inTicks ? [...empirical.depthTicks] : [...empirical.depthPx];
  const curve = (a: number, k: number) => empirical.depthPx.map((d) => a * Math.exp(-k * d));
  const data: PlotlyTrace[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: `empirical λ(δ), ${empirical.side}`,
      x,
      y: [...empirical.perSec],
      marker: { size: 6, color: '#1f77b4' },
      hovertext: empirical.count.map((c) => `${c} orders`),
    },
    ...fits.map((fit, i) => ({
      type: 'scatter',
      mode: 'lines',
      name: `${arrivalFitLabel(fit)}: A = ${fit.aPerSec.toPrecision(3)} /s, k = ${fit.kPerPrice.toPrecision(3)} /${unit}`,
      x,
      y: curve(fit.aPerSec, fit.kPerPrice),
      line: { color: FIT_COLORS[i % FIT_COLORS.length], width: 2 },
    })),
  ];
  if (options.truth) {
    data.push({ type: 'scatter', mode: 'lines', name: `true: A = ${options.truth.aPerSec} /s, k = ${options.truth.kPerPrice} /${unit}`, x, y: curve(options.truth.aPerSec, options.truth.kPerPrice), line: TRUTH_LINE });
  }
  const tick = empirical.depthTicks.length > 0 ? empirical.depthPx[0] / empirical.depthTicks[0] : NaN;
  return {
    data,
    layout: {
      title: { text: options.title ?? `Arrival intensity λ(δ) = A·exp(−k·δ), ${empirical.side} side` },
      xaxis: { title: { text: inTicks ? `depth δ from the mid (ticks of ${Number(tick.toPrecision(6))} ${unit})` : `depth δ from the mid (${unit})` } },
      yaxis: { type: 'log', title: { text: `λ(δ) (orders/s reaching δ${empirical.side === 'pooled' ? ', per side' : ''}, log scale)` } },
      legend: LEGEND_BELOW,
      height: 420,
      margin: { t: 50, r: 20, b: 110 },
    },
  };
}

/** Options of `arrivalOverTimeFigure`. */
export interface ArrivalOverTimeOptions {
  readonly title?: string;
  readonly priceUnit?: string;
  /** True A (per s per side) and k (per unit of price), drawn dashed. */
  readonly truth?: { readonly aPerSec: number; readonly kPerPrice: number };
}

/**
 * Pooled A (per s per side, top) and k (per unit of price, bottom) over time from `rollingCalibration`
 * (MLE in each window, from orders strictly before its time; gaps where k was not identifiable). x: UTC date.
 */
export function arrivalOverTimeFigure(rolling: RollingCalibration, options: ArrivalOverTimeOptions = {}): PlotlyFigure {
  const unit = options.priceUnit ?? 'USDT';
  const x = toPlain(rolling.tMs);
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'lines', name: 'A pooled (per side)', x, y: toPlain(rolling.aPooledPerSec), yaxis: 'y', line: { color: '#1f77b4', width: 1.5 } },
    { type: 'scatter', mode: 'lines', name: 'k pooled', x, y: toPlain(rolling.kPooledPerPrice), yaxis: 'y2', line: { color: '#d62728', width: 1.5 } },
  ];
  const n = rolling.tMs.length;
  if (options.truth && n > 0) {
    const [t0, t1] = [rolling.tMs[0], rolling.tMs[n - 1]];
    data.push(horizontalLine('true A', options.truth.aPerSec, t0, t1, 'y'), horizontalLine('true k', options.truth.kPerPrice, t0, t1, 'y2'));
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? `A and k over time (${rolling.windowSec} s windows, every ${rolling.stepSec} s)` },
      xaxis: { type: 'date', title: { text: 'time (UTC)' }, anchor: 'y2' },
      yaxis: { title: { text: 'A (orders/s per side)' }, domain: [0.55, 1], rangemode: 'tozero' },
      yaxis2: { title: { text: `k (per ${unit})` }, domain: [0, 0.45], rangemode: 'tozero' },
      legend: LEGEND_BELOW,
      height: 520,
      margin: { t: 50, r: 20, b: 110 },
    },
  };
}
