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

/** Total quoted spread ask − bid (NaN when a side is not quoted). */
export function quotedSpread(quotes: Quotes): number {
  return quotes.askPx - quotes.bidPx;
}
