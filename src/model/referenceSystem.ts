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
  const out = new Float64Array(3);
  referenceSystemQuotesInto(inputs.midPx, inputs.inventory, inputs.tsMs, inputs.firstTsMs, inputs.lastTsMs, inputs.sigmaPriceLevel, inputs.gamma, inputs.k, out);
  return { reservationPx: out[0], bidPx: out[1], askPx: out[2] };
}

/**
 * `referenceSystemQuotes` with its inputs as arguments, writing reservation, bid and ask into `out[0..2]`:
 * the same arithmetic without an object per call, for the seed-compatible replay's row loop.
 */
export function referenceSystemQuotesInto(
  midPx: number,
  inventory: number,
  tsMs: number,
  firstTsMs: number,
  lastTsMs: number,
  sigmaPriceLevel: number,
  gamma: number,
  k: number,
  out: Float64Array,
): void {
  const timeLeft = (lastTsMs - tsMs) / (lastTsMs - firstTsMs);
  const sigmaSq = sigmaPriceLevel ** 2;
  const reservationPx = midPx - inventory * sigmaSq * gamma * timeLeft;
  const spread = gamma * sigmaSq * timeLeft + (2 / gamma) * Math.log(1 + gamma / k);
  out[0] = reservationPx;
  out[1] = reservationPx - spread / 2;
  out[2] = reservationPx + spread / 2;
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
  const out = new Float64Array(2);
  referenceSystemOrderSizesInto(quotes.bidPx, quotes.askPx, inventory, bestBidPx, bestAskPx, k, baseSize, inventoryLimit, out);
  return { bidSize: out[0], askSize: out[1] };
}

/** `referenceSystemOrderSizes` writing the bid and ask sizes into `out[0]`, `out[1]` (no object per call). */
export function referenceSystemOrderSizesInto(
  bidPx: number,
  askPx: number,
  inventory: number,
  bestBidPx: number,
  bestAskPx: number,
  k: number,
  baseSize: number,
  inventoryLimit: number,
  out: Float64Array,
): void {
  const a = 1 / k / 1.5;
  if (inventory > inventoryLimit) {
    out[0] = 0;
    out[1] = a * Math.exp(-k * Math.abs(bestAskPx - askPx));
  } else if (inventory < -inventoryLimit) {
    out[0] = a * Math.exp(-k * Math.abs(bidPx - bestBidPx));
    out[1] = 0;
  } else {
    out[0] = baseSize;
    out[1] = baseSize;
  }
}
