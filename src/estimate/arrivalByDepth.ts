import { EstimationError } from './errors.js';
import type { MarketOrders } from './marketOrders.js';

/**
 * Which quotes an estimate is for: `ask` quotes are reached by buy market orders, `bid` quotes by sells;
 * `pooled` treats both sides as one process (A is then the average rate per side).
 */
export type QuoteSide = 'ask' | 'bid' | 'pooled';

/**
 * Depths in whole ticks past the touch, both ends included: the depths where quotes sit and where an arrival
 * fit is made and judged. Depth δ of a quote = its distance from the touch (the best price on its side) in
 * ticks: δ = 0 is a quote at the touch, δ = 1 one tick behind it, and so on.
 */
export interface DepthRange {
  readonly fromTicks: number;
  readonly toTicks: number;
}

/**
 * The default depths of the arrival fits: 5..50 ticks past the touch, chosen by the goodness-of-fit check
 * (`checkArrivalFit`) on the real Binance BTCUSDT capture in ../shared/data (README, "Estimating σ, A and k"):
 * 78 % of its market orders stop at the touch and about 5 % of the rest stop one tick past it, so every
 * range that starts within 4 ticks of the touch fails the check (p < 1e−3 on a side or pooled), while from 5
 * ticks out one exponential fits: 5..50 is the range nearest the touch that passes on the ask side, the bid
 * side and pooled with at least 5 degrees of freedom each (p ≥ 0.1). Quotes of a market maker away from the
 * touch sit there. On a book that shows fewer levels (orders inferred from the book) or with a steeper
 * decay, pass a range the data reach.
 */
export const DEFAULT_DEPTH_RANGE: DepthRange = { fromTicks: 5, toTicks: 50 };

/**
 * A depth range from text `"d0..d1"` (whole ticks past the touch, 0 ≤ d0 < d1), e.g. `"1..10"`.
 * @throws RangeError naming the text when it is not such a range.
 * @example parseDepthRange('1..10') // { fromTicks: 1, toTicks: 10 }
 */
export function parseDepthRange(text: string): DepthRange {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (!m) throw new RangeError(`depth range "${text}" is not of the form d0..d1 (whole ticks past the touch, e.g. 1..10)`);
  const range = { fromTicks: Number(m[1]), toTicks: Number(m[2]) };
  checkDepthRange(range);
  return range;
}

/** @throws RangeError unless 0 ≤ fromTicks < toTicks, both whole numbers. */
export function checkDepthRange(range: DepthRange): void {
  const { fromTicks: d0, toTicks: d1 } = range;
  if (!Number.isInteger(d0) || !Number.isInteger(d1) || d0 < 0 || d1 <= d0) {
    throw new RangeError(`depth range ${d0}..${d1}: needs whole ticks 0 ≤ d0 < d1 (past the touch)`);
  }
}

/** `d0..d1 ticks past the touch`, for method texts and reports. */
export function describeDepthRange(range: DepthRange): string {
  return `${range.fromTicks}..${range.toTicks} ticks past the touch`;
}

/** Indices of the orders on a side (buys for `ask`, sells for `bid`, all for `pooled`), in time order. */
export function ordersOnSide(orders: MarketOrders, side: QuoteSide): number[] {
  const want = side === 'ask' ? 1 : side === 'bid' ? -1 : 0;
  const out: number[] = [];
  for (let i = 0; i < orders.side.length; i++) if (want === 0 || orders.side[i] === want) out.push(i);
  return out;
}

/** 2 for `pooled` (A is per side), else 1. */
export const sidesOf = (side: QuoteSide): 1 | 2 => (side === 'pooled' ? 2 : 1);

/**
 * Reach depth J of order i: the whole ticks past the touch of the book in force that the order traded at,
 * J = ticksBeyondTouch + 1 (0 when it traded at the touch, or inside a touch the book had not yet updated).
 * An order with reach J fills quotes at depths 0..J: it reaches every depth δ ≤ J.
 */
export const reachTicks = (orders: MarketOrders, i: number): number => orders.ticksBeyondTouch[i] + 1;

/**
 * Observed arrival rate per depth: λ̂(δ) = (orders reaching depth ≥ δ)/(sides·T) for δ = 0..maxDepthTicks
 * ticks past the touch (`reaching[0]` = every order on the side). Per side; pooled: per side on average.
 */
export interface ArrivalByDepth {
  readonly side: QuoteSide;
  readonly durationSec: number;
  /** 2 for pooled (rates are per side), else 1. */
  readonly sides: 1 | 2;
  readonly tickSize: number;
  readonly depthTicks: number[];
  /** Orders whose reach J ≥ depthTicks[g]. */
  readonly reaching: number[];
  /** reaching / (sides·T), per second. */
  readonly perSec: number[];
}

/**
 * Counts and rates of the orders reaching each depth 0..maxDepthTicks past the touch.
 * @throws EstimationError when the duration is not positive.
 * @example // two buys, one at the touch (J = 0), one 2 ticks past it, over 10 s:
 * // arrivalByDepth(orders, 10, 'ask', 3).reaching // [2, 1, 1, 0]
 */
export function arrivalByDepth(orders: MarketOrders, durationSec: number, side: QuoteSide, maxDepthTicks: number): ArrivalByDepth {
  if (!(durationSec > 0)) throw new EstimationError(`duration must be positive, got ${durationSec} s`);
  const max = Math.max(0, Math.floor(maxDepthTicks));
  const exact = new Float64Array(max + 2); // exact[j] = orders with J = j, exact[max + 1] = J > max
  for (const i of ordersOnSide(orders, side)) exact[Math.min(max + 1, Math.max(0, reachTicks(orders, i)))]++;
  return arrivalByDepthFromCounts(exact, durationSec, side, max, orders.tickSize);
}

/**
 * `arrivalByDepth` from counts already made: `counts[j]` orders of the side with reach J = j (for `pooled`,
 * both sides' counts added), any length (entries past `maxDepthTicks` count as reaching it). The streamed
 * estimate keeps such counts per side, so its fit is checked as the in-memory one is.
 * @example arrivalByDepthFromCounts([1, 0, 1], 10, 'ask', 3, 0.01).reaching // [2, 1, 1, 0]
 */
export function arrivalByDepthFromCounts(counts: ArrayLike<number>, durationSec: number, side: QuoteSide, maxDepthTicks: number, tickSize: number): ArrivalByDepth {
  if (!(durationSec > 0)) throw new EstimationError(`duration must be positive, got ${durationSec} s`);
  const max = Math.max(0, Math.floor(maxDepthTicks));
  const exact = new Float64Array(max + 2);
  for (let j = 0; j < counts.length; j++) exact[Math.min(max + 1, j)] += counts[j] ?? 0;
  const sides = sidesOf(side);
  const reaching: number[] = new Array(max + 1);
  let above = exact[max + 1];
  for (let j = max; j >= 0; j--) {
    above += exact[j];
    reaching[j] = above;
  }
  return {
    side,
    durationSec,
    sides,
    tickSize,
    depthTicks: reaching.map((_, j) => j),
    reaching,
    perSec: reaching.map((c) => c / (sides * durationSec)),
  };
}

/**
 * The sufficient statistics of the depth-range likelihood (see `fitArrivalMle`) for the orders of a side
 * and a range [d0, d1]: `reached` = N₀, orders with J ≥ d0 (the orders the fit uses); `censored`, those with
 * J ≥ d1; `uncensored` = N₀ − censored; `excessTicks` = S = Σ (min(J, d1) − d0) over the N₀ orders.
 */
export interface ReachStats {
  readonly orders: number;
  readonly reached: number;
  readonly censored: number;
  readonly uncensored: number;
  readonly excessTicks: number;
}

/** `ReachStats` of the orders on `side` for `range`. */
export function reachStats(orders: MarketOrders, side: QuoteSide, range: DepthRange): ReachStats {
  const { fromTicks: d0, toTicks: d1 } = range;
  const idx = ordersOnSide(orders, side);
  let reached = 0;
  let censored = 0;
  let excess = 0;
  for (const i of idx) {
    const j = reachTicks(orders, i);
    if (j < d0) continue;
    reached++;
    if (j >= d1) censored++;
    excess += Math.min(j, d1) - d0;
  }
  return { orders: idx.length, reached, censored, uncensored: reached - censored, excessTicks: excess };
}
