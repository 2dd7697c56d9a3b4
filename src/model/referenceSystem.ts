import type { Quotes } from './types.js';

/** Inputs as the reference system (the Python books5 recorder/backtester asmm replaces) forms them. */
export interface ReferenceQuoteInputs {
  readonly midPx: number;
  /** Its q: inventory in base units (not in orders). */
  readonly inventory: number;
  /** Time of this row and of the first and last rows it trades, ms (its "start" and "terminal" times). */
  readonly tsMs: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** Its "σ": the standard deviation of recent mid prices, a price level (not per √time). */
  readonly sigmaPriceLevel: number;
  readonly gamma: number;
  /**
   * Its "k": the inverse of the recent message rate, seconds per message, used where the AS formula wants a
   * decay per unit of price.
   */
  readonly k: number;
}

/**
 * The reference system's use of the AS formula, reproduced for comparison, in its order of operations:
 *   T − t = (last − ts)/(last − first)   (time normalised to [0, 1] over the rows it trades: needs the end)
 *   r = mid − q·σ²·γ·(T − t)
 *   spread = γ·σ²·(T − t) + (2/γ)·ln(1 + γ/k),  bid = r − spread/2, ask = r + spread/2.
 * σ is a price level whose size depends on how many messages the window spans rather than on time, and k
 * is seconds per message. Unlike `asQuotes` there is no domain check: k = 0 (two rows in the same second
 * of its 1 s clock) gives an infinite spread, as in the reference. asmm's own strategies instead take σ per
 * √second from `estimate/`, k per unit of price, and a horizon in seconds.
 */
export function referenceSystemQuotes(inputs: ReferenceQuoteInputs): Quotes {
  const R = REFERENCE_ROW;
  const v = new Float64Array(R.length);
  v[R.midPx] = inputs.midPx;
  v[R.inventory] = inputs.inventory;
  v[R.tsMs] = inputs.tsMs;
  v[R.firstTsMs] = inputs.firstTsMs;
  v[R.lastTsMs] = inputs.lastTsMs;
  v[R.sigmaPriceLevel] = inputs.sigmaPriceLevel;
  v[R.gamma] = inputs.gamma;
  v[R.k] = inputs.k;
  referenceSystemQuotesInto(v);
  return { reservationPx: v[R.reservationPx], bidPx: v[R.bidPx], askPx: v[R.askPx] };
}

/**
 * Slots of the one Float64Array the row-loop forms of the reference's formulas read and write
 * (`referenceSystemQuotesInto`, `referenceSystemOrderSizesInto`): the inputs of `referenceSystemQuotes` and
 * `referenceSystemOrderSizes`, then their outputs. Numbers travel in it rather than as arguments because V8
 * boxes every fractional argument of a call it does not inline (an allocation each), which cost the
 * seed-compatible loop about a third of its time.
 */
export const REFERENCE_ROW = Object.freeze({
  midPx: 0,
  inventory: 1,
  tsMs: 2,
  firstTsMs: 3,
  lastTsMs: 4,
  sigmaPriceLevel: 5,
  gamma: 6,
  k: 7,
  bestBidPx: 8,
  bestAskPx: 9,
  baseSize: 10,
  inventoryLimit: 11,
  /** Outputs: reservation, bid and ask prices, bid and ask sizes. */
  reservationPx: 12,
  bidPx: 13,
  askPx: 14,
  bidSize: 15,
  askSize: 16,
  length: 17,
});

/** `referenceSystemQuotes` on the slots of REFERENCE_ROW: reservation, bid and ask from mid … k (the same arithmetic). */
export function referenceSystemQuotesInto(v: Float64Array): void {
  const R = REFERENCE_ROW;
  const lastTsMs = v[R.lastTsMs];
  const gamma = v[R.gamma];
  const timeLeft = (lastTsMs - v[R.tsMs]) / (lastTsMs - v[R.firstTsMs]);
  const sigmaSq = v[R.sigmaPriceLevel] ** 2;
  const reservationPx = v[R.midPx] - v[R.inventory] * sigmaSq * gamma * timeLeft;
  const spread = gamma * sigmaSq * timeLeft + (2 / gamma) * Math.log(1 + gamma / v[R.k]);
  v[R.reservationPx] = reservationPx;
  v[R.bidPx] = reservationPx - spread / 2;
  v[R.askPx] = reservationPx + spread / 2;
}

/** Order sizes of one quote pair, base units. */
export interface ReferenceOrderSizes {
  readonly bidSize: number;
  readonly askSize: number;
}

/**
 * The reference system's order sizes. Within |q| ≤ `inventoryLimit` (3) both sides get `baseSize` (0.1).
 * Beyond it, the side that would add to the position gets 0 and the other side gets a "λ-sized" order:
 *   λ_ask = A·exp(−k·|ask₁ − ask|),  λ_bid = A·exp(−k·|bid − bid₁|),  A = (1/k)/1.5,
 * with bid₁/ask₁ the book's touch, bid/ask the quotes and k the reference's seconds per message. So the size,
 * in base units, is the AS arrival intensity (per second, with the reference's A and k) at the quote's
 * distance from the touch: a rate used as a quantity. q > limit: bid 0, ask λ_ask; q < −limit: bid λ_bid,
 * ask 0.
 */
export function referenceSystemOrderSizes(
  quotes: Quotes,
  inventory: number,
  bestBidPx: number,
  bestAskPx: number,
  k: number,
  baseSize = 0.1,
  inventoryLimit = 3,
): ReferenceOrderSizes {
  const R = REFERENCE_ROW;
  const v = new Float64Array(R.length);
  v[R.bidPx] = quotes.bidPx;
  v[R.askPx] = quotes.askPx;
  v[R.inventory] = inventory;
  v[R.bestBidPx] = bestBidPx;
  v[R.bestAskPx] = bestAskPx;
  v[R.k] = k;
  v[R.baseSize] = baseSize;
  v[R.inventoryLimit] = inventoryLimit;
  referenceSystemOrderSizesInto(v);
  return { bidSize: v[R.bidSize], askSize: v[R.askSize] };
}

/** `referenceSystemOrderSizes` on the slots of REFERENCE_ROW: bid and ask sizes from the quotes, inventory, k and touch. */
export function referenceSystemOrderSizesInto(v: Float64Array): void {
  const R = REFERENCE_ROW;
  const k = v[R.k];
  const inventory = v[R.inventory];
  const inventoryLimit = v[R.inventoryLimit];
  const a = 1 / k / 1.5;
  if (inventory > inventoryLimit) {
    v[R.bidSize] = 0;
    v[R.askSize] = a * Math.exp(-k * Math.abs(v[R.bestAskPx] - v[R.askPx]));
  } else if (inventory < -inventoryLimit) {
    v[R.bidSize] = a * Math.exp(-k * Math.abs(v[R.bidPx] - v[R.bestBidPx]));
    v[R.askSize] = 0;
  } else {
    v[R.bidSize] = v[R.baseSize];
    v[R.askSize] = v[R.baseSize];
  }
}
