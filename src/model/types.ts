/**
 * Quotes of a market-making model, in price units. `bidPx` NaN means "do not quote a bid" (as the GLFT
 * model does at its upper inventory bound); likewise `askPx`.
 */
export interface Quotes {
  /** Reservation (indifference) price: the centre of the quotes. */
  readonly reservationPx: number;
  readonly bidPx: number;
  readonly askPx: number;
}

/** Quotes written in place (the allocation-free forms `asQuotesInto`, `Strategy.quoteInto`). */
export interface MutableQuotes {
  reservationPx: number;
  bidPx: number;
  askPx: number;
}

/** Writes "no quote" (NaN on both sides and for the reservation price) into `out`, outside a model's domain. */
export function setNoQuotes(out: MutableQuotes): void {
  out.reservationPx = NaN;
  out.bidPx = NaN;
  out.askPx = NaN;
}

/** Total quoted spread ask − bid (NaN when a side is not quoted). */
export function quotedSpread(quotes: Quotes): number {
  return quotes.askPx - quotes.bidPx;
}
