import type { Catalog } from '../catalog/index.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { UsageError } from './command.js';

/** The `--catalog DIR --inst ID [--venue V] [--from D1] [--to D2]` options of estimate/backtest/calibrate. */
export interface CatalogRange {
  readonly root: string;
  readonly venue: string;
  readonly instrument: string;
  readonly fromDate?: string;
  readonly toDate?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks the range options against the catalog: the instrument must be there (under `--venue`, or under the
 * one venue that has it), and the dates be `YYYY-MM-DD` with from ≤ to. Usage errors say what is missing.
 */
export function catalogRange(catalog: Catalog, values: { inst?: string; venue?: string; from?: string; to?: string }): CatalogRange {
  if (!values.inst) throw new UsageError('--catalog needs --inst ID (asmm catalog ls lists what is there)');
  for (const [name, value] of [['from', values.from], ['to', values.to]] as const) {
    if (value !== undefined && !DATE.test(value)) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got "${value}"`);
  }
  if (values.from && values.to && values.from > values.to) throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  const venues = catalog.instruments().filter((i) => i.instrument === values.inst && (!values.venue || i.venue === values.venue)).map((i) => i.venue);
  if (venues.length === 0) throw new UsageError(`${catalog.root} holds no ${values.inst}${values.venue ? ` under venue ${values.venue}` : ''} (asmm catalog ls lists what is there)`);
  if (venues.length > 1) throw new UsageError(`${values.inst} is in ${venues.join(' and ')}: choose one with --venue`);
  return { root: catalog.root, venue: venues[0], instrument: values.inst, ...(values.from ? { fromDate: values.from } : {}), ...(values.to ? { toDate: values.to } : {}) };
}

/**
 * The range's days, oldest first, one in memory at a time: each day's `book_top` with the `trades` of the
 * same date when there are any. Dates with trades but no books are not traded and are listed in `notes`; so
 * is each day without trades.
 */
export async function* catalogMarketDays(catalog: Catalog, range: CatalogRange, notes: string[]): AsyncGenerator<{ readonly date: string; readonly book: BookTable; readonly trades?: TradeTable }> {
  const trades = catalog.readTradesDays(range.venue, range.instrument, range.fromDate, range.toDate)[Symbol.asyncIterator]();
  let pending = await trades.next();
  for await (const book of catalog.readBookTopDays(range.venue, range.instrument, range.fromDate, range.toDate)) {
    while (!pending.done && pending.value.date < book.date) {
      notes.push(`${pending.value.date}: trades but no books in the catalog, not traded`);
      pending = await trades.next();
    }
    if (!pending.done && pending.value.date === book.date) {
      const day = pending.value;
      pending = await trades.next();
      yield { date: book.date, book, trades: day };
    } else {
      notes.push(`${book.date}: books without trades`);
      yield { date: book.date, book };
    }
  }
  while (!pending.done) {
    notes.push(`${pending.value.date}: trades but no books in the catalog, not traded`);
    pending = await trades.next();
  }
}
