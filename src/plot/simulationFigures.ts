import type { QuoteSweep } from '../model/sensitivity.js';
import type { AsSimulationResult, SamplePath } from '../sim/asMonteCarlo.js';
import { toPlain, type PlotlyFigure } from './figure.js';

/** The paper's sample-path figure: mid, reservation price, bid and ask over [0, T]; inventory below. */
export function samplePathFigure(path: SamplePath, title = 'AS inventory strategy: one simulated path'): PlotlyFigure {
  const x = toPlain(path.time);
  const line = (name: string, y: Float64Array, color: string, dash = 'solid', yaxis = 'y') => ({
    type: 'scatter',
    mode: 'lines',
    name,
    x,
    y: toPlain(y),
    yaxis,
    line: { color, dash, width: 1.5 },
  });
  return {
    data: [
      line('mid', path.mid, '#222222'),
      line('reservation price', path.reservation, '#1f77b4', 'dash'),
      line('bid', path.bid, '#2ca02c'),
      line('ask', path.ask, '#d62728'),
      { ...line('inventory', path.inventory, '#9467bd', 'solid', 'y2'), line: { color: '#9467bd', shape: 'hv', width: 1.5 } },
    ],
    layout: {
      title: { text: title },
      height: 600,
      xaxis: { title: { text: 'time' }, anchor: 'y2' },
      yaxis: { title: { text: 'price' }, domain: [0.35, 1] },
      yaxis2: { title: { text: 'inventory' }, domain: [0, 0.27] },
      legend: { orientation: 'h' },
      margin: { t: 50, r: 20 },
    },
  };
}

/** Overlaid histograms of final profit for the inventory and symmetric strategies (the paper's figures). */
export function profitHistogramFigure(result: AsSimulationResult, title?: string): PlotlyFigure {
  const trace = (name: string, values: Float64Array, color: string) => ({
    type: 'histogram',
    name,
    x: toPlain(values),
    opacity: 0.6,
    marker: { color },
    xbins: { size: 2 },
  });
  return {
    data: [trace('inventory strategy', result.inventory.profit, '#1f77b4'), trace('symmetric strategy', result.symmetric.profit, '#ff7f0e')],
    layout: {
      title: { text: title ?? `Final profit over ${result.params.paths} paths, γ = ${result.params.gamma}` },
      barmode: 'overlay',
      height: 420,
      xaxis: { title: { text: 'profit at T' } },
      yaxis: { title: { text: 'paths' } },
      legend: { orientation: 'h' },
    },
  };
}

const INPUT_LABELS: Record<QuoteSweep['input'], string> = {
  gamma: 'risk aversion γ (per price unit)',
  k: 'intensity decay k (per price unit)',
  sigma: 'volatility σ (price per √time)',
  timeToHorizon: 'time to horizon T − t',
  inventory: 'inventory q',
};

/** Bid, ask and reservation price as one input of the AS formula varies. */
export function quoteSweepFigure(sweep: QuoteSweep, title?: string, logX = false): PlotlyFigure {
  const x = toPlain(sweep.values);
  const line = (name: string, y: Float64Array, color: string, dash = 'solid') => ({ type: 'scatter', mode: 'lines', name, x, y: toPlain(y), line: { color, dash } });
  return {
    data: [line('ask', sweep.ask, '#d62728'), line('reservation price', sweep.reservation, '#1f77b4', 'dash'), line('bid', sweep.bid, '#2ca02c')],
    layout: {
      title: { text: title ?? `AS quotes as ${INPUT_LABELS[sweep.input]} varies` },
      height: 380,
      xaxis: { title: { text: INPUT_LABELS[sweep.input] }, type: logX ? 'log' : 'linear' },
      yaxis: { title: { text: 'price' } },
      legend: { orientation: 'h' },
    },
  };
}
