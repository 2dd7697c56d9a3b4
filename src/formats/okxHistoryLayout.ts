/**
 * OKX's published daily history (https://www.okx.com/data-download): THE one place in asmm that states its
 * layouts — file names, archive members, URLs, the order-book NDJSON line and the trade CSV headers, and the
 * day boundaries. The readers (`okxHistoryBooks.ts`, `okxHistoryTrades.ts`), the generator
 * (`sample/okxHistory.ts`) and the downloader use these and nothing else, so a change at OKX is one edit here.
 *
 * What is confirmed and what is assumed (as observed in 2025–2026 public material; OKX publishes no
 * specification of these files):
 *
 * Order books (module "order book", `L2orderbook`):
 * - file `{INST}-L2orderbook-{N}lv-{YYYY-MM-DD}.tar.gz`, N = 400 (also a 5000-level product, `5000lv`).
 *   CONFIRMED by several independent downloaders and research notes naming e.g.
 *   `BTC-USDT-SWAP-L2orderbook-400lv-2024-01-05.tar.gz` and a 257,527,903-byte BTC-USDT day (2025-08-01).
 * - URL `https://static.okx.com/cdn/okx/match/orderbook/L2/{N}lv/daily/{YYYYMMDD}/{file}`. CONFIRMED (two
 *   independent downloaders use exactly this). The 5000-level URL is ASSUMED to follow the same pattern.
 * - the tar holds one member `{INST}-L2orderbook-{N}lv-{YYYY-MM-DD}.data`. CONFIRMED (two sources name it).
 * - an older `.zip` variant with the same member: ASSUMED (named in the issue; not seen in the material).
 * - each member line: `{"instId":"BTC-USDT","action":"snapshot"|"update","ts":"<epoch ms>","asks":[[px,sz,count],…],
 *   "bids":[…]}` with three-string levels [price, size, order count] — not four as in the WebSocket `books`
 *   channel. CONFIRMED (field names, `ts` as a string of ms, three-element levels). Sizes are absolute, size
 *   "0" deletes the level, a full snapshot comes first and then about every 15 minutes, no `seqId`, no
 *   `checksum`: as stated in the issue, CONSISTENT with the material, not independently confirmed; the reader
 *   therefore checks every later snapshot against the book it has built and reports disagreements. Whether a
 *   periodic snapshot line carries the same `ts` as the update before it is not known: the reader does not
 *   depend on it.
 * - day: one UTC day (00:00–24:00 UTC), as third-party checks found by reading the first `ts` of real files.
 *   The reader decides from the data and reports it (see `DayAlignment`).
 *
 * Trades (module "trade history", `traderecords`):
 * - file `{INST}-trades-{YYYY-MM-DD}.zip` with one CSV member `{INST}-trades-{YYYY-MM-DD}.csv`. CONFIRMED.
 * - URL `https://static.okx.com/cdn/okex/traderecords/trades/daily/{YYYYMMDD}/{file}` (also served under
 *   `https://www.okx.com/cdn/okex/…`). CONFIRMED.
 * - header `instrument_name,trade_id,side,price,size,created_time`, with a trailing `,source` in newer
 *   files. CONFIRMED (both forms, 2023 and 2026 material). `side` is the taker's (buy/sell), `size` base
 *   currency for spot and contracts for swaps and futures, `created_time` epoch ms; oldest print first, trade
 *   ids increasing. CONFIRMED by third-party checks against OKX's REST trades.
 * - the older bilingual header `trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间`
 *   (no instrument column; size BEFORE price). CONFIRMED (a 2025-04-19 BTC-USDT sample with this text).
 * - day: UTC+8 (the file dated D covers [D−1 16:00, D 16:00) UTC), as third-party checks found. The reader
 *   decides from the data and reports it.
 */

/** The two daily products. */
export type OkxHistoryKind = 'books' | 'trades';
/** Archive variants of a books day file: the current tar.gz and the older zip. */
export type OkxBooksArchive = 'tar.gz' | 'zip';
/** Levels of the books products. */
export type OkxBookLevels = 400 | 5000;
/** Which header a trades CSV has: `current` (instrument_name first; `source` optional) or the older `bilingual`. */
export type OkxTradeHeader = 'current' | 'bilingual';
/** A day file's day: UTC, or UTC+8 (Beijing; the day D runs from D−1 16:00 UTC to D 16:00 UTC). */
export type OkxDayBoundary = 'utc' | 'utc+8';

/** Default hosts and path patterns. `{N}` levels, `{YYYYMMDD}`/`{DATE}` the day, `{FILE}` the file name. */
export const OKX_HISTORY_URLS = {
  books: 'https://static.okx.com/cdn/okx/match/orderbook/L2/{N}lv/daily/{YYYYMMDD}/{FILE}',
  trades: 'https://static.okx.com/cdn/okex/traderecords/trades/daily/{YYYYMMDD}/{FILE}',
} as const;

/** The book line's fields, in OKX's order. */
export const OKX_BOOK_FIELDS = ['instId', 'action', 'ts', 'asks', 'bids'] as const;
/** The elements of one book level (three strings). */
export const OKX_BOOK_LEVEL_FIELDS = ['px', 'sz', 'count'] as const;
/** Snapshots recur about every 15 minutes (as stated; the reader checks each against the built book). */
export const OKX_SNAPSHOT_INTERVAL_MS = 15 * 60_000;

/** The current trades header (a trailing `source` column may follow). */
export const OKX_TRADE_HEADER_CURRENT = ['instrument_name', 'trade_id', 'side', 'price', 'size', 'created_time'] as const;
/** The optional trailing column of the current header. */
export const OKX_TRADE_SOURCE_COLUMN = 'source';
/** The older bilingual header: no instrument, size before price. */
export const OKX_TRADE_HEADER_BILINGUAL = ['trade_id/交易id', 'side/交易方向', 'size/数量', 'price/价格', 'created_time/成交时间'] as const;

/** The day boundary each product has been seen to use (the readers decide from the data; this is the default guess). */
export const OKX_OBSERVED_DAY_BOUNDARY: Readonly<Record<OkxHistoryKind, OkxDayBoundary>> = { books: 'utc', trades: 'utc+8' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a `YYYY-MM-DD` date and returns its 00:00 UTC in ms. @throws RangeError naming the text. */
export function utcDayStartMs(date: string): number {
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(ms) || utcDateOf(ms) !== date) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return ms;
}

/** The UTC date `YYYY-MM-DD` of an epoch-ms time. @example utcDateOf(Date.UTC(2025, 10, 1, 23)) // '2025-11-01' */
export function utcDateOf(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}

/** `date` plus `days` days. @example addDays('2025-11-30', 1) // '2025-12-01' */
export function addDays(date: string, days: number): string {
  return utcDateOf(utcDayStartMs(date) + days * 86_400_000);
}

/**
 * The time window `[startMs, endMs)` a day file dated `date` covers under `boundary`.
 * @example dayWindowMs('2025-11-01', 'utc+8') // [Date.UTC(2025, 9, 31, 16), Date.UTC(2025, 10, 1, 16)]
 */
export function dayWindowMs(date: string, boundary: OkxDayBoundary): [number, number] {
  const start = utcDayStartMs(date) - (boundary === 'utc+8' ? 8 * 3_600_000 : 0);
  return [start, start + 86_400_000];
}

/** A books day file's name. @example okxBooksFileName('BTC-USDT', '2025-11-01') // 'BTC-USDT-L2orderbook-400lv-2025-11-01.tar.gz' */
export function okxBooksFileName(inst: string, date: string, levels: OkxBookLevels = 400, archive: OkxBooksArchive = 'tar.gz'): string {
  return `${inst}-L2orderbook-${levels}lv-${date}.${archive}`;
}

/** The NDJSON member inside a books archive. */
export function okxBooksMemberName(inst: string, date: string, levels: OkxBookLevels = 400): string {
  return `${inst}-L2orderbook-${levels}lv-${date}.data`;
}

/** A trades day file's name. @example okxTradesFileName('BTC-USDT', '2025-11-01') // 'BTC-USDT-trades-2025-11-01.zip' */
export function okxTradesFileName(inst: string, date: string): string {
  return `${inst}-trades-${date}.zip`;
}

/** The CSV member inside a trades zip. */
export function okxTradesMemberName(inst: string, date: string): string {
  return `${inst}-trades-${date}.csv`;
}

/** What an OKX history file name says. */
export interface OkxHistoryFileName {
  readonly kind: OkxHistoryKind;
  readonly inst: string;
  readonly date: string;
  /** Books only. */
  readonly levels?: OkxBookLevels;
  /** `tar.gz`, `zip`, or `data`/`csv` for an extracted member. */
  readonly extension: string;
}

const BOOKS_NAME = /^(.+)-L2orderbook-(\d+)lv-(\d{4}-\d{2}-\d{2})\.(tar\.gz|zip|data)$/;
const TRADES_NAME = /^(.+)-trades-(\d{4}-\d{2}-\d{2})\.(zip|csv)$/;

/**
 * Parses an OKX history file or member name (the base name; directories are ignored); undefined when it is
 * not one.
 * @example parseOkxHistoryFileName('ETH-USDT-SWAP-trades-2025-11-02.zip') // { kind: 'trades', inst: 'ETH-USDT-SWAP', date: '2025-11-02', extension: 'zip' }
 */
export function parseOkxHistoryFileName(name: string): OkxHistoryFileName | undefined {
  const base = name.replace(/^.*[\\/]/, '');
  const books = BOOKS_NAME.exec(base);
  if (books) {
    const levels = Number(books[2]);
    if (levels !== 400 && levels !== 5000) return undefined;
    return { kind: 'books', inst: books[1], levels, date: books[3], extension: books[4] };
  }
  const trades = TRADES_NAME.exec(base);
  if (trades) return { kind: 'trades', inst: trades[1], date: trades[2], extension: trades[3] };
  return undefined;
}

/**
 * The URL of a day file: OKX's documented pattern by default, or the same path under `baseUrl` (e.g. a local
 * test server, `http://127.0.0.1:8080`): `{baseUrl}/{path}` where `path` is the default URL's path.
 * @example okxHistoryUrl('trades', 'BTC-USDT', '2025-11-01') // 'https://static.okx.com/cdn/okex/traderecords/trades/daily/20251101/BTC-USDT-trades-2025-11-01.zip'
 */
export function okxHistoryUrl(kind: OkxHistoryKind, inst: string, date: string, options: { levels?: OkxBookLevels; archive?: OkxBooksArchive; baseUrl?: string } = {}): string {
  utcDayStartMs(date);
  const levels = options.levels ?? 400;
  const file = kind === 'books' ? okxBooksFileName(inst, date, levels, options.archive) : okxTradesFileName(inst, date);
  const url = OKX_HISTORY_URLS[kind].replace('{N}', String(levels)).replace('{YYYYMMDD}', date.replace(/-/g, '')).replace('{FILE}', file);
  if (options.baseUrl === undefined) return url;
  return options.baseUrl.replace(/\/+$/, '') + new URL(url).pathname;
}

/** How a file's times sit against its dated day; see `DayAlignment`. */
export interface DayAlignmentResult {
  /** The file's date (from its name or given by the caller). */
  readonly date: string;
  /**
   * `utc` or `utc+8` when every time lies inside that day's window and some lie outside the other's;
   * `either` when every time lies in the overlap [D 00:00, D 16:00) UTC (the data cannot tell);
   * `neither` when times lie outside both windows (the file is not the day its name says, or spans more).
   */
  readonly boundary: OkxDayBoundary | 'either' | 'neither';
  readonly rows: number;
  readonly minTsMs: number;
  readonly maxTsMs: number;
  /** Rows outside [D 00:00, D+1 00:00) UTC and outside [D−1 16:00, D 16:00) UTC. */
  readonly outsideUtc: number;
  readonly outsideUtc8: number;
  /** Rows per UTC date the times fall in (what a catalog partitioned by UTC date needs), ascending. */
  readonly utcDates: ReadonlyArray<{ readonly date: string; readonly rows: number; readonly minTsMs: number; readonly maxTsMs: number }>;
  /** One sentence for notes. */
  readonly description: string;
}

/**
 * Decides from the data whether a day file runs on UTC or UTC+8 days: feed it every row's time (`add`), then
 * `result()`. Rows are counted outside [D 00:00, D+1 00:00) UTC and outside [D−1 16:00, D 16:00) UTC; the
 * boundary is the window with no row outside. It also counts rows per UTC date, so callers align to UTC
 * dates either way (a UTC+8 file spreads over two UTC dates).
 * @example const a = new DayAlignment('2025-11-01'); a.add(Date.UTC(2025, 9, 31, 17)); a.result().boundary // 'utc+8'
 */
export class DayAlignment {
  private readonly utcStart: number;
  private rows = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;
  private outUtc = 0;
  private outUtc8 = 0;
  private readonly perDate = new Map<number, { rows: number; minTsMs: number; maxTsMs: number }>();
  private lastDay = NaN;
  private lastEntry: { rows: number; minTsMs: number; maxTsMs: number } | undefined;

  constructor(readonly date: string) {
    this.utcStart = utcDayStartMs(date);
  }

  add(tsMs: number): void {
    this.rows++;
    if (tsMs < this.minTs) this.minTs = tsMs;
    if (tsMs > this.maxTs) this.maxTs = tsMs;
    const rel = tsMs - this.utcStart;
    if (rel < 0 || rel >= 86_400_000) this.outUtc++;
    if (rel < -28_800_000 || rel >= 57_600_000) this.outUtc8++;
    const day = Math.floor(tsMs / 86_400_000);
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.lastEntry = this.perDate.get(day);
      if (!this.lastEntry) this.perDate.set(day, (this.lastEntry = { rows: 0, minTsMs: tsMs, maxTsMs: tsMs }));
    }
    const e = this.lastEntry!;
    e.rows++;
    if (tsMs < e.minTsMs) e.minTsMs = tsMs;
    if (tsMs > e.maxTsMs) e.maxTsMs = tsMs;
  }

  result(): DayAlignmentResult {
    const boundary = this.rows === 0 || (this.outUtc === 0 && this.outUtc8 === 0) ? 'either' : this.outUtc === 0 ? 'utc' : this.outUtc8 === 0 ? 'utc+8' : 'neither';
    const utcDates = [...this.perDate.entries()].sort((a, b) => a[0] - b[0]).map(([day, e]) => ({ date: utcDateOf(day * 86_400_000), ...e }));
    const span = this.rows ? `${new Date(this.minTs).toISOString()} to ${new Date(this.maxTs).toISOString()}` : 'no rows';
    const description =
      boundary === 'utc'
        ? `runs on UTC days (${span}, all within ${this.date} UTC)`
        : boundary === 'utc+8'
          ? `runs on UTC+8 days (${span}, all within ${this.date} 00:00–24:00 UTC+8 = ${utcDateOf(this.utcStart - 86_400_000)} 16:00 to ${this.date} 16:00 UTC)`
          : boundary === 'either'
            ? `day boundary undetermined (${span}: within both the UTC and the UTC+8 day of ${this.date})`
            : `fits neither the UTC nor the UTC+8 day of ${this.date} (${span}: ${this.outUtc} rows outside the UTC day, ${this.outUtc8} outside the UTC+8 day)`;
    return { date: this.date, boundary, rows: this.rows, minTsMs: this.minTs, maxTsMs: this.maxTs, outsideUtc: this.outUtc, outsideUtc8: this.outUtc8, utcDates, description };
  }
}
