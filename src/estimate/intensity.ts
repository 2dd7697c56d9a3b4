import type { Matrix } from 'mathjs';
import { lazyPackage } from '../project/lazyPackage.js';
import { createRng } from '../random/rng.js';
import { quantiles } from '../stats/quantile.js';
import { EstimationError, Z95 } from './errors.js';
import type { MarketOrders } from './marketOrders.js';
import {
  arrivalByDepth,
  checkDepthRange,
  DEFAULT_DEPTH_RANGE,
  describeDepthRange,
  ordersOnSide,
  reachStats,
  reachTicks,
  sidesOf,
  type DepthRange,
  type QuoteSide,
  type ReachStats,
} from './arrivalByDepth.js';

/** mathjs, loaded on the first weighted least-squares fit (see `lazyPackage`): it takes longer to load than most commands take to run. */
const mathjs = lazyPackage<typeof import('mathjs')>('mathjs');

export type { QuoteSide } from './arrivalByDepth.js';

/**
 * λ(δ) = A·exp(−k·δ) over a stated range of depths δ past the touch, with 95 % intervals. δ is the distance
 * of a quote from the touch (the best price on its side): λ(δ) is the rate of market orders that reach at
 * least δ, i.e. that would fill a quote resting δ behind the touch (see `arrivalByDepth`). A per second (the
 * rate at the touch, δ = 0, of the exponential that fits over the range), k per unit of price (and per
 * tick), so λ at j ticks past the touch is A·exp(−k·j·tick). For a quote δ_mid from the mid of a book whose
 * half-spread is h: λ = A·exp(−k·(δ_mid − h)).
 */
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
  /** The depths the fit used, ticks past the touch (the MLE: as asked; WLS: as asked, cut where counts ran out). */
  readonly depthRange: DepthRange;
  /** Market orders on the side (pooled: both sides). */
  readonly orders: number;
  /** Orders that went at least one tick past the touch. */
  readonly ordersBeyondTouch: number;
  /** The orders both A and k come from: those reaching the first depth of `depthRange`. */
  readonly ordersUsed: number;
  /** Of those, the orders reaching the last depth of `depthRange` (censored there: the fit says nothing deeper). */
  readonly ordersCensored: number;
  readonly durationSec: number;
}

/** Options of the arrival fits. */
export interface ArrivalFitOptions {
  /** Depths the fit is made over, ticks past the touch (default `DEFAULT_DEPTH_RANGE`, 1..10). */
  readonly depths?: DepthRange;
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

function rangeOption(options: ArrivalFitOptions): DepthRange {
  const range = options.depths ?? DEFAULT_DEPTH_RANGE;
  try {
    checkDepthRange(range);
  } catch (error) {
    throw new EstimationError((error as Error).message);
  }
  return range;
}

/** A, k and their standard errors from the depth-range likelihood's sufficient statistics (NaN where undefined). */
export interface ArrivalFromStats {
  readonly aPerSec: number;
  readonly aSe: number;
  readonly kPerPrice: number;
  readonly kSe: number;
}

/**
 * The maximum-likelihood A and k of `fitArrivalMle` from its sufficient statistics (for callers that keep
 * them as prefix sums, e.g. a rolling window): q̂ = S/(S + N_u), k̂ = ln(1 + N_u/S)/tick,
 * SE(k̂) = √(N_u/(S·(S + N_u)))/tick, Â = N₀/(sides·T)·e^{k̂·d0·tick}, SE(Â) = Â·√(1/N₀ + (d0·tick·SE(k̂))²).
 * k̂ (and Â when d0 > 0) is NaN when N₀ < 2, S = 0 (k infinite) or N_u = 0 (k = 0: no decay in the range);
 * Â is NaN when T ≤ 0. Pure; never throws.
 * @example arrivalFromStats({ orders: 10, reached: 4, censored: 0, uncensored: 4, excessTicks: 4 }, 2, 1, 0.01, { fromTicks: 0, toTicks: 10 })
 * // q̂ = 4/8: kPerPrice = ln 2/0.01 = 69.31…, aPerSec = 4/2 = 2
 */
export function arrivalFromStats(stats: ReachStats, durationSec: number, sides: 1 | 2, tickSize: number, range: DepthRange): ArrivalFromStats {
  const { reached: n0, uncensored: nu, excessTicks: s } = stats;
  const identifiable = n0 >= 2 && s > 0 && nu > 0 && tickSize > 0;
  const k = identifiable ? Math.log(1 + nu / s) / tickSize : NaN;
  const kSe = identifiable ? Math.sqrt(nu / (s * (s + nu))) / tickSize : NaN;
  const shift = range.fromTicks * tickSize;
  const base = durationSec > 0 ? n0 / (sides * durationSec) : NaN;
  const a = shift === 0 ? base : base * Math.exp(k * shift);
  const aSe = n0 > 0 ? a * Math.sqrt(1 / n0 + (shift === 0 ? 0 : (shift * kSe) ** 2)) : NaN;
  return { aPerSec: a, aSe, kPerPrice: k, kSe };
}

/**
 * Maximum likelihood of λ(δ) = A·e^{−k·δ} over the depths d0..d1 ticks past the touch (`options.depths`,
 * default 1..10), with A and k from the SAME orders: those reaching depth d0.
 *
 * Definitions: an order's reach J is the whole ticks past the touch it traded at (0 = at the touch; see
 * `reachTicks`); it fills quotes at depths 0..J. λ(δ) = rate of orders with J ≥ δ. Market orders arrive as
 * a Poisson process, so the model λ(δ) = A·q^δ, q = e^{−k·tick}, for δ = d0..d1 says: the count N₀ of
 * orders with J ≥ d0 is Poisson with mean sides·T·A·q^{d0}, and given J ≥ d0, Y = min(J, d1) − d0 is a
 * geometric censored at m = d1 − d0: P(Y = y) = (1 − q)·q^y for y < m, P(Y = m) = q^m (J ≥ d1: the model
 * says nothing deeper than d1, so those orders only tell that they got that far). Orders with J < d0 do not
 * enter (the model is silent there). The log-likelihood is
 *   ℓ(A, q) = N₀·ln(sides·T·A·q^{d0}) − sides·T·A·q^{d0} + N_u·ln(1 − q) + S·ln q,
 * N_u = orders with d0 ≤ J < d1, S = Σ Y. It factors into a Poisson part in μ = A·q^{d0} and a geometric
 * part in q, so q̂ = S/(S + N_u), k̂ = ln(1 + N_u/S)/tick, Â·q̂^{d0} = N₀/(sides·T), i.e.
 * Â = N₀/(sides·T)·e^{k̂·d0·tick}. Standard errors from the observed information:
 * SE(k̂) = √(N_u/(S·(S + N_u)))/tick; SE(Â) = Â·√(1/N₀ + (d0·tick·SE(k̂))²) (μ̂ and q̂ are independent).
 * 95 % intervals on the log scale (A, k > 0): est·exp(±1.96·SE/est). With d0 = 1 and d1 → ∞ k̂ is the
 * geometric fit of the ticks past the first level past the touch, ln(1 + 1/j̄)/tick.
 * Exact for generated Poisson arrivals with λ = A·e^{−kδ} on the range; whether real data follow it is for
 * `checkArrivalFit` to say (on real data an order's reach is its deepest fill against the book in force).
 * Pooled: both sides' orders, A per side (N₀/(2T)).
 * @throws EstimationError when there is no order on the side, fewer than 2 reach d0, all of them stop at d0
 *   (k infinite) or all reach d1 (k = 0: no decay inside the range), or the range is not 0 ≤ d0 < d1.
 * @example // 4 buys reaching 1, 1, 2 and 3 ticks past the touch in 2 s, depths 1..10:
 * // N₀ = 4, N_u = 4, S = 0 + 0 + 1 + 2 = 3: k̂·tick = ln(1 + 4/3), Â = 4/2·(7/3)
 */
export function fitArrivalMle(orders: MarketOrders, durationSec: number, side: QuoteSide = 'pooled', options: ArrivalFitOptions = {}): ArrivalEstimate {
  requireDuration(durationSec);
  const range = rangeOption(options);
  const stats = reachStats(orders, side, range);
  let beyond = 0;
  for (const i of ordersOnSide(orders, side)) if (orders.ticksBeyondTouch[i] >= 0) beyond++;
  return arrivalEstimateFromStats(stats, durationSec, side, orders.tickSize, range, beyond);
}

/**
 * `fitArrivalMle`'s estimate from the reach statistics of one side (or both, pooled) over `range`: its checks
 * (EstimationError when there are no orders, fewer than 2 reaching d0, all stopping at d0 or all reaching d1),
 * the closed-form MLE (`arrivalFromStats`) and its 95 % intervals. `ordersBeyondTouch` is reported as given.
 * The streamed estimate (`StreamedEstimate`, from counts per reach depth) ends here too.
 */
export function arrivalEstimateFromStats(stats: ReachStats, durationSec: number, side: QuoteSide, tickSize: number, range: DepthRange, ordersBeyondTouch: number): ArrivalEstimate {
  const beyond = ordersBeyondTouch;
  if (stats.orders === 0) throw new EstimationError(`no market orders on the ${side} side`);
  const where = `reaching ${describeDepthRange(range)}`;
  if (stats.reached < 2) throw new EstimationError(`k needs at least 2 market orders ${where} on the ${side} side, got ${stats.reached} (of ${stats.orders})`);
  if (stats.excessTicks === 0) throw new EstimationError(`all ${stats.reached} orders ${where} on the ${side} side stopped at depth ${range.fromTicks}: k is not identifiable (infinite)`);
  if (stats.uncensored === 0) throw new EstimationError(`all ${stats.reached} orders ${where} on the ${side} side reached depth ${range.toTicks}: no decay inside the range (k = 0); widen it`);
  const tick = tickSize;
  const fit = arrivalFromStats(stats, durationSec, sidesOf(side), tick, range);
  return {
    side,
    method: `maximum likelihood over depths ${describeDepthRange(range)} (Poisson count of the ${stats.reached} orders reaching ${range.fromTicks}; their depths geometric, censored at ${range.toTicks})`,
    aPerSec: fit.aPerSec,
    aSe: fit.aSe,
    aCi95: positiveInterval(fit.aPerSec, fit.aSe),
    kPerPrice: fit.kPerPrice,
    kSe: fit.kSe,
    kCi95: positiveInterval(fit.kPerPrice, fit.kSe),
    kPerTick: fit.kPerPrice * tick,
    depthRange: range,
    orders: stats.orders,
    ordersBeyondTouch: beyond,
    ordersUsed: stats.reached,
    ordersCensored: stats.censored,
    durationSec,
  };
}

/**
 * The empirical intensity counted from the MID: λ(δ) = count(depth from the mid ≥ δ)/T (per side; pooled:
 * /2T) on δ = 1, 2, … ticks. Kept for plots against the mid; the fits and their checks count depth from the
 * touch instead (`arrivalByDepth`), where a mid inside the spread does not blur the tick grid.
 */
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
  const idx = ordersOnSide(orders, side);
  const tick = orders.tickSize;
  const ticks = idx.map((i) => orders.depthPx[i] / tick).sort((a, b) => b - a);
  const sides = sidesOf(side);
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
  const { lusolve, matrix, multiply, transpose } = mathjs();
  const X = matrix(depthPx.map((d, g) => [Math.sqrt(weights[g]), Math.sqrt(weights[g]) * d]));
  const y = matrix(perSec.map((l, g) => [Math.sqrt(weights[g]) * Math.log(l)]));
  const Xt = transpose(X);
  const beta = lusolve(multiply(Xt, X) as Matrix, multiply(Xt, y) as Matrix) as Matrix;
  const b = beta.toArray() as number[][];
  return [b[0][0], b[1][0]];
}

/** A Poisson(1) draw by inversion (the weight of one order in a Poisson bootstrap resample). */
function poissonOne(u: number): number {
  let k = 0;
  let p = Math.exp(-1);
  let cdf = p;
  while (u > cdf && k < 30) {
    k++;
    p /= k;
    cdf += p;
  }
  return k;
}

/** Options of `fitArrivalWls`. */
export interface WlsOptions extends ArrivalFitOptions {
  /** Bootstrap resamples for the intervals (default 200). */
  readonly bootstrap?: number;
  /** Seed of the bootstrap (default 1). */
  readonly seed?: number;
  /** The fit stops at the first depth of the range reached by fewer orders than this (default 10). */
  readonly minCount?: number;
}

/**
 * Weighted least squares on log λ(δ) (the hftbacktest / Guéant-style fit) over the same depths and orders as
 * `fitArrivalMle`: λ̂(j) = (orders reaching ≥ j ticks past the touch)/(sides·T) for j = d0..d1
 * (`options.depths`, default 1..10; cut at the first depth reached by fewer than `minCount` orders), and
 * log λ̂(j) = log A − k·j·tick by least squares with weights = counts (Var log λ̂ ≈ 1/count); mathjs solves the
 * normal equations. A is the fitted λ at the touch (j = 0), as for the MLE, so on data that follow the
 * model the two agree (depth counted from the touch in whole ticks has no spread-position bias). 95 %
 * intervals: 2.5 and 97.5 % quantiles (`stats/quantile.ts`) of `bootstrap` Poisson-bootstrap refits (each order weighted by a Poisson(1) draw, so
 * the count of orders varies as a Poisson process's does; seeded). Less efficient than the MLE (the counts at
 * successive depths share orders) and its intervals are the wider; it is the cross-check.
 * @throws EstimationError when fewer than 3 depths of the range are reached by `minCount` orders.
 */
export function fitArrivalWls(orders: MarketOrders, durationSec: number, side: QuoteSide = 'pooled', options: WlsOptions = {}): ArrivalEstimate {
  requireDuration(durationSec);
  const range = rangeOption(options);
  const minCount = options.minCount ?? 10;
  const d0 = range.fromTicks;
  const byDepth = arrivalByDepth(orders, durationSec, side, range.toTicks);
  let last = d0 - 1;
  while (last + 1 <= range.toTicks && byDepth.reaching[last + 1] >= minCount) last++;
  const used = last - d0 + 1;
  if (used < 3) throw new EstimationError(`WLS needs at least 3 depths of ${describeDepthRange(range)} reached by ${minCount} orders on the ${side} side, got ${Math.max(0, used)}`);
  const tick = orders.tickSize;
  const depthsTicks = Array.from({ length: used }, (_, g) => d0 + g);
  const depthPx = depthsTicks.map((j) => j * tick);
  const counts = depthsTicks.map((j) => byDepth.reaching[j]);
  const sides = sidesOf(side);
  const [logA, slope] = wlsLogLinear(depthPx, counts.map((c) => c / (sides * durationSec)), counts);
  const a = Math.exp(logA);
  const k = -slope;
  // Poisson bootstrap: each order of the side weighted by a Poisson(1) draw; refit on the same depths
  const B = options.bootstrap ?? 200;
  const rng = createRng(options.seed ?? 1);
  const idx = ordersOnSide(orders, side);
  const cell = Int32Array.from(idx, (i) => Math.min(last + 1, Math.max(0, reachTicks(orders, i))));
  const exact = new Float64Array(last + 2);
  const as: number[] = [];
  const ks: number[] = [];
  for (let b = 0; b < B; b++) {
    exact.fill(0);
    for (let r = 0; r < cell.length; r++) exact[cell[r]] += poissonOne(rng.next());
    const c = new Array<number>(used);
    let above = exact[last + 1];
    for (let j = last; j >= d0; j--) {
      above += exact[j];
      c[j - d0] = above;
    }
    const usable = c.findIndex((x) => x < 1);
    const G = usable < 0 ? used : usable;
    if (G < 3) continue;
    const [la, sl] = wlsLogLinear(depthPx.slice(0, G), c.slice(0, G).map((x) => x / (sides * durationSec)), c.slice(0, G));
    as.push(Math.exp(la));
    ks.push(-sl);
  }
  const sd = (v: number[]) => {
    const m = v.reduce((x, y) => x + y, 0) / v.length;
    return Math.sqrt(v.reduce((x, y) => x + (y - m) * (y - m), 0) / Math.max(1, v.length - 1));
  };
  const usedRange: DepthRange = { fromTicks: d0, toTicks: last };
  return {
    side,
    method: `weighted least squares on log λ over depths ${describeDepthRange(usedRange)}${last < range.toTicks ? ` (of ${range.fromTicks}..${range.toTicks}: deeper depths reached by fewer than ${minCount} orders)` : ''}, the ${counts[0]} orders reaching ${d0}; ${B}-resample Poisson-bootstrap intervals`,
    aPerSec: a,
    aSe: sd(as),
    aCi95: quantiles(as, [0.025, 0.975]) as [number, number],
    kPerPrice: k,
    kSe: sd(ks),
    kCi95: quantiles(ks, [0.025, 0.975]) as [number, number],
    kPerTick: k * tick,
    depthRange: usedRange,
    orders: idx.length,
    ordersBeyondTouch: byDepth.reaching.length > 1 ? byDepth.reaching[1] : 0,
    ordersUsed: counts[0],
    ordersCensored: counts[used - 1],
    durationSec,
  };
}
