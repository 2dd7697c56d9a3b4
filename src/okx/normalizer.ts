import { OrderBook } from '../book/orderBook.js';
import { BookTableBuilder, TradeTableBuilder } from '../data/bookBuilder.js';
import type { BookTable, TableMeta, TradeTable } from '../data/tables.js';
import { okxChecksum } from './checksum.js';
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
  checksumsVerified: number;
  checksumsSkipped: number;
  checksumMismatches: number;
  sequence: Record<SequenceVerdict, number>;
}

interface InstrumentState {
  readonly book: OrderBook;
  readonly chain: SequenceChain;
  readonly rows: BookTableBuilder;
  /** False after a checksum mismatch or gap until the next snapshot: rows are not emitted from a bad book. */
  trusted: boolean;
  /** The reason the book is untrusted has been reported (one event per untrusted stretch). */
  reported: boolean;
  channel: string;
}

/**
 * Turns OKX v5 book and trade messages into normalized tables, per instrument: maintains each full book
 * (snapshot + updates), checks the seqId chain after every message and the checksum whenever one is sent
 * (0 means "not provided", as OKX sends since 2026), and emits one top-`depth` row per book message while the
 * book is trusted. Integrity problems are returned as events; rows stop until the next snapshot.
 */
export class OkxNormalizer {
  private readonly books = new Map<string, InstrumentState>();
  private readonly trades = new Map<string, TradeTableBuilder>();
  readonly stats: NormalizerStats = {
    bookMessages: 0,
    tradeMessages: 0,
    checksumsVerified: 0,
    checksumsSkipped: 0,
    checksumMismatches: 0,
    sequence: { start: 0, ok: 0, heartbeat: 0, reset: 0, gap: 0, unsequenced: 0 },
  };

  constructor(readonly depth = 5) {}

  private state(instId: string, channel: string): InstrumentState {
    let state = this.books.get(instId);
    if (!state) {
      state = { book: new OrderBook(), chain: new SequenceChain(), rows: new BookTableBuilder(this.depth), trusted: false, reported: false, channel };
      this.books.set(instId, state);
    }
    return state;
  }

  /** Feeds one parsed message received at `localTsMs`; returns integrity events (usually none). */
  accept(message: OkxMessage, localTsMs: number): IntegrityEvent[] {
    const events: IntegrityEvent[] = [];
    if (message.type === 'trades') {
      this.stats.tradeMessages++;
      for (const t of message.data) {
        let builder = this.trades.get(t.instId);
        if (!builder) this.trades.set(t.instId, (builder = new TradeTableBuilder()));
        builder.push(t.tsMs, localTsMs, Number(t.tradeId), t.side === 'buy' ? 1 : -1, Number(t.px), Number(t.sz));
      }
      return events;
    }
    if (message.type !== 'book') return events;
    const { instId, channel } = message.arg;
    const state = this.state(instId, channel);
    for (const data of message.data) {
      this.stats.bookMessages++;
      const event = (kind: IntegrityEvent['kind'], detail: string) =>
        events.push({ kind, instId, channel, tsMs: data.tsMs, localTsMs, detail });
      // books5 and bbo-tbt push whole snapshots without an action; every message replaces the book.
      const action = channel === 'books5' || channel === 'bbo-tbt' ? 'snapshot' : message.action;
      const verdict = state.chain.accept(action, data.seqId, data.prevSeqId);
      this.stats.sequence[verdict]++;
      if (action === 'snapshot') {
        state.book.applySnapshot(data.bids, data.asks);
        state.trusted = true;
        state.reported = false;
      } else {
        if (!state.trusted) {
          if (!state.reported) event('update-before-snapshot', 'update received with no trusted snapshot; waiting for one');
          state.reported = true;
          continue;
        }
        if (verdict === 'gap') {
          state.trusted = false;
          state.reported = true;
          state.chain.reset();
          event('sequence-gap', `prevSeqId ${data.prevSeqId} does not follow the last seqId`);
          continue;
        }
        state.book.applyUpdate(data.bids, data.asks);
      }
      if (data.checksum !== undefined && data.checksum !== 0) {
        const expected = okxChecksum(state.book.bids.topTexts(25), state.book.asks.topTexts(25));
        if (expected !== data.checksum) {
          this.stats.checksumMismatches++;
          state.trusted = false;
          state.reported = true;
          state.chain.reset();
          event('checksum-mismatch', `checksum ${data.checksum} sent, ${expected} computed`);
          continue;
        }
        this.stats.checksumsVerified++;
      } else if (channel !== 'books5' && channel !== 'bbo-tbt') {
        this.stats.checksumsSkipped++;
      }
      if (state.book.isCrossed()) {
        state.trusted = false;
        state.reported = true;
        event('crossed-book', `best bid ${state.book.bids.prices[0]} >= best ask ${state.book.asks.prices[0]}`);
        continue;
      }
      const d = this.depth;
      state.rows.push(
        data.tsMs,
        localTsMs,
        state.book.bids.prices.slice(0, d),
        state.book.bids.sizes.slice(0, d),
        state.book.asks.prices.slice(0, d),
        state.book.asks.sizes.slice(0, d),
      );
    }
    return events;
  }

  /** Instruments seen so far. */
  instruments(): string[] {
    return [...new Set([...this.books.keys(), ...this.trades.keys()])].sort();
  }

  /** The normalized tables of one instrument (undefined where nothing was seen). */
  tables(instId: string, meta: TableMeta = {}): { book?: BookTable; trades?: TradeTable } {
    const fullMeta = { instrument: instId, ...meta };
    const book = this.books.get(instId);
    const trades = this.trades.get(instId);
    return {
      ...(book && book.rows.rows > 0 ? { book: book.rows.finish(fullMeta) } : {}),
      ...(trades ? { trades: trades.finish(fullMeta) } : {}),
    };
  }
}
