import { withCapacity } from '../data/columnBuilder.js';
import { describeMasks, maskSummary, mergeMasks, type MaskedInterval, type MaskSummary } from '../data/masks.js';
import { lowerBound } from '../data/search.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { MutableQuotes, Quotes } from '../model/types.js';
import { backtestExecutions, inferredFillsNote } from './executions.js';
import { feedArrivalStream } from './feedArrival.js';
import { constantLatencyMs, latencySampler, type FeedLatencySpec, type LatencySpec } from './latency.js';
import { DEFAULT_QUEUE_MODEL, frontAfterDecrease, queueProbability, type QueueProbability } from './queueModels.js';
import type { Strategy } from './strategy.js';
import type { BacktestConfig, BacktestResult, BacktestSeries, FillModel, Fills } from './types.js';

/** Indices into `FILL_CAUSES` (types.ts), as stored in `Fills.cause`. */
const CAUSE_TRADE_AT = 0;
const CAUSE_TRADE_THROUGH = 1;
const CAUSE_BOOK_CROSS = 2;
const CAUSE_MARKETABLE = 3;
const CAUSE_MID_CROSS = 4;

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

/**
 * The fills as they happen: one column per field of `Fills`, plus the book row in force and the time the
 * strategy learns of each fill. All columns share one capacity, doubled together (by `withCapacity`, the one
 * growth step of data/columnBuilder.ts), and are written in place.
 *
 * Kept as its own class rather than eleven `ColumnBuilder`s for speed: the replay's hot loop writes
 * `fills.px[i] = …` straight into monomorphic typed-array fields after one `reserve()`, and later updates
 * fills in place (`noticeMs`), which a push-only builder would route through a shared, polymorphic `push`.
 */
class FillColumns {
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
const NO_VALUES = new Float64Array(0);
const NO_SIDES = new Int8Array(0);

const newOrder = (): Order => ({ px: NaN, remaining: 0, activeMs: Infinity, cancelMs: Infinity, sentMs: NaN, ahead: 0, lastShown: 0, queued: false });

/**
 * The exchange side of the replay: our resting and pending orders, how market events fill them, and the
 * account and fills they produce. Its state lives in fields (not in variables captured by closures), so the
 * hot loop stores numbers in place instead of boxing them; and the methods called per event that V8 does not
 * inline take indices (small integers), never prices or times: V8 passes a fractional number to such a call as
 * a new heap object, and one such call per event made the replay allocate tens of MB per million events.
 * Number fields are declared with a number (never left undefined until the constructor): V8 then stores them
 * as numbers in place, where a field that started undefined holds a heap object per value; array fields
 * likewise start as an array.
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
  /**
   * Per side, the price of the last order that filled completely and the index of the fill that completed it
   * (−1: none, or already acted on): until that fill's notice reaches the strategy, it still believes the
   * order rests there.
   */
  readonly completedPx = new Float64Array(2);
  readonly completedFill = Int32Array.of(-1, -1);
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

  constructor(model: FillModel, eps: number, makerFee: number, takerFee: number, queueProb: QueueProbability) {
    this.eps = eps;
    this.makerFee = makerFee;
    this.takerFee = takerFee;
    this.queueProb = queueProb;
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
  }

  /**
   * The execution `execute` books next: price, quantity (at most what remains is filled) and time. Fields set
   * by the caller, not arguments (see the class comment).
   */
  private fillPx = NaN;
  private fillQty = NaN;
  private fillMs = NaN;
  /** index into FILL_CAUSES */
  private fillCause = 0;
  /** `scanShown`'s answer (a field for the same reason). */
  private shownSize = NaN;

  /** Books the execution in fillPx, fillQty, fillMs of order `o`; maker or taker fee. */
  private execute(o: Order, sideIdx: number, maker: boolean): void {
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
    if (o.remaining <= 1e-12) {
      this.completedPx[sideIdx] = o.px;
      this.completedFill[sideIdx] = f.length - 1;
      o.remaining = 0;
      o.px = NaN;
    }
  }

  /** A maker fill of all that remains of order `o`, at its price, at time fillMs. */
  private executeRest(o: Order, sideIdx: number): void {
    this.fillPx = o.px;
    this.fillQty = o.remaining;
    this.execute(o, sideIdx, true);
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
        return;
      }
      if (Number.isNaN(p) || (bid ? p < px : p > px)) {
        // a missing level, or our price is better than this level: a gap in the book
        this.shownSize = 0;
        return;
      }
    }
    this.shownSize = Infinity;
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
  }

  /**
   * A masked interval begins: every order, resting or on its way, is withdrawn at once (the book is invalid,
   * so nothing can be known to fill). The strategy learns of it as of a cancel it sent: what it believes
   * rests is dropped too.
   */
  pullAll(): void {
    for (let k = 0; k < 2; k++) {
      for (const o of [this.live[k], this.pending[k]]) {
        o.px = NaN;
        o.remaining = 0;
        o.activeMs = Infinity;
        o.cancelMs = Infinity;
        o.queued = false;
      }
      this.completedFill[k] = -1;
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
            if (k === 0 ? p.px >= opposite - eps : p.px <= opposite + eps) {
              this.fillPx = opposite;
              this.fillQty = k === 0 ? this.askSz[0][row] : this.bidSz[0][row];
              this.fillMs = t;
              this.fillCause = CAUSE_MARKETABLE;
              this.execute(p, k, false);
            }
          }
          if (this.isQueue && !Number.isNaN(p.px)) this.joinQueue(p, k);
        }
      }
    }
    this.recomputeNextTransition();
  }

  private recomputeNextTransition(): void {
    const live = this.live;
    const pending = this.pending;
    this.nextTransitionMs = Math.min(live[0].cancelMs, live[1].cancelMs, pending[0].activeMs, pending[1].activeMs);
  }

  /** Book row r comes into force; our resting orders fill or move in their queue. */
  onBook(r: number): void {
    this.row = r;
    if (this.isMidCross) {
      const t = this.bookTs[r];
      const mid = 0.5 * (this.bid0[r] + this.ask0[r]);
      for (let k = 0; k < 2; k++) {
        const o = this.live[k];
        if (Number.isNaN(o.px) || o.remaining <= 0) continue;
        if (k === 0 ? mid <= o.px + this.eps : mid >= o.px - this.eps) {
          this.fillMs = t;
          this.fillCause = CAUSE_MID_CROSS;
          this.executeRest(o, k);
        }
      }
    } else if (this.isQueue) {
      // An order already queued beyond the visible book, which the opposite side has not reached, stays as it
      // is (the common case for wide quotes): decided here, without the call that would find nothing to do.
      const eps = this.eps;
      const b = this.live[0];
      if (!(b.queued && this.ask0[r] > b.px + eps && this.beyondVisible(0, b.px, r))) this.onBookQueue(0, r);
      const a = this.live[1];
      if (!(a.queued && this.bid0[r] < a.px - eps && this.beyondVisible(1, a.px, r))) this.onBookQueue(1, r);
    }
  }

  /** queue model: our order on side k against book row r */
  private onBookQueue(k: number, r: number): void {
    const o = this.live[k];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const eps = this.eps;
    // the opposite side reached our price: we were taken
    if (k === 0 ? this.ask0[r] <= o.px + eps : this.bid0[r] >= o.px - eps) {
      this.fillMs = this.bookTs[r];
      this.fillCause = CAUSE_BOOK_CROSS;
      this.executeRest(o, k);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    const best = k === 0 ? this.bid0[r] : this.ask0[r];
    if (k === 0 ? o.px > best + eps : o.px < best - eps) {
      o.ahead = 0; // we are the best price alone
      o.lastShown = 0;
      return;
    }
    if (this.beyondVisible(k, o.px, r)) return; // beyond the visible book: queue unknown
    this.scanShown(k, o, r);
    const shown = this.shownSize;
    if (shown === Infinity) return;
    const decrease = o.lastShown - shown;
    if (decrease > 0 && o.ahead > 0) o.ahead = frontAfterDecrease(o.ahead, o.lastShown, decrease, this.queueProb);
    if (o.ahead > shown) o.ahead = shown;
    o.lastShown = shown;
  }

  /**
   * Whether trade j prints at or through the price of our order on the side it hits (a sell at or below our
   * bid, a buy at or above our ask): the only trades `onTrade` acts on, checked first without its call.
   */
  tradeReaches(j: number): boolean {
    const eps = this.eps;
    const px = this.tradePx[j];
    return this.tradeSide[j] < 0 ? px <= this.live[0].px + eps : px >= this.live[1].px - eps;
  }

  /** Trade j prints; it may fill our order on the side it hits. */
  onTrade(j: number): void {
    if (this.isMidCross) return;
    const t = this.tradeTs[j];
    const side = this.tradeSide[j];
    const k = side < 0 ? 0 : 1; // sells hit bids (ours is live[0]); buys lift asks
    const o = this.live[k];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const px = this.tradePx[j];
    const eps = this.eps;
    const through = k === 0 ? px < o.px - eps : px > o.px + eps;
    const at = Math.abs(px - o.px) <= eps;
    if (!through && !at) return;
    this.fillCause = through ? CAUSE_TRADE_THROUGH : CAUSE_TRADE_AT;
    if (this.isTradeThrough) {
      this.fillPx = o.px;
      this.fillQty = this.tradeSz[j];
      this.fillMs = t;
      this.execute(o, k, true);
      return;
    }
    if (!o.queued) this.joinQueue(o, k);
    if (through) {
      this.fillMs = t;
      this.executeRest(o, k);
      return;
    }
    const sz = this.tradeSz[j];
    const beyondQueue = sz - o.ahead;
    o.ahead = Math.max(0, o.ahead - sz);
    if (o.lastShown !== Infinity) o.lastShown = Math.max(0, o.lastShown - sz);
    if (beyondQueue > 0) {
      this.fillPx = o.px;
      this.fillQty = beyondQueue;
      this.fillMs = t;
      this.execute(o, k, true);
    }
  }
}

/** Throws unless every time is finite and at or after the one before it (naming the first row that is not). */
function checkTimeOrder(table: string, ts: Float64Array): void {
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) throw new Error(`${table} tsMs must be finite: row ${i} is ${ts[i]}`);
    if (i > 0 && !(ts[i] >= ts[i - 1])) throw new Error(`${table} tsMs must be in time order: row ${i} is ${ts[i]}, after ${ts[i - 1]} (the replay merges the two streams by time)`);
  }
}

/**
 * At least the number of decisions the replay makes from its next one (`nextDecision`, and with refreshMs 0
 * the row `decisionIdx` whose arrival triggers it) up to `lastTime`, and exactly that number for inputs in time
 * order. The replay decides at a sequence of times (arrival times of the book rows in order, or multiples of
 * refreshMs added to the first decision, by the same additions as here) and stops at the first one after
 * `lastTime`; each is made at most once. So the count of that sequence's members up to `lastTime` bounds it.
 */
function maxDecisionCount(arrival: Float64Array, arrivalOffsetMs: number, refreshMs: number, lastTime: number, nextDecision: number, decisionIdx: number): number {
  if (!(nextDecision <= lastTime)) return 0;
  if (refreshMs > 0) {
    // the same additions as the replay's clock
    let n = 0;
    for (let d = nextDecision; d <= lastTime; d += refreshMs) n++;
    return n;
  }
  let n = arrival.length;
  while (n > decisionIdx && !(arrival[n - 1] + arrivalOffsetMs <= lastTime)) n--;
  return n - decisionIdx;
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
 * opposite touch as a taker (taker fee). Both tables must be in time order with finite times (as the loaders
 * guarantee; an error names the first row that is not), and book levels as the tables' contract orders them
 * (the loaders check it; the replay reads the deepest visible price from the last level).
 *
 * Without trades (books only), `tradeThrough` and `queue` fill on the executions inferred from the book
 * (`marketOrdersFromBook`, an approximation) and the result's notes say so; `backtestExecutions` infers them
 * once for many runs on the same book.
 */
export function runBacktest(book: BookTable, trades: TradeTable | undefined, config: BacktestConfig): BacktestResult {
  const nb = book.tsMs.length;
  if (nb === 0) throw new Error('runBacktest: empty book');
  if (!(config.tickSize > 0 && config.tickSize < Infinity)) throw new RangeError(`runBacktest: tickSize must be a positive number, got ${config.tickSize}`);
  const notes: string[] = [];
  if (trades === undefined && config.fill !== 'midCross' && nb >= 2) {
    trades = backtestExecutions(book, undefined, config.fill, config.tickSize).trades;
    notes.push(inferredFillsNote(config.fill));
  }
  // one chunk fed to the streamed replay: its rows are replayed in place (no copy)
  const replay = new BacktestReplay(config, { label: 'runBacktest', notes });
  replay.feed(book, trades);
  return replay.finish();
}

/** The calibration rows a streamed replay receives with a chunk (see `BacktestReplay.feed`). */
export type CalibrationRows = Pick<RollingCalibration, 'tMs' | 'sigmaPricePerSqrtSec' | 'aPooledPerSec' | 'kPooledPerPrice'>;

/**
 * A chunk replayed in two parts (`BacktestReplayOptions.bridgeRows`): its columns, where the second part starts
 * (book row and trade), and its arrival times (undefined with a constant feed latency).
 */
interface ContinuedSource {
  readonly book: BookTable;
  readonly trades: TradeTable | undefined;
  readonly arrival: Float64Array | undefined;
  readonly rowOffset: number;
  readonly tradeOffset: number;
}

/** Options of a streamed replay. */
export interface BacktestReplayOptions {
  /**
   * Receives the series in pieces, in decision order, after each chunk (and at `finish`), instead of the
   * result keeping it: the replay's memory then stays bounded by a chunk and the carried state. The result's
   * `series` is then empty; `streamedMetrics` computes the metrics from the pieces exactly as
   * `backtestMetrics` does from a whole series. The pieces' arrays are reused: copy what is kept.
   */
  readonly seriesSink?: (piece: BacktestSeries) => void;
  /**
   * A chunk of more than twice this many rows is replayed in two parts: its first `bridgeRows` rows joined to
   * the rows carried from the chunk before (a copy of a few thousand rows), then the rest in place, as views of
   * the chunk's own columns (no copy of the day). Default 8192; the result does not depend on it (tests set
   * it small to exercise both paths).
   */
  readonly bridgeRows?: number;
  /** Name in error messages (default "BacktestReplay"). */
  readonly label?: string;
  /** Notes the result starts with. */
  readonly notes?: readonly string[];
}

/**
 * A replay fed in chunks (e.g. one day partition after another), with the state carried across each boundary:
 * the book row in force and the strategy's newest row, resting and pending orders with their queue positions,
 * latency events in flight (orders on their way, cancels, fills not yet notified, rows not yet arrived: the
 * latency samplers continue their streams), inventory and cash, the masked interval in force, the calibration
 * in force, counters. The result equals `runBacktest` on the concatenated tables bit for bit (same fills,
 * series, PnL).
 *
 * How: events are replayed only while they are stamped before the last book row fed so far, the `horizon`.
 * Everything that depends on later data is then decided by data at hand, because a chunk's rows and trades are
 * stamped at or after the horizon of the chunks before it (checked): a decision before the horizon cannot see
 * a row of a later chunk (arrival ≥ stamp ≥ horizon), the events stamped at the horizon (book rows before
 * trades, then the decision at that time) wait for the next chunk, which may hold more of them. The rows
 * still referenced (the row in force, the strategy's newest row, the row whose arrival triggers the next
 * decision, rows of fills not yet notified) and the trades not yet replayed are carried into the next chunk's
 * arrays: a few rows, not the day. Masked intervals of a later chunk may extend the one in force, or start
 * after the time replayed (else an error: they cannot be applied backwards); calibration rows (`feed`'s
 * third argument) must come by the time they can be in force, i.e. every row stamped at or before the
 * chunk's last book row (as `StreamedRollingCalibration.feed` returns them).
 *
 * Not streamed: executions inferred from a book without trades (`tradeThrough`/`queue` on books only need
 * the trades of each chunk, e.g. `inferredTradeTable` per chunk, said in the notes), and the fills (kept
 * whole in the result: one row per fill, far fewer than rows or decisions).
 * @example
 * const replay = new BacktestReplay(config);
 * for await (const day of days) replay.feed(day.book, day.trades);
 * const result = replay.finish(); // === runBacktest(concat(books), concat(trades), config), bit for bit
 */
export class BacktestReplay {
  private readonly replay: Replay;
  private readonly config: BacktestConfig;
  private readonly options: BacktestReplayOptions;
  private readonly label: string;
  private readonly arrivalOf: ((book: BookTable) => Float64Array) | undefined;
  private readonly bookMasks: MaskedInterval[] = [];
  private readonly tradeMasks: MaskedInterval[] = [];
  private chunks = 0;
  private lastBookMs = -Infinity;
  private lastTradeMs = -Infinity;
  private totalRows = 0;
  private totalTrades = 0;
  private finished = false;

  constructor(config: BacktestConfig, options: BacktestReplayOptions = {}) {
    this.label = options.label ?? 'BacktestReplay';
    if (!(config.tickSize > 0 && config.tickSize < Infinity)) throw new RangeError(`${this.label}: tickSize must be a positive number, got ${config.tickSize}`);
    this.config = config;
    this.options = options;
    const feedSpec = config.feedLatencyMs ?? 0;
    this.arrivalOf = constantLatencyMs(feedSpec) >= 0 ? undefined : feedArrivalStream(feedSpec);
    this.replay = new Replay(config);
  }

  /** Book rows fed so far. */
  get rows(): number {
    return this.totalRows;
  }

  /**
   * The account as the replay stands (after the events replayed so far: those before the last book row fed),
   * for progress lines and per-day tables: inventory, cash, the mid of the book row in force, equity marked to
   * it, fills, events and decisions so far, and the time of the last event replayed (ms).
   */
  state(): { readonly inventory: number; readonly cash: number; readonly midPx: number; readonly equity: number; readonly fills: number; readonly events: number; readonly decisions: number; readonly lastEventMs: number } {
    const r = this.replay;
    const d = r.desk;
    const midPx = d.row >= 0 ? 0.5 * (d.bid0[d.row] + d.ask0[d.row]) : NaN;
    return { inventory: d.inventory, cash: d.cash, midPx, equity: d.cash + d.inventory * midPx, fills: d.fills.length, events: r.events, decisions: r.decisions, lastEventMs: r.lastEventMs };
  }

  /**
   * Replays the next chunk: book rows and trades (in time order, and stamped at or after the previous chunks'
   * last book row; a chunk may hold no rows or no trades), with the calibration rows that come into force
   * up to its last book row when the calibration is streamed (else `config.calibration` holds it whole).
   */
  feed(book: BookTable, trades?: TradeTable, calibration?: CalibrationRows): void {
    if (this.finished) throw new Error(`${this.label}: feed after finish`);
    const chunk = this.chunks++;
    const where = this.chunks > 1 ? ` (chunk ${chunk})` : '';
    checkTimeOrder(`${this.label}: book${where}`, book.tsMs);
    checkTimeOrder(`${this.label}: trades${where}`, trades?.tsMs ?? NO_VALUES);
    const horizon = this.lastBookMs;
    if (book.tsMs.length > 0 && book.tsMs[0] < horizon) throw new Error(`${this.label}: book${where} row 0 is ${book.tsMs[0]}, before the previous chunk's last row ${horizon}: chunks must follow each other in time`);
    if (trades && trades.tsMs.length > 0) {
      const floor = Math.max(horizon, this.lastTradeMs);
      if (trades.tsMs[0] < floor) throw new Error(`${this.label}: trades${where} row 0 is ${trades.tsMs[0]}, before ${floor} (the previous chunk's last ${floor === this.lastTradeMs ? 'trade' : 'book row'}): chunks must follow each other in time`);
    }
    if (calibration && this.config.calibration) throw new Error(`${this.label}: calibration rows fed with a chunk while config.calibration holds a whole calibration`);
    if (book.masked) this.bookMasks.push(...book.masked);
    if (trades?.masked) this.tradeMasks.push(...trades.masked);
    const r = this.replay;
    const arrival = this.arrivalOf ? this.arrivalOf(book) : undefined;
    r.setMasks(mergeMasks(this.bookMasks, this.tradeMasks), this.label);
    if (calibration) r.appendCalibration(calibration, this.label);
    const n = book.tsMs.length;
    const head = this.options.bridgeRows ?? 8192;
    if (this.totalRows > 0 && n > 2 * head) {
      // the head joined to the carried rows, replayed to its last row; then the rest in place
      const cut = trades ? lowerBound(trades.tsMs, book.tsMs[head]) : 0;
      const rows = (c: Float64Array) => c.subarray(0, head);
      const headBook: BookTable = { ...book, tsMs: rows(book.tsMs), localTsMs: book.localTsMs ? rows(book.localTsMs) : undefined, bidPx: book.bidPx.map(rows), bidSz: book.bidSz.map(rows), askPx: book.askPx.map(rows), askSz: book.askSz.map(rows) };
      const headTrades: TradeTable | undefined = trades ? { ...trades, tsMs: trades.tsMs.subarray(0, cut), id: trades.id.subarray(0, cut), side: trades.side.subarray(0, cut), px: trades.px.subarray(0, cut), sz: trades.sz.subarray(0, cut) } : undefined;
      r.append(headBook, headTrades, arrival?.subarray(0, head), this.label);
      r.runTo(book.tsMs[head - 1], Infinity);
      const from = (c: Float64Array) => c.subarray(head);
      const restBook: BookTable = { ...book, tsMs: from(book.tsMs), localTsMs: book.localTsMs ? from(book.localTsMs) : undefined, bidPx: book.bidPx.map(from), bidSz: book.bidSz.map(from), askPx: book.askPx.map(from), askSz: book.askSz.map(from) };
      const restTrades: TradeTable | undefined = trades ? { ...trades, tsMs: trades.tsMs.subarray(cut), id: trades.id.subarray(cut), side: trades.side.subarray(cut), px: trades.px.subarray(cut), sz: trades.sz.subarray(cut) } : undefined;
      r.append(restBook, restTrades, arrival?.subarray(head), this.label, { book, trades, arrival, rowOffset: head, tradeOffset: cut });
    } else r.append(book, trades, arrival, this.label);
    if (n > 0) this.lastBookMs = book.tsMs[n - 1];
    if (trades && trades.tsMs.length > 0) this.lastTradeMs = trades.tsMs[trades.tsMs.length - 1];
    this.totalRows += n;
    this.totalTrades += trades ? trades.tsMs.length : 0;
    if (this.totalRows > 0) r.runTo(this.lastBookMs, Infinity);
    this.flushSeries();
  }

  /** Replays what remains (the events stamped at the last horizon and after) and returns the result. */
  finish(): BacktestResult {
    if (this.finished) throw new Error(`${this.label}: finish called twice`);
    this.finished = true;
    if (this.totalRows === 0) throw new Error(`${this.label}: empty book`);
    const r = this.replay;
    r.runTo(Infinity, Math.max(this.lastBookMs, this.lastTradeMs));
    this.flushSeries();
    const notes = [...(this.options.notes ?? [])];
    const masks = maskSummary(this.bookMasks, this.tradeMasks);
    if (masks.count > 0) notes.push(describeMasks(masks, 0)[0]);
    return backtestResult(this.config, r, notes, masks, this.totalTrades, this.options.seriesSink !== undefined);
  }

  private flushSeries(): void {
    const sink = this.options.seriesSink;
    const r = this.replay;
    if (!sink || r.rec === 0) return;
    const n = r.rec;
    sink({ tMs: r.sT.subarray(0, n), midPx: r.sMid.subarray(0, n), reservationPx: r.sR.subarray(0, n), bidPx: r.sBid.subarray(0, n), askPx: r.sAsk.subarray(0, n), inventory: r.sInv.subarray(0, n), cash: r.sCash.subarray(0, n), equity: r.sEq.subarray(0, n) });
    r.rec = 0;
  }
}

/**
 * Book rows per call of `Replay.run`. The replay runs in slices so that V8 optimizes `run` as a function called
 * many times, with the type feedback of its whole body: a function entered once per replay runs in code
 * compiled on the fly inside its loop (on-stack replacement), which keeps some loop variables as heap objects
 * and allocated one per decision.
 */
const REPLAY_CHUNK_ROWS = 16384;

/** `a[from..]` followed by `b` (b itself when nothing is kept of a). */
function joined<T extends Float64Array | Int8Array>(a: T, from: number, b: T): T {
  if (from >= a.length) return b;
  const out = new (a.constructor as { new (n: number): T })(a.length - from + b.length);
  out.set(a.subarray(from), 0);
  out.set(b, a.length - from);
  return out;
}

/**
 * The replay's inputs and its decision-side state between slices (see `REPLAY_CHUNK_ROWS`) and between the
 * chunks of a streamed replay (`append`). `run` loads them into local variables, replays up to a book row and
 * stores the state back. Number fields start as numbers (see `Desk`): a loop variable loaded from a field that
 * started undefined was kept as a heap object, and every assignment in the loop allocated one.
 */
class Replay {
  // the rows being replayed: the whole tables, or a streamed replay's carried tail and current chunk
  nb: number = 0;
  nt: number = 0;
  private book: BookTable | undefined;
  private trades: TradeTable | undefined;
  private bookTs: Float64Array = NO_VALUES;
  private tradeTs: Float64Array = NO_VALUES;
  private bid0: Float64Array = NO_VALUES;
  private ask0: Float64Array = NO_VALUES;
  /** when book row i reaches the strategy: arrival[i] + arrivalOffsetMs */
  private arrival: Float64Array = NO_VALUES;
  private readonly arrivalOffsetMs: number = NaN;
  private readonly fillNoticeLatency: (() => number) | undefined;
  /** a constant feed latency, which own fills are notified with too; −1: sampled or as recorded */
  private readonly feedConstMs: number = NaN;
  private readonly entryLatency: () => number;
  private readonly cancelLatency: () => number;
  /** a constant latency is used as is (no call per order); −1: sampled */
  private readonly entryConstMs: number = NaN;
  private readonly cancelConstMs: number = NaN;
  private readonly tick: number = NaN;
  private readonly size: number = NaN;
  private readonly eps: number = NaN;
  private readonly maxPos: number = NaN;
  /** quoting features (types.ts `BacktestConfig`): tolerance in price units, age in ms, spread in price, target in base */
  private readonly keepWithinPx: number = NaN;
  private readonly maxOrderAgeMs: number = NaN;
  private readonly minHalfSpreadPx: number = NaN;
  private readonly inventoryTarget: number = NaN;
  private readonly record: boolean;
  private readonly refreshMs: number = NaN;
  private readonly fallback: NonNullable<BacktestConfig['fallback']>;
  private readonly strategy: Strategy;
  private readonly quoteInto: boolean;
  private readonly needSigma: boolean;
  private readonly needA: boolean;
  private readonly needK: boolean;
  private calT: Float64Array | undefined;
  private calN: number = 0;
  private calSigma: Float64Array | undefined;
  private calA: Float64Array | undefined;
  private calK: Float64Array | undefined;
  private firstDecision: number = NaN;
  /** decisions after it are not made (Infinity until the last chunk: then the last event's time) */
  private lastTime: number = Infinity;
  /** events stamped at or after it wait for the next chunk (Infinity: replay to the end) */
  private cutoffMs: number = Infinity;
  readonly desk: Desk;
  /** one context and one quotes object, refilled per decision (no allocation on the hot path) */
  private readonly context = { tMs: 0, midPx: 0, bestBidPx: 0, bestAskPx: 0, q: 0, sigmaPerSqrtSec: 0, aPerSec: 0, kPerPrice: 0, elapsedSec: 0 };
  private readonly out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  /** series columns, grown before each replay step by a bound on its decisions (`maxDecisionCount`) */
  sT: Float64Array = NO_VALUES;
  sMid: Float64Array = NO_VALUES;
  sR: Float64Array = NO_VALUES;
  sBid: Float64Array = NO_VALUES;
  sAsk: Float64Array = NO_VALUES;
  sInv: Float64Array = NO_VALUES;
  sCash: Float64Array = NO_VALUES;
  sEq: Float64Array = NO_VALUES;

  // state between slices
  /** next book row and trade */
  i = 0;
  j = 0;
  events = 0;
  decisions = 0;
  /** series rows written */
  rec = 0;
  /** newest book row the strategy has received */
  feedRow = -1;
  /** fills the strategy knows of, and its inventory from them */
  knownFill = 0;
  knownInventory = 0;
  /** fills whose notice time has been drawn, and the latest notice time */
  noticedFills = 0;
  lastNoticeMs = -Infinity;
  /** the calibration in force: its index, values, and the time the next one comes into force */
  calIdx = -1;
  sigma = NaN;
  aRate = NaN;
  kDecay = NaN;
  nextCalMs = NaN;
  /** refreshMs 0: book row whose arrival triggers the next decision */
  decisionIdx = 0;
  nextDecision = NaN;
  /** the time of the last event replayed */
  lastEventMs = -Infinity;
  /**
   * Masked intervals (book's and trades' merged), as start and end columns with an endless sentinel; the
   * mask state is kept in fields and changed only when the time reaches `nextMaskEdge` (Infinity without
   * masks: one comparison per event).
   */
  maskFromMs: Float64Array = Float64Array.of(Infinity);
  maskToMs: Float64Array = Float64Array.of(Infinity);
  maskIdx = 0;
  inMask = false;
  nextMaskEdge = Infinity;
  /** the end of the last masked interval passed: the strategy quotes only on a book row stamped at or after it */
  validSinceMs = -Infinity;
  maskedTrades = 0;
  maskedRows = 0;
  maskedDecisions = 0;

  constructor(config: BacktestConfig) {
    const tick = config.tickSize;
    this.tick = tick;
    const lot = config.lotSize ?? 0;
    this.size = lot > 0 ? Math.floor(config.orderSize / lot + 1e-9) * lot : config.orderSize;
    const feedSpec = config.feedLatencyMs ?? 0;
    const entrySpec = config.entryLatencyMs ?? 0;
    // a constant feed latency is added to the book's own times (no array); own fills are notified with a
    // latency drawn like the feed's (as recorded: the latency of the row in force when the fill happened)
    this.feedConstMs = constantLatencyMs(feedSpec);
    this.arrivalOffsetMs = this.feedConstMs >= 0 ? this.feedConstMs : 0;
    this.fillNoticeLatency = feedSpec === 'recorded' ? undefined : latencySampler(feedSpec, 'fills');
    this.entryLatency = latencySampler(entrySpec, 'entry');
    const cancelSpec = config.cancelLatencyMs ?? entrySpec;
    this.cancelLatency = latencySampler(cancelSpec, 'cancel');
    this.entryConstMs = constantLatencyMs(entrySpec);
    this.cancelConstMs = constantLatencyMs(cancelSpec);
    this.maxPos = config.maxPosition ?? Infinity;
    this.keepWithinPx = (config.refreshToleranceTicks ?? 0) * tick;
    this.maxOrderAgeMs = config.maxOrderAgeMs ?? Infinity;
    this.minHalfSpreadPx = (config.minSpreadPx ?? 0) / 2;
    this.inventoryTarget = config.inventoryTarget ?? 0;
    this.record = config.recordSeries ?? true;
    this.refreshMs = config.refreshMs;
    this.fallback = config.fallback ?? { sigmaPerSqrtSec: NaN, aPerSec: NaN, kPerPrice: NaN };
    this.eps = tick * 1e-6;
    const strategy = config.strategy;
    this.strategy = strategy;
    this.quoteInto = strategy.quoteInto !== undefined;
    this.needSigma = strategy.requires.includes('sigma');
    this.needA = strategy.requires.includes('a');
    this.needK = strategy.requires.includes('k');
    this.desk = new Desk(config.fill, this.eps, config.makerFee ?? 0, config.takerFee ?? 0, queueProbability(config.queueModel ?? DEFAULT_QUEUE_MODEL));
    const cal = config.calibration;
    this.calT = cal?.tMs;
    this.calN = cal ? cal.tMs.length : 0;
    this.calSigma = cal?.sigmaPricePerSqrtSec;
    this.calA = cal?.aPooledPerSec;
    this.calK = cal?.kPooledPerPrice;
    this.sigma = this.fallback.sigmaPerSqrtSec;
    this.aRate = this.fallback.aPerSec;
    this.kDecay = this.fallback.kPerPrice;
    this.nextCalMs = this.calN > 0 ? cal!.tMs[0] : Infinity;
  }

  /**
   * The next chunk's rows and trades join the rows still referenced (see `BacktestReplay`) and the trades not
   * yet replayed; every row index held is moved down by the rows dropped in front. `arrival`: the chunk's
   * arrival times (undefined with a constant feed latency: then the book's own times).
   */
  append(chunkBook: BookTable, chunkTrades: TradeTable | undefined, chunkArrival: Float64Array | undefined, label: string, source?: ContinuedSource): void {
    const old = this.book;
    if (old === undefined) {
      this.setData(chunkBook, chunkTrades, chunkArrival ?? chunkBook.tsMs, 0);
      if (this.nb > 0) {
        this.firstDecision = this.arrival[0] + this.arrivalOffsetMs;
        this.nextDecision = this.firstDecision;
      }
      return;
    }
    if (old.depth !== chunkBook.depth && chunkBook.tsMs.length > 0 && this.nb > 0) throw new Error(`${label}: a chunk's book has ${chunkBook.depth} levels, the previous ones ${old.depth}`);
    // the first row still referenced
    let keep = this.i;
    const desk = this.desk;
    if (desk.row >= 0 && desk.row < keep) keep = desk.row;
    const feedNeeds = this.feedRow >= 0 ? this.feedRow : 0;
    if (feedNeeds < keep) keep = feedNeeds;
    if (this.refreshMs <= 0 && this.decisionIdx < keep) keep = this.decisionIdx;
    const fillRow = desk.fills.row;
    for (let f = this.noticedFills; f < desk.fills.length; f++) if (fillRow[f] >= 0 && fillRow[f] < keep) keep = fillRow[f];
    if (source) {
      // the rest of a chunk whose head is in the buffer (after the rows carried from the chunk before): when
      // nothing older than the head is still needed, the buffer becomes views of the chunk's own columns
      const tailRows = this.nb - source.rowOffset;
      const tailTrades = this.nt - source.tradeOffset;
      if (keep >= tailRows && this.j >= tailTrades) {
        const r0 = keep - tailRows;
        const t0 = this.j - tailTrades;
        const sb = source.book;
        const view = (c: Float64Array) => c.subarray(r0);
        const book: BookTable = { kind: 'book', depth: sb.depth, tsMs: view(sb.tsMs), localTsMs: sb.localTsMs ? view(sb.localTsMs) : undefined, bidPx: sb.bidPx.map(view), bidSz: sb.bidSz.map(view), askPx: sb.askPx.map(view), askSz: sb.askSz.map(view), meta: old.meta };
        const st = source.trades;
        const trades: TradeTable | undefined = st && t0 < st.tsMs.length ? { kind: 'trades', tsMs: st.tsMs.subarray(t0), id: st.id.subarray(t0), side: st.side.subarray(t0), px: st.px.subarray(t0), sz: st.sz.subarray(t0), meta: st.meta } : undefined;
        this.rebase(book, trades, source.arrival ? source.arrival.subarray(r0) : book.tsMs, keep);
        return;
      }
    }
    const depth = this.nb > 0 ? old.depth : chunkBook.depth;
    const join = <T extends Float64Array | Int8Array>(key: string, a: T, from: number, b: T): T => this.joinInto(key, a, from, b);
    const level = (name: string, a: readonly Float64Array[], b: readonly Float64Array[]) => Array.from({ length: depth }, (_, l) => join(`${name}${l}`, a[l] ?? NO_VALUES, keep, b[l] ?? NO_VALUES));
    const book: BookTable = {
      kind: 'book',
      depth,
      tsMs: join('ts', old.tsMs, keep, chunkBook.tsMs),
      localTsMs: old.localTsMs && chunkBook.localTsMs ? join('local', old.localTsMs, keep, chunkBook.localTsMs) : undefined,
      bidPx: level('bp', old.bidPx, chunkBook.bidPx),
      bidSz: level('bs', old.bidSz, chunkBook.bidSz),
      askPx: level('ap', old.askPx, chunkBook.askPx),
      askSz: level('as', old.askSz, chunkBook.askSz),
      meta: old.meta,
    };
    const oldTrades = this.trades;
    const j = this.j;
    const trades: TradeTable | undefined =
      oldTrades === undefined || j >= oldTrades.tsMs.length
        ? chunkTrades
        : chunkTrades === undefined
          ? { ...oldTrades, tsMs: oldTrades.tsMs.subarray(j), id: oldTrades.id.subarray(j), side: oldTrades.side.subarray(j), px: oldTrades.px.subarray(j), sz: oldTrades.sz.subarray(j), localTsMs: undefined }
          : {
              kind: 'trades',
              tsMs: join('tts', oldTrades.tsMs, j, chunkTrades.tsMs),
              id: join('tid', oldTrades.id, j, chunkTrades.id),
              side: join('tside', oldTrades.side, j, chunkTrades.side),
              px: join('tpx', oldTrades.px, j, chunkTrades.px),
              sz: join('tsz', oldTrades.sz, j, chunkTrades.sz),
              meta: oldTrades.meta,
            };
    const arrival = chunkArrival ? join('arrival', this.arrival, keep, chunkArrival) : book.tsMs;
    this.rebase(book, trades, arrival, keep);
  }

  /** The rows from `keep` on (and the trades not replayed) are now `book`, `trades`: indices move down. */
  private rebase(book: BookTable, trades: TradeTable | undefined, arrival: Float64Array, keep: number): void {
    this.i -= keep;
    this.j = 0;
    if (this.feedRow >= 0) this.feedRow -= keep;
    if (this.refreshMs <= 0) this.decisionIdx -= keep;
    this.setData(book, trades, arrival, keep);
    if (Number.isNaN(this.firstDecision) && this.nb > 0) {
      this.firstDecision = this.arrival[0] + this.arrivalOffsetMs;
      this.nextDecision = this.firstDecision;
    }
  }

  /** Buffers reused from chunk to chunk by `joinInto`, by column. */
  private readonly pool = new Map<string, Float64Array | Int8Array>();

  /**
   * `a[from..]` followed by `b`, in the column's buffer, reused from chunk to chunk (grown by a quarter when a
   * chunk needs more): no allocation per chunk once the buffers fit, so that the memory of a long run stays
   * that of its largest chunk. `b` itself when nothing is kept of `a` (no copy).
   */
  private joinInto<T extends Float64Array | Int8Array>(key: string, a: T, from: number, b: T): T {
    if (from >= a.length) return b;
    const tail = a.length - from;
    const n = tail + b.length;
    let buf = this.pool.get(key) as T | undefined;
    if (buf !== undefined && n <= buf.length) {
      if (a.buffer === buf.buffer) buf.copyWithin(0, from + (a.byteOffset - buf.byteOffset) / a.BYTES_PER_ELEMENT, a.length + (a.byteOffset - buf.byteOffset) / a.BYTES_PER_ELEMENT);
      else buf.set(a.subarray(from), 0);
    } else {
      buf = new (a.constructor as { new (n: number): T })(Math.ceil(n * 1.25) + 1024);
      buf.set(a.subarray(from), 0);
      this.pool.set(key, buf);
    }
    buf.set(b, tail);
    return buf.subarray(0, n) as T;
  }

  private setData(book: BookTable, trades: TradeTable | undefined, arrival: Float64Array, rowShift: number): void {
    this.book = book;
    this.trades = trades;
    this.nb = book.tsMs.length;
    this.nt = trades ? trades.tsMs.length : 0;
    this.bookTs = book.tsMs;
    this.tradeTs = trades?.tsMs ?? NO_VALUES;
    this.bid0 = book.bidPx[0] ?? NO_VALUES;
    this.ask0 = book.askPx[0] ?? NO_VALUES;
    this.arrival = arrival;
    this.desk.setData(book, trades, rowShift, this.noticedFills);
  }

  /**
   * The masked intervals known so far (merged): those already passed must be as they were, and a new one
   * may only start after the time replayed, or extend the one in force.
   */
  setMasks(merged: readonly MaskedInterval[], label: string): void {
    const from = new Float64Array(merged.length + 1).fill(Infinity);
    const to = new Float64Array(merged.length + 1).fill(Infinity);
    merged.forEach((m, k) => {
      from[k] = m.fromMs;
      to[k] = m.toMs;
    });
    const k = this.maskIdx;
    for (let p = 0; p < k; p++) {
      if (from[p] !== this.maskFromMs[p] || to[p] !== this.maskToMs[p]) throw new Error(`${label}: a chunk's masked interval [${from[p]}, ${to[p]}) changes one already replayed ([${this.maskFromMs[p]}, ${this.maskToMs[p]}))`);
    }
    if (this.inMask ? from[k] !== this.maskFromMs[k] : !(from[k] > this.lastEventMs)) {
      throw new Error(`${label}: a chunk's masked interval [${from[k]}, ${to[k]}) starts at or before ${this.lastEventMs}, the time already replayed: a mask must come with the chunk it starts in, or a later one`);
    }
    this.maskFromMs = from;
    this.maskToMs = to;
    this.nextMaskEdge = this.inMask ? to[k] : from[k];
  }

  /** Calibration rows of a streamed calibration: they join the ones from the row in force on. */
  appendCalibration(rows: CalibrationRows, label: string): void {
    const n = rows.tMs.length;
    if (n === 0) return;
    const keep = Math.max(0, this.calIdx);
    const lastT = this.calN > 0 ? this.calT![this.calN - 1] : -Infinity;
    if (!(rows.tMs[0] > lastT)) throw new Error(`${label}: calibration rows must follow each other in time: ${rows.tMs[0]} after ${lastT}`);
    const cut = (a: Float64Array | undefined, b: Float64Array) => (a === undefined ? Float64Array.from(b) : joined(a, keep, Float64Array.from(b)));
    this.calT = cut(this.calT, Float64Array.from(rows.tMs));
    this.calSigma = cut(this.calSigma, Float64Array.from(rows.sigmaPricePerSqrtSec));
    this.calA = cut(this.calA, Float64Array.from(rows.aPooledPerSec));
    this.calK = cut(this.calK, Float64Array.from(rows.kPooledPerPrice));
    this.calN = this.calT.length;
    if (this.calIdx >= 0) this.calIdx -= keep;
    this.nextCalMs = this.calIdx + 1 < this.calN ? this.calT[this.calIdx + 1] : Infinity;
  }

  /**
   * Replays the events stamped before `cutoffMs` (Infinity: all), in slices of `REPLAY_CHUNK_ROWS` rows;
   * `lastTime`: no decision after it (the last event's time, at the end).
   */
  runTo(cutoffMs: number, lastTime: number): void {
    this.cutoffMs = cutoffMs;
    this.lastTime = lastTime;
    if (this.nextDecision > lastTime) this.nextDecision = Infinity;
    const nb = this.nb;
    if (this.record) {
      const lastEvent = Math.max(nb > 0 ? this.bookTs[nb - 1] : -Infinity, this.nt > 0 ? this.tradeTs[this.nt - 1] : -Infinity);
      this.reserveSeries(Math.min(cutoffMs, lastTime, lastEvent));
    }
    for (let stop = this.i + REPLAY_CHUNK_ROWS; ; stop += REPLAY_CHUNK_ROWS) {
      const last = stop >= nb;
      this.run(last ? nb + 1 : stop); // (a small integer either way: a change of kind would discard the compiled run)
      if (last) break;
    }
    const lastBook = this.i > 0 ? this.bookTs[this.i - 1] : -Infinity;
    const lastTrade = this.j > 0 ? this.tradeTs[this.j - 1] : -Infinity;
    this.lastEventMs = Math.max(this.lastEventMs, lastBook, lastTrade);
  }

  /** Room in the series for every decision up to `untilMs` (see `maxDecisionCount`). */
  private reserveSeries(untilMs: number): void {
    const need = this.rec + maxDecisionCount(this.arrival, this.arrivalOffsetMs, this.refreshMs, untilMs, this.nextDecision, this.decisionIdx);
    if (need <= this.sT.length) return;
    const capacity = this.sT.length === 0 ? need : Math.max(need, Math.ceil(this.sT.length * 1.5));
    this.sT = withCapacity(this.sT, capacity);
    this.sMid = withCapacity(this.sMid, capacity);
    this.sR = withCapacity(this.sR, capacity);
    this.sBid = withCapacity(this.sBid, capacity);
    this.sAsk = withCapacity(this.sAsk, capacity);
    this.sInv = withCapacity(this.sInv, capacity);
    this.sCash = withCapacity(this.sCash, capacity);
    this.sEq = withCapacity(this.sEq, capacity);
  }

  /**
   * The time has reached `nextMaskEdge`: moves past the intervals that ended by t and enters the one that
   * contains t, if any. Entering an interval, or passing one between two events, pulls every order.
   */
  crossMaskEdge(t: number): void {
    const from = this.maskFromMs;
    const to = this.maskToMs;
    let k = this.maskIdx;
    const passed = to[k] <= t;
    while (to[k] <= t) {
      this.validSinceMs = to[k];
      k++;
    }
    this.maskIdx = k;
    const inside = from[k] <= t;
    if ((inside && !this.inMask) || passed) this.desk.pullAll();
    this.inMask = inside;
    this.nextMaskEdge = inside ? to[k] : from[k];
  }

  /**
   * Merged replay of the events before book row `stopRow` (all remaining events for nb + 1). For each event
   * at time t: the decisions due strictly before t, each after the order transitions due by then (pass 0); the
   * transitions due by t and the event itself; then the decisions at exactly t once no other event is stamped
   * t (pass 1: a decision at the same time follows the event it reacts to).
   */
  run(stopRow: number): void {
    const { nb, nt, bookTs, tradeTs, bid0, ask0, arrival, arrivalOffsetMs, feedConstMs, fillNoticeLatency, entryLatency, cancelLatency, entryConstMs, cancelConstMs } = this;
    const { tick, size, eps, maxPos, record, refreshMs, fallback, strategy, quoteInto, needSigma, needA, needK, calT, calN, calSigma, calA, calK } = this;
    const { keepWithinPx, maxOrderAgeMs, minHalfSpreadPx, inventoryTarget } = this;
    const { firstDecision, lastTime, cutoffMs, desk, context, out, sT, sMid, sR, sBid, sAsk, sInv, sCash, sEq } = this;
    const live = desk.live;
    const pending = desk.pending;
    let { i, j, events, decisions, rec, feedRow, knownFill, knownInventory, noticedFills, lastNoticeMs } = this;
    let { calIdx, sigma, aRate, kDecay, nextCalMs, decisionIdx, nextDecision } = this;
    // (i ≤ nb and j ≤ nt: events remain while i + j < nb + nt; one comparison that has run from the start, where
    // `i < nb || j < nt` would meet its second half only at the end, untried, and discard the compiled loop)
    while (i + j < nb + nt) {
      if (i >= stopRow) break;
      const bookNext = i < nb ? bookTs[i] : Infinity;
      const tradeNext = j < nt ? tradeTs[j] : Infinity;
      const isBook = bookNext <= tradeNext;
      const t = isBook ? bookNext : tradeNext;
      if (!(t < cutoffMs)) break; // (a streamed replay: events at or after the horizon wait for the next chunk)
      let pass = 0;
      for (;;) {
        if (pass === 0) {
          if (!(nextDecision < t)) {
            if (!(t < this.nextMaskEdge)) this.crossMaskEdge(t);
            if (!(t < desk.nextTransitionMs)) {
              desk.clock = t;
              desk.transitions();
            }
            if (this.inMask) {
              if (isBook) {
                desk.onMaskedBook(i++);
                this.maskedRows++;
              } else {
                j++;
                this.maskedTrades++;
              }
            } else if (isBook) desk.onBook(i++);
            else {
              if (desk.tradeReaches(j)) desk.onTrade(j);
              j++;
            }
            events++;
            pass = 1;
            continue;
          }
          if (!(nextDecision < this.nextMaskEdge)) this.crossMaskEdge(nextDecision);
          if (!(nextDecision < desk.nextTransitionMs)) {
            desk.clock = nextDecision;
            desk.transitions();
          }
        } else if (!(nextDecision === t && (isBook ? (i >= nb || bookTs[i] > t) && (j >= nt || tradeTs[j] > t) : j >= nt || tradeTs[j] > t))) {
          break;
        }

        // the decision at d
        const d = nextDecision;
        decisions++;
        while (feedRow + 1 < nb && arrival[feedRow + 1] + arrivalOffsetMs <= d) feedRow++;
        const fills = desk.fills;
        if (knownFill < fills.length) {
          const fTs = fills.tsMs;
          const fSide = fills.side;
          const fQty = fills.qty;
          const noticeMs = fills.noticeMs;
          // notice times of new fills, in order (a notice never overtakes an earlier one)
          for (; noticedFills < fills.length; noticedFills++) {
            const lag = feedConstMs >= 0 ? feedConstMs : fillNoticeLatency ? fillNoticeLatency() : desk.rowLagAtFill(noticedFills, arrival);
            lastNoticeMs = Math.max(lastNoticeMs, fTs[noticedFills] + lag);
            noticeMs[noticedFills] = lastNoticeMs;
          }
          while (knownFill < fills.length && noticeMs[knownFill] <= d) {
            knownInventory += fSide[knownFill] * fQty[knownFill];
            knownFill++;
          }
        }
        // the calibration in force at the exchange time the strategy has reached: d minus the newest row's latency
        // (capped at the next row's stamp: a row stamped earlier but still in flight must not enter it)
        const lagged = feedRow >= 0 ? d - (arrival[feedRow] + arrivalOffsetMs - bookTs[feedRow]) : d - (arrival[0] + arrivalOffsetMs - bookTs[0]);
        const seen = feedRow + 1 < nb && bookTs[feedRow + 1] < lagged ? bookTs[feedRow + 1] : lagged;
        if (seen >= nextCalMs) {
          while (calIdx + 1 < calN && calT![calIdx + 1] <= seen) calIdx++;
          sigma = calSigma ? calSigma[calIdx] : fallback.sigmaPerSqrtSec;
          aRate = calA ? calA[calIdx] : fallback.aPerSec;
          kDecay = calK ? calK[calIdx] : fallback.kPerPrice;
          nextCalMs = calIdx + 1 < calN ? calT![calIdx + 1] : Infinity;
        }
        const row = desk.row;
        const markMid = row >= 0 ? 0.5 * (bid0[row] + ask0[row]) : NaN;
        let bidPx = NaN;
        let askPx = NaN;
        let reservation = NaN;
        const ready = (needSigma === false || !Number.isNaN(sigma)) && (needA === false || !Number.isNaN(aRate)) && (needK === false || !Number.isNaN(kDecay));
        const maskedOut = this.inMask || (feedRow >= 0 && bookTs[feedRow] < this.validSinceMs);
        if (maskedOut) this.maskedDecisions++;
        if (feedRow >= 0 && ready && !maskedOut) {
          const bb = bid0[feedRow];
          const ba = ask0[feedRow];
          context.tMs = d;
          context.midPx = 0.5 * (bb + ba);
          context.bestBidPx = bb;
          context.bestAskPx = ba;
          context.q = (knownInventory - inventoryTarget) / size; // the strategy steers toward the target
          context.sigmaPerSqrtSec = sigma;
          context.aPerSec = aRate;
          context.kPerPrice = kDecay;
          context.elapsedSec = (d - firstDecision) / 1000;
          let quotes: Quotes = out;
          if (quoteInto) strategy.quoteInto!(context, out);
          else quotes = strategy.quote(context);
          reservation = quotes.reservationPx;
          bidPx = quotes.bidPx;
          askPx = quotes.askPx;
          if (minHalfSpreadPx > 0) {
            // a minimum spread: each quote at least half of it from the mid the strategy saw (without one, a quote
            // may cross the mid: a strategy may mean to be marketable)
            bidPx = Math.min(bidPx, context.midPx - minHalfSpreadPx);
            askPx = Math.max(askPx, context.midPx + minHalfSpreadPx);
          }
          bidPx = Math.floor(bidPx / tick + 1e-9) * tick;
          askPx = Math.ceil(askPx / tick - 1e-9) * tick;
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
          // an order older than the maximum age is re-sent (to the back of the queue) even at the same price
          if (resting && d - (p.activeMs !== Infinity ? p.sentMs : o.sentMs) > maxOrderAgeMs) resting = false;
          if (!resting && desk.completedFill[k] >= knownFill) {
            // filled, but the notice has not reached the strategy: to it, the order still rests at its price
            current = desk.completedPx[k];
            resting = true;
          }
          // kept when the new price is within the refresh tolerance (0 ticks by default: the same price)
          const same = !Number.isNaN(want) && Math.abs(current - want) <= keepWithinPx + eps && resting;
          if (same) continue;
          desk.completedFill[k] = -1; // the strategy replaces or cancels what it believes rests there
          if (!Number.isNaN(o.px) && o.cancelMs === Infinity) {
            o.cancelMs = d + (cancelConstMs >= 0 ? cancelConstMs : cancelLatency());
            if (o.cancelMs < desk.nextTransitionMs) desk.nextTransitionMs = o.cancelMs;
          }
          if (Number.isNaN(want)) {
            p.activeMs = Infinity;
            p.px = NaN;
            continue;
          }
          p.px = want;
          p.remaining = size;
          p.activeMs = d + (entryConstMs >= 0 ? entryConstMs : entryLatency());
          if (p.activeMs < desk.nextTransitionMs) desk.nextTransitionMs = p.activeMs;
          p.cancelMs = Infinity;
          p.sentMs = d;
          p.queued = false;
        }
        // (nextTransitionMs only moves earlier here: a pending order withdrawn or replaced by a later one may leave
        // it early, and the transitions then due find nothing to do and recompute it)
        if (record) {
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
          nextDecision = decisionIdx < nb ? arrival[decisionIdx] + arrivalOffsetMs : Infinity;
        }
        if (nextDecision > lastTime) nextDecision = Infinity;
      }
    }
    this.i = i;
    this.j = j;
    this.events = events;
    this.decisions = decisions;
    this.rec = rec;
    this.feedRow = feedRow;
    this.knownFill = knownFill;
    this.knownInventory = knownInventory;
    this.noticedFills = noticedFills;
    this.lastNoticeMs = lastNoticeMs;
    this.calIdx = calIdx;
    this.sigma = sigma;
    this.aRate = aRate;
    this.kDecay = kDecay;
    this.nextCalMs = nextCalMs;
    this.decisionIdx = decisionIdx;
    this.nextDecision = nextDecision;
  }
}

/**
 * The result of a replay (out of line: the replay's optimised loop never runs into code it has no type
 * feedback for, which would throw the optimised code away at the end of every run).
 */
function backtestResult(config: BacktestConfig, replay: Replay, notes: string[], masks: MaskSummary, totalTrades: number, streamedSeries: boolean): BacktestResult {
  const { desk, rec, events, decisions } = replay;
  const n = streamedSeries ? 0 : rec;
  const row = desk.row;
  const finalMid = row >= 0 ? 0.5 * (desk.bid0[row] + desk.ask0[row]) : NaN;
  const model = config.fill;
  if (model === 'tradeThrough' && totalTrades === 0) notes.push('no trade in the data: tradeThrough fills only orders marketable on arrival');
  if (model === 'queue' && totalTrades === 0) notes.push('no trade in the data: queue fills only orders the opposite side of the book reaches, or marketable on arrival');
  return {
    config: { ...config, strategy: config.strategy.name, calibration: undefined } as BacktestResult['config'],
    series: {
      tMs: trimmed(replay.sT, n),
      midPx: trimmed(replay.sMid, n),
      reservationPx: trimmed(replay.sR, n),
      bidPx: trimmed(replay.sBid, n),
      askPx: trimmed(replay.sAsk, n),
      inventory: trimmed(replay.sInv, n),
      cash: trimmed(replay.sCash, n),
      equity: trimmed(replay.sEq, n),
    },
    fills: {
      tsMs: desk.fills.tsMs.slice(0, desk.fills.length),
      side: desk.fills.side.slice(0, desk.fills.length),
      px: desk.fills.px.slice(0, desk.fills.length),
      qty: desk.fills.qty.slice(0, desk.fills.length),
      fee: desk.fills.fee.slice(0, desk.fills.length),
      midPx: desk.fills.midPx.slice(0, desk.fills.length),
      sentMs: desk.fills.sentMs.slice(0, desk.fills.length),
      maker: desk.fills.maker.slice(0, desk.fills.length),
      cause: desk.fills.cause.slice(0, desk.fills.length),
    },
    finalInventory: desk.inventory,
    finalCash: desk.cash,
    finalMidPx: finalMid,
    events,
    decisions,
    masked: masks,
    maskedEvents: { trades: replay.maskedTrades, bookRows: replay.maskedRows, decisions: replay.maskedDecisions },
    notes,
  };
}

/** The first n values of `a`: `a` itself when it holds exactly n (the usual case), else an exact-length copy. */
function trimmed(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.slice(0, n);
}
