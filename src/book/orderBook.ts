import { BookSide } from './bookSide.js';

/**
 * A level update as decimal strings: [price, size, ...]. Size "0" deletes the level. OKX's `books` levels have
 * four fields, the fourth the number of orders at the level (kept as the level's count); other fields ignored.
 */
export type LevelUpdate = readonly [string, string, ...string[]];

/**
 * A full price-level order book for one instrument, rebuilt from a snapshot plus incremental updates
 * (`size` is the new absolute size at that price; 0 removes it). Semantics follow tardis' normalization
 * guidelines: a snapshot discards all prior state.
 */
export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  applySnapshot(bids: readonly LevelUpdate[], asks: readonly LevelUpdate[]): void {
    this.bids.clear();
    this.asks.clear();
    this.applyUpdate(bids, asks);
  }

  applyUpdate(bids: readonly LevelUpdate[], asks: readonly LevelUpdate[]): void {
    for (const level of bids) this.bids.set(Number(level[0]), Number(level[1]), level[0], level[1], level.length >= 4 ? Number(level[3]) : NaN);
    for (const level of asks) this.asks.set(Number(level[0]), Number(level[1]), level[0], level[1], level.length >= 4 ? Number(level[3]) : NaN);
  }

  /** True when both sides are non-empty and best bid >= best ask (crossed or locked). */
  isCrossed(): boolean {
    return this.bids.length > 0 && this.asks.length > 0 && this.bids.prices[0] >= this.asks.prices[0];
  }
}
