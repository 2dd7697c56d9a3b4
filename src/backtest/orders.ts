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
  /** Its row in the order log (`OrderLog`), −1 when none is kept. */
  logRow: number;
  /** `orderCount` queue model: orders ahead of ours, and the level's order count we last saw. */
  aheadOrders: number;
  lastCount: number;
  /** Marketable on arrival with more than the opposite touch showed: its remainder rests (see `remainderCrossWarning`). */
  tookOnArrival: boolean;
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


/** Why an order stopped resting (`OrderLog.endReason`). */
export const END_OPEN = 0;
export const END_FILLED = 1;
export const END_CANCELLED = 2;
export const END_REPLACED = 3;
export const END_PULLED = 4;

/**
 * Every order that rested, in the order they started (`BacktestConfig.recordOrders`): side (+1 bid, −1 ask),
 * price, size (base units), when it was sent and began resting, when it stopped and why, and its first fill
 * (ms; NaN when none). What the fills alone cannot show: the orders that never filled, and how long each was
 * exposed — what a fill model is graded on (backtest/fillGrading.ts).
 */
export class OrderLog {
  length = 0;
  side = new Int8Array(256);
  px = new Float64Array(256);
  qty = new Float64Array(256);
  sentMs = new Float64Array(256);
  activeMs = new Float64Array(256);
  endMs = new Float64Array(256);
  /** END_OPEN (still resting at the end of the data), END_FILLED, END_CANCELLED, END_REPLACED, END_PULLED */
  endReason = new Uint8Array(256);
  firstFillMs = new Float64Array(256);

  /** Logs order `o` of side index k (0 bid) starting to rest at `t`; returns its row. */
  start(o: Order, k: number, t: number): number {
    if (this.length === this.side.length) this.grow();
    const n = this.length++;
    this.side[n] = k === 0 ? 1 : -1;
    this.px[n] = o.px;
    this.qty[n] = o.remaining;
    this.sentMs[n] = o.sentMs;
    this.activeMs[n] = t;
    this.endMs[n] = NaN;
    this.endReason[n] = END_OPEN;
    this.firstFillMs[n] = NaN;
    return n;
  }

  /** Row r stopped resting at t (the first end counts). */
  end(r: number, t: number, reason: number): void {
    if (r < 0 || this.endReason[r] !== END_OPEN) return;
    this.endMs[r] = t;
    this.endReason[r] = reason;
  }

  /**
   * The queue model's estimate of the quantity ahead of row r's order (base units) when a trade printed at its
   * price at t, before the trade: what decided the fill. Columns: order row, time, estimate.
   */
  readonly queueSamples = { row: [] as number[], tMs: [] as number[], aheadQty: [] as number[] };

  queueSample(r: number, t: number, ahead: number): void {
    this.queueSamples.row.push(r);
    this.queueSamples.tMs.push(t);
    this.queueSamples.aheadQty.push(ahead);
  }

  /** Row r filled (partly) at t. */
  filled(r: number, t: number): void {
    if (r >= 0 && Number.isNaN(this.firstFillMs[r])) this.firstFillMs[r] = t;
  }

  private grow(): void {
    const capacity = this.side.length * 2;
    this.side = withCapacity(this.side, capacity);
    this.px = withCapacity(this.px, capacity);
    this.qty = withCapacity(this.qty, capacity);
    this.sentMs = withCapacity(this.sentMs, capacity);
    this.activeMs = withCapacity(this.activeMs, capacity);
    this.endMs = withCapacity(this.endMs, capacity);
    this.endReason = withCapacity(this.endReason, capacity);
    this.firstFillMs = withCapacity(this.firstFillMs, capacity);
  }
}

/** Initial values of the typed-array fields (see `Desk`): a field keeps the kind of value it started with. */
export const NO_VALUES = new Float64Array(0);
export const NO_SIDES = new Int8Array(0);

export const newOrder = (): Order => ({ px: NaN, remaining: 0, activeMs: Infinity, cancelMs: Infinity, sentMs: NaN, ahead: 0, lastShown: 0, queued: false, logRow: -1, aheadOrders: 0, lastCount: 0, tookOnArrival: false });
