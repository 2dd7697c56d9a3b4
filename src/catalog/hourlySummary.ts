import { partsSpanMs, type Catalog } from './catalog.js';
import type { CatalogRange } from './marketRange.js';
import { utcDateOf } from './schema.js';
import { mergeMasks } from '../data/masks.js';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** An increment of the mid longer than this is not counted in σ (a gap in the book, not a move): it is dropped and counted. */
export const MAX_SIGMA_INCREMENT_MS = 60_000;

/** One UTC hour of a catalog range: book, trades and realized σ of the mid. */
export interface HourRow {
  /** Start of the hour, epoch ms UTC. */
  readonly hourMs: number;
  readonly bookRows: number;
  /** Mean of ask_px_1 − bid_px_1 over the hour's book rows (quote currency; rows with a side empty, or stamped inside a masked interval of the book, left out). */
  readonly spreadMeanPx: number;
  /** Mean of bid_sz_1 + ask_sz_1 over the same rows (the venue's size unit). */
  readonly touchDepthMean: number;
  /**
   * Trades in the hour; NaN when the hour lies outside the span of its date's trades in the catalog (not
   * recorded: a book-only import, a date whose trades were not imported, the hours of a UTC day that the OKX
   * trades files imported leave out; a quiet hour after a date's last trade reads NaN too). A lower bound when
   * `tradesMaskedSec` > 0.
   */
  readonly trades: number;
  /** Σ sz of the hour's trades; NaN as `trades`. */
  readonly volume: number;
  /**
   * Seconds of the hour inside a masked interval of the trades (the catalog's `gaps` that apply to them: a
   * recorder gap of the trades channel, a lost connection): trades printed there were not recorded, so
   * `trades` and `volume` count only part of the hour.
   */
  readonly tradesMaskedSec: number;
  /**
   * √(Σ d² / Σ Δt): realized σ of the mid in price per √s from the increments d between consecutive book
   * rows (in ts_ms order over the whole range) whose later row is in the hour, over the time Δt they span
   * (`sigmaObservedSec`: 3600 s for an hour of rows throughout; less for an hour the data only partly cover,
   * or one with a dropped increment). Increments longer than MAX_SIGMA_INCREMENT_MS, and those whose span
   * overlaps a masked interval of the book (the catalog's `gaps`), are dropped (counted in `sigmaDropped`), with
   * their time. NaN when the hour has no increment, or its increments span no time.
   */
  readonly sigmaPricePerSqrtSec: number;
  /** Σ Δt of the increments σ is taken over, seconds. */
  readonly sigmaObservedSec: number;
  readonly sigmaIncrements: number;
  readonly sigmaDropped: number;
}

/** What `hourlySummarySql` needs besides the range, read from the catalog by `hourlySummary`. */
export interface HourlySummaryInputs {
  /** false: the range has no trades in the catalog; `trades` and `volume` come back NULL (not recorded, not zero). */
  readonly withTrades?: boolean;
  /** The book's masked intervals [fromMs, toMs) in the range (`Catalog.gapsOf(…, 'book')`). */
  readonly bookMasks?: readonly { readonly fromMs: number; readonly toMs: number }[];
}

/**
 * The SQL of `hourlySummary`: one row per UTC hour with book rows (in hour order). A book row stamped inside a
 * mask is left out of the spread and depth means; an increment of the mid whose span (t₋₁, t] overlaps a mask is
 * dropped from σ with its time (the frozen or unknown book, and the jump across the mask, are no move), as
 * `asmm estimate` drops its grid returns.
 */
export function hourlySummarySql(range: Pick<CatalogRange, 'venue' | 'instrument' | 'fromDate' | 'toDate'>, inputs: HourlySummaryInputs = {}): string {
  const withTrades = inputs.withTrades ?? true;
  const masks = (inputs.bookMasks ?? []).filter((g) => g.toMs > g.fromMs);
  const maskRows = masks.length > 0 ? `select * from (values ${masks.map((g) => `(${Number(g.fromMs)}::double, ${Number(g.toMs)}::double)`).join(', ')}) t(from_ms, to_ms)` : 'select null::double as from_ms, null::double as to_ms where false';
  const where = [`venue = ${sqlString(range.venue)}`, `instrument = ${sqlString(range.instrument)}`, ...(range.fromDate ? [`date >= ${sqlString(range.fromDate)}`] : []), ...(range.toDate ? [`date <= ${sqlString(range.toDate)}`] : [])].join(' and ');
  const hour = (col: string) => `floor(${col} / 3600000) * 3600000`;
  return `
with mk as (
  ${maskRows}
), b as (
  select ts_ms, bid_px_1, ask_px_1, bid_sz_1, ask_sz_1,
    exists (select 1 from mk where book_top.ts_ms >= mk.from_ms and book_top.ts_ms < mk.to_ms) as in_mask
  from book_top where ${where}
), m0 as (
  select ts_ms, lag(ts_ms) over (order by ts_ms) as prev_ts_ms,
    (bid_px_1 + ask_px_1) / 2 - lag((bid_px_1 + ask_px_1) / 2) over (order by ts_ms) as d
  from b where bid_px_1 is not null and ask_px_1 is not null and not isnan(bid_px_1) and not isnan(ask_px_1)
), m as (
  select ts_ms, ts_ms - prev_ts_ms as dt_ms, d,
    ts_ms - prev_ts_ms <= ${MAX_SIGMA_INCREMENT_MS} and not exists (select 1 from mk where m0.prev_ts_ms < mk.to_ms and m0.ts_ms > mk.from_ms) as counted
  from m0 where prev_ts_ms is not null
), bh as (
  select ${hour('ts_ms')} as hour_ms, count(*) as book_rows,
    avg(case when in_mask or isnan(ask_px_1 - bid_px_1) then null else ask_px_1 - bid_px_1 end) as spread_mean_px,
    avg(case when in_mask or isnan(bid_sz_1 + ask_sz_1) then null else bid_sz_1 + ask_sz_1 end) as touch_depth_mean
  from b group by 1
), sh as (
  select ${hour('ts_ms')} as hour_ms,
    sum(case when counted then d * d else 0 end) as sum_sq,
    sum(case when counted then dt_ms else 0 end) as observed_ms,
    count(case when counted then 1 end) as increments,
    count(case when not counted then 1 end) as dropped
  from m group by 1
), th as (
  ${withTrades ? `select ${hour('ts_ms')} as hour_ms, count(*) as trades, sum(sz) as volume from trades where ${where} group by 1` : 'select null::double as hour_ms, null::bigint as trades, null::double as volume where false'}
)
select bh.hour_ms, bh.book_rows, bh.spread_mean_px, bh.touch_depth_mean,
  ${withTrades ? 'coalesce(th.trades, 0)' : 'null'} as trades, ${withTrades ? 'coalesce(th.volume, 0)' : 'null'} as volume,
  case when coalesce(sh.observed_ms, 0) > 0 then sqrt(sh.sum_sq / (sh.observed_ms / 1000)) else 'NaN'::double end as sigma_price_per_sqrt_s,
  coalesce(sh.observed_ms, 0) / 1000 as sigma_observed_s,
  coalesce(sh.increments, 0) as sigma_increments, coalesce(sh.dropped, 0) as sigma_dropped
from bh left join sh using (hour_ms) left join th using (hour_ms)
order by bh.hour_ms`;
}

/**
 * Spread, touch depth, trade count and realized σ per UTC hour of a catalog range, by SQL through
 * `catalog.sql` (DuckDB over the Parquet partitions; nothing loaded into JS but the result). A range without
 * trades in the catalog (a book-only import) gives `trades` and `volume` NaN in every hour: not recorded.
 * @example
 * const hours = await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT' });
 */
export async function hourlySummary(catalog: Catalog, range: Pick<CatalogRange, 'venue' | 'instrument' | 'fromDate' | 'toDate'>): Promise<HourRow[]> {
  // the span each date's trades cover (from the part names: first and last trade): an hour outside it was not
  // recorded (a date not imported, or the part of a UTC day an OKX trades file of UTC+8 days leaves out)
  const tradeSpans = new Map<string, { fromMs: number; toMs: number }>();
  for (const day of catalog.days(range.venue, range.instrument, 'trades', range.fromDate, range.toDate)) {
    const span = partsSpanMs(day.parts);
    if (span) tradeSpans.set(day.date, span);
  }
  const withTrades = tradeSpans.size > 0;
  const bookMasks = await catalog.gapsOf(range.venue, range.instrument, range.fromDate, range.toDate, 'book');
  // merged: gaps that overlap (a lost connection and a recorder gap of the trades channel) count their time once
  const tradeMasks = withTrades ? mergeMasks(await catalog.gapsOf(range.venue, range.instrument, range.fromDate, range.toDate, 'trades')) : [];
  const r = await catalog.sql(hourlySummarySql(range, { withTrades, bookMasks }));
  const n = (v: unknown) => (v === null || v === undefined ? NaN : Number(v));
  return r.toRows().map((row) => {
    const hourMs = n(row.hour_ms);
    // an hour outside the span of its date's trades in the catalog: not recorded, not zero
    const span = tradeSpans.get(utcDateOf(hourMs));
    const recorded = span !== undefined && span.fromMs < hourMs + HOUR_MS && span.toMs >= hourMs;
    let maskedMs = 0;
    for (const g of tradeMasks) maskedMs += Math.max(0, Math.min(g.toMs, hourMs + HOUR_MS) - Math.max(g.fromMs, hourMs));
    return {
      hourMs,
      bookRows: n(row.book_rows),
      spreadMeanPx: n(row.spread_mean_px),
      touchDepthMean: n(row.touch_depth_mean),
      trades: recorded ? n(row.trades) : NaN,
      volume: recorded ? n(row.volume) : NaN,
      tradesMaskedSec: recorded ? maskedMs / 1000 : NaN,
      sigmaPricePerSqrtSec: n(row.sigma_price_per_sqrt_s),
      sigmaObservedSec: n(row.sigma_observed_s),
      sigmaIncrements: n(row.sigma_increments),
      sigmaDropped: n(row.sigma_dropped),
    };
  });
}

const HOUR_MS = 3_600_000;
