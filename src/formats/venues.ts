import type { BinanceMarket } from './binanceStreams.js';
import type { FileFormat } from './format.js';

/**
 * Which venue a file's data is from, where its format says it: the catalog files data under
 * `<root>/<venue>/<instrument>/`, so the venue is part of where a day is found again, and a wrong one mixes
 * venues or hides a day. One table for every format (the type makes a new format say how it knows):
 *
 * | format | venue |
 * | --- | --- |
 * | OKX daily history, cryptofeed OKX capture, asmm recording | `okx` (asmm records OKX only) |
 * | Binance capture (hftbacktest collector) | `binance` for spot, `binance-futures` for USD-M and COIN-M futures (decided from the diffs: a futures diff carries `pu`) |
 * | Tardis CSV | its `exchange` column through {@link TARDIS_EXCHANGE_VENUES}, other ids as they are |
 * | asmm CSV and Arrow, reference books5 CSV | none: `--venue` is needed (an asmm sample folder's files are `sample`) |
 *
 * Spot and futures of Binance are two venues because their symbols are the same (`BTCUSDT` is both the spot
 * pair and the USD-M perpetual, at prices a basis apart); OKX's instrument ids differ (`BTC-USDT`,
 * `BTC-USDT-SWAP`, `BTC-USD-250328`), so all of OKX is one venue.
 */
export type VenueRule =
  | { readonly kind: 'fixed'; readonly venue: string; readonly why: string }
  | { readonly kind: 'binance-market' }
  | { readonly kind: 'tardis-exchange' }
  | { readonly kind: 'none' };

/** The venue of all OKX data, as `asmm download okx` and `asmm record` data goes. */
export const OKX_VENUE = 'okx';

const okx = (why: string): VenueRule => ({ kind: 'fixed', venue: OKX_VENUE, why });

/** How each format's venue is known (see {@link VenueRule}). */
export const FORMAT_VENUES: Readonly<Record<Exclude<FileFormat, 'unknown'>, VenueRule>> = {
  'okx-history-books': okx("OKX's daily order-book history"),
  'okx-history-trades': okx("OKX's daily trade history"),
  'okx-cryptofeed-capture': okx('an OKX v5 capture (cryptofeed)'),
  'asmm-recorder-raw': okx('an asmm recording (asmm records OKX)'),
  'binance-hftbacktest-capture': { kind: 'binance-market' },
  'tardis-book-snapshot': { kind: 'tardis-exchange' },
  'tardis-trades': { kind: 'tardis-exchange' },
  arrow: { kind: 'none' },
  'asmm-book-csv': { kind: 'none' },
  'asmm-trades-csv': { kind: 'none' },
  'reference-books5-csv': { kind: 'none' },
};

/**
 * Tardis exchange ids (https://docs.tardis.dev/historical-data-details) that are one venue of asmm's: OKX's
 * (Tardis still calls it OKEx, one id per product kind; OKX's instrument ids tell the kinds apart, as in
 * asmm's own OKX data), and Binance's COIN-M futures, which a Binance capture cannot tell from USD-M (their
 * symbols differ: `BTCUSD_PERP`, `BTCUSDT`). Any other id is the venue as it is (`binance`,
 * `binance-futures`, `bybit`, `deribit`, …).
 */
export const TARDIS_EXCHANGE_VENUES: Readonly<Record<string, string>> = {
  okex: OKX_VENUE,
  'okex-swap': OKX_VENUE,
  'okex-futures': OKX_VENUE,
  'okex-options': OKX_VENUE,
  'okex-spreads': OKX_VENUE,
  'binance-delivery': 'binance-futures',
};

/** The venue of a Tardis `exchange` id (empty for an empty id). */
export function tardisVenue(exchange: string): string {
  return Object.hasOwn(TARDIS_EXCHANGE_VENUES, exchange) ? TARDIS_EXCHANGE_VENUES[exchange] : exchange;
}

/** The venue of a Binance capture of that market. */
export function binanceVenue(market: BinanceMarket): string {
  return market === 'spot' ? 'binance' : 'binance-futures';
}
