/** Our orders in the replay and the columns their fills are written to (see exchange.ts). */
import { withCapacity } from '../data/columnBuilder.js';
import type { Fills } from './types.js';

/** Indices into `FILL_CAUSES` (types.ts), as stored in `Fills.cause`. */
export const CAUSE_TRADE_AT = 0;
export const CAUSE_TRADE_THROUGH = 1;
export const CAUSE_BOOK_CROSS = 2;
export const CAUSE_MARKETABLE = 3;
export const CAUSE_MID_CROSS = 4;

/** One of our orders (one per side at most, plus one pending replacement). */
export interface Order {
  px: number;
  remaining: number;
  activeMs: number;
  cancelMs: number;
  sentMs: number;
  /** queue model: quantity ahead of us and the displayed size we last saw at our price */
  ahead: number;
  lastShown: number;
  queued: boolean;
}

/**
 * The fills as they happen: one column per field of `Fills`, plus the book row in force and the time the
 * strategy learns of each fill. All columns share one capacity, doubled together (by `withCapacity`, the one
 * growth step of data/columnBuilder.ts), and are written in place.
 *
 * Kept as its own class rather than eleven `ColumnBuilder`s for speed: the replay's hot loop writes
 * `fills.px[i] = …` straight into monomorphic typed-array fields after one `reserve()`, and later updates
 * fills in place (`noticeMs`), which a push-only builder would route through a shared, polymorphic `push`.
 */
export class FillColumns {
  length = 0;
  tsMs = new Float64Array(1024);
  side = new Int8Array(1024);
  px = new Float64Array(1024);
  qty = new Float64Array(1024);
  fee = new Float64Array(1024);
  midPx = new Float64Array(1024);
  sentMs = new Float64Array(1024);
  maker = new Uint8Array(1024);
  cause = new Uint8Array(1024);
  row = new Int32Array(1024);
  /** when the strategy learns of the fill, ms (filled in by the replay, in order) */
  noticeMs = new Float64Array(1024);

  /** Room for one more fill. */
  reserve(): void {
    if (this.length === this.tsMs.length) this.grow();
  }

  private grow(): void {
    const capacity = this.tsMs.length * 2;
    this.tsMs = withCapacity(this.tsMs, capacity);
    this.side = withCapacity(this.side, capacity);
    this.px = withCapacity(this.px, capacity);
    this.qty = withCapacity(this.qty, capacity);
    this.fee = withCapacity(this.fee, capacity);
    this.midPx = withCapacity(this.midPx, capacity);
    this.sentMs = withCapacity(this.sentMs, capacity);
    this.maker = withCapacity(this.maker, capacity);
    this.cause = withCapacity(this.cause, capacity);
    this.row = withCapacity(this.row, capacity);
    this.noticeMs = withCapacity(this.noticeMs, capacity);
  }
}


/** Initial values of the typed-array fields (see `Desk`): a field keeps the kind of value it started with. */
export const NO_VALUES = new Float64Array(0);
export const NO_SIDES = new Int8Array(0);

export const newOrder = (): Order => ({ px: NaN, remaining: 0, activeMs: Infinity, cancelMs: Infinity, sentMs: NaN, ahead: 0, lastShown: 0, queued: false });
