import { setNoQuotes, type MutableQuotes, type Quotes } from './types.js';

/** Parameters of the GLFT closed-form approximation; units as in `AsParams`, plus the intensity scale A. */
export interface GlftParams {
  /** Risk aversion γ, per price unit. */
  readonly gamma: number;
  /** Volatility σ, price units per √(time unit). */
  readonly sigma: number;
  /** A: fill intensity at the mid, per time unit. */
  readonly A: number;
  /** k: intensity decay per price unit. */
  readonly k: number;
  /** Inventory bound Q (inventory units): no bid when a fill would exceed Q, no ask below −Q. Infinity for none. */
  readonly qMax: number;
  /** Order size Δ in inventory units (default 1, the paper's unit order). */
  readonly orderSize?: number;
}

/**
 * The two GLFT coefficients with ξ = γ:
 *   c1 = 1/(γΔ) · ln(1 + γΔ/k),   c2 = √( γ/(2AΔk) · (1 + γΔ/k)^(k/(γΔ) + 1) ).
 */
export function glftCoefficients(params: GlftParams): { c1: number; c2: number } {
  const { gamma, A, k } = params;
  const delta = params.orderSize ?? 1;
  const x = (gamma * delta) / k;
  return {
    c1: Math.log1p(x) / (gamma * delta),
    c2: Math.sqrt((gamma / (2 * A * delta * k)) * Math.pow(1 + x, k / (gamma * delta) + 1)),
  };
}

/**
 * Guéant–Lehalle–Fernandez-Tapia closed-form approximation of the optimal quotes (the asymptotic regime,
 * no terminal time), with inventory bounds:
 *   δ^b(q) = c1 + (2q + Δ)/2 · σ·c2 = (1/γ)ln(1 + γ/k) + (2q + 1)/2 · √(σ²γ/(2kA) · (1 + γ/k)^(1 + k/γ))   (Δ = 1)
 *   δ^a(q) = c1 − (2q − Δ)/2 · σ·c2
 *   bid = s − δ^b (none when a fill would take inventory above Q: q + Δ > Q), ask = s + δ^a (none when
 *   q − Δ < −Q); `reservationPx` = s − σ·c2·q.
 * @see O. Guéant, C.-A. Lehalle, J. Fernandez-Tapia (2013), "Dealing with the inventory risk: a solution to
 *   the market making problem", Mathematics and Financial Economics 7(4):477–507, §4 (approximations).
 */
export function glftQuotes(midPx: number, inventory: number, params: GlftParams): Quotes {
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  glftQuotesInto(out, midPx, inventory, params);
  return out;
}

/**
 * `glftQuotes` written into `out` (no allocation). `coefficients`, when given, must be
 * `glftCoefficients(params)` (a caller quoting repeatedly with the same γ, A, k and Δ can compute them once).
 */
export function glftQuotesInto(out: MutableQuotes, midPx: number, inventory: number, params: GlftParams, coefficients?: { readonly c1: number; readonly c2: number }): void {
  const { gamma, sigma, A, k, qMax } = params;
  if (!(gamma > 0 && k > 0 && A > 0 && sigma >= 0 && qMax >= 0)) {
    setNoQuotes(out);
    return;
  }
  const delta = params.orderSize ?? 1;
  const { c1, c2 } = coefficients ?? glftCoefficients(params);
  const skew = sigma * c2;
  const bidDistance = c1 + ((2 * inventory + delta) / 2) * skew;
  const askDistance = c1 - ((2 * inventory - delta) / 2) * skew;
  out.reservationPx = midPx - skew * inventory;
  out.bidPx = inventory + delta > qMax ? NaN : midPx - bidDistance;
  out.askPx = inventory - delta < -qMax ? NaN : midPx + askDistance;
}
