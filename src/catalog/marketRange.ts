import { formatDurationMs, maskedDurationMs, mergeMasks, subtractMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { DEFAULT_MAX_STALENESS_MS, DeadBookTracker } from '../data/validate.js';
import { maskTradelessBookEnds } from '../estimate/marketOrders.js';
import type { Catalog } from './catalog.js';
import { DAY_MS, utcDayEndMs as dayEndMs } from './schema.js';

/**
 * A range of one instrument's days in a catalog (`--catalog DIR --inst ID [--venue V] [--from D1] [--to D2]` on
 * the CLI, `ASMM_CATALOG` / `ASMM_INST` / `ASMM_VENUE` / `ASMM_FROM` / `ASMM_TO` in the notebooks), checked
 * against what the catalog holds, and its days read one at a time.
 */
export interface CatalogRange {
  readonly root: string;
  readonly venue: string;
  readonly instrument: string;
  /** First date, `YYYY-MM-DD` (UTC), inclusive; absent: the first date present. */
  readonly fromDate?: string;
  /** Last date, inclusive; absent: the last date present. */
  readonly toDate?: string;
}

/** The range asked for does not fit the catalog (no such instrument, a bad date, from after to). */
export class CatalogRangeError extends Error {
  override readonly name = 'CatalogRangeError';
}

/** How the range's fields are called where they come from: CLI flags by default. */
export interface CatalogRangeNames {
  readonly catalog: string;
  readonly inst: string;
  readonly venue: string;
  readonly from: string;
  readonly to: string;
}

const FLAG_NAMES: CatalogRangeNames = { catalog: '--catalog', inst: '--inst', venue: '--venue', from: '--from', to: '--to' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks the range options against the catalog: the instrument must be there (under `--venue`, or under the
 * one venue that has it), and the dates be `YYYY-MM-DD` with from ≤ to; CatalogRangeError says what is missing,
 * in the caller's names (CLI flags by default, environment variables in the notebooks).
 */
export function catalogRange(catalog: Catalog, values: { inst?: string; venue?: string; from?: string; to?: string }, names: CatalogRangeNames = FLAG_NAMES): CatalogRange {
  if (!values.inst) throw new CatalogRangeError(`${names.catalog} needs ${names.inst} ID (asmm catalog ls lists what is there)`);
  for (const [name, value] of [[names.from, values.from], [names.to, values.to]] as const) {
    if (value !== undefined && !DATE.test(value)) throw new CatalogRangeError(`${name} must be a date YYYY-MM-DD, got "${value}"`);
  }
  if (values.from && values.to && values.from > values.to) throw new CatalogRangeError(`${names.from} ${values.from} is after ${names.to} ${values.to}`);
  const venues = catalog.instruments().filter((i) => i.instrument === values.inst && (!values.venue || i.venue === values.venue)).map((i) => i.venue);
  if (venues.length === 0) throw new CatalogRangeError(`${catalog.root} holds no ${values.inst}${values.venue ? ` under venue ${values.venue}` : ''} (asmm catalog ls lists what is there)`);
  if (venues.length > 1) throw new CatalogRangeError(`${values.inst} is in ${venues.join(' and ')}: choose one with ${names.venue}`);
  return { root: catalog.root, venue: venues[0], instrument: values.inst, ...(values.from ? { fromDate: values.from } : {}), ...(values.to ? { toDate: values.to } : {}) };
}

/**
 * The range's days, oldest first, one in memory at a time (two while a day is held, below): each day's
 * `book_top` with the `trades` of the same date when there are any. Dates with trades but no books are not
 * traded and are listed in `notes`; so is each day without trades. Where the book did not change for more than
 * `maxStalenessMs` while trades printed (a dead book: see deadBookStretches), the day's book is masked there and
 * `notes` says how long: the masks of the days put together are those of the range in memory. A day that ends
 * inside a stale stretch not yet dead (fewer trades so far than make it so) is held until the next day is read,
 * which decides it, so that a stretch whose trades come after midnight is masked from its start, on both days.
 * A stretch still undecided after a whole further day releases the held day unmasked; should it turn dead
 * later, the part before the later day is not masked, and `notes` says so.
 * `maskTradelessEnds` (backtest, calibrate): a day's book is masked too where its trades stop before its end or
 * start after its beginning (`tradelessBookEnds`), with a WARNING in `notes`.
 */
export async function* catalogMarketDays(
  catalog: Catalog,
  range: CatalogRange,
  notes: string[],
  maxStalenessMs = DEFAULT_MAX_STALENESS_MS,
  maskTradelessEnds = false,
): AsyncGenerator<CatalogMarketDay> {
  const dead = new DeadBookTracker(maxStalenessMs);
  // the range's last book day ends at its last row (as the book does); the others at their day's end
  const bookDays = catalog.days(range.venue, range.instrument, 'book_top', range.fromDate, range.toDate);
  const lastDate = bookDays.length > 0 ? bookDays[bookDays.length - 1].date : undefined;
  /** A day read but not yet handed on, with the stretches found in it so far. */
  let held: { day: CatalogMarketDay; stretches: MaskedInterval[] } | undefined;
  /** The end of the last day handed on (ms): nothing before it can be masked any more. */
  let handedUntil = -Infinity;
  const handOn = (day: CatalogMarketDay, stretches: readonly MaskedInterval[]): CatalogMarketDay => {
    handedUntil = day.throughMs;
    if (stretches.length === 0) return day;
    notes.push(`${day.date}: the book did not change for more than ${formatDurationMs(maxStalenessMs)} while trades printed, ${formatDurationMs(maskedDurationMs(mergeMasks(stretches)))} in ${stretches.length} stretch${stretches.length === 1 ? '' : 'es'}: masked`);
    return { ...day, book: { ...day.book, masked: mergeMasks(day.book.masked, stretches) } };
  };
  for await (let day of catalogDays(catalog, range, notes)) {
    // a day whose trades stop before (or start after) its book: the trade record is missing there, not quiet
    if (maskTradelessEnds && day.trades) {
      const date = day.date;
      day = { ...day, book: maskTradelessBookEnds(day.book, day.trades, (e) => notes.push(`WARNING ${date}: ${e.reason} of that day (${new Date(e.fromMs).toISOString()} .. ${new Date(e.toMs).toISOString()}): masked, no quote and no fill there (OKX's trades files run on UTC+8 days, its books files on UTC days: import the trades file of the next date)`)) };
    }
    const last = day.date === lastDate;
    let stretches = dead.feed(day.book, day.trades, last ? undefined : day.throughMs);
    // this day's own part of what it decided starts at the end of the day before it
    const dayStart = held?.day.throughMs ?? handedUntil;
    const earlier = clipMasks(stretches, -Infinity, dayStart);
    const lostMs = maskedDurationMs(clipMasks(earlier, -Infinity, handedUntil));
    const lost = lostMs > 0 && `${day.date}: a stretch of dead book that began before ${new Date(handedUntil).toISOString().slice(0, 10)} showed dead only now, after the days before were replayed: ${formatDurationMs(lostMs)} of it there not masked`;
    if (held) {
      // the stretches this day decided that began on the held day: that day's part is its own
      const { day: heldDay, stretches: heldStretches } = held;
      held = undefined;
      yield handOn(heldDay, [...heldStretches, ...subtractMasks(clipMasks(earlier, handedUntil, dayStart), heldDay.book.masked)]);
    }
    if (lost) notes.push(lost);
    stretches = clipMasks(stretches, dayStart, Infinity);
    if (!last && dead.undecidedBefore(day.throughMs)) held = { day, stretches };
    else yield handOn(day, stretches);
  }
  if (held) yield handOn(held.day, held.stretches);
}

/** The parts of `masks` within [fromMs, toMs). */
function clipMasks(masks: readonly MaskedInterval[], fromMs: number, toMs: number): MaskedInterval[] {
  const out: MaskedInterval[] = [];
  for (const m of masks) {
    const a = Math.max(m.fromMs, fromMs);
    const b = Math.min(m.toMs, toMs);
    if (b > a) out.push({ ...m, fromMs: a, toMs: b });
  }
  return out;
}

/** One day of a catalog range (see catalogMarketDays); `throughMs`: the day's end, ms, before which no later day has a row (see MarketChunk.throughMs). */
export interface CatalogMarketDay {
  readonly date: string;
  readonly book: BookTable;
  readonly trades?: TradeTable;
  readonly throughMs: number;
}

/**
 * The mask of the dates missing between two book days of a range (none when they follow each other): from the
 * end of the day before to the first row of the day after. A replay that carried on across them would leave
 * the orders of the day before resting through the hole (filled by the next day's first rows at stale prices),
 * and a Sharpe ratio count its intervals as flat; masked, the orders are pulled and the hole is said.
 */
export function missingDaysMask(previousDate: string, date: string, firstRowMs: number): MaskedInterval | undefined {
  const fromMs = dayEndMs(previousDate);
  const dayStartMs = dayEndMs(date) - DAY_MS;
  if (!(fromMs < dayStartMs)) return undefined;
  const days = Math.round((dayStartMs - fromMs) / DAY_MS);
  const first = new Date(fromMs).toISOString().slice(0, 10);
  const last = new Date(dayStartMs - DAY_MS).toISOString().slice(0, 10);
  return { fromMs, toMs: Math.max(dayStartMs, firstRowMs), reason: `no books in the catalog for ${days === 1 ? first : `${first}..${last} (${days} days)`}` };
}

async function* catalogDays(catalog: Catalog, range: CatalogRange, notes: string[]): AsyncGenerator<CatalogMarketDay> {
  const trades = catalog.readTradesDays(range.venue, range.instrument, range.fromDate, range.toDate)[Symbol.asyncIterator]();
  let pending = await trades.next();
  let previousDate: string | undefined;
  for await (const dayBook of catalog.readBookTopDays(range.venue, range.instrument, range.fromDate, range.toDate)) {
    // dates missing inside the range: masked up to this day's first row, and said
    const hole = previousDate === undefined || dayBook.tsMs.length === 0 ? undefined : missingDaysMask(previousDate, dayBook.date, dayBook.tsMs[0]);
    if (hole) notes.push(`${hole.reason}, inside the range: masked from the end of ${previousDate} to the first book row of ${dayBook.date}`);
    previousDate = dayBook.date;
    const book = hole ? { ...dayBook, masked: mergeMasks(dayBook.masked, [hole]) } : dayBook;
    while (!pending.done && pending.value.date < book.date) {
      notes.push(`${pending.value.date}: trades but no books in the catalog, not traded`);
      pending = await trades.next();
    }
    if (!pending.done && pending.value.date === book.date) {
      const day = pending.value;
      pending = await trades.next();
      yield { date: book.date, book, trades: day, throughMs: dayEndMs(book.date) };
    } else {
      notes.push(`${book.date}: books without trades`);
      yield { date: book.date, book, throughMs: dayEndMs(book.date) };
    }
  }
  while (!pending.done) {
    notes.push(`${pending.value.date}: trades but no books in the catalog, not traded`);
    pending = await trades.next();
  }
}
