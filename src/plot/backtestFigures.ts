import type { BacktestResult } from '../backtest/engine.js';
import { toPlain, type PlotlyFigure } from './figure.js';

/** Every `step`-th element (and the last), so a long series plots quickly; typed arrays as plain arrays. */
function thin(values: ArrayLike<number>, step: number): Array<number | null> {
  if (step <= 1) return toPlain(values);
  const out: number[] = [];
  for (let i = 0; i < values.length; i += step) out.push(values[i]);
  if (values.length > 0 && (values.length - 1) % step !== 0) out.push(values[values.length - 1]);
  return toPlain(out);
}

const stepFor = (n: number, maxPoints: number) => Math.max(1, Math.ceil(n / maxPoints));

/** Mid, reservation price, our bid and ask (step lines) and our fills (▲ bought, ▼ sold) over time. */
export function backtestQuotesFigure(result: BacktestResult, title = 'Quotes and fills', maxPoints = 20_000): PlotlyFigure {
  const s = result.series;
  const step = stepFor(s.tMs.length, maxPoints);
  const x = thin(s.tMs, step);
  const line = (name: string, y: ArrayLike<number>, color: string, dash = 'solid') => ({ type: 'scatter', mode: 'lines', name, x, y: thin(y, step), line: { color, width: 1, dash, shape: 'hv' } });
  const fills = result.fills;
  const marker = (side: number, name: string, symbol: string, color: string) => {
    const idx = Array.from(fills.tsMs.keys()).filter((i) => fills.side[i] === side);
    return { type: 'scatter', mode: 'markers', name, x: idx.map((i) => fills.tsMs[i]), y: idx.map((i) => fills.px[i]), marker: { symbol, color, size: 7 } };
  };
  return {
    data: [
      line('mid', s.midPx, '#1f77b4'),
      line('reservation', s.reservationPx, '#9467bd', 'dot'),
      line('our bid', s.bidPx, '#2ca02c'),
      line('our ask', s.askPx, '#d62728'),
      marker(1, 'bought', 'triangle-up', '#2ca02c'),
      marker(-1, 'sold', 'triangle-down', '#d62728'),
    ],
    layout: { title: { text: `${title}: ${result.config.strategy}, ${result.config.fill} fills` }, xaxis: { type: 'date', title: { text: 'time (UTC)' } }, yaxis: { title: { text: 'price (quote currency)' } }, height: 420, margin: { t: 50, r: 20 } },
  };
}

/** One series of the backtest over time (inventory, cash or equity). */
function seriesFigure(result: BacktestResult, key: 'inventory' | 'equity', title: string, yTitle: string, maxPoints: number): PlotlyFigure {
  const s = result.series;
  const step = stepFor(s.tMs.length, maxPoints);
  return {
    data: [{ type: 'scatter', mode: 'lines', name: key, x: thin(s.tMs, step), y: thin(s[key], step), line: { width: 1, shape: 'hv' } }],
    layout: { title: { text: title }, xaxis: { type: 'date', title: { text: 'time (UTC)' } }, yaxis: { title: { text: yTitle } }, height: 300, margin: { t: 50, r: 20 } },
  };
}

export function backtestInventoryFigure(result: BacktestResult, maxPoints = 20_000): PlotlyFigure {
  return seriesFigure(result, 'inventory', 'Inventory', 'inventory (base units)', maxPoints);
}

export function backtestEquityFigure(result: BacktestResult, maxPoints = 20_000): PlotlyFigure {
  return seriesFigure(result, 'equity', 'Equity marked to mid (cash + inventory × mid)', 'equity (quote currency)', maxPoints);
}

/** The three figures of a backtest report. */
export function backtestFigures(result: BacktestResult): PlotlyFigure[] {
  return [backtestQuotesFigure(result), backtestInventoryFigure(result), backtestEquityFigure(result)];
}
