import { bookSizesTimes, contractKind, tradeSizesTimes } from '../data/contracts.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { numberOption, UsageError } from './command.js';

/** How the backtest and calibrate commands put an instrument's sizes in base currency (see data/contracts.ts). */
export interface ContractUnits {
  /** What was done to the sizes, or what they are, for the result's notes; undefined for spot. */
  readonly note?: string;
  readonly book: (book: BookTable) => BookTable;
  readonly trades: (trades: TradeTable) => TradeTable;
}

/** `--contract-value X` (base currency per contract, positive), undefined when not given. */
export function contractValueOption(text: string | undefined): number | undefined {
  return text === undefined ? undefined : numberOption('contract-value', text, 0, (v) => v > 0);
}

const asIs: ContractUnits = { book: (b) => b, trades: (t) => t };

/**
 * The sizes of `instrument` in base currency, for a command whose PnL is size × price change: an inverse
 * contract is a usage error (its PnL is not that); a linear contract's sizes are multiplied by its contract
 * value (`--contract-value`, else the catalog's), or, when none is known, stay in contracts with a WARNING on
 * stderr and a note that says which numbers are per contract. `--contract-value` on a spot instrument is a
 * usage error.
 */
export function contractUnits(instrument: string | undefined, given: number | undefined, fromCatalog?: number): ContractUnits {
  const kind = contractKind(instrument);
  if (kind === 'inverse') {
    throw new UsageError(
      `${instrument} is an inverse contract (quoted in USD, margined and settled in the base currency): its PnL is contracts × face value × (1/entry − 1/exit) in the base currency, ` +
        `not size × price change in quote currency as asmm's backtest counts it; backtest a linear or spot instrument (estimate works on any)`,
    );
  }
  if (kind === 'spot' && given !== undefined) throw new UsageError(`--contract-value: ${instrument} is spot, its sizes are in base currency already`);
  const value = given ?? fromCatalog;
  if (value !== undefined) {
    const from = given !== undefined ? '--contract-value' : "the catalog's instrument.json";
    return { note: `sizes of ${instrument ?? 'the book'} in base currency: contracts × ${value} (the contract value, from ${from}); --size, --max-position and inventories in base currency`, book: (b) => bookSizesTimes(b, value), trades: (t) => tradeSizesTimes(t, value) };
  }
  if (kind !== 'linear') return asIs;
  const note =
    `${instrument} trades in contracts and its contract value is unknown: sizes, --size, --max-position and inventories are in contracts, and PnL, turnover and fees ` +
    `in quote currency per unit of contract value (multiply them by it); give --contract-value (OKX's ctVal, e.g. 0.01 for BTC-USDT-SWAP)`;
  process.stderr.write(`WARNING ${note}\n`);
  return { note, ...asIs };
}

/** The days of a catalog range with their sizes in `units` (see contractUnits), one day at a time. */
export async function* daysInUnits<D extends { readonly book: BookTable; readonly trades?: TradeTable }>(days: AsyncIterable<D>, units: ContractUnits): AsyncGenerator<D> {
  for await (const day of days) yield units === asIs ? day : { ...day, book: units.book(day.book), ...(day.trades ? { trades: units.trades(day.trades) } : {}) };
}

/** The book and trades of `market` in base currency for `given` (`--contract-value`), with the note (see contractUnits). */
export function marketInBaseUnits(market: { readonly book: BookTable; readonly trades?: TradeTable }, inst: string | undefined, given: number | undefined): { book: BookTable; trades?: TradeTable; note?: string } {
  const units = contractUnits(market.book.meta.instrument ?? inst, given);
  return { book: units.book(market.book), ...(market.trades ? { trades: units.trades(market.trades) } : {}), ...(units.note ? { note: units.note } : {}) };
}
