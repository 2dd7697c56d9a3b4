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

describe('inventory mean and std: over time, the position held between fills', () => {
  // Decisions bunch where the book updates: here 9 decisions in the first 10 ms (flat), one at 1000 ms. Fills:
  // +2 at 10 ms, −1 at 500 ms. Position 0 on [0, 10), 2 on [10, 500), 1 on [500, 1000]: mean
  // (0·10 + 2·490 + 1·500)/1000 = 1.48; E[q²] = (4·490 + 500)/1000 = 2.46, std √(2.46 − 1.48²) = √0.2696.
  // Over decisions (what was reported) the mean was 0.2 (nine decisions at 0, one at 2).
  const tMs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 1000];
  const inventory = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const withFills = (): BacktestResult => {
    const r = resultOf(tMs, tMs.map(() => 0));
    const fills = { ...r.fills, tsMs: f64([10, 500]), side: Int8Array.of(1, -1), qty: f64([2, 1]), px: f64([100, 100]), fee: f64([0, 0]), midPx: f64([100, 100]), sentMs: f64([0, 0]), maker: Uint8Array.of(1, 1), cause: Uint8Array.of(0, 0) };
    return { ...r, fills, finalInventory: 1, series: { ...r.series, inventory: f64(inventory) } } as BacktestResult;
  };

  it('weights each position by how long it was held (worked by hand), not by the number of decisions', () => {
    const m = backtestMetrics(withFills());
    expect(m.inventoryMean).toBeCloseTo(1.48, 12);
    expect(m.inventoryStd).toBeCloseTo(Math.sqrt(0.2696), 12);
  });

  it('equals the mean of the position sampled every millisecond (an independent Riemann sum)', () => {
    const r = withFills();
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < 1000; t++) {
      const q = (t >= 10 ? 2 : 0) - (t >= 500 ? 1 : 0);
      sum += q;
      sumSq += q * q;
    }
    const mean = sum / 1000;
    expect(backtestMetrics(r).inventoryMean).toBeCloseTo(mean, 12);
    expect(backtestMetrics(r).inventoryStd).toBeCloseTo(Math.sqrt(sumSq / 1000 - mean * mean), 12);
  });

  it('the streamed metrics, fed the series in pieces, give the same, bit for bit', () => {
    const r = withFills();
    const m = new StreamedMetrics(60);
    const piece = (a: number, b: number): BacktestSeries => Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, (v as Float64Array).slice(a, b)])) as unknown as BacktestSeries;
    m.sink(piece(0, 4));
    m.sink(piece(4, 10));
    const streamed = m.metrics(r);
    const whole = backtestMetrics(r);
    expect([streamed.inventoryMean, streamed.inventoryStd]).toEqual([whole.inventoryMean, whole.inventoryStd]);
  });
});
