import type { SideArrival } from '../estimate/arrivalReport.js';
import { isFit } from '../estimate/arrivalReport.js';
import type { PlotlyFigure, PlotlyTrace } from './figure.js';

const COLORS = { observed: '#1f77b4', mle: '#d62728', wls: '#2ca02c' };

/**
 * One side of an `arrivalReport`: the observed λ(δ) (orders per second reaching δ ticks past the touch) as
 * markers at every depth 0..the table's last, and each fit A·exp(−k·δ·tick) as a line there, on a log y axis.
 * The fitted depths are shaded; the legend gives each fit's goodness of fit (Pearson χ², df, p).
 */
export function arrivalByDepthFigure(side: SideArrival, options: { readonly title?: string } = {}): PlotlyFigure {
  const depths = side.byDepth.depthTicks.slice(0, (side.mleCheck ?? side.wlsCheck)?.rows.length ?? side.byDepth.depthTicks.length);
  const data: PlotlyTrace[] = [
    { type: 'scatter', mode: 'markers', name: `observed, ${side.side}`, x: depths, y: depths.map((j) => side.byDepth.perSec[j]), marker: { size: 6, color: COLORS.observed }, hovertext: depths.map((j) => `${side.byDepth.reaching[j]} orders`) },
  ];
  for (const [label, fit, check, color] of [['MLE', side.mle, side.mleCheck, COLORS.mle], ['WLS', side.wls, side.wlsCheck, COLORS.wls]] as const) {
    if (!isFit(fit) || !check) continue;
    const gof = check.gof.tested ? `χ² ${check.gof.statistic.toPrecision(3)} on ${check.gof.df} df, p = ${check.gof.pValue.toPrecision(2)}` : 'χ² not tested (too few depth bins)';
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `${label}: A = ${fit.aPerSec.toPrecision(3)} /s, k·tick = ${fit.kPerTick.toPrecision(3)}; ${gof}`,
      x: depths,
      y: check.rows.map((r) => r.fittedPerSec),
      line: { color, width: 2 },
    });
  }
  const range = (isFit(side.mle) ? side.mle : isFit(side.wls) ? side.wls : undefined)?.depthRange;
  return {
    data,
    layout: {
      title: { text: options.title ?? `λ(δ) observed and fitted, ${side.side} side` },
      xaxis: { title: { text: 'depth δ (ticks past the touch)' } },
      yaxis: { type: 'log', title: { text: `λ(δ) (orders/s reaching δ${side.side === 'pooled' ? ', per side' : ''}, log scale)` } },
      shapes: range ? [{ type: 'rect', xref: 'x', yref: 'paper', x0: range.fromTicks - 0.5, x1: range.toTicks + 0.5, y0: 0, y1: 1, fillcolor: '#999999', opacity: 0.12, line: { width: 0 } }] : [],
      legend: { orientation: 'h', yanchor: 'top', y: -0.2 },
      height: 440,
      margin: { t: 50, r: 20, b: 130 },
    },
  };
}
