/** The exchange side of the replay (`Desk`): our orders against the replayed book and trades, and their fills. */
import type { BookTable, TradeTable } from '../data/tables.js';
import type { Quotes } from '../model/types.js';
import { countedDecrease, frontAfterDecrease, queueProbability, type QueueModelSpec, type QueueProbability } from './queueModels.js';
import type { FillModel } from './types.js';
import { CAUSE_BOOK_CROSS, CAUSE_MARKETABLE, CAUSE_MID_CROSS, CAUSE_TRADE_AT, CAUSE_TRADE_THROUGH, END_CANCELLED, END_FILLED, END_PULLED, END_REPLACED, FillColumns, NO_SIDES, NO_VALUES, newOrder, OrderLog, type Order } from './orders.js';

/** Relative size below which a remainder is binary rounding of decimal sizes, not a quantity (1e-9 of the trade). */
const SIZE_ROUNDING = 1e-9;

/**
 * The exchange side of the replay: our resting and pending orders, how market events fill them, and the
 * account and fills they produce. Its state lives in fields (not in variables captured by closures), so the
 * hot loop stores numbers in place instead of boxing them; and the methods called per event that V8 does not
 * inline take indices (small integers), never prices or times: V8 passes a fractional number to such a call as
 * a new heap object, and one such call per event made the replay allocate tens of MB per million events.
 * Number fields are declared with a number (never left undefined until the constructor): V8 then stores them
 * as numbers in place, where a field that started undefined holds a heap object per value; array fields
 * likewise start as an array. (The fill path too, measured: see `fillPx`.)
 */
export class Desk {
  /** Order levels per side (a grid when more than one: `BacktestConfig.orderLevels`). */
  readonly levels: number = 1;
  /**
   * Our orders by slot: slots 0 … levels − 1 are our bids, nearest the touch first, slots levels … 2·levels − 1
   * our asks (with one level: 0 = our bid, 1 = our ask). `sideOf(slot)`: 0 bid, 1 ask.
   */
  readonly live: Order[] = [];
  readonly pending: Order[] = [];
  inventory = 0;
  cash = 0;
  /** Book-cross fills of the remainders of orders marketable on arrival, and their quantity (`remainderCrossWarning`). */
  remainderCrosses = 0;
  remainderCrossQty = 0;
  /** book row in force at the current event time */
  row = -1;
  /** the earliest pending cancel or activation (transitions are skipped until then) */
  nextTransitionMs = Infinity;
  /** the time `transitions` acts at (a field, not an argument: see the class comment; 0.5 makes it a double) */
  clock = 0.5;
  /**
   * The deepest level's prices (lowest bid, highest ask of each row when that level is present: the tables'
   * contract orders the levels, bids strictly descending and asks strictly ascending, and missing levels are
   * NaN at the end).
   */
  private deepestBid: Float64Array = NO_VALUES;
  private deepestAsk: Float64Array = NO_VALUES;
  readonly fills = new FillColumns();
  /** Every order that rested (`BacktestConfig.recordOrders`), or undefined. */
  orderLog: OrderLog | undefined = undefined;
  /**
   * Per slot, the price of the last order that filled completely and the index of the fill that completed it
   * (−1: none, or already acted on): until that fill's notice reaches the strategy, it still believes the
   * order rests there.
   */
  readonly completedPx: Float64Array = NO_VALUES;
  readonly completedFill: Int32Array = new Int32Array(0);
  /**
   * Per slot, what replaces the pending order once it arrives (an order in flight cannot be withdrawn before it
   * arrives; its cancel is then due): `nextSet` (1), and the order sent for it (price NaN: none, the side
   * withdrawn). It becomes the pending order when that one arrives, and rests once that one is gone.
   */
  readonly nextSet: Uint8Array = new Uint8Array(0);
  readonly nextPx: Float64Array = NO_VALUES;
  readonly nextSize: Float64Array = NO_VALUES;
  readonly nextSentMs: Float64Array = NO_VALUES;
  readonly nextActiveMs: Float64Array = NO_VALUES;
  // the rows being replayed (the whole tables, or a streamed replay's carried tail and current chunk: `setData`)
  bid0: Float64Array = NO_VALUES;
  ask0: Float64Array = NO_VALUES;
  private bookTs: Float64Array = NO_VALUES;
  private tradeTs: Float64Array = NO_VALUES;
  private bidPx: readonly Float64Array[] = [];
  private askPx: readonly Float64Array[] = [];
  private bidSz: readonly Float64Array[] = [];
  private askSz: readonly Float64Array[] = [];
  private depth: number = 0;
  /** Orders per level (`BookTable.bidCount`), for the `orderCount` queue model; `useCounts` when it is in force. */
  private bidCount: readonly Float64Array[] = [];
  private askCount: readonly Float64Array[] = [];
  private useCounts = false;
  /** The queue model is `orderCount`. */
  private readonly countQueue: boolean = false;
  private tradeSide: Int8Array = NO_SIDES;
  private tradePx: Float64Array = NO_VALUES;
  private tradeSz: Float64Array = NO_VALUES;
  private readonly isMidCross: boolean = false;
  private readonly isTradeThrough: boolean = false;
  private readonly isQueue: boolean = false;

  private readonly eps: number = NaN;
  private readonly makerFee: number = NaN;
  private readonly takerFee: number = NaN;
  private readonly queueProb: QueueProbability;

  constructor(model: FillModel, eps: number, makerFee: number, takerFee: number, queueModel: QueueModelSpec, levels = 1) {
    this.levels = levels;
    for (let s = 0; s < 2 * levels; s++) {
      this.live.push(newOrder());
      this.pending.push(newOrder());
    }
    this.completedPx = new Float64Array(2 * levels);
    this.nextSet = new Uint8Array(2 * levels);
    this.nextPx = new Float64Array(2 * levels).fill(NaN);
    this.nextSize = new Float64Array(2 * levels);
    this.nextSentMs = new Float64Array(2 * levels);
    this.nextActiveMs = new Float64Array(2 * levels);
    this.completedFill = new Int32Array(2 * levels).fill(-1);
    this.eps = eps;
    this.makerFee = makerFee;
    this.takerFee = takerFee;
    this.queueProb = queueProbability(queueModel);
    this.countQueue = queueModel.name === 'orderCount';
    this.isMidCross = model === 'midCross';
    this.isTradeThrough = model === 'tradeThrough';
    this.isQueue = model === 'queue';
  }

  /**
   * The rows replayed from now on. A streamed replay passes its carried tail and next chunk, with every row
   * index it holds (`row`, the rows of fills not yet notified) moved down by `rowShift` rows dropped in front.
   */
  setData(book: BookTable, trades: TradeTable | undefined, rowShift: number, fromFill: number): void {
    if (rowShift !== 0) {
      if (this.row >= 0) this.row -= rowShift;
      const fillRow = this.fills.row;
      for (let f = fromFill; f < this.fills.length; f++) if (fillRow[f] >= 0) fillRow[f] -= rowShift;
    }
    this.bid0 = book.bidPx[0];
    this.ask0 = book.askPx[0];
    this.bookTs = book.tsMs;
    this.tradeTs = trades?.tsMs ?? new Float64Array(0);
    this.bidPx = book.bidPx;
    this.askPx = book.askPx;
    this.bidSz = book.bidSz;
    this.askSz = book.askSz;
    this.depth = book.depth;
    this.tradeSide = trades?.side ?? new Int8Array(0);
    this.tradePx = trades?.px ?? new Float64Array(0);
    this.tradeSz = trades?.sz ?? new Float64Array(0);
    this.deepestBid = book.bidPx[book.depth - 1];
    this.deepestAsk = book.askPx[book.depth - 1];
    if (this.countQueue && this.isQueue) {
      if (!book.bidCount || !book.askCount) throw new Error('queue model orderCount: the book has no order counts per level (OKX books data, or a market simulated order by order, has them): choose another queue model');
      this.bidCount = book.bidCount;
      this.askCount = book.askCount;
      this.useCounts = true;
    }
  }

  /**
   * The execution `execute` books next: price, quantity (at most what remains is filled) and time. Fields set
   * by the caller, not arguments (see the class comment): with them as arguments, the fill-heavy line of
   * `npm run bench -- backtest` (933,608 fills) ran 10–20 % slower (median 804 against 657 ms, five interleaved
   * runs each, 2026-12-05); the other lines did not change.
   */
  private fillPx = NaN;
  private fillQty = NaN;
  private fillMs = NaN;
  /** index into FILL_CAUSES */
  private fillCause = 0;
  /** `scanShown`'s answer (a field for the same reason), and the level it was found at (−1: none). */
  private shownSize = NaN;
  /** What is left of the trade being applied, for `tradeThrough` fills of a grid's levels (a field: see above). */
  private tradeLeft = NaN;
  private shownLevel = -1;

  /** 0 for a bid slot, 1 for an ask slot. */
  sideOf(slot: number): number {
    return slot < this.levels ? 0 : 1;
  }

  /** Books the execution in fillPx, fillQty, fillMs of order `o` in `slot`; maker or taker fee. */
  private execute(o: Order, slot: number, maker: boolean): void {
    const sideIdx = slot < this.levels ? 0 : 1;
    const px = this.fillPx;
    const t = this.fillMs;
    const q = Math.min(this.fillQty, o.remaining);
    if (!(q > 0)) return;
    o.remaining -= q;
    const notional = px * q;
    const fee = notional * (maker ? this.makerFee : this.takerFee);
    if (sideIdx === 0) {
      this.inventory += q;
      this.cash -= notional + fee;
    } else {
      this.inventory -= q;
      this.cash += notional - fee;
    }
    const row = this.row;
    // written into the columns in place (a call per column would box each number)
    const f = this.fills;
    f.reserve();
    const n = f.length;
    f.tsMs[n] = t;
    f.side[n] = sideIdx === 0 ? 1 : -1;
    f.px[n] = px;
    f.qty[n] = q;
    f.fee[n] = fee;
    f.midPx[n] = row >= 0 ? 0.5 * (this.bid0[row] + this.ask0[row]) : NaN;
    f.sentMs[n] = o.sentMs;
    f.maker[n] = maker ? 1 : 0;
    f.cause[n] = this.fillCause;
    f.row[n] = row;
    f.length = n + 1;
    if (o.logRow >= 0) this.orderLog!.filled(o.logRow, t);
    if (o.remaining <= 1e-12) {
      if (o.logRow >= 0) this.orderLog!.end(o.logRow, t, END_FILLED);
      this.completedPx[slot] = o.px;
      this.completedFill[slot] = f.length - 1;
      o.remaining = 0;
      o.px = NaN;
      // nothing left to cancel: its replacement rests from its own arrival (as in depthReplay.ts)
      o.cancelMs = Infinity;
    }
  }

  /** A maker fill of all that remains of order `o` in `slot`, at its price, at time fillMs. */
  private executeRest(o: Order, slot: number): void {
    this.fillPx = o.px;
    this.fillQty = o.remaining;
    this.execute(o, slot, true);
  }

  /** The feed latency of the book row in force when fill f happened (0 before the first row). */
  rowLagAtFill(f: number, arrival: Float64Array): number {
    const r = this.fills.row[f];
    return r >= 0 ? arrival[r] - this.bookTs[r] : 0;
  }

  /**
   * Whether order price px on our side `sideIdx` lies more than eps beyond book row r's deepest level (below
   * the deepest bid, above the deepest ask), where no queue is displayed. Quotes often sit there, and this is
   * asked several times per row (each side on the book update and on each order's arrival): one comparison
   * instead of a scan of every level. When that level is missing (NaN) the comparison fails and the scan
   * decides. Exact for books that keep the tables' contract (levels strictly ordered, missing ones at the end).
   */
  private beyondVisible(sideIdx: number, px: number, r: number): boolean {
    if (sideIdx === 0) return this.deepestBid[r] - px > this.eps;
    return px - this.deepestAsk[r] > this.eps;
  }

  /**
   * Displayed size at order o's price on our side `sideIdx` in book row r: the level's size if one is at that
   * price; 0 inside the visible range where no level is (a gap), or at the first missing level; Infinity
   * past every level. The answer is left in `shownSize`.
   */
  private scanShown(sideIdx: number, o: Order, r: number): void {
    // each answer is stored where it is found: a value returned from several places (a size, 0, Infinity) was
    // kept as a heap object
    const px = o.px;
    const eps = this.eps;
    const bid = sideIdx === 0;
    const prices = bid ? this.bidPx : this.askPx;
    const sizes = bid ? this.bidSz : this.askSz;
    for (let l = 0; l < this.depth; l++) {
      const p = prices[l][r];
      if (Math.abs(p - px) <= eps) {
        this.shownSize = sizes[l][r];
        this.shownLevel = l;
        return;
      }
      if (Number.isNaN(p) || (bid ? p < px : p > px)) {
        // a missing level, or our price is better than this level: a gap in the book
        this.shownSize = 0;
        this.shownLevel = -1;
        return;
      }
    }
    this.shownSize = Infinity;
    this.shownLevel = -1;
  }

  private joinQueue(o: Order, sideIdx: number): void {
    o.queued = true;
    const row = this.row;
    if (row < 0) {
      o.ahead = 0;
      o.lastShown = 0;
      return;
    }
    // two branches, not one value picked from Infinity or a scan: the merged value would be boxed per call
    if (this.beyondVisible(sideIdx, o.px, row)) {
      o.ahead = Infinity;
      o.lastShown = Infinity;
      return;
    }
    this.scanShown(sideIdx, o, row);
    const shown = this.shownSize;
    o.ahead = shown;
    o.lastShown = shown;
    if (this.useCounts) {
      // behind every order of the level
      const count = this.levelCount(sideIdx, row);
      o.aheadOrders = count;
      o.lastCount = count;
    }
  }

  /** Orders at the level `scanShown` found in row r (0 when it found none). */
  private levelCount(sideIdx: number, r: number): number {
    const l = this.shownLevel;
    if (l < 0) return 0;
    const c = (sideIdx === 0 ? this.bidCount : this.askCount)[l][r];
    return c === c ? c : 0;
  }

  /**
   * A masked interval begins: every order, resting or on its way, is withdrawn at once (the book is invalid,
   * so nothing can be known to fill). The strategy learns of it as of a cancel it sent: what it believes
   * rests is dropped too.
   */
  pullAll(t: number): void {
    for (let k = 0; k < this.live.length; k++) {
      for (const o of [this.live[k], this.pending[k]]) {
        if (o.logRow >= 0 && !Number.isNaN(o.px)) this.orderLog!.end(o.logRow, t, END_PULLED);
        o.logRow = -1;
        o.px = NaN;
        o.remaining = 0;
        o.activeMs = Infinity;
        o.cancelMs = Infinity;
        o.queued = false;
      }
      this.completedFill[k] = -1;
      this.nextSet[k] = 0;
    }
    this.nextTransitionMs = Infinity;
  }

  /** Book row r comes into force inside a masked interval: it is tracked, nothing fills. */
  onMaskedBook(r: number): void {
    this.row = r;
  }

  /** Order transitions due by time `clock`: cancels take effect, pending orders start resting. */
  transitions(): void {
    const t = this.clock;
    if (t < this.nextTransitionMs) return;
    const live = this.live;
    const pending = this.pending;
    const eps = this.eps;
    const row = this.row;
    const levels = this.levels;
    for (let k = 0; k < live.length; k++) {
      const side = k < levels ? 0 : 1;
      const o = live[k];
      // when the slot's last order stopped resting (a new one cannot rest before: see below)
      let freedMs = -Infinity;
      if (o.cancelMs <= t) {
        freedMs = o.cancelMs;
        if (o.logRow >= 0) this.orderLog!.end(o.logRow, o.cancelMs, END_CANCELLED);
        o.logRow = -1;
        o.px = NaN;
        o.remaining = 0;
        o.cancelMs = Infinity;
      }
      const p = pending[k];
      if (p.activeMs <= t) {
        if (o.cancelMs !== Infinity && o.cancelMs > t) {
          // old order still cancelling: keep pending until it is gone
        } else {
          live[k] = p;
          pending[k] = o;
          // it rests from its arrival, or from its predecessor's cancel when that came later (the replay
          // applies both at the next event, before the event itself)
          const startMs = Math.max(p.activeMs, freedMs);
          if (this.orderLog) {
            if (o.logRow >= 0) this.orderLog.end(o.logRow, startMs, END_REPLACED);
            if (!Number.isNaN(p.px)) p.logRow = this.orderLog.start(p, side, startMs);
          }
          o.logRow = -1;
          o.px = NaN;
          o.remaining = 0;
          o.activeMs = Infinity;
          o.cancelMs = Infinity;
          if (!Number.isNaN(p.px) && row >= 0) {
            // marketable on arrival (our bid at or above the best ask, or ask at or below the best bid): takes
            // the opposite touch as a taker, up to its displayed size; the rest rests
            const opposite = side === 0 ? this.ask0[row] : this.bid0[row];
            if (side === 0 ? p.px >= opposite - eps : p.px <= opposite + eps) {
              this.fillPx = opposite;
              this.fillQty = side === 0 ? this.askSz[0][row] : this.bidSz[0][row];
              this.fillMs = t;
              this.fillCause = CAUSE_MARKETABLE;
              this.execute(p, k, false);
              if (p.remaining > 0) p.tookOnArrival = true;
            }
          }
          if (this.isQueue && !Number.isNaN(p.px)) this.joinQueue(p, side);
          let goneMs = -Infinity;
          if (p.cancelMs <= t) {
            // replaced while on its way, its cancel already due: what it took on arrival, then gone
            goneMs = Math.max(p.cancelMs, startMs);
            if (p.logRow >= 0 && !Number.isNaN(p.px)) this.orderLog!.end(p.logRow, goneMs, END_CANCELLED);
            p.logRow = -1;
            p.px = NaN;
            p.remaining = 0;
            p.cancelMs = Infinity;
          }
          if (this.nextSet[k] === 1) {
            this.nextSet[k] = 0;
            if (!Number.isNaN(this.nextPx[k])) {
              // the order sent while this one was on its way: pending now, resting once this one is gone
              o.px = this.nextPx[k];
              o.remaining = this.nextSize[k];
              o.sentMs = this.nextSentMs[k];
              o.activeMs = Math.max(this.nextActiveMs[k], goneMs);
              o.queued = false;
              o.tookOnArrival = false;
              if (o.activeMs <= t) k--; // due already: this pass takes the slot again
            }
          }
        }
      }
    }
    this.recomputeNextTransition();
  }

  private recomputeNextTransition(): void {
    const live = this.live;
    const pending = this.pending;
    if (live.length === 2) {
      this.nextTransitionMs = Math.min(live[0].cancelMs, live[1].cancelMs, pending[0].activeMs, pending[1].activeMs);
      return;
    }
    let next = Infinity;
    for (let k = 0; k < live.length; k++) next = Math.min(next, live[k].cancelMs, pending[k].activeMs);
    this.nextTransitionMs = next;
  }

  /** Book row r comes into force; our resting orders fill or move in their queue. */
  onBook(r: number): void {
    this.row = r;
    if (this.isMidCross) {
      const t = this.bookTs[r];
      const mid = 0.5 * (this.bid0[r] + this.ask0[r]);
      for (let k = 0; k < this.live.length; k++) {
        const o = this.live[k];
        if (Number.isNaN(o.px) || o.remaining <= 0) continue;
        if (k < this.levels ? mid <= o.px + this.eps : mid >= o.px - this.eps) {
          this.fillMs = t;
          this.fillCause = CAUSE_MID_CROSS;
          this.executeRest(o, k);
        }
      }
    } else if (this.isQueue) {
      // An order already queued beyond the visible book, which the opposite side has not reached, stays as it
      // is (the common case for wide quotes): decided here, without the call that would find nothing to do.
      const eps = this.eps;
      const levels = this.levels;
      for (let k = 0; k < levels; k++) {
        const b = this.live[k];
        if (!(b.queued && this.ask0[r] > b.px + eps && this.beyondVisible(0, b.px, r))) this.onBookQueue(k, r);
      }
      for (let k = levels; k < 2 * levels; k++) {
        const a = this.live[k];
        if (!(a.queued && this.bid0[r] < a.px - eps && this.beyondVisible(1, a.px, r))) this.onBookQueue(k, r);
      }
    }
  }

  /** queue model: our order in `slot` against book row r */
  private onBookQueue(slot: number, r: number): void {
    const o = this.live[slot];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const k = slot < this.levels ? 0 : 1;
    const eps = this.eps;
    // the opposite side reached our price: we were taken
    if (k === 0 ? this.ask0[r] <= o.px + eps : this.bid0[r] >= o.px - eps) {
      if (o.tookOnArrival) {
        this.remainderCrosses++;
        this.remainderCrossQty += o.remaining;
      }
      this.fillMs = this.bookTs[r];
      this.fillCause = CAUSE_BOOK_CROSS;
      this.executeRest(o, slot);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    const best = k === 0 ? this.bid0[r] : this.ask0[r];
    if (k === 0 ? o.px > best + eps : o.px < best - eps) {
      o.ahead = 0; // we are the best price alone
      o.lastShown = 0;
      o.aheadOrders = 0;
      o.lastCount = 0;
      return;
    }
    if (this.beyondVisible(k, o.px, r)) return; // beyond the visible book: queue unknown
    this.scanShown(k, o, r);
    const shown = this.shownSize;
    if (shown === Infinity) return;
    const decrease = o.lastShown - shown;
    if (this.useCounts) this.countedDecrease(o, k, r, decrease);
    else if (decrease > 0 && o.ahead > 0) o.ahead = frontAfterDecrease(o.ahead, o.lastShown, decrease, this.queueProb);
    if (o.ahead > shown) o.ahead = shown;
    o.lastShown = shown;
  }

  /** `orderCount` queue model, book row r: `countedDecrease` with the level's count in that row. */
  private countedDecrease(o: Order, k: number, r: number, decrease: number): void {
    countedDecrease(o, decrease, this.levelCount(k, r));
  }

  /**
   * Whether trade j prints at or through the price of our order on the side it hits (a sell at or below our
   * bid, a buy at or above our ask): the only trades `onTrade` acts on, checked first without its call.
   */
  tradeReaches(j: number): boolean {
    const eps = this.eps;
    const px = this.tradePx[j];
    const levels = this.levels;
    if (levels === 1) return this.tradeSide[j] < 0 ? px <= this.live[0].px + eps : px >= this.live[1].px - eps;
    const from = this.tradeSide[j] < 0 ? 0 : levels;
    for (let k = from; k < from + levels; k++) if (from === 0 ? px <= this.live[k].px + eps : px >= this.live[k].px - eps) return true;
    return false;
  }

  /** Trade j prints; it may fill our orders on the side it hits (each of a grid's levels on its own). */
  onTrade(j: number): void {
    if (this.isMidCross) return;
    const from = this.tradeSide[j] < 0 ? 0 : this.levels; // sells hit bids (our bid slots come first); buys lift asks
    // tradeThrough: the trade's size is shared by the levels it reaches, nearest the touch first
    this.tradeLeft = this.tradeSz[j];
    for (let slot = from; slot < from + this.levels; slot++) this.onTradeAt(j, slot);
  }

  /** Trade j against our order in `slot` (on the side the trade hits). */
  private onTradeAt(j: number, slot: number): void {
    const t = this.tradeTs[j];
    const k = slot < this.levels ? 0 : 1;
    const o = this.live[slot];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const px = this.tradePx[j];
    const eps = this.eps;
    const through = k === 0 ? px < o.px - eps : px > o.px + eps;
    const at = Math.abs(px - o.px) <= eps;
    if (!through && !at) return;
    this.fillCause = through ? CAUSE_TRADE_THROUGH : CAUSE_TRADE_AT;
    if (this.isTradeThrough) {
      if (!(this.tradeLeft > 0)) return;
      const before = o.remaining;
      this.fillPx = o.px;
      this.fillQty = this.tradeLeft;
      this.fillMs = t;
      this.execute(o, slot, true);
      this.tradeLeft -= before - (o.remaining > 0 ? o.remaining : 0);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    if (through) {
      this.fillMs = t;
      this.executeRest(o, slot);
      return;
    }
    const sz = this.tradeSz[j];
    // the queue estimate at the moment it decides a fill (graded against the truth: grading/fillModels.ts)
    if (o.logRow >= 0) this.orderLog!.queueSample(o.logRow, t, o.ahead);
    const beyondQueue = sz - o.ahead;
    if (this.useCounts && o.ahead > 0) {
      // the orders it took in front of ours, in proportion to the size it took there; they leave the count too
      const taken = o.aheadOrders * Math.min(1, sz / o.ahead);
      o.aheadOrders -= taken;
      o.lastCount = Math.max(0, o.lastCount - taken);
    }
    o.ahead = Math.max(0, o.ahead - sz);
    if (o.lastShown !== Infinity) o.lastShown = Math.max(0, o.lastShown - sz);
    // what is left of the trade after the queue ahead, unless it is rounding: sizes are decimals summed and
    // subtracted in binary, and a trade that takes exactly the queue ahead left 3e-17 "beyond" it, a fill of
    // dust counted as a fill (found by grading against a market whose queue is known: grading/fillModels.ts)
    if (beyondQueue > SIZE_ROUNDING * sz) {
      this.fillPx = o.px;
      this.fillQty = beyondQueue;
      this.fillMs = t;
      this.execute(o, slot, true);
    }
  }
}
