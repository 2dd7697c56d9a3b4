import type { MaskedInterval } from '../data/masks.js';
/**
 * The catalog's tables, in one place. Layout (hive-style, one folder per UTC date of exchange time):
 *
 * `<root>/<venue>/<instrument>/<table>/date=YYYY-MM-DD/<firstTsMs>-<lastTsMs>.parquet` (Parquet, zstd), and
 * `<root>/<venue>/<instrument>/instrument.json` (tick, lot, contract value, source).
 *
 * Within a table and date, part files cover disjoint time intervals `[firstTsMs, lastTsMs]` (read from the
 * file name, as NautilusTrader's catalog does): an import whose interval overlaps an existing part is refused
 * unless it replaces the partition, which is then swapped atomically (rename), so rows are never duplicated.
 *
 * Columns (all times epoch milliseconds UTC, DOUBLE so that a BookTable's Float64 times round-trip exactly):
 * - `book_top`: `ts_ms` exchange time, `local_ts_ms` receive time (only when the source has it), then for
 *   level i = 1..N `bid_px_i`, `bid_sz_i`, `ask_px_i`, `ask_sz_i` (price in quote currency, size in the venue's
 *   size unit: base currency for spot, contracts for swaps). Same names as `bookColumnNames` of
 *   src/data/tables.ts, so a day loads back into a BookTable.
 * - `trades`: `ts_ms`, `local_ts_ms` (optional), `id` (venue trade id), `side` (taker side: 1 buy, −1 sell),
 *   `px` (quote currency), `sz` (venue size unit). As `tradeColumnNames`.
 * - `gaps`: `from_ms`, `to_ms` (the masked interval, exchange time), `reason` (text), `applies_to` (`book`,
 *   `trades` or `both`: a recorder gap of the trades channel masks the trades, not the book, as in the file it
 *   came from; parts written before the column existed read as `both`). A mask crossing UTC midnight is stored
 *   cut at midnight, in each day it touches.
 * - `book_deltas`: `ts_ms`, `local_ts_ms` (only when the source has it: OKX history files do not), `side`
 *   (TINYINT: 1 bid, −1 ask), `px`, `qty` (absolute size at that price after the change; 0 deletes the level),
 *   `flags` (UTINYINT: 1 = row of a snapshot, 2 = first row of a snapshot: the book is cleared before it),
 *   `orders` (the level's number of orders after the change, when the source has it: OKX books do, Binance not). Rows of one exchange message share `ts_ms`; their order is
 *   the file order, so a replay reads parts by start time and rows by `file_row_number` (read_parquet option),
 *   not `order by ts_ms` alone (SQL sorts are not stable).
 *
 * Virtual columns in SQL views: `venue`, `instrument` (from the path) and `date` (hive partition, DATE).
 */
export const CATALOG_TABLES = ['book_top', 'trades', 'gaps', 'book_deltas'] as const;
export type CatalogTable = (typeof CATALOG_TABLES)[number];

/** Default number of levels per side in `book_top`. */
export const DEFAULT_TOP_LEVELS = 5;

export const GAP_COLUMNS = ['from_ms', 'to_ms', 'reason', 'applies_to'] as const;
/** The tables a stored gap masks (`gaps.applies_to`). */
export type GapAppliesTo = 'book' | 'trades' | 'both';
/** A masked interval to store in `gaps`, with the table it masks (default `both`). */
export interface CatalogGap extends MaskedInterval {
  readonly appliesTo?: GapAppliesTo;
}
export const BOOK_DELTA_COLUMNS = ['ts_ms', 'local_ts_ms', 'side', 'px', 'qty', 'flags', 'orders'] as const;
export const DELTA_FLAG_SNAPSHOT = 1;
export const DELTA_FLAG_SNAPSHOT_START = 2;

/** `instrument.json`: the instrument's metadata. */
export interface InstrumentMeta {
  readonly venue: string;
  readonly instrument: string;
  /** Price increment, quote currency. */
  readonly tickSize?: number;
  /** Size increment, venue size unit. */
  readonly lotSize?: number;
  /** Base currency per contract (swaps); absent for spot. */
  readonly contractValue?: number;
  /** Fields above inferred from the data rather than given by the venue (e.g. `['tickSize']`). */
  readonly inferred?: readonly string[];
  readonly source?: string;
}

/** Day partition folder name of a UTC date `YYYY-MM-DD`. */
export const partitionName = (date: string) => `date=${date}`;

/** UTC date `YYYY-MM-DD` of an epoch-ms time. */
export function utcDateOf(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;

/** The end of a UTC date `YYYY-MM-DD` (the next day's first ms): no row of a later day partition is stamped before it. */
export function utcDayEndMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}

/** A catalog error: one line naming the path and what is wrong. */
/** Whether a venue or instrument can be a catalog folder: not empty, no `/`, `\\` or `=`, not starting with a dot. */
export const isCatalogFolderName = (name: string): boolean => name !== '' && !/[\/\\]|^\.|=/.test(name);

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}
