import { median } from '../stats/quantile.js';
import { FILL_CAUSES, type BacktestResult, type FillCause } from './types.js';

/** Summary metrics of a backtest. Money in quote currency; sizes in base units. */
export interface BacktestMetrics {
  /** Final equity (cash + inventory × final mid) minus the initial (0). */
  readonly pnl: number;
  readonly fills: number;
  readonly bidFills: number;
  readonly askFills: number;
  /** Fills by why they happened (see `FILL_CAUSES`): trade at our price, trade through, book cross, marketable on arrival, mid cross. */
  readonly fillsByCause: Readonly<Record<FillCause, number>>;
  readonly pnlPerFill: number;
  /** Mean of per-interval equity changes over their standard deviation, scaled to one day (√(intervals per day)). */
  readonly sharpePerDay: number;
  readonly sharpeIntervalSec: number;
  /** Largest fall of equity from a running peak, quote currency (≥ 0). */
  readonly maxDrawdown: number;
  /** Mean edge of our fills against the mid at fill time: (mid − px) for bids, (px − mid) for asks, per unit. */
  readonly spreadCapturedPerUnit: number;
  /**
   * Mean and standard deviation of the inventory over time, base units: the position held between fills,
   * weighted by how long it was held, from the first decision to the last (`timeWeightedInventory`; a position
   * held for an hour counts 3600 times one held for a second, whatever the number of book updates meanwhile).
   */
  readonly inventoryMean: number;
  readonly inventoryStd: number;
  /** Largest |inventory| reached, base units: followed fill by fill, so peaks between decisions count. */
  readonly maxAbsInventory: number;
  /** Σ |px × qty| over fills. */
  readonly turnover: number;
  /** Σ fees paid (negative: rebates received). */
  readonly fees: number;
  readonly finalInventory: number;
  readonly finalCash: number;
}

/**
 * Metrics from a backtest's series and fills. The Sharpe ratio samples equity at the first decision and every
 * `intervalSec` after it (last value at or before each boundary; a last partial interval is left out, and so is
 * the boundary of an interval wholly inside a masked interval), takes the changes between samples and scales by
 * √(86400 / intervalSec); inventory statistics are over decisions.
 * @example // equity 0, 1, 3, 2 at 0, 60, 120, 180 s: changes 1, 2, −1, mean 2/3, sd √(7/3): 2/3/√(7/3)·√1440 ≈ 16.56
 */
export function backtestMetrics(result: BacktestResult, intervalSec = 60): BacktestMetrics {
  const { series, fills } = result;
  const pnl = result.finalCash + result.finalInventory * result.finalMidPx;
  let bidFills = 0;
  let position = 0;
  let maxAbsInventory = 0;
  let edge = 0;
  let units = 0;
  let turnover = 0;
  let fees = 0;
  const fillsByCause = Object.fromEntries(FILL_CAUSES.map((c) => [c, 0])) as Record<FillCause, number>;
  for (let i = 0; i < fills.tsMs.length; i++) {
    fillsByCause[FILL_CAUSES[fills.cause[i]]]++;
    if (fills.side[i] > 0) bidFills++;
    position += fills.side[i] * fills.qty[i];
    maxAbsInventory = Math.max(maxAbsInventory, Math.abs(position));
    const e = fills.side[i] > 0 ? fills.midPx[i] - fills.px[i] : fills.px[i] - fills.midPx[i];
    edge += e * fills.qty[i];
    units += fills.qty[i];
    turnover += Math.abs(fills.px[i] * fills.qty[i]);
    fees += fills.fee[i];
  }
  const n = series.tMs.length;
  // equity sampled on a regular grid from the first decision: the last value at or before each grid time
  const gridMs: number[] = [];
  const gridEquity: number[] = [];
  if (n > 0) {
    const stepMs = intervalSec * 1000;
    let idx = 0;
    for (let t = series.tMs[0] + stepMs; t <= series.tMs[n - 1]; t += stepMs) {
      while (idx + 1 < n && series.tMs[idx + 1] <= t) idx++;
      gridMs.push(t);
      gridEquity.push(series.equity[idx]);
    }
  }
  const changes = gridEquityChanges(n > 0 ? series.equity[0] : NaN, gridMs, gridEquity, result.masked?.intervals ?? [], intervalSec * 1000);
  const mean = changes.reduce((a, b) => a + b, 0) / Math.max(1, changes.length);
  const sd = Math.sqrt(changes.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, changes.length - 1));
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    const eq = series.equity[i];
    if (!Number.isNaN(eq)) {
      if (eq > peak) peak = eq;
      if (peak - eq > maxDrawdown) maxDrawdown = peak - eq;
    }
  }
  const inventory = n > 0 ? timeWeightedInventory(fills, result.finalInventory, series.tMs[0], series.tMs[n - 1]) : { mean: 0, std: 0 };
  return {
    pnl,
    fills: fills.tsMs.length,
    bidFills,
    askFills: fills.tsMs.length - bidFills,
    fillsByCause,
    pnlPerFill: fills.tsMs.length > 0 ? pnl / fills.tsMs.length : NaN,
    sharpePerDay: changes.length > 1 && sd > 0 ? (mean / sd) * Math.sqrt(86_400 / intervalSec) : NaN,
    sharpeIntervalSec: intervalSec,
    maxDrawdown,
    spreadCapturedPerUnit: units > 0 ? edge / units : NaN,
    inventoryMean: inventory.mean,
    inventoryStd: inventory.std,
    maxAbsInventory,
    turnover,
    fees,
    finalInventory: result.finalInventory,
    finalCash: result.finalCash,
  };
}

/**
 * The time-weighted mean and (population) standard deviation of the position over [fromMs, toMs], base units:
 * the position is a step function of time, changed by each fill (side × qty at its time) and ending at
 * `finalInventory`; mean = ∫ q dt / T and std = √(∫ (q − mean)² dt / T) with T = toMs − fromMs. Fills after
 * `toMs` count in the position's start (taken back from the final inventory) but not in the integral. When
 * T = 0 (one decision), the position then, with std 0. `backtestMetrics` and `StreamedMetrics` alike.
 * @example timeWeightedInventory({ tsMs: [10], side: [1], qty: [2] }, 2, 0, 40) // { mean: 1.5, std: √0.75 ≈ 0.866 } (0 for 10 ms, then 2 for 30 ms)
 */
export function timeWeightedInventory(fills: { readonly tsMs: ArrayLike<number>; readonly side: ArrayLike<number>; readonly qty: ArrayLike<number> }, finalInventory: number, fromMs: number, toMs: number): { mean: number; std: number } {
  const k = fills.tsMs.length;
  let start = finalInventory;
  for (let i = 0; i < k; i++) start -= fills.side[i] * fills.qty[i];
  // the position at fromMs (fills at or before it applied), then its area and squared area up to toMs
  let q = start;
  let i = 0;
  for (; i < k && fills.tsMs[i] <= fromMs; i++) q += fills.side[i] * fills.qty[i];
  const span = toMs - fromMs;
  if (!(span > 0)) return { mean: q, std: 0 };
  let area = 0;
  let areaSq = 0;
  let last = fromMs;
  for (; i < k && fills.tsMs[i] <= toMs; i++) {
    const dt = fills.tsMs[i] - last;
    area += q * dt;
    areaSq += q * q * dt;
    last = fills.tsMs[i];
    q += fills.side[i] * fills.qty[i];
  }
  area += q * (toMs - last);
  areaSq += q * q * (toMs - last);
  const mean = area / span;
  return { mean, std: Math.sqrt(Math.max(0, areaSq / span - mean * mean)) };
}

/**
 * The changes the Sharpe ratio is taken from: equity at each grid time `gridMs[i]` (`gridEquity[i]`) minus the
 * sample before it, the first from `firstEquity` (the first decision's: the grid starts there). A grid time
 * whose interval [t − stepMs, t] lies wholly inside a masked interval (`masks`, [fromMs, toMs), sorted and
 * disjoint) is no sample: the market was not seen then (a day absent from a catalog range, a dead book), so the
 * change over the mask counts once, in the first interval that ends after it. A NaN equity takes no change.
 * `backtestMetrics` and `StreamedMetrics` alike.
 */
export function gridEquityChanges(firstEquity: number, gridMs: ArrayLike<number>, gridEquity: ArrayLike<number>, masks: readonly { readonly fromMs: number; readonly toMs: number }[], stepMs: number): number[] {
  const changes: number[] = [];
  let prev = firstEquity;
  let m = 0;
  for (let i = 0; i < gridMs.length; i++) {
    const t = gridMs[i];
    while (m < masks.length && masks[m].toMs <= t) m++;
    if (m < masks.length && masks[m].fromMs <= t - stepMs && t < masks[m].toMs) continue;
    const eq = gridEquity[i];
    if (!Number.isNaN(prev) && !Number.isNaN(eq)) changes.push(eq - prev);
    prev = eq;
  }
  return changes;
}

/** Where a backtest's quotes sat: how often each side was quoted, and how far from the mid. */
export interface QuotePlacement {
  readonly decisions: number;
  /** Decisions with a bid (an ask) quoted. */
  readonly bidQuoted: number;
  readonly askQuoted: number;
  /** Median of (mid − bid) / tick (of (ask − mid) / tick) over the decisions with that quote; NaN without any. */
  readonly bidMedianTicksFromMid: number;
  readonly askMedianTicksFromMid: number;
  /** Time of the first decision with a quote on either side, ms; NaN: never quoted. */
  readonly firstQuoteMs: number;
}

/**
 * Where the quotes sat over a backtest's decisions (its series, against the mid in force at each decision):
 * the first thing to look at when a run has few or no fills.
 */
export function quotePlacement(result: BacktestResult, tickSize: number): QuotePlacement {
  const { tMs, midPx, bidPx, askPx } = result.series;
  const bidTicks: number[] = [];
  const askTicks: number[] = [];
  let firstQuoteMs = NaN;
  for (let i = 0; i < tMs.length; i++) {
    const bid = !Number.isNaN(bidPx[i]);
    const ask = !Number.isNaN(askPx[i]);
    if (bid) bidTicks.push((midPx[i] - bidPx[i]) / tickSize);
    if (ask) askTicks.push((askPx[i] - midPx[i]) / tickSize);
    if ((bid || ask) && Number.isNaN(firstQuoteMs)) firstQuoteMs = tMs[i];
  }
  return {
    decisions: tMs.length,
    bidQuoted: bidTicks.length,
    askQuoted: askTicks.length,
    bidMedianTicksFromMid: median(bidTicks),
    askMedianTicksFromMid: median(askTicks),
    firstQuoteMs,
  };
}
