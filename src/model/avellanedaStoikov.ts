import { setNoQuotes, type MutableQuotes, type Quotes } from './types.js';

/**
 * Parameters of the Avellaneda–Stoikov model. Units are those of the caller's price and time, consistently:
 * - `sigma`: volatility of the mid, price units per √(time unit) (arithmetic Brownian motion dS = σ dW);
 * - `gamma`: risk aversion, per price unit (per unit of wealth, with inventory counted in orders of size 1);
 * - `k`: decay of the fill intensity λ(δ) = A·exp(−k·δ), per price unit.
 */
export interface AsParams {
  readonly gamma: number;
  readonly sigma: number;
  readonly k: number;
}

/**
 * The order-arrival ("liquidity") term of the AS spread, (2/γ)·ln(1 + γ/k): the whole spread at T − t = 0.
 * Tends to 2/k as γ → 0. This is the "spread" column of the 2006 preprint's table.
 * @example spreadConstantTerm(0.1, 1.5) // 1.2907...
 */
export function spreadConstantTerm(gamma: number, k: number): number {
  return (2 / gamma) * Math.log1p(gamma / k);
}

/**
 * Finite-horizon Avellaneda–Stoikov quotes (the approximate solution used in the paper's simulations):
 *   reservation price  r = s − q·γ·σ²·(T − t)
 *   total spread       δa + δb = γ·σ²·(T − t) + (2/γ)·ln(1 + γ/k)
 *   bid = r − spread/2, ask = r + spread/2.
 * `timeToHorizon` is T − t in the time unit of σ. Returns NaN quotes outside the domain (γ, k ≤ 0, T − t < 0).
 * @see M. Avellaneda, S. Stoikov (2008), "High-frequency trading in a limit order book", Quantitative
 *   Finance 8(3):217–224, §2.2 (reservation prices) and §3 (optimal quotes, the approximation of §3.3).
 * @example asQuotes(100, 2, 1, { gamma: 0.1, sigma: 2, k: 1.5 })
 *   // r = 100 − 2·0.1·4·1 = 99.2, spread = 0.4 + 1.2908 = 1.6908: bid 98.3546, ask 100.0454
 */
export function asQuotes(midPx: number, inventory: number, timeToHorizon: number, params: AsParams): Quotes {
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  asQuotesInto(out, midPx, inventory, timeToHorizon, params.gamma, params.sigma, params.k);
  return out;
}

/**
 * `asQuotes` written into `out` (no allocation). `spreadConstant` is `spreadConstantTerm(gamma, k)`, which a
 * caller quoting repeatedly with the same γ and k can pass precomputed (only used inside the model's domain).
 */
export function asQuotesInto(
  out: MutableQuotes,
  midPx: number,
  inventory: number,
  timeToHorizon: number,
  gamma: number,
  sigma: number,
  k: number,
  spreadConstant?: number,
): void {
  if (!(gamma > 0 && k > 0 && timeToHorizon >= 0 && sigma >= 0)) {
    setNoQuotes(out);
    return;
  }
  const inventoryRisk = gamma * sigma * sigma * timeToHorizon;
  const reservationPx = midPx - inventory * inventoryRisk;
  const halfSpread = 0.5 * (inventoryRisk + (spreadConstant === undefined ? spreadConstantTerm(gamma, k) : spreadConstant));
  out.reservationPx = reservationPx;
  out.bidPx = reservationPx - halfSpread;
  out.askPx = reservationPx + halfSpread;
}

/** Total AS spread γσ²(T − t) + (2/γ)ln(1 + γ/k), independent of inventory and mid. */
export function asSpread(timeToHorizon: number, params: AsParams): number {
  return params.gamma * params.sigma * params.sigma * timeToHorizon + spreadConstantTerm(params.gamma, params.k);
}

/**
 * Time average over [0, T] of the AS spread: γσ²T/2 + (2/γ)ln(1 + γ/k). The "spread" column of the 2008
 * journal table (e.g. 1.49 for γ = 0.1, σ = 2, T = 1, k = 1.5).
 */
export function asAverageSpread(horizon: number, params: AsParams): number {
  return 0.5 * params.gamma * params.sigma * params.sigma * horizon + spreadConstantTerm(params.gamma, params.k);
}

/** Parameters of the infinite-horizon AS model: the finite-horizon ones plus the inventory bound. */
export interface AsInfiniteParams extends AsParams {
  /**
   * Largest |inventory| the discount ω is chosen for: ω = ½·γ²·σ²·(qMax + 1)², which keeps the reservation
   * prices bounded for |q| ≤ qMax (AS 2008, §2.3).
   */
  readonly qMax: number;
}

/**
 * Infinite-horizon Avellaneda–Stoikov quotes (AS 2008 §2.3): stationary reservation ask/bid prices
 *   r^a = s + (1/γ)·ln(1 + (1 − 2q)·γ²σ² / (2ω − γ²q²σ²))
 *   r^b = s + (1/γ)·ln(1 + (−1 − 2q)·γ²σ² / (2ω − γ²q²σ²)),   ω = ½·γ²σ²(qMax + 1)²,
 * and the optimal quotes of §3: ask = r^a + (1/γ)ln(1 + γ/k), bid = r^b − (1/γ)ln(1 + γ/k).
 * `reservationPx` is (r^a + r^b)/2. NaN quotes when |q| > qMax (outside the model's domain); at q = ±qMax the
 * side whose reservation price diverges is NaN (not quoted).
 */
export function asInfiniteQuotes(midPx: number, inventory: number, params: AsInfiniteParams): Quotes {
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  asInfiniteQuotesInto(out, midPx, inventory, params);
  return out;
}

/** `asInfiniteQuotes` written into `out` (no allocation). */
export function asInfiniteQuotesInto(out: MutableQuotes, midPx: number, inventory: number, params: AsInfiniteParams): void {
  const { gamma, sigma, k, qMax } = params;
  if (!(gamma > 0 && k > 0 && sigma > 0 && qMax >= 0) || Math.abs(inventory) > qMax) {
    setNoQuotes(out);
    return;
  }
  const g2s2 = gamma * gamma * sigma * sigma;
  const omega = 0.5 * g2s2 * (qMax + 1) ** 2;
  const denominator = 2 * omega - g2s2 * inventory * inventory;
  const reservationAsk = midPx + Math.log1p(((1 - 2 * inventory) * g2s2) / denominator) / gamma;
  const reservationBid = midPx + Math.log1p(((-1 - 2 * inventory) * g2s2) / denominator) / gamma;
  const liquidity = Math.log1p(gamma / k) / gamma;
  // At q = ±qMax one log argument reaches 0 (the model's edge): that side is not quoted (NaN, never −Infinity).
  out.reservationPx = Number.isFinite(reservationBid) && Number.isFinite(reservationAsk) ? 0.5 * (reservationAsk + reservationBid) : NaN;
  out.bidPx = Number.isFinite(reservationBid) ? reservationBid - liquidity : NaN;
  out.askPx = Number.isFinite(reservationAsk) ? reservationAsk + liquidity : NaN;
}
