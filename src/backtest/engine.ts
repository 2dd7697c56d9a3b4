import { Float64ColumnBuilder, Int8ColumnBuilder } from '../data/columnBuilder.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { MutableQuotes, Quotes } from '../model/types.js';
import { feedArrivalTimes, latencySampler, type FeedLatencySpec, type LatencySpec } from './latency.js';
import type { Strategy } from './strategy.js';

/**
 * How our resting orders fill (see README "Backtest"):
 * - `midCross`: the reference system's rule: a bid fills completely when a book update's mid is at or below
 *   it, an ask when the mid is at or above it. Optimistic: no trade needs to happen, no queue.
 * - `tradeThrough`: a recorded trade at or through our price (a sell at or below our bid, a buy at or above
 *   our ask) fills us up to the trade's size. Optimistic about queue position (we are always first).
 * - `queue`: we join the back of our level's queue as displayed; trades at our price consume the queue ahead
 *   first, then fill us (partial fills); a trade through our price fills us completely; decreases of the
 *   displayed size without a trade are cancellations, taken from ahead of us with probability
 *   ahead^n/(ahead^n + behind^n) (hftbacktest's power probability queue model, n = `queuePower`); if our
 *   price leaves the book's visible range on the far side, its queue is unknown and only trades through fill.
 */
export type FillModel = 'midCross' | 'tradeThrough' | 'queue';

export interface BacktestConfig {
  readonly strategy: Strategy;
  readonly fill: FillModel;
  /** Order size, base units (rounded down to the lot). */
  readonly orderSize: number;
  readonly tickSize: number;
  readonly lotSize?: number;
  /** Re-quote every this many ms; 0 = on every book update. */
  readonly refreshMs: number;
  /**
   * Market data and our fills reach the strategy this long after their exchange time (ms; constant, sampled
   * per row and per fill, or `'recorded'`: each book row at its recorded local receive time). A decision at t
   * sees the rows that arrived by t (in order), the fills notified by t, and the calibration in force at t
   * minus the latency of the newest row it has.
   */
  readonly feedLatencyMs?: FeedLatencySpec;
  /** An order sent at t rests in the exchange book from t + entry latency (ms; constant or sampled per order). */
  readonly entryLatencyMs?: LatencySpec;
  /**
   * A cancel sent at t takes effect at t + cancel latency (ms; constant or sampled per cancel); the order can
   * fill until then. Default: the entry latency's spec.
   */
  readonly cancelLatencyMs?: LatencySpec;
  /** Fees as a fraction of notional; negative = rebate. */
  readonly makerFee?: number;
  readonly takerFee?: number;
  /** Largest |inventory|, base units: a side whose fill would exceed it is not quoted. */
  readonly maxPosition?: number;
  readonly queuePower?: number;
  /** σ, A, k over time (values strictly before each time); the value in force at t − feed latency is used. */
  readonly calibration?: RollingCalibration;
  /** Values used before the first calibration window (or without a calibration). */
  readonly fallback?: { readonly sigmaPerSqrtSec: number; readonly aPerSec: number; readonly kPerPrice: number };
  /** Record the series at every decision (default true). */
  readonly recordSeries?: boolean;
}

/** One fill of one of our orders. `side` +1: our bid filled (we bought); −1: our ask filled (we sold). */
export interface Fills {
  readonly tsMs: Float64Array;
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly qty: Float64Array;
  readonly fee: Float64Array;
  /** Mid of the book in force when the fill happened. */
  readonly midPx: Float64Array;
  /** When the filled order was sent (decision time), ms. */
  readonly sentMs: Float64Array;
  readonly maker: Uint8Array;
}

/** The series at each decision: what the strategy saw and did, and the account marked to the current mid. */
export interface BacktestSeries {
  readonly tMs: Float64Array;
  /** Mid of the book in force at t (not delayed), for marking. */
  readonly midPx: Float64Array;
  readonly reservationPx: Float64Array;
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  /** Inventory, base units, at t. */
  readonly inventory: Float64Array;
  readonly cash: Float64Array;
  /** cash + inventory × mid. */
  readonly equity: Float64Array;
}

export interface BacktestResult {
  readonly config: Omit<BacktestConfig, 'strategy' | 'calibration'> & { readonly strategy: string };
  readonly series: BacktestSeries;
  readonly fills: Fills;
  readonly finalInventory: number;
  readonly finalCash: number;
  readonly finalMidPx: number;
  readonly events: number;
  readonly decisions: number;
  /** Notes such as "fills from inferred executions". */
  readonly notes: readonly string[];
}

/** One of our orders (one per side at most, plus one pending replacement). */
interface Order {
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

const newOrder = (): Order => ({ px: NaN, remaining: 0, activeMs: Infinity, cancelMs: Infinity, sentMs: NaN, ahead: 0, lastShown: 0, queued: false });

/**
 * Displayed size at price px on one side of book row r (0 when inside the visible range but absent; Infinity
 * beyond it). `bid`: the side's prices fall with the level (bids), else rise (asks).
 */
function shownAt(prices: readonly Float64Array[], sizes: readonly Float64Array[], depth: number, bid: boolean, px: number, r: number, eps: number): number {
  for (let l = 0; l < depth; l++) {
    const p = prices[l][r];
    if (Number.isNaN(p)) return 0;
    if (Math.abs(p - px) <= eps) return sizes[l][r];
    if (bid ? p < px : p > px) return 0; // our price is better than this level: a gap in the book
  }
  return Infinity;
}

/**
 * The exchange side of the replay: our resting and pending orders, how market events fill them, and the
 * account and fills they produce. Its state lives in fields (not in variables captured by closures), so the
 * hot loop stores numbers in place instead of boxing them.
 */
class Desk {
  /** index 0 = our bid, 1 = our ask */
  readonly live: Order[] = [newOrder(), newOrder()];
  readonly pending: Order[] = [newOrder(), newOrder()];
  inventory = 0;
  cash = 0;
  /** book row in force at the current event time */
  row = -1;
  /** the earliest pending cancel or activation (transitions are skipped until then) */
  nextTransitionMs = Infinity;
  /** queue model: the deepest visible bid (lowest) and ask (highest) price of each book row (NaN if a level is) */
  private readonly deepestBid: Float64Array;
  private readonly deepestAsk: Float64Array;
  readonly fTs = new Float64ColumnBuilder(1024);
  readonly fSide = new Int8ColumnBuilder(1024);
  readonly fPx = new Float64ColumnBuilder(1024);
  readonly fQty = new Float64ColumnBuilder(1024);
  readonly fFee = new Float64ColumnBuilder(1024);
  readonly fMid = new Float64ColumnBuilder(1024);
  readonly fSent = new Float64ColumnBuilder(1024);
  readonly fMaker = new Int8ColumnBuilder(1024);
  /** book row in force at each fill */
  readonly fRow: number[] = [];
  /**
   * Per side, the price of the last order that filled completely and the index of the fill that completed it
   * (−1: none, or already acted on): until that fill's notice reaches the strategy, it still believes the
   * order rests there.
   */
  readonly completedPx = new Float64Array(2);
  readonly completedFill = Int32Array.of(-1, -1);
  readonly bid0: Float64Array;
  readonly ask0: Float64Array;
  private readonly bidPx: readonly Float64Array[];
  private readonly askPx: readonly Float64Array[];
  private readonly bidSz: readonly Float64Array[];
  private readonly askSz: readonly Float64Array[];
  private readonly depth: number;
  private readonly tradeSide: Int8Array;
  private readonly tradePx: Float64Array;
  private readonly tradeSz: Float64Array;
  private readonly isMidCross: boolean;
  private readonly isTradeThrough: boolean;
  private readonly isQueue: boolean;

  constructor(
    book: BookTable,
    trades: TradeTable | undefined,
    model: FillModel,
    private readonly eps: number,
    private readonly makerFee: number,
    private readonly takerFee: number,
    private readonly power: number,
  ) {
    this.bid0 = book.bidPx[0];
    this.ask0 = book.askPx[0];
    this.bidPx = book.bidPx;
    this.askPx = book.askPx;
    this.bidSz = book.bidSz;
    this.askSz = book.askSz;
    this.depth = book.depth;
    this.tradeSide = trades?.side ?? new Int8Array(0);
    this.tradePx = trades?.px ?? new Float64Array(0);
    this.tradeSz = trades?.sz ?? new Float64Array(0);
    this.isMidCross = model === 'midCross';
    this.isTradeThrough = model === 'tradeThrough';
    this.isQueue = model === 'queue';
    // queue model: the deepest visible price of each side per row, in one pass over the level columns
    const n = this.isQueue ? book.tsMs.length : 0;
    this.deepestBid = new Float64Array(n);
    this.deepestAsk = new Float64Array(n);
    if (n > 0) {
      this.deepestBid.set(book.bidPx[0]);
      this.deepestAsk.set(book.askPx[0]);
      for (let l = 1; l < book.depth; l++) {
        const bids = book.bidPx[l];
        const asks = book.askPx[l];
        const floor = this.deepestBid;
        const ceil = this.deepestAsk;
        // as Math.min/Math.max (a NaN level makes the row's value NaN), without their call overhead
        for (let i = 0; i < n; i++) {
          const b = bids[i];
          const f = floor[i];
          floor[i] = b < f || b !== b ? b : f;
          const a = asks[i];
          const c = ceil[i];
          ceil[i] = a > c || a !== a ? a : c;
        }
      }
    }
  }

  /** Books an execution of `qty` (at most what remains) of order `o` at `px`; maker or taker fee. */
  private execute(o: Order, sideIdx: number, px: number, qty: number, t: number, maker: boolean): void {
    const q = Math.min(qty, o.remaining);
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
    this.fTs.push(t);
    this.fSide.push(sideIdx === 0 ? 1 : -1);
    this.fPx.push(px);
    this.fQty.push(q);
    this.fFee.push(fee);
    this.fMid.push(row >= 0 ? 0.5 * (this.bid0[row] + this.ask0[row]) : NaN);
    this.fSent.push(o.sentMs);
    this.fMaker.push(maker ? 1 : 0);
    this.fRow.push(row);
    if (o.remaining <= 1e-12) {
      this.completedPx[sideIdx] = o.px;
      this.completedFill[sideIdx] = this.fTs.length - 1;
      o.remaining = 0;
      o.px = NaN;
    }
  }

  /** The feed latency of the book row in force when fill f happened (0 before the first row). */
  rowLagAtFill(f: number, arrival: Float64Array, bookTs: Float64Array): number {
    const r = this.fRow[f];
    return r >= 0 ? arrival[r] - bookTs[r] : 0;
  }

  /**
   * Displayed size at price px on our side `sideIdx` in book row r (see `shownAt`). Quotes often sit beyond
   * the visible levels, where the answer is Infinity after a scan of every level, several times per row (each
   * side on the book update and on each order's arrival). So the row's deepest visible price of each side is
   * looked up first: px more than eps beyond it (deepest bid − px > eps; px − deepest ask > eps) means every
   * level is, which is exactly when the scan would answer Infinity (a NaN level fails the test, and the scan
   * decides). Needs eps > 0.
   */
  private shown(sideIdx: number, px: number, r: number): number {
    const eps = this.eps;
    if (sideIdx === 0) return this.deepestBid[r] - px > eps && eps > 0 ? Infinity : shownAt(this.bidPx, this.bidSz, this.depth, true, px, r, eps);
    return px - this.deepestAsk[r] > eps && eps > 0 ? Infinity : shownAt(this.askPx, this.askSz, this.depth, false, px, r, eps);
  }

  private joinQueue(o: Order, sideIdx: number): void {
    o.queued = true;
    const row = this.row;
    if (row < 0) {
      o.ahead = 0;
      o.lastShown = 0;
      return;
    }
    const shown = this.shown(sideIdx, o.px, row);
    o.ahead = shown;
    o.lastShown = shown;
  }

  /** Order transitions due by time t: cancels take effect, pending orders start resting. */
  transitions(t: number): void {
    if (t < this.nextTransitionMs) return;
    const live = this.live;
    const pending = this.pending;
    const eps = this.eps;
    const row = this.row;
    for (let k = 0; k < 2; k++) {
      const o = live[k];
      if (o.cancelMs <= t) {
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
          o.px = NaN;
          o.remaining = 0;
          o.activeMs = Infinity;
          o.cancelMs = Infinity;
          if (!Number.isNaN(p.px) && row >= 0) {
            // marketable on arrival (our bid at or above the best ask, or ask at or below the best bid): takes
            // the opposite touch as a taker, up to its displayed size; the rest rests
            const opposite = k === 0 ? this.ask0[row] : this.bid0[row];
            if (k === 0 ? p.px >= opposite - eps : p.px <= opposite + eps) this.execute(p, k, opposite, k === 0 ? this.askSz[0][row] : this.bidSz[0][row], t, false);
          }
          if (this.isQueue && !Number.isNaN(p.px)) this.joinQueue(p, k);
        }
      }
    }
    this.recomputeNextTransition();
  }

  recomputeNextTransition(): void {
    const live = this.live;
    const pending = this.pending;
    this.nextTransitionMs = Math.min(live[0].cancelMs, live[1].cancelMs, pending[0].activeMs, pending[1].activeMs);
  }

  /** Book row r (stamped t) comes into force; our resting orders fill or move in their queue. */
  onBook(r: number, t: number): void {
    this.row = r;
    if (this.isMidCross) {
      const mid = 0.5 * (this.bid0[r] + this.ask0[r]);
      for (let k = 0; k < 2; k++) {
        const o = this.live[k];
        if (Number.isNaN(o.px) || o.remaining <= 0) continue;
        if (k === 0 ? mid <= o.px + this.eps : mid >= o.px - this.eps) this.execute(o, k, o.px, o.remaining, t, true);
      }
    } else if (this.isQueue) {
      this.onBookQueue(0, r, t);
      this.onBookQueue(1, r, t);
    }
  }

  /** queue model: our order on side k against book row r */
  private onBookQueue(k: number, r: number, t: number): void {
    const o = this.live[k];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const eps = this.eps;
    // the opposite side reached our price: we were taken
    if (k === 0 ? this.ask0[r] <= o.px + eps : this.bid0[r] >= o.px - eps) {
      this.execute(o, k, o.px, o.remaining, t, true);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    const best = k === 0 ? this.bid0[r] : this.ask0[r];
    if (k === 0 ? o.px > best + eps : o.px < best - eps) {
      o.ahead = 0; // we are the best price alone
      o.lastShown = 0;
      return;
    }
    const shown = this.shown(k, o.px, r);
    if (shown === Infinity) return; // beyond the visible book: queue unknown
    const decrease = o.lastShown - shown;
    if (decrease > 0 && o.ahead > 0) {
      const power = this.power;
      const behind = Math.max(0, o.lastShown - o.ahead);
      const a = power === 2 ? o.ahead * o.ahead : Math.pow(o.ahead, power);
      const b = power === 2 ? behind * behind : Math.pow(behind, power);
      o.ahead = Math.max(0, o.ahead - (decrease * a) / (a + b));
    }
    if (o.ahead > shown) o.ahead = shown;
    o.lastShown = shown;
  }

  /** Trade j (stamped t) prints; it may fill our order on the side it hits. */
  onTrade(j: number, t: number): void {
    if (this.isMidCross) return;
    const side = this.tradeSide[j];
    const k = side < 0 ? 0 : 1; // sells hit bids (ours is live[0]); buys lift asks
    const o = this.live[k];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const px = this.tradePx[j];
    const eps = this.eps;
    const through = k === 0 ? px < o.px - eps : px > o.px + eps;
    const at = Math.abs(px - o.px) <= eps;
    if (!through && !at) return;
    if (this.isTradeThrough) {
      this.execute(o, k, o.px, this.tradeSz[j], t, true);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    if (through) {
      this.execute(o, k, o.px, o.remaining, t, true);
      return;
    }
    const sz = this.tradeSz[j];
    const beyondQueue = sz - o.ahead;
    o.ahead = Math.max(0, o.ahead - sz);
    if (o.lastShown !== Infinity) o.lastShown = Math.max(0, o.lastShown - sz);
    if (beyondQueue > 0) this.execute(o, k, o.px, beyondQueue, t, true);
  }
}

/**
 * Number of decisions the replay makes when the inputs are in time order: decision times run from the first
 * (arrival of the first book row) while they are at or before the last event. Exact for ordered inputs (the
 * series are then allocated once, at their final length); an upper bound otherwise.
 */
function expectedDecisionCount(arrival: Float64Array, refreshMs: number, lastTime: number): number {
  const nb = arrival.length;
  if (refreshMs > 0) {
    // the same additions as the replay's clock
    let n = 0;
    for (let d = arrival[0]; d <= lastTime; d += refreshMs) n++;
    return n;
  }
  let n = nb;
  while (n > 0 && !(arrival[n - 1] <= lastTime)) n--;
  return n;
}

/**
 * Replays books and trades through a strategy. Events are processed in exchange-time order; at equal
 * timestamps book rows come before trades (the book in force when a trade prints is the one stamped at or
 * before it, as in `estimate/`). Decisions happen at book time + feed latency (refreshMs 0) or every
 * refreshMs; each sees the book stamped ≤ t − feed latency, its fills up to then and the calibration in force
 * then; quotes are rounded outward to the tick (bid down, ask up), sizes down to the lot. A changed quote
 * cancels the resting order (effective after the cancel latency) and sends a new one (resting after the entry
 * latency; a replacement rests once the order it replaces is gone); an unchanged quote keeps its order and
 * queue place. Fills are maker fills at our price, except an order marketable on arrival, which takes the
 * opposite touch as a taker (taker fee).
 */
export function runBacktest(book: BookTable, trades: TradeTable | undefined, config: BacktestConfig): BacktestResult {
  const nb = book.tsMs.length;
  if (nb === 0) throw new Error('runBacktest: empty book');
  const bookTs = book.tsMs;
  const bid0 = book.bidPx[0];
  const ask0 = book.askPx[0];
  const nt = trades ? trades.tsMs.length : 0;
  const tradeTs = trades?.tsMs ?? new Float64Array(0);
  const tick = config.tickSize;
  const lot = config.lotSize ?? 0;
  const size = lot > 0 ? Math.floor(config.orderSize / lot + 1e-9) * lot : config.orderSize;
  const feedSpec = config.feedLatencyMs ?? 0;
  const entrySpec = config.entryLatencyMs ?? 0;
  // when each book row reaches the strategy; own fills are notified with a latency drawn like the feed's
  // (as recorded: the latency of the row in force when the fill happened)
  const arrival = feedArrivalTimes(book, feedSpec);
  const fillNoticeLatency = feedSpec === 'recorded' ? undefined : latencySampler(feedSpec, 'fills');
  const entryLatency = latencySampler(entrySpec, 'entry');
  const cancelLatency = latencySampler(config.cancelLatencyMs ?? entrySpec, 'cancel');
  const maxPos = config.maxPosition ?? Infinity;
  const model = config.fill;
  const record = config.recordSeries ?? true;
  const refreshMs = config.refreshMs;
  const cal = config.calibration;
  const fallback = config.fallback ?? { sigmaPerSqrtSec: NaN, aPerSec: NaN, kPerPrice: NaN };
  const eps = tick * 1e-6;
  const strategy = config.strategy;
  const needSigma = strategy.requires.includes('sigma');
  const needA = strategy.requires.includes('a');
  const needK = strategy.requires.includes('k');
  const desk = new Desk(book, trades, model, eps, config.makerFee ?? 0, config.takerFee ?? 0, config.queuePower ?? 2);
  const live = desk.live;
  const pending = desk.pending;

  // decisions
  let feedRow = -1;
  let knownFill = 0;
  let knownInventory = 0;
  let noticedFills = 0; // fills whose notice time has been drawn
  let lastNoticeMs = -Infinity;
  const fillNoticeMs: number[] = [];
  let calIdx = -1;
  const calT = cal?.tMs;
  const calSigma = cal?.sigmaPricePerSqrtSec;
  const calA = cal?.aPooledPerSec;
  const calK = cal?.kPooledPerPrice;
  const firstDecision = arrival[0];
  let decisionIdx = 0; // refreshMs 0: book row whose arrival triggers the next decision
  let nextDecision = firstDecision;
  const lastTime = Math.max(bookTs[nb - 1], nt > 0 ? tradeTs[nt - 1] : -Infinity);
  let decisions = 0;

  // series columns, allocated at the number of decisions (grown if the inputs are out of order)
  let capacity = config.recordSeries === false ? 0 : expectedDecisionCount(arrival, refreshMs, lastTime);
  let sT: Float64Array = new Float64Array(capacity);
  let sMid: Float64Array = new Float64Array(capacity);
  let sR: Float64Array = new Float64Array(capacity);
  let sBid: Float64Array = new Float64Array(capacity);
  let sAsk: Float64Array = new Float64Array(capacity);
  let sInv: Float64Array = new Float64Array(capacity);
  let sCash: Float64Array = new Float64Array(capacity);
  let sEq: Float64Array = new Float64Array(capacity);
  let rec = 0;

  // one context and one quotes object, refilled per decision (no allocation on the hot path)
  const context = { tMs: 0, midPx: 0, bestBidPx: 0, bestAskPx: 0, q: 0, sigmaPerSqrtSec: 0, aPerSec: 0, kPerPrice: 0, elapsedSec: 0 };
  const quoteInto = strategy.quoteInto !== undefined;
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };

  // Merged replay. For each event at time t: the decisions due strictly before t, each after the order
  // transitions due by then (pass 0); the transitions due by t and the event itself; then the decisions at
  // exactly t once no other event is stamped t (pass 1: a decision at the same time follows the event it
  // reacts to).
  let i = 0;
  let j = 0;
  let events = 0;
  while (i < nb || j < nt) {
    const bookNext = i < nb ? bookTs[i] : Infinity;
    const tradeNext = j < nt ? tradeTs[j] : Infinity;
    const isBook = bookNext <= tradeNext;
    const t = isBook ? bookNext : tradeNext;
    let pass = 0;
    for (;;) {
      if (pass === 0) {
        if (!(nextDecision < t)) {
          if (!(t < desk.nextTransitionMs)) desk.transitions(t);
          if (isBook) desk.onBook(i++, t);
          else desk.onTrade(j++, t);
          events++;
          pass = 1;
          continue;
        }
        if (!(nextDecision < desk.nextTransitionMs)) desk.transitions(nextDecision);
      } else if (!(nextDecision === t && (isBook ? (i >= nb || bookTs[i] > t) && (j >= nt || tradeTs[j] > t) : j >= nt || tradeTs[j] > t))) {
        break;
      }

      // the decision at d
      const d = nextDecision;
      decisions++;
      while (feedRow + 1 < nb && arrival[feedRow + 1] <= d) feedRow++;
      if (knownFill < desk.fTs.length) {
        const fTs = desk.fTs.array;
        const fSide = desk.fSide.array;
        const fQty = desk.fQty.array;
        // notice times of new fills, in order (a notice never overtakes an earlier one)
        for (; noticedFills < desk.fTs.length; noticedFills++) {
          const lag = fillNoticeLatency ? fillNoticeLatency() : desk.rowLagAtFill(noticedFills, arrival, bookTs);
          lastNoticeMs = Math.max(lastNoticeMs, fTs[noticedFills] + lag);
          fillNoticeMs.push(lastNoticeMs);
        }
        while (knownFill < desk.fTs.length && fillNoticeMs[knownFill] <= d) {
          knownInventory += fSide[knownFill] * fQty[knownFill];
          knownFill++;
        }
      }
      // the calibration in force at the exchange time the strategy has reached: d minus the newest row's latency
      // (capped at the next row's stamp: a row stamped earlier but still in flight must not enter it)
      const lagged = feedRow >= 0 ? d - (arrival[feedRow] - bookTs[feedRow]) : d - (arrival[0] - bookTs[0]);
      const seen = feedRow + 1 < nb && bookTs[feedRow + 1] < lagged ? bookTs[feedRow + 1] : lagged;
      if (calT) while (calIdx + 1 < calT.length && calT[calIdx + 1] <= seen) calIdx++;
      const sigma = calIdx >= 0 && calSigma ? calSigma[calIdx] : fallback.sigmaPerSqrtSec;
      const aRate = calIdx >= 0 && calA ? calA[calIdx] : fallback.aPerSec;
      const kDecay = calIdx >= 0 && calK ? calK[calIdx] : fallback.kPerPrice;
      const row = desk.row;
      const markMid = row >= 0 ? 0.5 * (bid0[row] + ask0[row]) : NaN;
      let bidPx = NaN;
      let askPx = NaN;
      let reservation = NaN;
      const ready = (needSigma === false || !Number.isNaN(sigma)) && (needA === false || !Number.isNaN(aRate)) && (needK === false || !Number.isNaN(kDecay));
      if (feedRow >= 0 && ready) {
        const bb = bid0[feedRow];
        const ba = ask0[feedRow];
        context.tMs = d;
        context.midPx = 0.5 * (bb + ba);
        context.bestBidPx = bb;
        context.bestAskPx = ba;
        context.q = knownInventory / size;
        context.sigmaPerSqrtSec = sigma;
        context.aPerSec = aRate;
        context.kPerPrice = kDecay;
        context.elapsedSec = (d - firstDecision) / 1000;
        let quotes: Quotes = out;
        if (quoteInto) strategy.quoteInto!(context, out);
        else quotes = strategy.quote(context);
        reservation = quotes.reservationPx;
        bidPx = Math.floor(quotes.bidPx / tick + 1e-9) * tick;
        askPx = Math.ceil(quotes.askPx / tick - 1e-9) * tick;
        if (knownInventory + size > maxPos + 1e-12) bidPx = NaN;
        if (knownInventory - size < -maxPos - 1e-12) askPx = NaN;
        if (!(bidPx < askPx)) {
          if (!Number.isNaN(bidPx) && !Number.isNaN(askPx)) {
            bidPx = NaN;
            askPx = NaN;
          }
        }
      }
      for (let k = 0; k < 2; k++) {
        const want = k === 0 ? bidPx : askPx;
        const o = live[k];
        const p = pending[k];
        let current = p.activeMs !== Infinity ? p.px : o.px;
        let resting = p.activeMs !== Infinity || o.remaining > 0;
        if (!resting && desk.completedFill[k] >= knownFill) {
          // filled, but the notice has not reached the strategy: to it, the order still rests at its price
          current = desk.completedPx[k];
          resting = true;
        }
        const same = !Number.isNaN(want) && Math.abs(current - want) <= eps && resting;
        if (same) continue;
        desk.completedFill[k] = -1; // the strategy replaces or cancels what it believes rests there
        if (!Number.isNaN(o.px) && o.cancelMs === Infinity) o.cancelMs = d + cancelLatency();
        if (Number.isNaN(want)) {
          p.activeMs = Infinity;
          p.px = NaN;
          continue;
        }
        p.px = want;
        p.remaining = size;
        p.activeMs = d + entryLatency();
        p.cancelMs = Infinity;
        p.sentMs = d;
        p.queued = false;
      }
      desk.recomputeNextTransition();
      if (record) {
        if (rec === capacity) {
          capacity = Math.max(16, capacity * 2);
          sT = grown(sT, capacity);
          sMid = grown(sMid, capacity);
          sR = grown(sR, capacity);
          sBid = grown(sBid, capacity);
          sAsk = grown(sAsk, capacity);
          sInv = grown(sInv, capacity);
          sCash = grown(sCash, capacity);
          sEq = grown(sEq, capacity);
        }
        const inventory = desk.inventory;
        const cash = desk.cash;
        sT[rec] = d;
        sMid[rec] = markMid;
        sR[rec] = reservation;
        sBid[rec] = bidPx;
        sAsk[rec] = askPx;
        sInv[rec] = inventory;
        sCash[rec] = cash;
        sEq[rec] = cash + inventory * markMid;
        rec++;
      }

      // the next decision
      if (refreshMs > 0) nextDecision += refreshMs;
      else {
        decisionIdx++;
        nextDecision = decisionIdx < nb ? arrival[decisionIdx] : Infinity;
      }
      if (nextDecision > lastTime) nextDecision = Infinity;
    }
  }
  return backtestResult(config, nt, desk, events, decisions, rec, [sT, sMid, sR, sBid, sAsk, sInv, sCash, sEq]);
}

/**
 * The result of a replay (out of line: the replay's optimised loop never runs into code it has no type
 * feedback for, which would throw the optimised code away at the end of every run).
 */
function backtestResult(config: BacktestConfig, nt: number, desk: Desk, events: number, decisions: number, rec: number, columns: Float64Array[]): BacktestResult {
  const [sT, sMid, sR, sBid, sAsk, sInv, sCash, sEq] = columns;
  const row = desk.row;
  const finalMid = row >= 0 ? 0.5 * (desk.bid0[row] + desk.ask0[row]) : NaN;
  const notes: string[] = [];
  const model = config.fill;
  if (model !== 'midCross' && nt === 0) notes.push(`fill model ${model} without trades: no fill can happen (use executions inferred from the book)`);
  return {
    config: { ...config, strategy: config.strategy.name, calibration: undefined } as BacktestResult['config'],
    series: {
      tMs: trimmed(sT, rec),
      midPx: trimmed(sMid, rec),
      reservationPx: trimmed(sR, rec),
      bidPx: trimmed(sBid, rec),
      askPx: trimmed(sAsk, rec),
      inventory: trimmed(sInv, rec),
      cash: trimmed(sCash, rec),
      equity: trimmed(sEq, rec),
    },
    fills: {
      tsMs: desk.fTs.finish(),
      side: desk.fSide.finish(),
      px: desk.fPx.finish(),
      qty: desk.fQty.finish(),
      fee: desk.fFee.finish(),
      midPx: desk.fMid.finish(),
      sentMs: desk.fSent.finish(),
      maker: Uint8Array.from(desk.fMaker.finish()),
    },
    finalInventory: desk.inventory,
    finalCash: desk.cash,
    finalMidPx: finalMid,
    events,
    decisions,
    notes,
  };
}

/** A copy of `a` with room for `capacity` values. */
function grown(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

/** The first n values of `a`: `a` itself when it holds exactly n (the usual case), else an exact-length copy. */
function trimmed(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.slice(0, n);
}
