import { concatTradeTables } from '../data/concatTables.js';
import { mergeMasks, type MaskedInterval } from '../data/masks.js';
import { emptyTradeTable, type TradeTable } from '../data/tables.js';
import type { BookDeltaDay, Catalog } from './catalog.js';
import { missingDaysMask } from './marketRange.js';
import { utcDateOf, utcDayEndMs } from './schema.js';

/** A catalog range's level changes and trades in memory, as a full-depth replay (`replayDepth`) takes them. */
export interface CatalogDepthInput {
  /** Level changes of every day, in order (side 0: clear the book); local stamps and order counts when every day has them. */
  readonly events: Omit<BookDeltaDay, 'date'>;
  readonly trades: TradeTable;
  /** The `gaps` of the range, where the range starts (or resumes) inside a day without a snapshot, and the dates missing inside it (`missingDaysMask`). */
  readonly masked: readonly MaskedInterval[];
  readonly dates: readonly string[];
}

/**
 * Reads `book_deltas`, `trades` and `gaps` of one instrument between two dates (inclusive, `YYYY-MM-DD`; absent:
 * all) into memory: for captures of minutes to hours (about 25 bytes per level change). Throws when the range
 * holds no level changes (only OKX history days and Binance captures write them).
 */
export async function readCatalogDepth(catalog: Catalog, venue: string, instrument: string, fromDate?: string, toDate?: string): Promise<CatalogDepthInput> {
  const days: BookDeltaDay[] = [];
  for await (const day of catalog.readBookDeltasDays(venue, instrument, fromDate, toDate)) days.push(day);
  if (days.length === 0) throw new Error(`${catalog.root}: no book_deltas of ${venue}/${instrument}${fromDate || toDate ? ` between ${fromDate ?? 'the start'} and ${toDate ?? 'the end'}` : ''} (level changes come from OKX history books days and Binance captures)`);
  const tradeDays: TradeTable[] = [];
  for await (const t of catalog.readTradesDays(venue, instrument, fromDate, toDate)) tradeDays.push(t);
  const n = days.reduce((a, d) => a + d.tsMs.length, 0);
  const withLocal = days.every((d) => d.localTsMs !== undefined);
  const withOrders = days.every((d) => d.orders !== undefined);
  const events = { tsMs: new Float64Array(n), side: new Int8Array(n), px: new Float64Array(n), qty: new Float64Array(n), ...(withLocal ? { localTsMs: new Float64Array(n) } : {}), ...(withOrders ? { orders: new Float64Array(n) } : {}) };
  let at = 0;
  for (const d of days) {
    events.tsMs.set(d.tsMs, at);
    events.side.set(d.side, at);
    events.px.set(d.px, at);
    events.qty.set(d.qty, at);
    if (events.localTsMs) events.localTsMs.set(d.localTsMs!, at);
    if (events.orders) events.orders.set(d.orders!, at);
    at += d.tsMs.length;
  }
  const bookUnknown: MaskedInterval[] = [];
  for (const [n, d] of days.entries()) {
    const unknown = bookUnknownAtStart(d, n > 0 ? days[n - 1].date : undefined);
    if (unknown) bookUnknown.push(unknown);
    // dates missing inside the range: nothing seen there, our orders pulled until the book returns
    const hole = n > 0 && d.tsMs.length > 0 ? missingDaysMask(days[n - 1].date, d.date, d.tsMs[0]) : undefined;
    if (hole) bookUnknown.push(hole);
  }
  const trades = tradeDays.length ? concatTradeTables(tradeDays) : emptyTradeTable({ instrument });
  const masked = mergeMasks(await catalog.gapsOf(venue, instrument, fromDate, toDate, 'book'), bookUnknown);
  return { events, trades, masked, dates: days.map((d) => d.date) };
}

/**
 * A day is cut at UTC midnight without a snapshot: where the range starts (`previousDate` undefined), or resumes
 * after a missing day, on a day that does not open with a clear, the book is built from partial changes until
 * the next clear: that interval, masked; undefined when the day follows the day before or opens with a clear.
 */
function bookUnknownAtStart(d: Pick<BookDeltaDay, 'date' | 'tsMs' | 'side'>, previousDate: string | undefined): MaskedInterval | undefined {
  const follows = previousDate !== undefined && nextDate(previousDate) === d.date;
  if (follows || d.tsMs.length === 0 || d.side[0] === 0) return undefined;
  const clear = d.side.indexOf(0);
  const toMs = clear >= 0 ? d.tsMs[clear] : d.tsMs[d.tsMs.length - 1] + 1;
  return { fromMs: d.tsMs[0], toMs, reason: `${d.date}: the range ${previousDate === undefined ? 'starts' : `resumes after a missing day (${previousDate})`} inside the day's changes, without a snapshot: the book is unknown until ${clear >= 0 ? 'its next snapshot' : 'the end of the day (no snapshot in it)'}` };
}

/**
 * `readCatalogDepth` a day at a time, for a replay fed in pieces (`depthReplaySession`): `masked` (the range's
 * gaps, where it starts or resumes without a snapshot, and the dates missing inside it: the first day of each run of days is read once for it)
 * and the dates, then `days()` reads one day's level changes and trades after the other. Memory: one day.
 */
export async function catalogDepthDays(catalog: Catalog, venue: string, instrument: string, fromDate?: string, toDate?: string): Promise<{
  readonly masked: readonly MaskedInterval[];
  /** The dates with level changes or trades, and those with level changes. */
  readonly dates: readonly string[];
  readonly deltaDates: readonly string[];
  days(): AsyncGenerator<{ readonly date: string; readonly events: Omit<BookDeltaDay, 'date'>; readonly trades: TradeTable }>;
}> {
  const deltaDates = catalog.days(venue, instrument, 'book_deltas', fromDate, toDate).map((d) => d.date);
  // the trades of days without level changes too (OKX trade files cut at UTC+8 spill into the day before), as
  // readCatalogDepth reads them: they find no book to act on, but they are replayed and counted
  const dates = [...new Set([...deltaDates, ...catalog.days(venue, instrument, 'trades', fromDate, toDate).map((d) => d.date)])].sort();
  if (deltaDates.length === 0) throw new Error(`${catalog.root}: no book_deltas of ${venue}/${instrument}${fromDate || toDate ? ` between ${fromDate ?? 'the start'} and ${toDate ?? 'the end'}` : ''} (level changes come from OKX history books days and Binance captures)`);
  const bookUnknown: MaskedInterval[] = [];
  for (const [n, date] of deltaDates.entries()) {
    const previous = n > 0 ? deltaDates[n - 1] : undefined;
    if (previous !== undefined && nextDate(previous) === date) continue;
    for await (const d of catalog.readBookDeltasDays(venue, instrument, date, date)) {
      const unknown = bookUnknownAtStart(d, previous);
      if (unknown) bookUnknown.push(unknown);
      // dates missing inside the range: nothing seen there, our orders pulled until the book returns
      const hole = previous !== undefined && d.tsMs.length > 0 ? missingDaysMask(previous, date, d.tsMs[0]) : undefined;
      if (hole) bookUnknown.push(hole);
    }
  }
  const masked = mergeMasks(await catalog.gapsOf(venue, instrument, fromDate, toDate, 'book'), bookUnknown);
  return {
    masked,
    dates,
    deltaDates,
    async *days() {
      for (const date of dates) {
        let events: Omit<BookDeltaDay, 'date'> = { tsMs: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), qty: new Float64Array(0) };
        for await (const d of catalog.readBookDeltasDays(venue, instrument, date, date)) {
          const { date: _, ...rest } = d;
          events = rest;
        }
        const tradeDays: TradeTable[] = [];
        for await (const t of catalog.readTradesDays(venue, instrument, date, date)) tradeDays.push(t);
        const trades = tradeDays.length ? concatTradeTables(tradeDays) : emptyTradeTable({ instrument });
        yield { date, events, trades };
      }
    },
  };
}

/** The UTC date after `YYYY-MM-DD`. */
function nextDate(date: string): string {
  return utcDateOf(utcDayEndMs(date));
}
