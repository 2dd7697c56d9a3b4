import type { DailyWalkForwardResult } from '../calibrate/daily.js';
import type { CalibrationResult } from '../calibrate/runner.js';
import type { ParamSet } from '../calibrate/params.js';
import type { PlotlyFigure } from './figure.js';

/**
 * Heatmap of a metric (mean over windows) across two grid parameters; other parameters at the values of the
 * best cell. Cells without a run are empty.
 */
export function calibrationHeatmap(result: CalibrationResult, x: keyof ParamSet, y: keyof ParamSet, metric: 'pnl' | 'sharpePerDay' = result.metric): PlotlyFigure {
  const mean = result.metrics.map((row) => row.reduce((a, m) => a + (Number.isFinite(m[metric]) ? m[metric] : 0), 0) / row.length);
  let best = 0;
  mean.forEach((v, i) => (v > mean[best] ? (best = i) : undefined));
  const others = (p: ParamSet) => (Object.keys(p) as Array<keyof ParamSet>).every((key) => key === x || key === y || p[key] === result.sets[best][key]);
  const xs = [...new Set(result.sets.map((p) => p[x]))];
  const ys = [...new Set(result.sets.map((p) => p[y]))];
  const z = ys.map((yv) => xs.map((xv) => {
    const i = result.sets.findIndex((p) => p[x] === xv && p[y] === yv && others(p));
    return i < 0 ? null : mean[i];
  }));
  return {
    data: [{ type: 'heatmap', x: xs.map(String), y: ys.map(String), z, colorscale: 'RdBu', zmid: 0, colorbar: { title: { text: metric } } }],
    layout: {
      title: { text: `Mean ${metric} per window over ${String(x)} × ${String(y)}` },
      xaxis: { title: { text: String(x) }, type: 'category' },
      yaxis: { title: { text: String(y) }, type: 'category' },
      height: 420,
      margin: { t: 50, r: 20 },
    },
  };
}

/** In-sample (fit window) against out-of-sample (next window) metric of each walk-forward fold. */
export function walkForwardFigure(result: CalibrationResult, metric: 'pnl' | 'sharpePerDay' = result.metric): PlotlyFigure {
  const labels = result.folds.map((f) => `fit ${f.fit.windowIndex + 1} → test ${f.evaluate.windowIndex + 1}`);
  return {
    data: [
      { type: 'bar', name: 'in-sample (fit window)', x: labels, y: result.folds.map((f) => f.inSample[metric]) },
      { type: 'bar', name: 'out-of-sample (next window)', x: labels, y: result.folds.map((f) => f.outOfSample[metric]) },
    ],
    layout: { title: { text: `Walk-forward ${metric}` }, barmode: 'group', yaxis: { title: { text: metric } }, height: 360, margin: { t: 50, r: 20 } },
  };
}

/**
 * The daily walk-forward day by day: top, the parameters chosen for each day (one marker trace per grid
 * parameter that varies, each on its own log axis when positive); bottom, each day's out-of-sample PnL (bars)
 * and its running total (line), quote currency.
 */
export function dailyWalkForwardFigure(result: DailyWalkForwardResult): PlotlyFigure {
  const dates = result.folds.map((f) => f.date);
  const keys = (Object.keys(result.sets[0] ?? {}) as Array<keyof ParamSet>).filter((key) => typeof result.sets[0][key] === 'number' && new Set(result.sets.map((s) => s[key])).size > 1);
  const paramTraces = keys.map((key, i) => ({
    type: 'scatter',
    mode: 'lines+markers',
    name: `chosen ${String(key)}`,
    x: dates,
    y: result.folds.map((f) => f.params[key] as number),
    line: { shape: 'hv', width: 1 },
    yaxis: i === 0 ? 'y' : `y${i + 3}`,
  }));
  const extraAxes = Object.fromEntries(
    keys.slice(1).map((key, i) => [`yaxis${i + 4}`, { title: { text: String(key) }, overlaying: 'y', side: 'right', type: result.sets.every((s) => (s[key] as number) > 0) ? 'log' : 'linear', domain: [0.55, 1] }]),
  );
  return {
    data: [
      ...paramTraces,
      { type: 'bar', name: 'out-of-sample PnL of the day', x: dates, y: result.folds.map((f) => f.outOfSample.pnl), yaxis: 'y2', xaxis: 'x' },
      { type: 'scatter', mode: 'lines', name: 'cumulative out-of-sample PnL', x: dates, y: result.folds.map((f) => f.cumulativeOutOfSamplePnl), yaxis: 'y2' },
    ],
    layout: {
      title: { text: `Daily walk-forward: chosen on the ${result.trailingDays === 1 ? 'day' : `${result.trailingDays} days`} before by ${result.metric}, traded the next day` },
      xaxis: { type: 'category', title: { text: 'day traded (UTC)' }, anchor: 'y2' },
      yaxis: { title: { text: keys.length > 0 ? String(keys[0]) : 'parameter' }, domain: [0.55, 1], ...(keys.length > 0 && result.sets.every((s) => (s[keys[0]] as number) > 0) ? { type: 'log' } : {}) },
      yaxis2: { title: { text: 'PnL (quote currency)' }, domain: [0, 0.45] },
      ...extraAxes,
      height: 560,
      margin: { t: 50, r: 60 },
    },
  };
}
