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
