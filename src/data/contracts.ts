/**
 * Contracts: what a size means and how PnL follows from it, by instrument name. asmm's backtest counts PnL as
 * size × price change in quote currency, which holds for spot (size in base currency) and for linear
 * contracts once their size is in base currency (contracts × contract value). It does not hold for inverse
 * contracts (quoted in USD, margined and settled in the base currency: PnL = contracts × face value ×
 * (1/entry − 1/exit), in base currency), which the commands refuse rather than report a wrong PnL.
 *
 * Names, as the venues spell them (OKX https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments,
 * Binance USDⓈ-M and COIN-M futures):
 * - OKX spot `BTC-USDT`; linear swaps and futures `BTC-USDT-SWAP`, `BTC-USDC-250328`; inverse `BTC-USD-SWAP`,
 *   `BTC-USD-250328` (settled in BTC); options `BTC-USD-250328-90000-C` (neither: refused as inverse).
 * - Binance COIN-M (inverse) `BTCUSD_PERP`, `BTCUSD_250328`; spot and USDⓈ-M perpetuals share names
 *   (`BTCUSDT`): taken as spot-like, sizes in base currency, as both venues quote them.
 * - Anything else (plain tables without a name, generated data): unknown, taken as spot.
 */
import type { BookTable, TradeTable } from './tables.js';

export type ContractKind = 'spot' | 'linear' | 'inverse';

/**
 * The kind of an instrument from its name (see the module note), or undefined when the name says nothing.
 * @example contractKind('ETH-USDT-SWAP') // 'linear'
 * @example contractKind('BTC-USD-220527') // 'inverse'
 * @example contractKind('BTCUSD_PERP') // 'inverse'
 */
export function contractKind(instrument: string | undefined): ContractKind | undefined {
  if (!instrument) return undefined;
  const okx = /^([A-Z0-9]+)-([A-Z0-9]+)(?:-(SWAP|\d{6})(-.+)?)?$/.exec(instrument);
  if (okx) {
    if (okx[3] === undefined) return 'spot';
    if (okx[4] !== undefined) return 'inverse'; // options: settled in the base currency as well
    return okx[2] === 'USD' ? 'inverse' : 'linear';
  }
  if (/^[A-Z0-9]+USD_(PERP|\d{6})$/.test(instrument)) return 'inverse';
  return undefined;
}

/** The book with its sizes times `factor` (contracts to base currency); prices and order counts as they are. */
export function bookSizesTimes(book: BookTable, factor: number): BookTable {
  const scale = (columns: readonly Float64Array[]) => columns.map((c) => c.map((v) => v * factor));
  const lotSize = book.meta.lotSize;
  return { ...book, bidSz: scale(book.bidSz), askSz: scale(book.askSz), meta: { ...book.meta, ...(lotSize !== undefined ? { lotSize: lotSize * factor } : {}) } };
}

/** The trades with their sizes times `factor` (contracts to base currency). */
export function tradeSizesTimes(trades: TradeTable, factor: number): TradeTable {
  return { ...trades, sz: trades.sz.map((v) => v * factor) };
}
