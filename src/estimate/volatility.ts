import { EstimationError, Z95 } from './errors.js';
import type { GridSeries } from './grid.js';

/**
 * A volatility estimate σ per √second in the units of the series (price units for a mid price in USDT,
 * log-return units for log prices), with a 95 % interval.
 */
export interface VolatilityEstimate {
  readonly sigmaPerSqrtSec: number;
  readonly ci95: readonly [number, number];
  /** Standard error of sigmaPerSqrtSec. */
  readonly se: number;
  /** Increments used (outside masked intervals). */
  readonly increments: number;
  /** Increments left out because they overlap a masked interval (see `previousTickGrid`). */
  readonly droppedIncrements: number;
  /** Masked time within the grid's span, ms. */
  readonly maskedMs: number;
  readonly intervalMs: number;
  readonly method: string;
}

/**
 * Squared increments at `lag` grid steps, over the increments whose `lag` unit steps are all usable: their
 * sum and count. Without `usable`: every i with i + lag ≤ n, so count = n − lag + 1.
 */
function lagSums(series: GridSeries, lag: number): { sum: number; count: number } {
  const x = series.values;
  const usable = series.usable;
  let sum = 0;
  let count = 0;
  if (!usable) {
    for (let i = 0; i + lag < x.length; i++) {
      const d = x[i + lag] - x[i];
      sum += d * d;
    }
    return { sum, count: Math.max(0, x.length - lag) };
  }
  // unusable unit steps among i .. i + lag − 1, kept as the window slides
  let bad = 0;
  for (let j = 0; j < lag && j < usable.length; j++) bad += 1 - usable[j];
  for (let i = 0; i + lag < x.length; i++) {
    // slide: step i + lag − 1 enters, step i − 1 leaves
    if (i > 0) bad += usable[i - 1] - usable[i + lag - 1];
    if (bad === 0) {
      const d = x[i + lag] - x[i];
      sum += d * d;
      count++;
    }
  }
  return { sum, count };
}

/** Usable unit increments of a series (n), and the ones dropped. */
function incrementCounts(series: GridSeries): { n: number; dropped: number } {
  const total = Math.max(0, series.values.length - 1);
  const dropped = series.usable ? series.droppedIncrements ?? series.usable.reduce((a, u) => a + (1 - u), 0) : 0;
  return { n: total - dropped, dropped };
}

function requireIncrements(series: GridSeries, min: number): { n: number; dropped: number } {
  const counts = incrementCounts(series);
  if (counts.n < min) {
    const masked = counts.dropped ? ` outside masked intervals (${counts.dropped} dropped)` : '';
    throw new EstimationError(`need at least ${min} grid increments${masked} for a volatility estimate, got ${Math.max(0, counts.n)}`);
  }
  return counts;
}

/** An estimate with its normal 95 % interval (floored at 0) and what it used of the grid. */
function volatilityEstimate(series: GridSeries, sigma: number, se: number, counts: { n: number; dropped: number }, method: string): VolatilityEstimate {
  return {
    sigmaPerSqrtSec: sigma,
    se,
    ci95: [Math.max(0, sigma - Z95 * se), sigma + Z95 * se],
    increments: counts.n,
    droppedIncrements: counts.dropped,
    maskedMs: series.maskedMs ?? 0,
    intervalMs: series.intervalMs,
    method,
  };
}

/**
 * Realized volatility: σ̂² = Σ (X_{i+1} − X_i)² / (n·Δ), Δ = intervalMs/1000 s, over the n increments outside
 * masked intervals (`series.usable`). For a Brownian motion X with volatility σ, σ̂²·n/σ² ~ χ²(n), so
 * SE(σ̂) ≈ σ̂/√(2n) (the 95 % interval uses it). A constant series gives σ̂ = 0 with a zero-width interval.
 * Biased upward by microstructure noise at fine grids (see `twoScaleVolatility` and `volatilitySignature`).
 * @example realizedVolatility({ startMs: 0, intervalMs: 1000, values: Float64Array.from([0, 1, 0, 1]) }).sigmaPerSqrtSec // 1
 * @example // the middle increment masked: σ̂² = (1 + 1)/(2·1 s)
 * realizedVolatility({ startMs: 0, intervalMs: 1000, values: Float64Array.from([0, 1, 9, 10]), usable: Uint8Array.from([1, 0, 1]) }).sigmaPerSqrtSec // 1
 */
export function realizedVolatility(series: GridSeries): VolatilityEstimate {
  const { n, dropped } = requireIncrements(series, 1);
  const { sum } = lagSums(series, 1);
  const sigma = Math.sqrt(sum / (n * (series.intervalMs / 1000)));
  const se = sigma / Math.sqrt(2 * n);
  return volatilityEstimate(series, sigma, se, { n, dropped }, `realized variance at ${series.intervalMs} ms`);
}

/**
 * Realized variance at lag `lag` averaged over the `lag` offsets and scaled to the full span of the n usable
 * unit increments: (S_lag/lag)·n/c_lag, S_lag the sum of the c_lag usable squared lag-increments. Without
 * masks c_lag = n − lag + 1 (the subsampling estimator [X]^avg of ZMA 2005 with its span adjustment);
 * NaN when no lag-increment is usable.
 */
function fullSpanRealizedVariance(series: GridSeries, lag: number, n: number): number {
  const { sum, count } = lagSums(series, lag);
  return count > 0 ? ((sum / lag) * n) / count : NaN;
}

/**
 * Two-scale realized volatility (Zhang, Mykland & Aït-Sahalia 2005, JASA 100(472), eq. (55)–(64)): robust to
 * i.i.d. microstructure noise ε (bid-ask bounce). With X observed on the finest grid (n increments) and
 * K sparse sub-grids ([X]^avg: realized variance at lag K averaged over the K offsets, scaled to the full
 * span; [X]^all: at lag 1): ⟨X⟩ = ([X]^avg − [X]^all/K)/(1 − 1/K), the paper's estimator with its
 * small-sample adjustment, unbiased for σ²T under i.i.d. noise; σ̂² = ⟨X⟩/T, T = n·Δ. K = c·n^{2/3}, at
 * least 2, with c by default the paper's variance-minimizing choice from pilot estimates of σ and the noise. SE from the paper's asymptotic variance
 * n^{−1/3}·(8c⁻²·E[ε²]² + (4/3)·c·T·∫σ⁴dt), with E[ε²] = [X]^all/(2n) and ∫σ⁴ = σ̂⁴T.
 * Masked intervals (`series.usable`): n counts the usable increments, [X]^all sums them, and [X]^avg averages
 * the lag-K increments made only of usable steps, scaled to the n usable steps (the mean squared lag-K
 * increment × n/K): the same estimator over the time outside the masks, without the jumps across them.
 */
export function twoScaleVolatility(series: GridSeries, c?: number): VolatilityEstimate {
  const { n, dropped } = requireIncrements(series, 8);
  const T = (n * series.intervalMs) / 1000;
  const all = lagSums(series, 1).sum;
  // c: as given, else the variance-minimizing c* = (12·ω⁴/(T·∫σ⁴))^{1/3} of ZMA (2005, eq. (63)) from pilots:
  // ∫σ² from realized variance at lag ⌈√n⌉ (little noise there), ω² = ([X]^all − ∫σ²)/(2n).
  let cUsed = c;
  if (cUsed === undefined) {
    const pilotLag = Math.ceil(Math.sqrt(n));
    const pilotIntegrated = fullSpanRealizedVariance(series, pilotLag, n);
    const pilotNoise = Math.max(0, (all - pilotIntegrated) / (2 * n));
    const quarticity = (pilotIntegrated * pilotIntegrated) / T; // ∫σ⁴ for constant σ
    cUsed = quarticity > 0 ? Math.cbrt((12 * pilotNoise * pilotNoise) / (T * quarticity)) : 0;
  }
  const K = Math.max(2, Math.min(Math.floor(n / 4), Math.round(cUsed * Math.pow(n, 2 / 3))));
  // [X]^avg over the full span (each lag-K increment counted once per offset): E = σ²T + 2ω²·n/K;
  // [X]^all: E = σ²T + 2ω²·n. So ⟨X⟩ = ([X]^avg − [X]^all/K)/(1 − 1/K) is unbiased for σ²T.
  const avgFullSpan = fullSpanRealizedVariance(series, K, n);
  if (Number.isNaN(avgFullSpan)) throw new EstimationError(`two-scale volatility: no stretch of ${K} grid increments outside the masked intervals`);
  const integrated = (avgFullSpan - all / K) / (1 - 1 / K);
  const variance = Math.max(0, integrated) / T;
  const sigma = Math.sqrt(variance);
  const cActual = K / Math.pow(n, 2 / 3);
  const noiseVar = all / (2 * n);
  const varIntegrated = Math.pow(n, -1 / 3) * ((8 / (cActual * cActual)) * noiseVar * noiseVar + (4 / 3) * cActual * T * variance * variance * T);
  const seVariance = Math.sqrt(varIntegrated) / T;
  const se = sigma > 0 ? seVariance / (2 * sigma) : 0;
  return volatilityEstimate(series, sigma, se, { n, dropped }, `two-scale realized variance (ZMA 2005), ${series.intervalMs} ms grid, K = ${K}`);
}

/**
 * The volatility signature plot: σ̂ per √s from realized variance at each lag (in grid steps), averaged over
 * all offsets (over the usable stretches only, when masked). Flat for a Brownian motion; rising toward small
 * lags under microstructure noise. NaN at a lag no usable stretch is long enough for.
 */
export function volatilitySignature(series: GridSeries, lags: readonly number[]): { intervalMs: number[]; sigmaPerSqrtSec: number[] } {
  const { n } = requireIncrements(series, Math.max(...lags) + 1);
  const T = (n * series.intervalMs) / 1000;
  return {
    intervalMs: lags.map((lag) => lag * series.intervalMs),
    sigmaPerSqrtSec: lags.map((lag) => Math.sqrt(fullSpanRealizedVariance(series, lag, n) / T)),
  };
}

/**
 * The reference system's "volatility": the sample standard deviation (pandas' rolling std, ddof 1) of the last
 * `windowRows` mid prices, row by row, including the current one. It is a price dispersion in quote
 * currency, not a rate: its value depends on how often rows arrive and grows with the square root of the
 * window's time span, so it is not σ per √s. Kept for side-by-side comparison only; NaN until `windowRows`
 * rows exist and wherever the window holds a NaN mid (a one-sided book), as pandas.
 */
export function referenceRollingStdOfMid(mid: ArrayLike<number>, windowRows = 200): Float64Array {
  const n = mid.length;
  const out = new Float64Array(n);
  const rolling = new ReferenceRollingStd(windowRows);
  for (let i = 0; i < n; i++) out[i] = rolling.push(mid[i]);
  return out;
}

/**
 * `referenceRollingStdOfMid` one mid at a time, in memory of one window (what a run over a long file uses
 * instead of a column of σ): `push` takes the next mid and returns the σ of the window it ends, NaN as there.
 * The same arithmetic in the same order, so the values are identical to the column's.
 */
export class ReferenceRollingStd {
  /** The last `windowRows` mids, mid i at i mod windowRows. */
  private readonly ring: Float64Array;
  /** sum, sum of squares (of mid − shift), shift, rows pushed, NaN mids in the window. */
  private readonly state = new Float64Array(5);
  private started = false;

  constructor(private readonly windowRows: number) {
    this.ring = new Float64Array(windowRows);
  }

  push(mid: number): number {
    const windowRows = this.windowRows;
    const ring = this.ring;
    const state = this.state;
    const i = state[3];
    // shift by the first defined value to keep the running sums well conditioned (the mids before it are NaN,
    // whatever the shift)
    if (!this.started && mid === mid) {
      state[2] = mid;
      this.started = true;
    }
    const slot = i % windowRows;
    const v = mid - state[2];
    if (v !== v) state[4]++;
    else {
      state[0] += v;
      state[1] += v * v;
    }
    if (i >= windowRows) {
      const old = ring[slot] - state[2];
      if (old !== old) state[4]--;
      else {
        state[0] -= old;
        state[1] -= old * old;
      }
    }
    ring[slot] = mid;
    state[3] = i + 1;
    if (i >= windowRows && slot === 0 && state[4] === 0) this.recentre(i);
    if (i >= windowRows - 1 && state[4] === 0) {
      const mean = state[0] / windowRows;
      return Math.sqrt(Math.max(0, (state[1] - windowRows * mean * mean) / (windowRows - 1)));
    }
    return NaN;
  }

  /**
   * Every windowRows rows (at row i), the sums are recomputed from the window itself, re-centred on its latest
   * value, so that neither rounding in the running updates nor a drift of the price away from the shift can
   * accumulate over a long file. (A method of its own: `push` stays small enough for V8 to inline.)
   */
  private recentre(i: number): void {
    const windowRows = this.windowRows;
    const ring = this.ring;
    const shift = ring[i % windowRows];
    let sum = 0;
    let sumSq = 0;
    for (let j = i - windowRows + 1; j <= i; j++) {
      const w = ring[j % windowRows] - shift;
      sum += w;
      sumSq += w * w;
    }
    this.state[0] = sum;
    this.state[1] = sumSq;
    this.state[2] = shift;
  }
}
