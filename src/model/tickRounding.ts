import type { Quotes } from './types.js';

/**
 * Rounds quotes to the tick grid, never tighter than the model: bid down (floor), ask up (ceil). So the
 * rounded spread is at least the model's, a rounded quote is never more aggressive than the model's, and
 * rounded quotes never cross (bid ≤ model bid < model ask ≤ ask). A tolerance of 1e-9 tick absorbs
 * binary representation error (a model bid of 99.99999999999 on a 0.01 grid rounds to 100.00, not 99.99).
 * NaN (side not quoted) stays NaN.
 * @example roundQuotesToTick({ reservationPx: 100, bidPx: 99.987, askPx: 100.012 }, 0.01) // bid 99.98, ask 100.02
 */
export function roundQuotesToTick(quotes: Quotes, tickSize: number): Quotes {
  const eps = 1e-9;
  const bidTicks = Math.floor(quotes.bidPx / tickSize + eps);
  const askTicks = Math.ceil(quotes.askPx / tickSize - eps);
  const scale = tickScale(tickSize);
  return {
    reservationPx: quotes.reservationPx,
    bidPx: Number.isNaN(quotes.bidPx) ? NaN : Math.round(bidTicks * tickSize * scale) / scale,
    askPx: Number.isNaN(quotes.askPx) ? NaN : Math.round(askTicks * tickSize * scale) / scale,
  };
}

/** A power of ten at which the tick is an integer (for printing rounded prices as short decimals). */
function tickScale(tickSize: number): number {
  let scale = 1;
  while (Math.abs(Math.round(tickSize * scale) - tickSize * scale) > 1e-9 && scale < 1e12) scale *= 10;
  return scale;
}
