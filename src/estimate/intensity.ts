import { lusolve, matrix, multiply, transpose, type Matrix } from 'mathjs';
import { createRng } from '../random/rng.js';
import { EstimationError, Z95 } from './errors.js';
import type { MarketOrders } from './marketOrders.js';

/**
 * Which quotes an estimate is for: `ask` quotes are reached by buy market orders, `bid` quotes by sells;
 * `pooled` treats both sides as one process (A is then the average rate per side).
 */
export type QuoteSide = 'ask' | 'bid' | 'pooled';

/** λ(δ) = A·exp(−k·δ): A per second, k per unit of price (and per tick), with 95 % intervals. */
export interface ArrivalEstimate {
  readonly side: QuoteSide;
  readonly method: string;
  readonly aPerSec: number;
  readonly aSe: number;
  readonly aCi95: readonly [number, number];
  readonly kPerPrice: number;
  readonly kSe: number;
  readonly kCi95: readonly [number, number];
  /** k·tick: the decay per tick. */
  readonly kPerTick: number;
  readonly orders: number;
  readonly ordersBeyondTouch: number;
  readonly durationSec: number;
}

function selectSide(orders: MarketOrders, side: QuoteSide): number[] {
  const want = side === 'ask' ? 1 : side === 'bid' ? -1 : 0;
  const out: number[] = [];
  for (let i = 0; i < orders.side.length; i++) if (want === 0 || orders.side[i] === want) out.push(i);
  return out;
}

/**
 * A 95 % interval for a positive estimate from its standard error, on the log scale (est·e^{±z·se/est}): never
 * below zero, and the same as the normal interval when se ≪ est.
 */
function positiveInterval(estimate: number, se: number): [number, number] {
  const f = Math.exp((Z95 * se) / estimate);
  return [estimate / f, estimate * f];
}

function requireDuration(durationSec: number): void {
  if (!(durationSec > 0)) throw new EstimationError(`duration must be positive, got ${durationSec} s`);
}

/**
 * Maximum likelihood for market orders arriving as a Poisson process of rate A per side whose reach δ from
 * the mid is Exponential(k) (the AS intensity λ(δ) = A·e^{−kδ}):
 * - Â = N/T, SE √N/T (N orders on the side in T seconds; pooled: N/(2T));
 * - k̂ from the orders that went past the touch: on a tick grid their whole ticks j beyond the first level
 *   past the touch are Geometric with P(j) = (1 − p)·p^j, p = e^{−k·tick}, whatever the mid's position
 *   inside the spread (memorylessness), so p̂ = j̄/(1 + j̄), k̂ = ln(1 + 1/j̄)/tick, and by the delta method
 *   SE(k̂) = 1/(tick·√(N_b·j̄·(1 + j̄))).
 * 95 % intervals on the log scale (A and k are positive): est·exp(±1.96·SE/est).
 * Exact for the sample market's model; on real data it assumes each order's reach is its deepest fill.
 * @throws EstimationError when there is no order, or fewer than 2 went past the touch, or all stopped at
 *   the first level past it (k not identifiable).
 */
export function fitArrivalMle(orders: MarketOrders, durationSec: number, side: QuoteSide = 'pooled'): ArrivalEstimate {
  requireDuration(durationSec);
  const idx = selectSide(orders, side);
  if (idx.length === 0) throw new EstimationError(`no market orders on the ${side} side`);
  const sides = side === 'pooled' ? 2 : 1;
  let nb = 0;
  let sumJ = 0;
  for (const i of idx) {
    const j = orders.ticksBeyondTouch[i];
    if (j >= 0) {
      nb++;
      sumJ += j;
    }
  }
  if (nb < 2) throw new EstimationError(`k needs at least 2 market orders past the touch on the ${side} side, got ${nb} (of ${idx.length})`);
  if (sumJ === 0) throw new EstimationError(`all ${nb} orders past the touch on the ${side} side stopped one tick past it: k is not identifiable (infinite)`);
  const tick = orders.tickSize;
  const jBar = sumJ / nb;
  const k = Math.log(1 + 1 / jBar) / tick;
  const kSe = 1 / (tick * Math.sqrt(nb * jBar * (1 + jBar)));
  const a = idx.length / (sides * durationSec);
  const aSe = Math.sqrt(idx.length) / (sides * durationSec);
  return {
    side,
    method: 'maximum likelihood (Poisson count; geometric ticks past the touch)',
    aPerSec: a,
    aSe,
    aCi95: positiveInterval(a, aSe),
    kPerPrice: k,
    kSe,
    kCi95: positiveInterval(k, kSe),
    kPerTick: k * tick,
    orders: idx.length,
    ordersBeyondTouch: nb,
    durationSec,
  };
}

/** The empirical intensity λ(δ) = count(depth ≥ δ)/T (per side; pooled: /2T) on a grid of depths. */
export interface EmpiricalIntensity {
  readonly side: QuoteSide;
  readonly depthPx: number[];
  readonly depthTicks: number[];
  readonly count: number[];
  readonly perSec: number[];
}

/**
 * λ(δ) on δ = 1, 2, ... ticks from the mid, up to the deepest δ still reached by `minCount` orders (depth
 * counted from the mid of the book in force; a tolerance of 1e−9 tick absorbs float error).
 */
export function empiricalIntensity(orders: MarketOrders, durationSec: number, side: QuoteSide = 'pooled', minCount = 10): EmpiricalIntensity {
  requireDuration(durationSec);
  const idx = selectSide(orders, side);
  const tick = orders.tickSize;
  const ticks = idx.map((i) => orders.depthPx[i] / tick).sort((a, b) => b - a);
  const sides = side === 'pooled' ? 2 : 1;
  const out: EmpiricalIntensity = { side, depthPx: [], depthTicks: [], count: [], perSec: [] };
  for (let g = 1; ; g++) {
    // orders with depth ≥ g ticks: ticks is sorted descending
    let c = 0;
    while (c < ticks.length && ticks[c] >= g - 1e-9) c++;
    if (c < minCount) break;
    out.depthTicks.push(g);
    out.depthPx.push(g * tick);
    out.count.push(c);
    out.perSec.push(c / (sides * durationSec));
  }
  return out;
}

/** Weighted least squares of log λ on δ, weights = counts; returns [log A, −k]. */
function wlsLogLinear(depthPx: readonly number[], perSec: readonly number[], weights: readonly number[]): [number, number] {
  const X = matrix(depthPx.map((d, g) => [Math.sqrt(weights[g]), Math.sqrt(weights[g]) * d]));
  const y = matrix(perSec.map((l, g) => [Math.sqrt(weights[g]) * Math.log(l)]));
  const Xt = transpose(X);
  const beta = lusolve(multiply(Xt, X) as Matrix, multiply(Xt, y) as Matrix) as Matrix;
  const b = beta.toArray() as number[][];
  return [b[0][0], b[1][0]];
}

/**
 * Weighted least squares on log λ(δ) (the hftbacktest / Guéant-style fit): log λ_g = log A − k·δ_g over
 * the empirical grid, weights = counts (Var log λ ≈ 1/count). mathjs solves the normal equations. 95 %
 * intervals from `bootstrap` resamples of the orders (percentile; seeded). On a tick grid λ counted from a
 * mid inside the spread is A·e^{−kδ} times (1 − e^{−k·tick})/(k·tick) on average, so Â is biased low by
 * about k·tick/2; k̂ is not. Prefer `fitArrivalMle` for A.
 * @throws EstimationError when fewer than 3 grid points have `minCount` orders.
 */
export function fitArrivalWls(orders: MarketOrders, durationSec: number, side: QuoteSide = 'pooled', options: { bootstrap?: number; seed?: number; minCount?: number } = {}): ArrivalEstimate {
  const minCount = options.minCount ?? 10;
  const emp = empiricalIntensity(orders, durationSec, side, minCount);
  if (emp.depthPx.length < 3) throw new EstimationError(`WLS needs at least 3 depths reached by ${minCount} orders on the ${side} side, got ${emp.depthPx.length}`);
  const [logA, slope] = wlsLogLinear(emp.depthPx, emp.perSec, emp.count);
  const a = Math.exp(logA);
  const k = -slope;
  // bootstrap: resample orders with replacement, refit on the same grid
  const B = options.bootstrap ?? 200;
  const rng = createRng(options.seed ?? 1);
  const idx = selectSide(orders, side);
  const tick = orders.tickSize;
  const sides = side === 'pooled' ? 2 : 1;
  const as: number[] = [];
  const ks: number[] = [];
  const counts = new Float64Array(emp.depthPx.length);
  for (let b = 0; b < B; b++) {
    counts.fill(0);
    for (let r = 0; r < idx.length; r++) {
      const d = orders.depthPx[idx[Math.floor(rng.next() * idx.length)]] / tick;
      for (let g = 0; g < counts.length && d >= g + 1 - 1e-9; g++) counts[g]++;
    }
    const usable = Array.from(counts).findIndex((c) => c < 1);
    const G = usable < 0 ? counts.length : usable;
    if (G < 3) continue;
    const [la, sl] = wlsLogLinear(emp.depthPx.slice(0, G), Array.from(counts.subarray(0, G), (c) => c / (sides * durationSec)), Array.from(counts.subarray(0, G)));
    as.push(Math.exp(la));
    ks.push(-sl);
  }
  const pct = (v: number[], q: number) => {
    const s = v.slice().sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  };
  const sd = (v: number[]) => {
    const m = v.reduce((x, y) => x + y, 0) / v.length;
    return Math.sqrt(v.reduce((x, y) => x + (y - m) * (y - m), 0) / Math.max(1, v.length - 1));
  };
  let nb = 0;
  for (const i of idx) if (orders.ticksBeyondTouch[i] >= 0) nb++;
  return {
    side,
    method: `weighted least squares on log λ over ${emp.depthPx.length} depths (1..${emp.depthTicks[emp.depthTicks.length - 1]} ticks), ${B}-resample bootstrap intervals`,
    aPerSec: a,
    aSe: sd(as),
    aCi95: [pct(as, 0.025), pct(as, 0.975)],
    kPerPrice: k,
    kSe: sd(ks),
    kCi95: [pct(ks, 0.025), pct(ks, 0.975)],
    kPerTick: k * tick,
    orders: idx.length,
    ordersBeyondTouch: nb,
    durationSec,
  };
}
