import type { BookTable, TradeTable } from '../data/tables.js';
import { toPlain, type PlotlyFigure } from './figure.js';
import { lowerBound } from '../data/search.js';

export interface MarketFigureOptions {
  /** Window to show, ms since epoch (default: the first 10 minutes of the book). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly title?: string;
}


/**
 * Mid, best bid and best ask as step lines, and trades as markers (buys ▲ at their price, sells ▼),
 * over a time window. x is a date axis in UTC; y in quote currency.
 */
export function marketFigure(book: BookTable, trades: TradeTable | undefined, options: MarketFigureOptions = {}): PlotlyFigure {
  const fromMs = options.fromMs ?? (book.tsMs.length > 0 ? book.tsMs[0] : 0);
  const toMs = options.toMs ?? fromMs + 10 * 60_000;
  const b0 = lowerBound(book.tsMs, fromMs);
  const b1 = lowerBound(book.tsMs, toMs);
  const x = toPlain(book.tsMs.subarray(b0, b1));
  const bid = book.bidPx[0].subarray(b0, b1);
  const ask = book.askPx[0].subarray(b0, b1);
  const mid = new Float64Array(bid.length);
  for (let i = 0; i < mid.length; i++) mid[i] = 0.5 * (bid[i] + ask[i]);
  const line = (name: string, y: Float64Array, color: string, width: number) => ({
    type: 'scatter',
    mode: 'lines',
    name,
    x,
    y: toPlain(y),
    line: { color, width, shape: 'hv' },
  });
  const data: PlotlyFigure['data'][number][] = [
    line('best bid', bid, '#2ca02c', 1),
    line('best ask', ask, '#d62728', 1),
    line('mid', mid, '#1f77b4', 1.5),
  ];
  if (trades) {
    const t0 = lowerBound(trades.tsMs, fromMs);
    const t1 = lowerBound(trades.tsMs, toMs);
    for (const [side, name, symbol, color] of [
      [1, 'buy trades', 'triangle-up', '#2ca02c'],
      [-1, 'sell trades', 'triangle-down', '#d62728'],
    ] as const) {
      const tx: number[] = [];
      const ty: number[] = [];
      const text: string[] = [];
      for (let i = t0; i < t1; i++) {
        if (trades.side[i] !== side) continue;
        tx.push(trades.tsMs[i]);
        ty.push(trades.px[i]);
        text.push(`size ${trades.sz[i]}`);
      }
      data.push({ type: 'scatter', mode: 'markers', name, x: tx, y: ty, text, marker: { symbol, color, size: 6, opacity: 0.7 } });
    }
  }
  const instrument = book.meta.instrument ?? 'book';
  return {
    data,
    layout: {
      title: { text: options.title ?? `${instrument}: mid, best bid/ask and trades` },
      xaxis: { type: 'date', title: { text: 'time (UTC)' } },
      yaxis: { title: { text: 'price (quote currency)' } },
      height: 500,
      legend: { orientation: 'h' },
      margin: { t: 50, r: 20 },
    },
  };
}
