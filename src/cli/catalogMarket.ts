import { resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { CatalogRangeError, catalogMarketDays, catalogRange as checkedRange, type CatalogMarketDay, type CatalogRange } from '../catalog/marketRange.js';
import type { InstrumentMeta } from '../catalog/schema.js';
import { clockDisagreement, localClockCheck, type ClockRemedy } from '../backtest/latency.js';
import type { BookTable } from '../data/tables.js';
import { pairingWarning, type PairingSoFar } from '../estimate/streamedMarketOrders.js';
import { UsageError } from './command.js';

export { catalogMarketDays, type CatalogRange } from '../catalog/marketRange.js';

/**
 * The `--catalog DIR --inst ID [--venue V] [--from D1] [--to D2]` options of estimate/backtest/calibrate,
 * checked against the catalog (`catalog/marketRange.ts`); a range that does not fit is a usage error (exit 2).
 */
export function catalogRange(catalog: Catalog, values: { inst?: string; venue?: string; from?: string; to?: string }): CatalogRange {
  try {
    return checkedRange(catalog, values);
  } catch (error) {
    if (error instanceof CatalogRangeError) throw new UsageError(error.message);
    throw error;
  }
}

/** A catalog range opened for a command: its first day read, every day (the first again) still to come. */
export interface OpenedCatalogMarket {
  readonly catalog: Catalog;
  readonly range: CatalogRange;
  /** The instrument's metadata (tick, lot) when the catalog has it. */
  readonly meta?: InstrumentMeta;
  /** What the day reader drops or finds (days without trades, trades without books). */
  readonly notes: string[];
  readonly first: CatalogMarketDay;
  /** Every day of the range, the first included, one in memory at a time. */
  readonly days: AsyncGenerator<CatalogMarketDay>;
  /** The dates of the range's book days (YYYY-MM-DD), listed from the catalog when called (an interrupted run's note). */
  readonly rangeDates: () => string[];
}

/**
 * `--catalog DIR --inst ID [--venue] [--from] [--to]` of estimate/backtest/calibrate: opens the catalog, checks
 * the range (usage errors) and reads its first day; a range with no book day is a usage error saying so.
 * `maxStalenessMs`: how long the book may show no change while trades print (see catalogMarketDays).
 * The caller closes `catalog`.
 */
export async function openCatalogMarket(values: { catalog?: unknown; inst?: unknown; venue?: unknown; from?: unknown; to?: unknown }, options: { maxStalenessMs?: number; maskTradelessEnds?: boolean } = {}): Promise<OpenedCatalogMarket> {
  const { openCatalog } = await import('../catalog/index.js');
  const catalog = await openCatalog(resolve(String(values.catalog)));
  try {
    const range = catalogRange(catalog, values as { inst?: string; venue?: string; from?: string; to?: string });
    const meta = catalog.instruments().find((i) => i.venue === range.venue && i.instrument === range.instrument)?.meta;
    const notes: string[] = [];
    const rest = catalogMarketDays(catalog, range, notes, options.maxStalenessMs, options.maskTradelessEnds);
    const head = await rest.next();
    if (head.done) throw new UsageError(`no book days for ${range.instrument} (${range.venue}) in ${range.fromDate ?? 'the first day'}..${range.toDate ?? 'the last day'} of ${range.root}`);
    const first = head.value;
    async function* days(): AsyncGenerator<CatalogMarketDay> {
      yield first;
      yield* rest;
    }
    const rangeDates = () => catalog.days(range.venue, range.instrument, 'book_top', range.fromDate, range.toDate).map((d) => d.date);
    return { catalog, range, ...(meta ? { meta } : {}), notes, first, days: days(), rangeDates };
  } catch (error) {
    catalog.close();
    throw error;
  }
}

/**
 * Says once, on stderr, that most trades of a catalog range so far came too long after its book's row in force
 * to be paired (`pairingWarning`), at the first day where it shows: the pairing's error would otherwise come
 * only after the whole range was replayed, and Ctrl-C stops the run after the day it is on.
 */
export class UnpairedTradesWarning {
  private said = false;

  constructor(private readonly say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {}

  /** After a day: the pairing's counts so far (undefined: no pairing, nothing to say). */
  after(date: string, soFar: PairingSoFar | undefined): void {
    if (this.said || soFar === undefined) return;
    const warning = pairingWarning(soFar, 'Ctrl-C stops the run after the day it is on.');
    if (warning === undefined) return;
    this.said = true;
    this.say(`  ${date}: ${warning}`);
  }
}

/**
 * The days of a range replayed with `--feed-latency recorded`, each day's receive stamps checked as it comes
 * (`latencyConfig` checks the first day's only): a later day without local stamps, or one whose recording
 * clock was behind the exchange's (`localClockCheck`), is refused naming the day. Before, such a day's rows were
 * replayed at their exchange time, a feed latency of 0, with no word. `remedy`: the refusal's advice (the
 * command's: backtest takes --local-clock-offset with --depth full only, calibrate not at all).
 */
export async function* clockCheckedDays<D extends { readonly date: string; readonly book: BookTable }>(days: AsyncIterable<D>, what: string, remedy: ClockRemedy): AsyncGenerator<D> {
  for await (const day of days) {
    const local = day.book.localTsMs;
    if (!local) throw new UsageError(`--feed-latency recorded needs local receive times (local_ts_ms), which ${what} does not have on ${day.date} (OKX history files carry exchange time only)`);
    const check = localClockCheck(day.book.tsMs, local);
    if (check.disagree) throw new UsageError(clockDisagreement(check, `${what} on ${day.date}`, remedy));
    yield day;
  }
}
