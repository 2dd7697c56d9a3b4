import { describe, expect, it } from 'vitest';
import { backtestMetrics, StreamedMetrics, type BacktestResult } from '../../src/backtest/index.js';

// The Sharpe ratio per day of a backtest: equity sampled at the first decision and every 60 s after it, the
// changes between samples, mean / sd · √(86400 / 60). Expected values worked out by hand below. The first
// interval (first decision to first boundary) was left out: equity that rose 60 in the first minute and then
// stayed flat gave changes [0, 0] and an undefined Sharpe, where the changes are [60, 0, 0].

const NONE = new Float64Array(0);
const fills = { tsMs: NONE, side: new Int8Array(0), qty: NONE, px: NONE, midPx: NONE, fee: NONE, cause: new Uint8Array(0) };

/** A run of one decision a second for 3 minutes (t = 0 … 180 s) with this equity. */
function run(equityAt: (sec: number) => number): BacktestResult {
  const n = 181;
  const zeros = new Float64Array(n);
  const equity = Float64Array.from({ length: n }, (_, i) => equityAt(i));
  const series = { tMs: Float64Array.from({ length: n }, (_, i) => 1_767_225_600_000 + i * 1000), midPx: zeros, reservationPx: zeros, bidPx: zeros, askPx: zeros, inventory: zeros, cash: equity, equity };
  return { series, fills, finalCash: equity[n - 1], finalInventory: 0, finalMidPx: 100 } as unknown as BacktestResult;
}

/** The streamed metrics of the same run, its series given in pieces of 7 decisions. */
function streamed(result: BacktestResult): number {
  const s = new StreamedMetrics(60);
  const n = result.series.tMs.length;
  for (let from = 0; from < n; from += 7) {
    const to = Math.min(n, from + 7);
    const piece = Object.fromEntries(Object.entries(result.series).map(([k, v]) => [k, (v as Float64Array).subarray(from, to)]));
    s.sink(piece as unknown as BacktestResult['series']);
  }
  return s.metrics(result).sharpePerDay;
}

describe('Sharpe per day counts every whole interval from the first decision', () => {
  it('equity up 60 in the first minute, then flat: changes [60, 0, 0], Sharpe 20 / √1200 · √1440 (it was undefined)', () => {
    const r = run((sec) => Math.min(sec, 60));
    const expected = (20 / Math.sqrt(1200)) * Math.sqrt(1440); // mean 20; sd² = (40² + 20² + 20²) / 2 = 1200
    expect(backtestMetrics(r).sharpePerDay).toBeCloseTo(expected, 10);
    expect(streamed(r)).toBeCloseTo(expected, 10);
  });

  it('equity steps of 10 at 60 s and 120 s: changes [10, 10, 0] (it was [10, 0], Sharpe 26.8 instead of 43.8)', () => {
    const r = run((sec) => (sec < 60 ? 0 : sec < 120 ? 10 : 20));
    const expected = ((20 / 3) / Math.sqrt(100 / 3)) * Math.sqrt(1440); // mean 20/3; sd² = ((10/3)²·2 + (20/3)²) / 2 = 100/3
    expect(backtestMetrics(r).sharpePerDay).toBeCloseTo(expected, 10);
    expect(streamed(r)).toBeCloseTo(expected, 10);
  });

  it('a run of two whole intervals has two changes (defined); one of one interval has one (undefined)', () => {
    const cut = (r: BacktestResult, n: number) => ({ ...r, series: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, (v as Float64Array).subarray(0, n)])) }) as unknown as BacktestResult;
    const ramp = run((sec) => sec * sec);
    // samples 0, 3600, 14400: changes [3600, 10800]
    const expected = (7200 / Math.sqrt(((3600 - 7200) ** 2 + (10800 - 7200) ** 2) / 1)) * Math.sqrt(1440);
    expect(backtestMetrics(cut(ramp, 121)).sharpePerDay).toBeCloseTo(expected, 10);
    expect(backtestMetrics(cut(ramp, 61)).sharpePerDay).toBeNaN();
  });

  it('an interval wholly inside a masked interval (a day absent from a catalog range) is no sample; the change over the mask counts once', () => {
    // equity 0 until 60 s, then 10; masked from 30 s to 150 s: the boundaries 120 s (interval 60–120 s inside
    // the mask) is skipped, 60 s is not (its interval starts before the mask), nor is 180 s (the mask ended)
    const r = run((sec) => (sec < 60 ? 0 : sec < 150 ? 10 : 40));
    const masked = { ...r, masked: { count: 1, totalMs: 120_000, intervals: [{ fromMs: r.series.tMs[0] + 30_000, toMs: r.series.tMs[0] + 150_000, reason: 'test' }] } } as BacktestResult;
    // samples 0 (0 s), 10 (60 s), 40 (180 s): changes [10, 30]; without the mask [10, 0, 30]
    const expected = (20 / Math.sqrt(200)) * Math.sqrt(1440);
    expect(backtestMetrics(masked).sharpePerDay).toBeCloseTo(expected, 10);
    expect(streamed(masked)).toBeCloseTo(expected, 10);
    const unmasked = ((40 / 3) / Math.sqrt(((10 - 40 / 3) ** 2 + (40 / 3) ** 2 + (30 - 40 / 3) ** 2) / 2)) * Math.sqrt(1440);
    expect(backtestMetrics(r).sharpePerDay).toBeCloseTo(unmasked, 10);
  });
});
