import { OrderBook } from '../book/orderBook.js';
import type { Rng } from '../random/rng.js';
import { okxBookChecksum } from './checksum.js';

type Level = [string, string, string, string];

/**
 * A synthetic OKX instrument for the fake exchange: a 30-level ladder on a 0.01 tick whose centre moves by one
 * tick at a time, level sizes that change, and trades at the touch. Produces OKX v5 frames (text) for the
 * `books` (snapshot + updates with seqId/prevSeqId and checksum), `books5` and `trades` channels, exactly as
 * OKX lays them out. Deterministic given its rng.
 */
export class FakeInstrument {
  readonly book = new OrderBook();
  private centerTicks: number;
  private seqId = 1000;
  private prevSeqId = -1;
  private tradeId = 100_000;
  private tsMs: number;
  private lastBidUpdates: Level[] = [];
  private lastAskUpdates: Level[] = [];
  private tradeFrame: string | undefined;

  constructor(
    readonly instId: string,
    private readonly rng: Rng,
    readonly levels = 30,
    startMs = 1_767_225_600_000,
    /** 'real' CRC32 checksums, or 'zero' as OKX sends since 2026. */
    private readonly checksums: 'real' | 'zero' = 'real',
    /**
     * The exchange clock, epoch ms: undefined, a simulated one from `startMs` (1–20 ms a step, whatever the
     * wall time: reproducible); or a function such as `Date.now`, whose time each step takes (never going back).
     * The market's path is the same either way (the rng is drawn alike).
     */
    private readonly clock?: () => number,
  ) {
    this.centerTicks = 300_000;
    this.tsMs = clock ? clock() : startMs;
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < levels; i++) {
      bids.push(this.level(this.centerTicks - i));
      asks.push(this.level(this.centerTicks + 1 + i));
    }
    this.book.applySnapshot(bids, asks);
  }

  private level(ticks: number, size = this.size()): Level {
    return [(ticks / 100).toFixed(2), size, '0', String(1 + Math.floor(this.rng.next() * 5))];
  }

  private size(): string {
    return (0.001 + this.rng.next() * 3).toFixed(4);
  }

  /** Advances the market by one event (a centre move or a size change, maybe a trade) and 1–20 ms (or to the clock's time). */
  step(): void {
    const stepMs = 1 + Math.floor(this.rng.next() * 20);
    this.tsMs = this.clock ? Math.max(this.tsMs, this.clock()) : this.tsMs + stepMs;
    const bids: Level[] = [];
    const asks: Level[] = [];
    const u = this.rng.next();
    const c = this.centerTicks;
    const n = this.levels;
    if (u < 0.1) {
      // centre up: the best ask becomes a bid, a far bid goes, a far ask appears
      bids.push(this.level(c + 1), [(c - n + 1) / 100 + '', '0', '0', '0']);
      asks.push([((c + 1) / 100).toFixed(2), '0', '0', '0'], this.level(c + n + 1));
      this.centerTicks++;
    } else if (u < 0.2) {
      asks.push(this.level(c), [((c + n) / 100).toFixed(2), '0', '0', '0']);
      bids.push([(c / 100).toFixed(2), '0', '0', '0'], this.level(c - n));
      this.centerTicks--;
    } else {
      const side = this.rng.next() < 0.5 ? bids : asks;
      const i = Math.floor(this.rng.next() * n);
      side.push(this.level(side === bids ? c - i : c + 1 + i));
    }
    for (const level of [...bids, ...asks]) level[0] = Number(level[0]).toFixed(2);
    this.book.applyUpdate(bids, asks);
    this.lastBidUpdates = bids;
    this.lastAskUpdates = asks;
    this.prevSeqId = this.seqId;
    this.seqId += 1 + Math.floor(this.rng.next() * 3);
    this.tradeFrame = undefined;
    if (this.rng.next() < 0.3) {
      const buy = this.rng.next() < 0.5;
      const px = buy ? this.book.asks.priceText(0) : this.book.bids.priceText(0);
      this.tradeId++;
      const trade = { instId: this.instId, tradeId: String(this.tradeId), px, sz: (0.0001 + this.rng.next()).toFixed(4), side: buy ? 'buy' : 'sell', ts: String(this.tsMs), count: '1' };
      this.tradeFrame = JSON.stringify({ arg: { channel: 'trades', instId: this.instId }, data: [trade] });
    }
  }

  private checksum(): number {
    return this.checksums === 'zero' ? 0 : okxBookChecksum(this.book.bids, this.book.asks);
  }

  private levelsOf(side: 'bids' | 'asks', count: number): Level[] {
    const s = this.book[side];
    const out: Level[] = [];
    for (let i = 0; i < Math.min(count, s.length); i++) out.push([s.priceText(i), s.sizeText(i), '0', '1']);
    return out;
  }

  /** The `books` snapshot a new subscriber receives (prevSeqId −1). */
  booksSnapshotFrame(): string {
    const data = { asks: this.levelsOf('asks', 400), bids: this.levelsOf('bids', 400), ts: String(this.tsMs), checksum: this.checksum(), prevSeqId: -1, seqId: this.seqId };
    return JSON.stringify({ arg: { channel: 'books', instId: this.instId }, action: 'snapshot', data: [data] });
  }

  /** The `books` update for the last step; `corruptChecksum` sends a wrong checksum (a fault). */
  booksUpdateFrame(corruptChecksum = false): string {
    const checksum = corruptChecksum ? (this.checksum() ^ 0x5a5a) | 0 || 1 : this.checksum();
    const data = { asks: this.lastAskUpdates, bids: this.lastBidUpdates, ts: String(this.tsMs), checksum, prevSeqId: this.prevSeqId, seqId: this.seqId };
    return JSON.stringify({ arg: { channel: 'books', instId: this.instId }, action: 'update', data: [data] });
  }

  /** The `books5` push (top 5 levels, whole) after the last step. */
  books5Frame(): string {
    const data = { asks: this.levelsOf('asks', 5), bids: this.levelsOf('bids', 5), instId: this.instId, ts: String(this.tsMs), seqId: this.seqId };
    return JSON.stringify({ arg: { channel: 'books5', instId: this.instId }, data: [data] });
  }

  /** The `trades` push of the last step, if it traded. */
  tradesFrame(): string | undefined {
    return this.tradeFrame;
  }
}
