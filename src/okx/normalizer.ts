import { OrderBook } from '../book/orderBook.js';
import { BookTableBuilder, TradeTableBuilder } from '../data/bookBuilder.js';
import type { BookTable, TableMeta, TradeTable } from '../data/tables.js';
import { okxBookChecksum } from './checksum.js';
import type { OkxMessage } from './messages.js';
import { SequenceChain, type SequenceVerdict } from './sequence.js';

/** Something the normalizer noticed that a recorder must act on (resubscribe) and record (a gap). */
export interface IntegrityEvent {
  readonly kind: 'checksum-mismatch' | 'sequence-gap' | 'update-before-snapshot' | 'crossed-book';
  readonly instId: string;
  readonly channel: string;
  readonly tsMs: number;
  readonly localTsMs: number;
  readonly detail: string;
}

export interface NormalizerStats {
  bookMessages: number;
  tradeMessages: number;
  bookRows: number;
  trades: number;
  /** Trades dropped because the same instrument and trade id arrived before (e.g. re-sent after a reconnect). */
  duplicateTrades: number;
  checksumsVerified: number;
  checksumsSkipped: number;
  checksumMismatches: number;
  sequence: Record<SequenceVerdict, number>;
}

/** One book stream: an instrument on one book channel (books, books5, bbo-tbt, ...). */
export interface BookStream {
  readonly instId: string;
  readonly channel: string;
}

/**
 * Where normalized rows go: into memory (`TableCollector`, the default) or straight to files (the recorder),
 * so a long recording never holds its rows in memory. Arrays are best-first, may be longer than the depth
 * (read the first `depth` entries) and are only valid during the call. `bidCount`/`askCount`: orders per level
 * (NaN where the channel gives none).
 */
export interface NormalizedRowSink {
  bookRow(stream: BookStream, tsMs: number, localTsMs: number, bidPx: readonly number[], bidSz: readonly number[], askPx: readonly number[], askSz: readonly number[], bidCount?: readonly number[], askCount?: readonly number[]): void;
  trade(instId: string, tsMs: number, localTsMs: number, id: number, side: number, px: number, sz: number): void;
  /**
   * Optional: the level changes of a book message just accepted (called right after its `bookRow`, so only
   * while the book is trusted): a snapshot replaces the book (`snapshot` true), an update sets each level
   * given (size 0 deletes it). Levels as OKX sends them: `[px, sz, liquidated orders, orders]` strings.
   */
  levelChanges?(stream: BookStream, tsMs: number, localTsMs: number, snapshot: boolean, bids: ReadonlyArray<readonly string[]>, asks: ReadonlyArray<readonly string[]>): void;
}

/** The default sink: accumulates one BookTable per book stream and one TradeTable per instrument. */
export class TableCollector implements NormalizedRowSink {
  private readonly books = new Map<string, { stream: BookStream; rows: BookTableBuilder }>();
  private readonly trades = new Map<string, TradeTableBuilder>();

  constructor(readonly depth: number) {}

  bookRow(stream: BookStream, tsMs: number, localTsMs: number, bidPx: readonly number[], bidSz: readonly number[], askPx: readonly number[], askSz: readonly number[], bidCount?: readonly number[], askCount?: readonly number[]): void {
    const key = `${stream.instId}\t${stream.channel}`;
    let entry = this.books.get(key);
    if (!entry) this.books.set(key, (entry = { stream, rows: new BookTableBuilder(this.depth) }));
    entry.rows.push(tsMs, localTsMs, bidPx, bidSz, askPx, askSz, bidCount, askCount);
  }

  trade(instId: string, tsMs: number, localTsMs: number, id: number, side: number, px: number, sz: number): void {
    let builder = this.trades.get(instId);
    if (!builder) this.trades.set(instId, (builder = new TradeTableBuilder()));
    builder.push(tsMs, localTsMs, id, side, px, sz);
  }

  /** Book streams with at least one row, sorted by instrument then channel. */
  bookStreams(): BookStream[] {
    return [...this.books.values()].map((e) => e.stream).sort((a, b) => a.instId.localeCompare(b.instId) || a.channel.localeCompare(b.channel));
  }

  /** Instruments seen so far. */
  instruments(): string[] {
    return [...new Set([...this.bookStreams().map((s) => s.instId), ...this.trades.keys()])].sort();
  }

  /**
   * The normalized tables of one instrument. With several book channels for it, `channel` picks one
   * (default: the most detailed of books, books5, bbo-tbt present).
   */
  tables(instId: string, meta: TableMeta = {}, channel?: string): { book?: BookTable; trades?: TradeTable } {
    const fullMeta = { instrument: instId, ...meta };
    const channels = this.bookStreams().filter((s) => s.instId === instId).map((s) => s.channel);
    const preferred = ['books', 'books-l2-tbt', 'books50-l2-tbt', 'books5', 'bbo-tbt'];
    const chosen = channel ?? preferred.find((c) => channels.includes(c)) ?? channels[0];
    const book = chosen === undefined ? undefined : this.books.get(`${instId}\t${chosen}`);
    const trades = this.trades.get(instId);
    return {
      ...(book && book.rows.rows > 0 ? { book: book.rows.finish({ ...fullMeta, extra: { ...fullMeta.extra, channel: book.stream.channel } }) } : {}),
      ...(trades ? { trades: trades.finish(fullMeta) } : {}),
    };
  }
}

interface InstrumentState {
  readonly stream: BookStream;
  readonly book: OrderBook;
  readonly chain: SequenceChain;
  /** False after a checksum mismatch or gap until the next snapshot: rows are not emitted from a bad book. */
  trusted: boolean;
  /** The reason the book is untrusted has been reported (one event per untrusted stretch). */
  reported: boolean;
}

function integrityEvent(kind: IntegrityEvent['kind'], instId: string, channel: string, tsMs: number, localTsMs: number, detail: string): IntegrityEvent {
  return { kind, instId, channel, tsMs, localTsMs, detail };
}

/** Remembers recent trade ids per instrument (two generations of a bounded set) to drop re-sent trades. */
class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  /** True when `id` was seen recently; otherwise remembers it and returns false. */
  seen(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return true;
    this.current.add(id);
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    return false;
  }
}

/**
 * Turns OKX v5 book and trade messages into normalized tables, per instrument: maintains each full book
 * (snapshot + updates), checks the seqId chain after every message and the checksum whenever one is sent
 * (0 means "not provided", as OKX sends since 2026), and emits one top-`depth` row per book message while the
 * book is trusted. Integrity problems are returned as events; rows stop until the next snapshot. Rows go
 * to `sink` (default: an in-memory `TableCollector`, read back with `tables()`); trades seen before under the
 * same instrument and id are dropped and counted.
 */
export class OkxNormalizer {
  private readonly books = new Map<string, InstrumentState>();
  private readonly tradeIds = new Map<string, RecentIds>();
  private readonly collector: TableCollector | undefined;
  readonly sink: NormalizedRowSink;
  readonly stats: NormalizerStats = {
    bookMessages: 0,
    tradeMessages: 0,
    bookRows: 0,
    trades: 0,
    duplicateTrades: 0,
    checksumsVerified: 0,
    checksumsSkipped: 0,
    checksumMismatches: 0,
    sequence: { start: 0, ok: 0, heartbeat: 0, reset: 0, gap: 0, unsequenced: 0 },
  };

  /** Also given every accepted book message's level changes (as `NormalizedRowSink.levelChanges`), with any sink. */
  onLevelChanges?: NonNullable<NormalizedRowSink['levelChanges']>;

  constructor(readonly depth = 5, sink?: NormalizedRowSink) {
    this.collector = sink ? undefined : new TableCollector(depth);
    this.sink = sink ?? (this.collector as TableCollector);
  }

  private state(instId: string, channel: string): InstrumentState {
    const key = `${instId}\t${channel}`;
    let state = this.books.get(key);
    if (!state) {
      state = { stream: { instId, channel }, book: new OrderBook(), chain: new SequenceChain(), trusted: false, reported: false };
      this.books.set(key, state);
    }
    return state;
  }

  /** Whether the book of `instId` on `channel` is currently trusted (snapshot received, no break since). */
  isTrusted(instId: string, channel: string): boolean {
    return this.books.get(`${instId}\t${channel}`)?.trusted ?? false;
  }

  /** Feeds one parsed message received at `localTsMs`; returns integrity events (usually none). */
  accept(message: OkxMessage, localTsMs: number): IntegrityEvent[] {
    const events: IntegrityEvent[] = [];
    if (message.type === 'trades') {
      this.stats.tradeMessages++;
      for (const t of message.data) {
        let ids = this.tradeIds.get(t.instId);
        if (!ids) this.tradeIds.set(t.instId, (ids = new RecentIds()));
        if (ids.seen(t.tradeId)) {
          this.stats.duplicateTrades++;
          continue;
        }
        this.stats.trades++;
        this.sink.trade(t.instId, t.tsMs, localTsMs, Number(t.tradeId), t.side === 'buy' ? 1 : -1, Number(t.px), Number(t.sz));
      }
      return events;
    }
    if (message.type !== 'book') return events;
    const { instId, channel } = message.arg;
    const state = this.state(instId, channel);
    for (const data of message.data) {
      this.stats.bookMessages++;

      // books5 and bbo-tbt push whole snapshots without an action; every message replaces the book.
      const action = channel === 'books5' || channel === 'bbo-tbt' ? 'snapshot' : message.action;
      const lastSeqId = state.chain.lastSeqId;
      const verdict = state.chain.accept(action, data.seqId, data.prevSeqId);
      this.stats.sequence[verdict]++;
      if (action === 'snapshot') {
        state.book.applySnapshot(data.bids, data.asks);
        state.trusted = true;
        state.reported = false;
      } else {
        if (!state.trusted) {
          if (!state.reported) events.push(integrityEvent('update-before-snapshot', instId, channel, data.tsMs, localTsMs, 'update received with no trusted snapshot; waiting for one'));
          state.reported = true;
          continue;
        }
        if (verdict === 'gap') {
          state.trusted = false;
          state.reported = true;
          state.chain.reset();
          events.push(integrityEvent('sequence-gap', instId, channel, data.tsMs, localTsMs, `prevSeqId ${data.prevSeqId} does not follow the last seqId ${lastSeqId ?? '(none)'}`));
          continue;
        }
        state.book.applyUpdate(data.bids, data.asks);
      }
      if (data.checksum !== undefined && data.checksum !== 0) {
        const expected = okxBookChecksum(state.book.bids, state.book.asks);
        if (expected !== data.checksum) {
          this.stats.checksumMismatches++;
          state.trusted = false;
          state.reported = true;
          state.chain.reset();
          events.push(integrityEvent('checksum-mismatch', instId, channel, data.tsMs, localTsMs, `checksum ${data.checksum} sent, ${expected} computed`));
          continue;
        }
        this.stats.checksumsVerified++;
      } else if (channel !== 'books5' && channel !== 'bbo-tbt') {
        this.stats.checksumsSkipped++;
      }
      if (state.book.isCrossed()) {
        state.trusted = false;
        state.reported = true;
        events.push(integrityEvent('crossed-book', instId, channel, data.tsMs, localTsMs, `best bid ${state.book.bids.prices[0]} >= best ask ${state.book.asks.prices[0]}`));
        continue;
      }
      const d = this.depth;
      this.stats.bookRows++;
      this.sink.bookRow(
        state.stream,
        data.tsMs,
        localTsMs,
        state.book.bids.prices,
        state.book.bids.sizes,
        state.book.asks.prices,
        state.book.asks.sizes,
        state.book.bids.counts,
        state.book.asks.counts,
      );
      this.sink.levelChanges?.(state.stream, data.tsMs, localTsMs, action === 'snapshot', data.bids, data.asks);
      this.onLevelChanges?.(state.stream, data.tsMs, localTsMs, action === 'snapshot', data.bids, data.asks);
    }
    return events;
  }

  private memory(): TableCollector {
    if (!this.collector) throw new Error('this normalizer writes to its own sink; read the tables from there');
    return this.collector;
  }

  /** Instruments with rows so far (in-memory sink only). */
  instruments(): string[] {
    return this.memory().instruments();
  }

  /** Book streams with rows so far (in-memory sink only). */
  bookStreams(): BookStream[] {
    return this.memory().bookStreams();
  }

  /** The normalized tables of one instrument (in-memory sink only); see `TableCollector.tables`. */
  tables(instId: string, meta: TableMeta = {}, channel?: string): { book?: BookTable; trades?: TradeTable } {
    return this.memory().tables(instId, meta, channel);
  }
}
