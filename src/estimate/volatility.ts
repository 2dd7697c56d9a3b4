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
  /** Increments used. */
  readonly increments: number;
  readonly intervalMs: number;
  readonly method: string;
}

function requireIncrements(series: GridSeries, min: number): void {
  if (series.values.length - 1 < min) {
    throw new EstimationError(`need at least ${min} grid increments for a volatility estimate, got ${Math.max(0, series.values.length - 1)}`);
  }
}

/**
 * Realized volatility: σ̂² = Σ (X_{i+1} − X_i)² / (n·Δ), Δ = intervalMs/1000 s, n increments. For a Brownian
 * motion X with volatility σ, σ̂²·n/σ² ~ χ²(n), so SE(σ̂) ≈ σ̂/√(2n) (the 95 % interval uses it). A constant
 * series gives σ̂ = 0 with a zero-width interval. Biased upward by microstructure noise at fine grids (see
 * `twoScaleVolatility` and `volatilitySignature`).
 * @example realizedVolatility({ startMs: 0, intervalMs: 1000, values: Float64Array.from([0, 1, 0, 1]) }).sigmaPerSqrtSec // 1
 */
export function realizedVolatility(series: GridSeries): VolatilityEstimate {
  requireIncrements(series, 1);
  const x = series.values;
  const n = x.length - 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i + 1] - x[i];
    sum += d * d;
  }
  const sigma = Math.sqrt(sum / (n * (series.intervalMs / 1000)));
  const se = sigma / Math.sqrt(2 * n);
  return { sigmaPerSqrtSec: sigma, se, ci95: [Math.max(0, sigma - Z95 * se), sigma + Z95 * se], increments: n, intervalMs: series.intervalMs, method: `realized variance at ${series.intervalMs} ms` };
}

/** Realized variance with increments `lag` grid steps apart, averaged over the `lag` offsets (subsampling). */
function averagedRealizedVariance(x: Float64Array, lag: number): number {
  let sum = 0;
  for (let i = 0; i + lag < x.length; i++) {
    const d = x[i + lag] - x[i];
    sum += d * d;
  }
  return sum / lag;
}

/**
 * Two-scale realized volatility (Zhang, Mykland & Aït-Sahalia 2005, JASA 100(472), eq. (55)–(64)): robust to
 * i.i.d. microstructure noise ε (bid-ask bounce). With X observed on the finest grid (n increments) and
 * K sparse sub-grids ([X]^avg: realized variance at lag K averaged over the K offsets, scaled to the full
 * span; [X]^all: at lag 1): ⟨X⟩ = ([X]^avg − [X]^all/K)/(1 − 1/K), the paper's estimator with its
 * small-sample adjustment, unbiased for σ²T under i.i.d. noise; σ̂² = ⟨X⟩/T, T = n·Δ. K = c·n^{2/3}, at
 * least 2, with c by default the paper's variance-minimizing choice from pilot estimates of σ and the noise. SE from the paper's asymptotic variance
 * n^{−1/3}·(8c⁻²·E[ε²]² + (4/3)·c·T·∫σ⁴dt), with E[ε²] = [X]^all/(2n) and ∫σ⁴ = σ̂⁴T.
 */
export function twoScaleVolatility(series: GridSeries, c?: number): VolatilityEstimate {
  requireIncrements(series, 8);
  const x = series.values;
  const n = x.length - 1;
  const T = (n * series.intervalMs) / 1000;
  const all = averagedRealizedVariance(x, 1);
  // c: as given, else the variance-minimizing c* = (12·ω⁴/(T·∫σ⁴))^{1/3} of ZMA (2005, eq. (63)) from pilots:
  // ∫σ² from realized variance at lag ⌈√n⌉ (little noise there), ω² = ([X]^all − ∫σ²)/(2n).
  let cUsed = c;
  if (cUsed === undefined) {
    const pilotLag = Math.ceil(Math.sqrt(n));
    const pilotIntegrated = (averagedRealizedVariance(x, pilotLag) * n) / (n - pilotLag + 1);
    const pilotNoise = Math.max(0, (all - pilotIntegrated) / (2 * n));
    const quarticity = (pilotIntegrated * pilotIntegrated) / T; // ∫σ⁴ for constant σ
    cUsed = quarticity > 0 ? Math.cbrt((12 * pilotNoise * pilotNoise) / (T * quarticity)) : 0;
  }
  const K = Math.max(2, Math.min(Math.floor(n / 4), Math.round(cUsed * Math.pow(n, 2 / 3))));
  const avg = averagedRealizedVariance(x, K);
  // [X]^avg over the full span (each lag-K increment counted once per offset): E = σ²T + 2ω²·n/K;
  // [X]^all: E = σ²T + 2ω²·n. So ⟨X⟩ = ([X]^avg − [X]^all/K)/(1 − 1/K) is unbiased for σ²T.
  const avgFullSpan = (avg * n) / (n - K + 1);
  const integrated = (avgFullSpan - all / K) / (1 - 1 / K);
  const variance = Math.max(0, integrated) / T;
  const sigma = Math.sqrt(variance);
  const cActual = K / Math.pow(n, 2 / 3);
  const noiseVar = all / (2 * n);
  const varIntegrated = Math.pow(n, -1 / 3) * ((8 / (cActual * cActual)) * noiseVar * noiseVar + (4 / 3) * cActual * T * variance * variance * T);
  const seVariance = Math.sqrt(varIntegrated) / T;
  const se = sigma > 0 ? seVariance / (2 * sigma) : 0;
  return {
    sigmaPerSqrtSec: sigma,
    se,
    ci95: [Math.max(0, sigma - Z95 * se), sigma + Z95 * se],
    increments: n,
    intervalMs: series.intervalMs,
    method: `two-scale realized variance (ZMA 2005), ${series.intervalMs} ms grid, K = ${K}`,
  };
}

/**
 * The volatility signature plot: σ̂ per √s from realized variance at each lag (in grid steps), averaged over
 * all offsets. Flat for a Brownian motion; rising toward small lags under microstructure noise.
 */
export function volatilitySignature(series: GridSeries, lags: readonly number[]): { intervalMs: number[]; sigmaPerSqrtSec: number[] } {
  requireIncrements(series, Math.max(...lags) + 1);
  const n = series.values.length - 1;
  const T = (n * series.intervalMs) / 1000;
  return {
    intervalMs: lags.map((lag) => lag * series.intervalMs),
    sigmaPerSqrtSec: lags.map((lag) => Math.sqrt((averagedRealizedVariance(series.values, lag) * (n / (n - lag + 1))) / T)),
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
  const out = new Float64Array(n).fill(NaN);
  let sum = 0;
  let sumSq = 0;
  let missing = 0;
  // shift by the first defined value to keep the running sums well conditioned
  let shift = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(mid[i])) {
      shift = mid[i];
      break;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = mid[i] - shift;
    if (Number.isNaN(v)) missing++;
    else {
      sum += v;
      sumSq += v * v;
    }
    if (i >= windowRows) {
      const old = mid[i - windowRows] - shift;
      if (Number.isNaN(old)) missing--;
      else {
        sum -= old;
        sumSq -= old * old;
      }
    }
    // every windowRows rows, the sums are recomputed from the window itself, re-centred on its latest value,
    // so that neither rounding in the running updates nor a drift of the price away from the shift can
    // accumulate over a long file
    if (i >= windowRows && i % windowRows === 0 && missing === 0) {
      shift = mid[i];
      sum = 0;
      sumSq = 0;
      for (let j = i - windowRows + 1; j <= i; j++) {
        const w = mid[j] - shift;
        sum += w;
        sumSq += w * w;
      }
    }
    if (i >= windowRows - 1 && missing === 0) {
      const mean = sum / windowRows;
      out[i] = Math.sqrt(Math.max(0, (sumSq - windowRows * mean * mean) / (windowRows - 1)));
    }
  }
  return out;
}
