import { describe, expect, it } from 'vitest';
import { backtestMetrics, StreamedMetrics, type BacktestResult, type BacktestSeries } from '../../src/backtest/index.js';

// The Sharpe ratio's equity grid starts at the first decision. Its first interval was once left out (the grid's
// first sample was the equity a whole interval after the first decision), so the first minute's PnL never
// counted and a run of n intervals had n − 1 changes; found by recomputing the metrics of a backtest on the
// shared Binance capture in Python. The reference values below are worked by hand.

const f64 = (xs: number[]) => Float64Array.from(xs);

function resultOf(tMs: number[], equity: number[]): BacktestResult {
  const n = tMs.length;
  const zeros = f64(new Array(n).fill(0));
  const series: BacktestSeries = { tMs: f64(tMs), midPx: f64(new Array(n).fill(100)), reservationPx: zeros, bidPx: zeros, askPx: zeros, inventory: zeros, cash: f64(equity), equity: f64(equity) };
  const none = new Float64Array(0);
  const fills = { tsMs: none, side: new Int8Array(0), px: none, qty: none, fee: none, midPx: none, sentMs: none, maker: new Uint8Array(0), cause: new Uint8Array(0) };
  return { series, fills, finalInventory: 0, finalCash: equity[n - 1], finalMidPx: 100, notes: [] } as unknown as BacktestResult;
}

describe('backtestMetrics: Sharpe per day over the equity grid from the first decision', () => {
  // equity 0, 1, 3, 2 at 0, 60, 120 and 180 s (decisions between grid times too): changes 1, 2, −1, mean 2/3,
  // sample sd √(((1/3)² + (4/3)² + (5/3)²)/2) = √(7/3), scaled by √(86400/60) = √1440
  const tMs = [0, 30_000, 60_000, 90_000, 120_000, 150_000, 180_000];
  const equity = [0, 5, 1, -4, 3, 7, 2];
  const expected = (2 / 3 / Math.sqrt(7 / 3)) * Math.sqrt(1440);

  it('counts the first interval: three changes, 2/3 over √(7/3), times √1440', () => {
    expect(expected).toBeCloseTo(16.56, 2);
    expect(backtestMetrics(resultOf(tMs, equity)).sharpePerDay).toBeCloseTo(expected, 12);
  });

  it('the streamed metrics, fed the series in pieces, give the same', () => {
    const r = resultOf(tMs, equity);
    const m = new StreamedMetrics(60);
    const s = r.series;
    const piece = (a: number, b: number): BacktestSeries => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as Float64Array).slice(a, b)])) as unknown as BacktestSeries;
    m.sink(piece(0, 1));
    m.sink(piece(1, 4));
    m.sink(piece(4, 7));
    expect(m.metrics(r).sharpePerDay).toBeCloseTo(expected, 12);
  });

  it('two whole intervals are two changes, a defined ratio; less than two is none', () => {
    // 0 → 1 → 3: changes 1 and 2, mean 1.5, sd √0.5
    expect(backtestMetrics(resultOf([0, 60_000, 120_000], [0, 1, 3])).sharpePerDay).toBeCloseTo((1.5 / Math.sqrt(0.5)) * Math.sqrt(1440), 12);
    expect(backtestMetrics(resultOf([0, 60_000, 119_000], [0, 1, 3])).sharpePerDay).toBeNaN();
  });
});
