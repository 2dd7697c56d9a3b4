import type { BookTable } from '../data/tables.js';

/** Best bid/ask updates of Binance's `bookTicker` stream, one entry per message. */
export interface BookTickerSeries {
  /** Order-book update id `u` of the update the ticker reflects. */
  readonly updateId: Float64Array;
  readonly localTsMs: Float64Array;
  readonly bidPx: Float64Array;
  readonly bidSz: Float64Array;
  readonly askPx: Float64Array;
  readonly askSz: Float64Array;
}

/** How the rebuilt book agrees with the bookTicker stream. */
export interface BookTickerCheck {
  /** bookTicker messages in the capture. */
  readonly tickers: number;
  /** Tickers comparable with a book row (update id equal to the final update id of the diff of that row). */
  readonly compared: number;
  /** Comparable tickers whose best bid/ask price or size differs from the row's. */
  readonly mismatches: number;
  /** Up to five mismatches in words: "u 123: book 100.1 x 0.5 / 100.2 x 1, ticker 100.1 x 0.5 / 100.3 x 1". */
  readonly firstMismatches: readonly string[];
}

/**
 * Cross-checks a rebuilt book against the exchange's own best bid/ask stream. Matching rule: a ticker with
 * update id `u` is compared with the book row taken after the diff whose final update id is that same `u`:
 * both then describe the book after exactly the same updates, so best bid price and size and best ask price
 * and size must be equal. A ticker whose `u` falls strictly inside a diff's [U, u) reflects a state in the
 * middle of that diff, which no row shows: it is not compared (nor is one whose diff was not applied, e.g.
 * inside a masked interval). Prices and sizes are compared exactly (both parsed from the same decimal strings).
 * Rows and tickers are joined by update id in one pass when both are in increasing order, by sorting otherwise.
 * @example // a row after the diff with u = 7, bid 100 x 1 / ask 101 x 2, and a ticker u = 7, bid 100 x 1 / ask 101 x 3
 *   // → { tickers: 1, compared: 1, mismatches: 1, firstMismatches: ['u 7: book 100 x 1 / 101 x 2, ticker 100 x 1 / 101 x 3'] }
 */
export function crossCheckBookTicker(book: BookTable, rowUpdateId: Float64Array, ticker: BookTickerSeries, maxListed = 5): BookTickerCheck {
  const rows = increasingOrder(rowUpdateId);
  const ticks = increasingOrder(ticker.updateId);
  let compared = 0;
  let mismatches = 0;
  const firstMismatches: string[] = [];
  let r = 0;
  for (let k = 0; k < ticks.length; k++) {
    const j = ticks[k];
    const u = ticker.updateId[j];
    while (r < rows.length && rowUpdateId[rows[r]] < u) r++;
    // several rows may share an id (a diff re-applied after a snapshot): compare with the last of them
    let i = -1;
    for (let s = r; s < rows.length && rowUpdateId[rows[s]] === u; s++) i = rows[s];
    if (i < 0) continue;
    compared++;
    const bookBid = book.bidPx[0][i];
    const bookBidSz = book.bidSz[0][i];
    const bookAsk = book.askPx[0][i];
    const bookAskSz = book.askSz[0][i];
    if (bookBid === ticker.bidPx[j] && bookBidSz === ticker.bidSz[j] && bookAsk === ticker.askPx[j] && bookAskSz === ticker.askSz[j]) continue;
    mismatches++;
    if (firstMismatches.length < maxListed) {
      firstMismatches.push(`u ${u}: book ${bookBid} x ${bookBidSz} / ${bookAsk} x ${bookAskSz}, ticker ${ticker.bidPx[j]} x ${ticker.bidSz[j]} / ${ticker.askPx[j]} x ${ticker.askSz[j]}`);
    }
  }
  return { tickers: ticker.updateId.length, compared, mismatches, firstMismatches };
}

/** Indices of `values` in increasing order of value (stable): the identity when already non-decreasing. */
function increasingOrder(values: Float64Array): Uint32Array {
  const order = new Uint32Array(values.length);
  let sorted = true;
  for (let i = 0; i < values.length; i++) {
    order[i] = i;
    if (i > 0 && values[i] < values[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => values[a] - values[b] || a - b);
  return order;
}
