import type * as dfd from 'danfojs-node';
import { danfo } from './danfo.js';
import type { BacktestResult } from '../backtest/types.js';
import type { FrameOptions } from './toFrame.js';

const rowRange = (n: number, options: FrameOptions) => [Math.max(0, options.start ?? 0), Math.min(n, options.end ?? n)] as const;
const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');

/** A DataFrame of these columns; with no rows, an empty frame that still has them (danfo rejects empty columns). */
function frameOf(columns: Record<string, Array<number | string>>): dfd.DataFrame {
  const names = Object.keys(columns);
  if (names.length > 0 && columns[names[0]].length === 0) return new (danfo().DataFrame)([], { columns: names });
  return new (danfo().DataFrame)(columns);
}

/**
 * A danfo DataFrame view of a backtest's series, one row per decision: time, mid, reservation, bid, ask
 * (prices in quote currency, NaN = not quoted), inventory (base units), cash and equity (quote currency).
 */
export function backtestSeriesFrame(result: BacktestResult, options: FrameOptions = {}): dfd.DataFrame {
  const s = result.series;
  const [start, end] = rowRange(s.tMs.length, options);
  const column = (a: Float64Array) => Array.from(a.subarray(start, end));
  return frameOf({
    time: Array.from(s.tMs.subarray(start, end), iso),
    mid_px: column(s.midPx),
    reservation_px: column(s.reservationPx),
    bid_px: column(s.bidPx),
    ask_px: column(s.askPx),
    inventory: column(s.inventory),
    cash: column(s.cash),
    equity: column(s.equity),
  });
}

/**
 * A danfo DataFrame view of a backtest's fills: time, side (`bought`: our bid filled; `sold`: our ask),
 * price, quantity (base units), the mid in force, our edge against it per unit (mid − px when buying,
 * px − mid when selling), the ms from sending the order to the fill, maker or taker, and the fee paid.
 */
export function backtestFillsFrame(result: BacktestResult, options: FrameOptions = {}): dfd.DataFrame {
  const f = result.fills;
  const [start, end] = rowRange(f.tsMs.length, options);
  const rows = Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
  return frameOf({
    time: rows.map((i) => iso(f.tsMs[i])),
    side: rows.map((i) => (f.side[i] > 0 ? 'bought' : 'sold')),
    px: rows.map((i) => f.px[i]),
    qty: rows.map((i) => f.qty[i]),
    mid_px: rows.map((i) => f.midPx[i]),
    edge_per_unit: rows.map((i) => (f.side[i] > 0 ? f.midPx[i] - f.px[i] : f.px[i] - f.midPx[i])),
    ms_since_sent: rows.map((i) => f.tsMs[i] - f.sentMs[i]),
    maker: rows.map((i) => (f.maker[i] === 1 ? 'maker' : 'taker')),
    fee: rows.map((i) => f.fee[i]),
  });
}
