import { OrderBook, type LevelUpdate } from '../book/orderBook.js';
import { BookTableBuilder, TradeTableBuilder } from '../data/bookBuilder.js';
import { ColumnBuilder, Float64ColumnBuilder } from '../data/columnBuilder.js';
import { crossCheckBookTicker, type BookTickerCheck, type BookTickerSeries } from './bookTickerCheck.js';
import { classifyBinanceStream, sequenceRuleOf, type BinanceMarket, type BinanceStreamKind, type SequenceRule } from './binanceStreams.js';
import { DataError } from '../data/errors.js';
import { readLines } from '../data/lines.js';
import { describeMasks, maskSummary, mergeMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { CaptureFormat } from './format.js';

/**
 * The level changes of a capture as the exchange sent them (`replayBinanceCapture(path, depth, { native: true })`),
 * every depth, in the order applied: each REST snapshot the book started from (a `side` 0 marker row, "clear the
 * book", then its levels) and each applied diff's levels. `qty` is the level's new absolute size (0 removes it).
 */
export interface NativeDepthEvents {
  /** Exchange time (ms): the diff's event time; a snapshot's rows carry the time of the diff that connected it. */
  readonly tsMs: Float64Array;
  readonly localTsMs: Float64Array;
  /** +1 bid level, −1 ask level, 0 the marker that clears the book before a snapshot's levels. */
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly qty: Float64Array;
  /** For each row of `book`, the number of these events applied when it was taken (rows fold the events). */
  readonly eventsBeforeRow: Float64Array;
}

export interface BinanceReplay {
  readonly book: BookTable;
  /** With `native`: the level changes the rows fold. */
  readonly native?: NativeDepthEvents;
  readonly trades: TradeTable;
  /** Best bid/ask from the bookTicker stream (update id, local time ms, bid, ask and their sizes). */
  readonly bookTicker: BookTickerSeries;
  /** Final update id of the diff after which each book row was taken. */
  readonly rowUpdateId: Float64Array;
  readonly stats: {
    readonly lines: number;
    /** Decided from the diffs: futures when they carry `pu`. */
    readonly market: BinanceMarket;
    /** The sequencing rule applied, in words. */
    readonly sequenceRule: string;
    /** Names of the diff streams read, e.g. ["btcusdt@depth@0ms"]. */
    readonly depthStreams: readonly string[];
    readonly diffs: number;
    readonly diffsApplied: number;
    /** Diffs older than the REST snapshot they waited for (u below its lastUpdateId), dropped by the rule. */
    readonly diffsBeforeSnapshotDropped: number;
    /** Diffs received while the book was invalid (no snapshot yet, or a gap) that no later snapshot could use. */
    readonly diffsUnapplied: number;
    /** Sequence breaks: a diff that does not follow the previous one, or a snapshot the stream does not connect to. */
    readonly gaps: number;
    /** REST depth snapshots (`{lastUpdateId, bids, asks}` lines). */
    readonly snapshots: number;
    /** Snapshots received while the book was in sequence: not needed, not applied. */
    readonly snapshotsWhileSynced: number;
    /** REST error bodies (`{code, msg}`) in the capture, e.g. a rate-limited snapshot request. */
    readonly restErrors: number;
    /** The first REST error, "line 12: -1003 Too many requests", or '' when none. */
    readonly firstRestError: string;
    /** Rows in the trade table (from `@trade`, or `@aggTrade` when the capture has no `@trade`). */
    readonly trades: number;
    /** Where the trade rows come from. */
    readonly tradeSource: '@trade' | '@aggTrade' | 'none';
    /** `@aggTrade` messages seen. */
    readonly aggTrades: number;
    /** Futures `@trade` messages whose type `X` is not MARKET (insurance fund, ADL), left out. */
    readonly tradesNotMarket: number;
    readonly bookTickers: number;
    /** Messages of streams asmm does not read, by stream name. */
    readonly unrecognised: Readonly<Record<string, number>>;
    /** The rebuilt best bid/ask against `bookTicker` (see `crossCheckBookTicker`). */
    readonly bookTicker: BookTickerCheck;
  };
}

type Json = Record<string, unknown>;

/** Buffered diffs kept while the book waits for a snapshot; the oldest beyond this are given up (counted). */
const MAX_BUFFERED_DIFFS = 100_000;

/** A share of bookTicker mismatches above which the notes say WARNING. */
export const BOOK_TICKER_WARNING_SHARE = 0.001;

/**
 * Replays an hftbacktest collector capture of Binance spot or USD-M/COIN-M futures (gzip of
 * `<local_ts_ns> <json>` lines: combined streams `<symbol>@depth[@0ms|@100ms|@250ms|@500ms]`, `@trade`,
 * `@aggTrade`, `@bookTicker`, and REST depth snapshots `{lastUpdateId, [E, T,] bids, asks}` as lines with no
 * "stream"). The market is decided from the diffs (a futures diff carries `pu`) and its rule applied (see
 * `SPOT_RULE`, `FUTURES_RULE` in binanceStreams.ts): diffs are buffered until a snapshot; those older than it
 * are dropped; the first kept must straddle its lastUpdateId; each later one must follow the previous.
 *
 * A break (a diff that does not follow, or a snapshot the stream does not connect to) is a gap: the book is
 * invalid until the next snapshot rebuilds it (hftbacktest's collector fetches one after every break); no row
 * is emitted meanwhile, and `book.masked` holds `[fromMs, toMs)`:
 * - `fromMs` is the time of the last good row, not the exchange time of the diff that revealed the break:
 *   the lost update lies somewhere after that row, so the book is not known to be right from that row on
 *   (a row stands for the book until the next one; the span after the last good row is exactly what is in
 *   doubt). With no row before the break, the time of the diff that revealed it.
 * - `toMs` is the time of the first row applied after the rebuilding snapshot, or, with none, the latest
 *   exchange time in the file + 1 ms (the end of the data).
 * A snapshot that arrives while the book is in sequence is not needed and not applied (counted).
 *
 * Rows: one per applied diff (best `depth` levels): ts_ms is the diff's exchange time — `T` (transaction
 * time) for futures, the clock of their trades' `T`; `E` (event time) for spot, whose diffs have no `T` —
 * and local_ts_ms the receive time (`<local_ts_ns>`; 16-digit µs and 13-digit ms stamps are read too). Diffs
 * applied from the buffer when a snapshot arrives get the snapshot's receive time if later than their own.
 * Trades: `@trade` (futures: type X = MARKET only), side is the taker's (m = buyer is maker → taker sold);
 * `@aggTrade` rows (id = aggregate id `a`) only when the capture has no `@trade`, never both.
 * The rebuilt best bid/ask is cross-checked against `@bookTicker` (`crossCheckBookTicker`).
 *
 * @throws DataError naming the file (and line/field) for a malformed line, a second symbol, diffs of both
 *   markets, a capture with no diff stream (listing the streams it has), and diffs of which none could be
 *   applied (no snapshot, or none that connects): a capture never loads as an empty book.
 */
export async function replayBinanceCapture(path: string, depth = 5, options: { native?: boolean } = {}): Promise<BinanceReplay> {
  const book = new OrderBook();
  const native = options.native ? new NativeCollector() : undefined;
  const rows = new BookTableBuilder(depth);
  const rowUpdateIds: number[] = [];
  const trades = new TradeTableBuilder();
  const aggTradeRows = new TradeTableBuilder();
  const ticker = { updateId: [] as number[], localTsMs: [] as number[], bidPx: [] as number[], bidSz: [] as number[], askPx: [] as number[], askSz: [] as number[] };
  const unrecognised: Record<string, number> = {};
  const depthStreams = new Set<string>();
  let symbol: string | undefined;
  let streamSymbol: string | undefined;
  let rule: SequenceRule | undefined;

  // Book state: 'waiting' = no usable snapshot (start, or after a gap): diffs are buffered;
  // 'connecting' = a snapshot is applied, the first diff to keep has not come; 'synced' = in sequence.
  let state: 'waiting' | 'connecting' | 'synced' = 'waiting';
  // read through a function: the closures below change it, which TypeScript's narrowing does not see
  const bookState = (): 'waiting' | 'connecting' | 'synced' => state;
  let lastUpdateId = 0;
  let buffered: Array<{ data: Json; localTsMs: number; lineNo: number }> = [];
  let lastRowMs: number | undefined;
  let openMask: { fromMs: number; reason: string } | undefined;
  const masks: MaskedInterval[] = [];
  let latestExchangeMs = -Infinity;

  let lines = 0;
  let diffs = 0;
  let applied = 0;
  let stale = 0;
  let unapplied = 0;
  let gaps = 0;
  let snapshots = 0;
  let snapshotsWhileSynced = 0;
  let restErrors = 0;
  let firstRestError = '';
  let aggTrades = 0;
  let tradesNotMarket = 0;

  const seeExchangeTime = (...values: unknown[]) => {
    for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && v > latestExchangeMs) latestExchangeMs = v;
  };

  const checkSymbol = (s: unknown, lineNo: number) => {
    if (typeof s !== 'string' || s === '') return;
    if (symbol === undefined) symbol = s;
    else if (s !== symbol) throw new DataError(path, lineNo, 'data.s', `second symbol ${s} in a capture of ${symbol}: one book per file (hftbacktest writes one file per symbol)`);
  };

  const gap = (fromMs: number, reason: string) => {
    gaps++;
    if (!openMask) openMask = { fromMs, reason };
    state = 'waiting';
  };

  const bufferDiff = (data: Json, localTsMs: number, lineNo: number) => {
    buffered.push({ data, localTsMs, lineNo });
    if (buffered.length > MAX_BUFFERED_DIFFS) {
      buffered.shift();
      unapplied++;
    }
  };

  const emitRow = (timeMs: number, localTsMs: number, u: number) => {
    if (openMask) {
      masks.push({ fromMs: openMask.fromMs, toMs: timeMs, reason: openMask.reason });
      openMask = undefined;
    }
    native?.row(timeMs);
    rows.push(timeMs, localTsMs, book.bids.prices.slice(0, depth), book.bids.sizes.slice(0, depth), book.asks.prices.slice(0, depth), book.asks.sizes.slice(0, depth));
    rowUpdateIds.push(u);
    lastRowMs = timeMs;
  };

  /** One diff against the current state (never 'waiting'). */
  const applyDiff = (data: Json, localTsMs: number, lineNo: number) => {
    const r = rule!;
    const ids = diffIds(path, lineNo, data, r);
    const timeMs = diffTimeMs(path, lineNo, data);
    if (state === 'connecting') {
      if (r.isStale(ids, lastUpdateId)) {
        stale++;
        return;
      }
      if (!r.connects(ids, lastUpdateId)) {
        gap(lastRowMs ?? timeMs, `snapshot lastUpdateId ${lastUpdateId} does not connect to the diff stream (next diff U ${ids.U} u ${ids.u})`);
        bufferDiff(data, localTsMs, lineNo);
        return;
      }
    } else if (!r.follows(ids, lastUpdateId)) {
      gap(lastRowMs ?? timeMs, `sequence gap (${r.breakDetail(ids, lastUpdateId)})`);
      bufferDiff(data, localTsMs, lineNo);
      return;
    }
    state = 'synced';
    lastUpdateId = ids.u;
    const bids = levels(path, lineNo, data.b, 'data.b');
    const asks = levels(path, lineNo, data.a, 'data.a');
    book.applyUpdate(bids, asks);
    native?.levels(timeMs, localTsMs, bids, asks);
    applied++;
    emitRow(timeMs, localTsMs, ids.u);
  };

  for await (const { line, lineNo } of readLines(path)) {
    lines = lineNo;
    if (line === '') continue;
    const space = line.indexOf(' ');
    if (space < 0) throw new DataError(path, lineNo, 'local_ts_ns', 'expected "<local_ts_ns> <json>"');
    const localTsMs = localStampMs(path, lineNo, line.slice(0, space));
    let message: Json;
    try {
      message = JSON.parse(line.slice(space + 1)) as Json;
    } catch (error) {
      throw new DataError(path, lineNo, 'json', (error as Error).message);
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new DataError(path, lineNo, 'json', 'expected an object');

    if (message.stream === undefined) {
      if (message.lastUpdateId !== undefined) {
        // REST depth snapshot
        snapshots++;
        seeExchangeTime(message.E, message.T);
        if (bookState() === 'synced') {
          snapshotsWhileSynced++;
          continue;
        }
        const L = Number(message.lastUpdateId);
        if (!Number.isFinite(L)) throw new DataError(path, lineNo, 'lastUpdateId', `not a number: ${JSON.stringify(message.lastUpdateId)}`);
        const bids = levels(path, lineNo, message.bids, 'bids');
        const asks = levels(path, lineNo, message.asks, 'asks');
        book.applySnapshot(bids, asks);
        native?.snapshot(localTsMs, bids, asks);
        lastUpdateId = L;
        state = 'connecting';
        const pending = buffered;
        buffered = [];
        for (const item of pending) {
          if (bookState() === 'waiting') bufferDiff(item.data, item.localTsMs, item.lineNo);
          else applyDiff(item.data, Math.max(item.localTsMs, localTsMs), item.lineNo);
        }
        continue;
      }
      if (message.code !== undefined) {
        restErrors++;
        if (!firstRestError) firstRestError = `line ${lineNo}: ${String(message.code)} ${String(message.msg ?? '')}`.trim();
        continue;
      }
    }

    const data = (message.stream === undefined ? message : message.data) as Json | undefined;
    if (typeof data !== 'object' || data === null) throw new DataError(path, lineNo, 'data', 'missing');
    const streamName = typeof message.stream === 'string' ? message.stream : rawStreamName(data);
    const stream = classifyBinanceStream(streamName);
    if (!stream) {
      unrecognised[streamName] = (unrecognised[streamName] ?? 0) + 1;
      continue;
    }
    if (streamSymbol === undefined) streamSymbol = stream.symbol;
    else if (stream.symbol !== streamSymbol) throw new DataError(path, lineNo, 'stream', `second symbol ${stream.symbol} in a capture of ${streamSymbol}: one book per file (hftbacktest writes one file per symbol)`);
    checkSymbol(data.s, lineNo);
    readStream(stream.kind, streamName, data, localTsMs, lineNo);
  }

  function readStream(kind: BinanceStreamKind, streamName: string, data: Json, localTsMs: number, lineNo: number): void {
    switch (kind) {
      case 'depthDiff': {
        diffs++;
        depthStreams.add(streamName);
        const dataRule = sequenceRuleOf(data);
        if (rule === undefined) rule = dataRule;
        else if (dataRule !== rule) throw new DataError(path, lineNo, 'data.pu', `a ${dataRule.market} diff in a capture whose first diff was ${rule.market} (pu ${data.pu === undefined ? 'absent' : 'present'})`);
        seeExchangeTime(data.E, data.T);
        if (state === 'waiting') bufferDiff(data, localTsMs, lineNo);
        else applyDiff(data, localTsMs, lineNo);
        return;
      }
      case 'trade': {
        seeExchangeTime(data.E, data.T);
        if (data.X !== undefined && data.X !== 'MARKET') {
          tradesNotMarket++;
          return;
        }
        pushTrade(trades, data, Number(data.t), localTsMs, lineNo, 'data.t');
        return;
      }
      case 'aggTrade': {
        aggTrades++;
        seeExchangeTime(data.E, data.T);
        pushTrade(aggTradeRows, data, Number(data.a), localTsMs, lineNo, 'data.a');
        return;
      }
      case 'bookTicker': {
        seeExchangeTime(data.E, data.T);
        const u = Number(data.u);
        if (!Number.isFinite(u)) throw new DataError(path, lineNo, 'data.u', 'bookTicker without an update id');
        ticker.updateId.push(u);
        ticker.localTsMs.push(localTsMs);
        ticker.bidPx.push(Number(data.b));
        ticker.bidSz.push(Number(data.B));
        ticker.askPx.push(Number(data.a));
        ticker.askSz.push(Number(data.A));
      }
    }
  }

  function pushTrade(builder: TradeTableBuilder, data: Json, id: number, localTsMs: number, lineNo: number, idField: string): void {
    const px = Number(data.p);
    const sz = Number(data.q);
    if (!(px > 0) || !(sz > 0)) throw new DataError(path, lineNo, 'data.p/data.q', 'trade price and size must be positive numbers');
    const tsMs = Number(data.T);
    if (!Number.isFinite(tsMs)) throw new DataError(path, lineNo, 'data.T', 'trade without a trade time');
    if (!Number.isFinite(id)) throw new DataError(path, lineNo, idField, 'trade without an id');
    builder.push(tsMs, localTsMs, id, data.m === true ? -1 : 1, px, sz);
  }

  if (lines === 0) throw new DataError(path, 0, '', 'no lines: an empty capture');
  const unrecognisedText = Object.entries(unrecognised).map(([name, n]) => `${name} (${n})`).join(', ');
  if (diffs === 0) {
    throw new DataError(path, 0, 'stream', `no depth diff stream (<symbol>@depth, @depth@0ms|100ms|250ms|500ms) in ${lines} lines${unrecognisedText ? `; streams not read: ${unrecognisedText}` : ''}`);
  }
  if (applied === 0) {
    const why = snapshots === 0 ? 'the capture has no REST depth snapshot ({"lastUpdateId",...} line) to start the book from' : `no snapshot connects to the diff stream (${gaps} sequence break(s), ${rule!.description})`;
    throw new DataError(path, 0, 'depth', `${diffs} depth diffs but none applied: ${why}`);
  }
  unapplied += buffered.length;
  if (openMask) masks.push({ fromMs: openMask.fromMs, toMs: latestExchangeMs + 1, reason: `${openMask.reason}; no later snapshot (masked to the end of the data)` });

  const instrument = symbol ?? streamSymbol!.toUpperCase();
  const meta = { instrument, source: `hftbacktest Binance ${rule!.market} capture ${path}` };
  const tradeSource = trades.rows > 0 ? '@trade' : aggTradeRows.rows > 0 ? '@aggTrade' : 'none';
  const tradeTable = (tradeSource === '@aggTrade' ? aggTradeRows : trades).finish(meta);
  const bookTable: BookTable = { ...rows.finish(meta), masked: mergeMasks(masks) };
  const tickerSeries: BookTickerSeries = {
    updateId: Float64Array.from(ticker.updateId),
    localTsMs: Float64Array.from(ticker.localTsMs),
    bidPx: Float64Array.from(ticker.bidPx),
    bidSz: Float64Array.from(ticker.bidSz),
    askPx: Float64Array.from(ticker.askPx),
    askSz: Float64Array.from(ticker.askSz),
  };
  const rowUpdateId = Float64Array.from(rowUpdateIds);
  return {
    book: bookTable,
    ...(native ? { native: native.finish() } : {}),
    trades: tradeTable,
    bookTicker: tickerSeries,
    rowUpdateId,
    stats: {
      lines,
      market: rule!.market,
      sequenceRule: rule!.description,
      depthStreams: [...depthStreams],
      diffs,
      diffsApplied: applied,
      diffsBeforeSnapshotDropped: stale,
      diffsUnapplied: unapplied,
      gaps,
      snapshots,
      snapshotsWhileSynced,
      restErrors,
      firstRestError,
      trades: tradeTable.tsMs.length,
      tradeSource,
      aggTrades,
      tradesNotMarket,
      bookTickers: ticker.updateId.length,
      unrecognised,
      bookTicker: crossCheckBookTicker(bookTable, rowUpdateId, tickerSeries),
    },
  };
}

/** Collects NativeDepthEvents as the replay applies snapshots and diffs. */
class NativeCollector {
  private readonly tsMs = new Float64ColumnBuilder();
  private readonly localTsMs = new Float64ColumnBuilder();
  private readonly side = new ColumnBuilder(Int8Array);
  private readonly px = new Float64ColumnBuilder();
  private readonly qty = new Float64ColumnBuilder();
  private readonly eventsBeforeRow = new Float64ColumnBuilder();
  /** First event of a snapshot still waiting for its time (the diff that connects it). */
  private untimedFrom = -1;

  private push(tsMs: number, localTsMs: number, side: number, px: number, qty: number): void {
    this.tsMs.push(tsMs);
    this.localTsMs.push(localTsMs);
    this.side.push(side);
    this.px.push(px);
    this.qty.push(qty);
  }

  snapshot(localTsMs: number, bids: readonly LevelUpdate[], asks: readonly LevelUpdate[]): void {
    if (this.untimedFrom < 0) this.untimedFrom = this.tsMs.length;
    this.push(NaN, localTsMs, 0, NaN, NaN);
    for (const l of bids) this.push(NaN, localTsMs, 1, Number(l[0]), Number(l[1]));
    for (const l of asks) this.push(NaN, localTsMs, -1, Number(l[0]), Number(l[1]));
  }

  levels(tsMs: number, localTsMs: number, bids: readonly LevelUpdate[], asks: readonly LevelUpdate[]): void {
    if (this.untimedFrom >= 0) {
      const ts = this.tsMs.array;
      for (let e = this.untimedFrom; e < this.tsMs.length; e++) ts[e] = tsMs;
      this.untimedFrom = -1;
    }
    for (const l of bids) this.push(tsMs, localTsMs, 1, Number(l[0]), Number(l[1]));
    for (const l of asks) this.push(tsMs, localTsMs, -1, Number(l[0]), Number(l[1]));
  }

  row(_timeMs: number): void {
    this.eventsBeforeRow.push(this.tsMs.length);
  }

  finish(): NativeDepthEvents {
    // a snapshot no diff connected to never took effect: its rows are dropped
    const n = this.untimedFrom >= 0 ? this.untimedFrom : this.tsMs.length;
    return {
      tsMs: this.tsMs.finish().subarray(0, n),
      localTsMs: this.localTsMs.finish().subarray(0, n),
      side: this.side.finish().subarray(0, n),
      px: this.px.finish().subarray(0, n),
      qty: this.qty.finish().subarray(0, n),
      eventsBeforeRow: this.eventsBeforeRow.finish(),
    };
  }
}

/**
 * One line per fact of a replay, for `asmm inspect`/`convert`: the rule used, the diff accounting, gaps and
 * masked intervals, the bookTicker cross-check (a line starting with "WARNING" when more than
 * `BOOK_TICKER_WARNING_SHARE` of the comparable tickers disagree, or when none is comparable although the
 * capture has tickers), and streams not read.
 */
export function binanceReplayNotes(replay: BinanceReplay): string[] {
  const s = replay.stats;
  const notes = [
    `Binance ${s.market} capture (${s.depthStreams.join(', ')}), rule ${s.sequenceRule}`,
    `${s.diffs} depth diffs, ${s.diffsApplied} applied, ${s.diffsBeforeSnapshotDropped} older than their REST snapshot dropped, ${s.diffsUnapplied} received while the book was invalid and never applied; ${s.snapshots} REST snapshot(s)${s.snapshotsWhileSynced ? ` (${s.snapshotsWhileSynced} arrived in sequence, not needed)` : ''}, ${s.gaps} sequence gaps`,
  ];
  notes.push(...describeMasks(maskSummary(replay.book.masked), 10));
  const c = s.bookTicker;
  if (c.tickers === 0) notes.push('bookTicker cross-check: no bookTicker stream in the capture');
  else if (c.compared === 0) notes.push(`WARNING: bookTicker cross-check: none of ${c.tickers} bookTicker updates is comparable (no update id equals a diff's final id u)`);
  else {
    const text = `bookTicker cross-check: ${c.compared} of ${c.tickers} bookTicker updates comparable (update id = a diff's final id u), ${c.mismatches} mismatch(es)${c.firstMismatches.length ? `, first: ${c.firstMismatches.join('; ')}` : ''}`;
    notes.push(c.mismatches > BOOK_TICKER_WARNING_SHARE * c.compared ? `WARNING: ${text}` : text);
  }
  notes.push(`${s.trades} trades from ${s.tradeSource}${s.tradeSource === '@trade' && s.aggTrades ? ` (${s.aggTrades} @aggTrade messages not used: the same trades aggregated)` : ''}${s.tradesNotMarket ? `, ${s.tradesNotMarket} non-MARKET trades (insurance fund, ADL) left out` : ''}`);
  if (s.restErrors) notes.push(`${s.restErrors} REST error response(s) in the capture (first: ${s.firstRestError})`);
  const others = Object.entries(s.unrecognised);
  if (others.length) notes.push(`streams not read: ${others.map(([name, n]) => `${name} (${n})`).join(', ')}`);
  return notes;
}

function diffIds(path: string, lineNo: number, data: Json, rule: SequenceRule): { U: number; u: number; pu?: number } {
  const U = Number(data.U);
  const u = Number(data.u);
  if (!Number.isFinite(U) || !Number.isFinite(u)) throw new DataError(path, lineNo, 'data.U/data.u', 'missing update ids');
  if (rule.market === 'spot') return { U, u };
  const pu = Number(data.pu);
  if (!Number.isFinite(pu)) throw new DataError(path, lineNo, 'data.pu', `not a number: ${JSON.stringify(data.pu)}`);
  return { U, u, pu };
}

/** Exchange time of a diff's row: T (transaction time, futures) when present, else E (event time). */
function diffTimeMs(path: string, lineNo: number, data: Json): number {
  const t = Number(data.T ?? data.E);
  if (!Number.isFinite(t)) throw new DataError(path, lineNo, data.T !== undefined ? 'data.T' : 'data.E', 'diff without an exchange time');
  return t;
}

function levels(path: string, lineNo: number, value: unknown, field: string): LevelUpdate[] {
  if (!Array.isArray(value)) throw new DataError(path, lineNo, field, 'expected an array of [price, qty]');
  return value as LevelUpdate[];
}

/**
 * The local receive stamp in ms: hftbacktest writes integer ns (19 digits); older files µs (16 digits); 13-digit
 * ms is accepted too. Anything else is not an epoch stamp of this era.
 */
function localStampMs(path: string, lineNo: number, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || !/^\d+$/.test(text)) throw new DataError(path, lineNo, 'local_ts_ns', `expected "<local_ts_ns> <json>", got ${JSON.stringify(text.slice(0, 30))}`);
  if (text.length >= 18 && text.length <= 20) return n / 1e6;
  if (text.length >= 15 && text.length <= 17) return n / 1e3;
  if (text.length >= 12 && text.length <= 14) return n;
  throw new DataError(path, lineNo, 'local_ts_ns', `${text}: ${text.length} digits is not an epoch time in ns, µs or ms`);
}

/** A name for a message recorded without the combined-stream wrapper (raw stream), from its event type. */
function rawStreamName(data: Json): string {
  const sym = typeof data.s === 'string' ? data.s.toLowerCase() : '?';
  if (data.e === 'depthUpdate') return `${sym}@depth`;
  if (data.e === 'trade' || data.e === 'aggTrade' || data.e === 'bookTicker') return `${sym}@${data.e}`;
  if (data.e === undefined && data.u !== undefined && data.b !== undefined && data.B !== undefined) return `${sym}@bookTicker`;
  return `(no stream) ${typeof data.e === 'string' ? data.e : 'unknown message'}`;
}

/** hftbacktest's Binance collector output: `<local_ts_ns> <json>` lines (gzipped as it writes them, or not). */
export const binanceCaptureFormat: CaptureFormat = {
  name: 'binance-hftbacktest-capture',
  holds: 'capture',
  canHandle: ({ firstLine }) => /^\d{15,} \{/.test(firstLine),
  async replay(path, depth) {
    const replay = await replayBinanceCapture(path, depth);
    return { tables: [replay.book, replay.trades], notes: binanceReplayNotes(replay) };
  },
};
