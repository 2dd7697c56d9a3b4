import { TickBook, type TickSide } from '../book/tickBook.js';
import type { MaskedInterval } from '../data/masks.js';
import type { TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { MutableQuotes } from '../model/types.js';
import { countedDecrease, frontAfterDecrease, queueProbability, DEFAULT_QUEUE_MODEL, type QueueModelSpec, type QueueProbability } from './queueModels.js';
import type { QuoteContext, Strategy } from './strategy.js';
import { FILL_CAUSES, type FillCause } from './types.js';
import { latencySampler, type LatencySpec } from './latency.js';
import { joined, type CalibrationRows } from './replay.js';

const CAUSE = Object.fromEntries(FILL_CAUSES.map((c, i) => [c, i])) as Record<FillCause, number>;

/**
 * Level changes as the venue sent them, every depth, in time order: `side` +1 bid, −1 ask, 0 a marker that
 * clears the book before a snapshot's levels (which follow it at the same time); `qty` the level's new
 * absolute size (0 removes it). The Binance loader gives them (`replayBinanceCapture(…, { native: true })`).
 */
export interface DepthEvents {
  readonly tsMs: Float64Array;
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly qty: Float64Array;
  /** The level's number of orders after the change (OKX `books` and history levels carry it), for `orderCount`. */
  readonly orders?: ArrayLike<number>;
}

export interface DepthReplayConfig {
  readonly strategy: Strategy;
  /** Order size, base units (rounded down to `lotSize` when one is given). */
  readonly orderSize: number;
  /** Size increment, base units (0 or absent: none). */
  readonly lotSize?: number;
  /** Fees as a fraction of the notional (negative: a rebate), on resting fills (maker) and marketable ones (taker). */
  readonly makerFee?: number;
  readonly takerFee?: number;
  readonly tickSize: number;
  /**
   * Book changes and our fills reach the strategy this long after their exchange time (ms). Default 0. With
   * `bookArrivalMs`, only the fills (the order-response latency; the book's arrival is recorded).
   */
  readonly feedLatencyMs?: LatencySpec;
  /**
   * Recorded feed latency: when each level change (row of `events`) reached the recording machine (epoch ms, a
   * capture's local receive stamps). The strategy then sees a group of changes, and decides, at the latest
   * arrival of its changes (kept non-decreasing, and never before the group's exchange time), instead of at exchange time + `feedLatencyMs`; trades still
   * match at exchange time, as in hftbacktest, where the exchange side runs on exchange stamps and the strategy
   * on local ones.
   */
  readonly bookArrivalMs?: ArrayLike<number>;
  /**
   * Orders rest this long after they are sent (ms). Default 0. Constant, sampled (`{ samplesMs, seed }`) or a
   * measured series, as in the top-N replay: one draw per order, from the same seeded streams (`entry`,
   * `cancel`, `feed` per group of changes, `fills` per fill notice).
   */
  readonly entryLatencyMs?: LatencySpec;
  /** Cancels take effect this long after they are sent (ms). Default: the entry latency. */
  readonly cancelLatencyMs?: LatencySpec;
  /**
   * How our orders fill (default `queue`): `queue` as described at `replayDepth`; `tradeThrough`: a trade at or
   * through our price fills us up to its size, whatever the queue (optimistic: we are always first); `midCross`:
   * the mid reaching our price fills us whole, trades ignored (the reference system's rule).
   */
  readonly fill?: 'queue' | 'tradeThrough' | 'midCross';
  /** Where cancellations at our price happened, in front of us or behind (default power 2). */
  readonly queueModel?: QueueModelSpec;
  /**
   * false: an order fills whole or not at all, as in hftbacktest's `NoPartialFillExchange` (a trade that passes
   * the quantity ahead fills all of it, a marketable order takes all of its size at the opposite best). Default
   * true: the part of a trade beyond the queue ahead fills that much, the rest rests on.
   */
  readonly partialFills?: boolean;
  /**
   * Orders per side (a grid, as the top-N replay's `orderLevels`): level l rests `levelSpacingTicks`·l ticks
   * behind the strategy's quote, with its own queue place, fills, refresh and age; a level whose fill (with
   * every level nearer the touch filled too) would pass `maxPosition` is not quoted. Default 1.
   */
  readonly orderLevels?: number;
  /** Whole ticks between the levels of a grid. Default 1. */
  readonly levelSpacingTicks?: number;
  /** Largest |inventory|, base units: a side whose fill would pass it is not quoted. */
  readonly maxPosition?: number;
  /** Re-quote every this many ms; 0 (default): after every book change the strategy sees. */
  readonly refreshMs?: number;
  /** Keep a resting order when the new quote is within this many ticks of it (default 0: the same price only). */
  readonly refreshToleranceTicks?: number;
  /** Re-send an order older than this (ms) even at the same price, to the back of the queue. Default: never. */
  readonly maxOrderAgeMs?: number;
  /** Each quote at least half of this from the mid the strategy saw (price units). Default 0. */
  readonly minSpreadPx?: number;
  /** Inventory the strategy steers toward (base units): it quotes with q = (inventory − target) / size. Default 0. */
  readonly inventoryTarget?: number;
  /**
   * Intervals where the book is invalid (a capture's sequence gaps; sorted, disjoint): every order is pulled at
   * an interval's start, and inside it nothing is quoted or filled (the book is still rebuilt from the changes).
   */
  readonly masked?: readonly MaskedInterval[];
  /**
   * σ, A, k for strategies that need them: constant over the run, or a rolling calibration (σ in price units,
   * A and k pooled), the value in force at (decision − feed latency) used, as the top-N replay does. Until a
   * needed value is known the strategy does not quote.
   */
  readonly calibration?: { readonly sigmaPerSqrtSec: number; readonly aPerSec: number; readonly kPerPrice: number } | RollingCalibration;
  /**
   * Told the state at each decision that asks the strategy, and at a skipped one (which changes no quote) when
   * our inventory or cash moved since the last told: for plots. Decision time (ms), the mid it saw, the
   * reservation price and our first bid and ask (NaN: none), inventory (base units) and cash as they were then
   * (fills whose notice is still on its way included).
   */
  /**
   * false: `orders` stays empty (its counts are in `orderCount` and `ordersFilled`), so that a long replay keeps no
   * record per order. Default true.
   */
  readonly recordOrders?: boolean;
  readonly onDecision?: (tMs: number, midPx: number, reservationPx: number, bidPx: number, askPx: number, inventory: number, cash: number) => void;
}

/** One order of ours that rested: side (+1 bid), price in ticks, when it rested and ended, its first fill (NaN: none). */
export interface DepthOrderRecords {
  readonly side: number[];
  readonly pxTicks: number[];
  readonly sentMs: number[];
  readonly activeMs: number[];
  readonly endMs: number[];
  readonly firstFillMs: number[];
}

export interface DepthReplayResult {
  /** Our fills; `cause` indexes FILL_CAUSES (trade at or through our price, book cross, marketable, mid cross). */
  readonly fills: { readonly tsMs: number[]; readonly side: number[]; readonly px: number[]; readonly qty: number[]; readonly fee: number[]; readonly maker: boolean[]; readonly cause: number[] };
  /** The order size used (after the lot), and the fees paid in all (quote currency; negative: rebates). */
  readonly orderSize: number;
  readonly fees: number;
  /** Every order that rested (empty with `recordOrders: false`). */
  readonly orders: DepthOrderRecords;
  /** Orders that rested, and those that filled at least once. */
  readonly orderCount: number;
  readonly ordersFilled: number;
  readonly inventory: number;
  readonly cash: number;
  /** Mid of the last book state (NaN when a side is empty): PnL = cash + inventory × lastMidPx. */
  readonly lastMidPx: number;
  readonly pnl: number;
  /** Level changes and trades replayed (native events), and the strategy's decisions. */
  readonly nativeEvents: number;
  readonly decisions: number;
  /** Decisions that fell inside masked intervals (no quote), and the trades there (no fill). */
  readonly maskedDecisions: number;
  readonly maskedTrades: number;
  /** The replay's own wall time, s. */
  readonly replaySec: number;
  /** Remainders of orders marketable on arrival that then filled as book crosses, and their quantity (remainderCrosses.ts). */
  readonly remainderCrosses: number;
  readonly remainderCrossQty: number;
}

/** One order of ours (a slot per side: the order resting, and the one on its way). */
interface DepthOrder {
  tick: number;
  remaining: number;
  sentMs: number;
  activeMs: number;
  cancelMs: number;
  /** Quantity ahead of ours at its level, and the level's size when last seen. */
  ahead: number;
  lastShown: number;
  /** `orderCount`: orders ahead of ours, and the level's order count when last seen. */
  aheadOrders: number;
  lastCount: number;
  logRow: number;
  /** Whether it has filled yet (counts the orders filled). */
  filled: boolean;
  /** Marketable on arrival with more than the opposite best showed: its remainder rests (see remainderCrosses.ts). */
  tookOnArrival: boolean;
}

const none = (): DepthOrder => ({ tick: NaN, remaining: 0, sentMs: NaN, activeMs: Infinity, cancelMs: Infinity, ahead: 0, lastShown: 0, aheadOrders: 0, lastCount: 0, logRow: -1, filled: false, tookOnArrival: false });
/** Empties a slot in place (no allocation per order). */
function reset(o: DepthOrder): void {
  o.tick = NaN;
  o.remaining = 0;
  o.sentMs = NaN;
  o.activeMs = Infinity;
  o.cancelMs = Infinity;
  o.ahead = 0;
  o.lastShown = 0;
  o.aheadOrders = 0;
  o.lastCount = 0;
  o.logRow = -1;
  o.filled = false;
  o.tookOnArrival = false;
}
/**
 * The book's best bid and ask ticks after each group of changes with one time, by group number, kept from a
 * given group on (older ones are dropped as the replay no longer needs them): typed arrays used as a ring that
 * doubles when full.
 */
class GroupRing {
  private times = new Float64Array(1024);
  private arrivals = new Float64Array(1024);
  private bids = new Float64Array(1024);
  private asks = new Float64Array(1024);
  private mask = 1023;
  /** Groups pushed, and the first one kept. */
  count = 0;
  private first = 0;

  push(t: number, arrival: number, bid: number, ask: number): void {
    if (this.count - this.first > this.mask) this.grow();
    const k = this.count & this.mask;
    this.times[k] = t;
    this.arrivals[k] = arrival;
    this.bids[k] = bid;
    this.asks[k] = ask;
    this.count++;
  }
  ts(g: number): number {
    return this.times[g & this.mask];
  }
  /** When the group reached the strategy (ms). */
  arrival(g: number): number {
    return this.arrivals[g & this.mask];
  }
  bid(g: number): number {
    return this.bids[g & this.mask];
  }
  ask(g: number): number {
    return this.asks[g & this.mask];
  }
  /** Groups before `g` are not asked for again. */
  keepFrom(g: number): void {
    if (g > this.first) this.first = Math.min(g, this.count);
  }
  private grow(): void {
    const size = 2 * (this.mask + 1);
    const times = new Float64Array(size);
    const arrivals = new Float64Array(size);
    const bids = new Float64Array(size);
    const asks = new Float64Array(size);
    for (let g = this.first; g < this.count; g++) {
      times[g & (size - 1)] = this.ts(g);
      arrivals[g & (size - 1)] = this.arrival(g);
      bids[g & (size - 1)] = this.bid(g);
      asks[g & (size - 1)] = this.ask(g);
    }
    this.times = times;
    this.arrivals = arrivals;
    this.bids = bids;
    this.asks = asks;
    this.mask = size - 1;
  }
}

/** The trades' prices in ticks; a price off the grid is an error naming the trade (numbered from `before`). */
function tradeTicksOf(book: TickBook, trades: TradeTable | undefined, before: number): Float64Array {
  const m = trades?.tsMs.length ?? 0;
  const ticks = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    ticks[k] = book.toTick(trades!.px[k]);
    if (ticks[k] !== ticks[k]) throw new RangeError(`trade ${before + k}: price ${trades!.px[k]} is not on the ${book.tickSize} grid`);
  }
  return ticks;
}

/** Relative size below which a remainder is binary rounding of decimal sizes (as in exchange.ts). */
const SIZE_ROUNDING = 1e-9;

/**
 * Replays level changes at full depth and trades against a strategy's quotes (one order a side), with `queue`
 * fills: an order joins the back of its own level, whatever its depth, as the full book shows it; trades at
 * its price consume the quantity ahead first, then fill it; a trade through its price, or the opposite best
 * reaching it, fills it completely; a decrease of its level not explained by a trade is a cancellation,
 * placed ahead of or behind it by the queue model. Prices are integer ticks inside (TickBook).
 *
 * Timing, as the top-N replay (`Replay`): at equal times trades come before level changes; decisions strictly
 * before an event's time are taken before it, one at exactly that time after it; a decision sees the book as
 * of (decision − feed latency) and the fills notified by then. Masked intervals pull every order and stop
 * quoting and filling, as in the top-N replay. Also: the `tradeThrough` and `midCross` rules (`fill`), whole-order
 * fills (`partialFills`), the `orderCount` queue model from the events' order counts, the feed as recorded
 * (`bookArrivalMs`). On the same quotes the top-N replay and this one fill the same orders at the same instants
 * wherever the five levels show our level (test/grading/engineComparison.test.ts). Sampled latencies, grids and
 * the quoting features (refresh tolerance, maximum order age, minimum spread, inventory target) as in the top-N
 * replay. A strategy marked `timeInvariant` is not asked again while what it sees and our orders are as at its
 * last decision (most level changes leave the touch where it was): the same run, fewer calls.
 */
export function replayDepth(events: DepthEvents, trades: TradeTable | undefined, config: DepthReplayConfig): DepthReplayResult {
  const { bookArrivalMs, ...rest } = config;
  const session = depthReplaySession(rest, bookArrivalMs !== undefined);
  session.feed(events, trades, bookArrivalMs !== undefined ? { bookArrivalMs } : {});
  return session.finish();
}

/**
 * `replayDepth` fed a piece at a time (a catalog range day by day), so that memory holds one piece of level
 * changes and trades, not the range: the same run, field for field, as `replayDepth` over the pieces joined
 * (test/backtest/depthReplay.test.ts), when the pieces follow each other in time: each piece's first change
 * after the last change of the one before and not before its last trade, its first trade after that last change
 * and not before that last trade (a day partition does; pieces out of order are refused). A piece may hold only
 * changes or only trades. A rolling calibration may come a piece at a time too (DepthPieceOptions.calibration):
 * the same run as with its rows joined in the config. `finish` gives the result.
 */
export interface DepthReplaySession {
  feed(events: DepthEvents, trades: TradeTable | undefined, options?: DepthPieceOptions): void;
  /** Where the replay stands after the pieces fed so far (for progress lines). */
  state(): DepthReplayState;
  finish(): DepthReplayResult;
}

/**
 * A replay's state between pieces: native events and decisions so far, our fills so far, inventory (base units)
 * and cash then, the last mid of the book (NaN: a side empty) and the PnL at it (cash + inventory × mid).
 */
export interface DepthReplayState {
  readonly nativeEvents: number;
  readonly decisions: number;
  readonly fills: number;
  readonly inventory: number;
  readonly cash: number;
  readonly lastMidPx: number;
  readonly pnl: number;
}

/**
 * A `DepthReplaySession` (see `replayDepth` for the rules); `recordedFeed`: every piece comes with its
 * changes' arrival times (`bookArrivalMs`, as the config's of `replayDepth`).
 */
export function depthReplaySession(config: Omit<DepthReplayConfig, 'bookArrivalMs'>, recordedFeed = false): DepthReplaySession {
  const run = depthReplayRun(config, recordedFeed);
  let state = run.next().value as DepthReplayState; // set up, waiting for the first piece
  let result: DepthReplayResult | undefined;
  return {
    feed(events, trades, options = {}) {
      if (result) throw new Error('depthReplaySession: fed after finish');
      const next = run.next({ events, trades, options });
      if (next.done) throw new Error('depthReplaySession: the replay stopped at an error in an earlier piece');
      state = next.value;
    },
    state: () => state,
    finish() {
      if (!result) {
        const end = run.next(undefined);
        if (!end.done || end.value === undefined) throw new Error('depthReplaySession: the replay stopped at an error in an earlier piece');
        result = end.value;
      }
      return result;
    },
  };
}

/** What comes with a piece besides its level changes and trades. */
export interface DepthPieceOptions {
  /** Arrival time of each level change (ms), for a session with the feed as recorded. */
  readonly bookArrivalMs?: ArrayLike<number>;
  /**
   * The next rows of a rolling calibration (after the rows of the pieces before, and after the config's), so
   * that a long range never holds its whole calibration: the session keeps the rows from the one in force on.
   * They must be here by the time they can be in force: every row stamped at or before the latest time this
   * piece's decisions can see (its last event), as `StreamedRollingCalibration.feed` gives them for data that
   * reaches that far.
   */
  readonly calibration?: CalibrationRows;
}

/** A piece of a replay (see DepthReplaySession.feed). */
interface DepthReplayPiece {
  readonly events: DepthEvents;
  readonly trades: TradeTable | undefined;
  readonly options: DepthPieceOptions;
}

/**
 * The replay as a generator that takes its pieces at each \`yield\` (undefined: the end, which returns the result).
 * One function holds the state, the helpers and the event loop, as \`replayDepth\` did before it took pieces:
 * the loop in a function of its own, reading the state from the enclosing scope, ran 10-20 % slower here.
 */
function* depthReplayRun(config: Omit<DepthReplayConfig, 'bookArrivalMs'>, recordedFeed: boolean): Generator<DepthReplayState, DepthReplayResult, DepthReplayPiece | undefined> {
  const tick = config.tickSize;
  const lot = config.lotSize ?? 0;
  const size = lot > 0 ? Math.floor(config.orderSize / lot + 1e-9) * lot : config.orderSize;
  if (!(size > 0)) throw new RangeError(`order size ${config.orderSize} is below the lot ${lot}`);
  const makerFee = config.makerFee ?? 0;
  const takerFee = config.takerFee ?? 0;
  let fees = 0;
  const feedSpec = config.feedLatencyMs ?? 0;
  /** The feed latency when constant, else −1 (sampled: drawn per group of changes and per fill notice). */
  const feedMs = typeof feedSpec === 'number' ? feedSpec : -1;
  const feedSampler = feedMs < 0 ? latencySampler(feedSpec, 'feed') : undefined;
  const noticeSampler = feedMs < 0 ? latencySampler(feedSpec, 'fills') : undefined;
  /** When each fill's notice reaches the strategy (in order: a notice never overtakes an earlier one). */
  const noticeMs: number[] = [];
  let lastNoticeMs = -Infinity;
  /** The latest arrival of a group so far (sampled feed: arrivals kept in order). */
  let lastArrivalMs = -Infinity;
  /** The latest arrival of the changes so far (recorded feed latency), kept non-decreasing. */
  let arrivedMs = -Infinity;
  const entrySpec = config.entryLatencyMs ?? 0;
  const cancelSpec = config.cancelLatencyMs ?? entrySpec;
  const entryConst = typeof entrySpec === 'number' ? entrySpec : -1;
  const cancelConst = typeof cancelSpec === 'number' ? cancelSpec : -1;
  const entryLatency = latencySampler(entrySpec, 'entry');
  const cancelLatency = latencySampler(cancelSpec, 'cancel');
  const maxPos = config.maxPosition ?? Infinity;
  const levels = config.orderLevels ?? 1;
  const spacingTicks = config.levelSpacingTicks ?? 1;
  if (!(Number.isInteger(levels) && levels >= 1)) throw new RangeError(`orderLevels must be a whole number ≥ 1, got ${levels}`);
  if (!(Number.isInteger(spacingTicks) && spacingTicks >= 1)) throw new RangeError(`levelSpacingTicks must be a whole number of ticks ≥ 1, got ${spacingTicks}`);
  /** Our order slots: bids nearest the touch first (0 … levels − 1), then asks (levels … 2·levels − 1). */
  const slots = 2 * levels;
  const refreshMs = config.refreshMs ?? 0;
  const keepWithinTicks = config.refreshToleranceTicks ?? 0;
  const maxOrderAgeMs = config.maxOrderAgeMs ?? Infinity;
  const minHalfSpreadPx = (config.minSpreadPx ?? 0) / 2;
  const inventoryTarget = config.inventoryTarget ?? 0;
  const prob: QueueProbability = queueProbability(config.queueModel ?? DEFAULT_QUEUE_MODEL);
  const partial = config.partialFills !== false;
  // orderCount: the orders at each level (from the events' counts), ours placed among them
  const countQueue = (config.fill ?? 'queue') === 'queue' && (config.queueModel ?? DEFAULT_QUEUE_MODEL).name === 'orderCount';
  const levelCounts: Array<Map<number, number>> = [new Map(), new Map()];
  const book = new TickBook(tick);
  const sides: readonly TickSide[] = [book.bids, book.asks];
  // of the piece being replayed, what onTrade reads: its trades and their ticks
  let trades: TradeTable | undefined;
  let tradeTicks: Float64Array = new Float64Array(0);
  /** Changes and trades of the pieces before this one; the last change and trade times so far; replay time so far. */
  let changesBefore = 0;
  let tradesBefore = 0;
  let lastChangeMs = -Infinity;
  let lastTradeMs = -Infinity;
  let replayMs = 0;

  // the book as the strategy sees it: best bid and ask ticks after each group of changes with one time
  // (a ring of typed arrays over the groups from the older of the two indices below: pushing to growing JS
  // arrays cost 10x the rest of the loop on a market that changes often)
  const groups = new GroupRing();
  let view = -1;
  /** The group whose arrival is the next decision (refreshMs 0). */
  let nextDecisionIdx = 0;
  // the next decision's time: the first book's arrival, then a timer's, or the next book change's as the strategy
  // receives it (a decision is taken when an event after it comes: none after the last event)
  let dNext = Infinity;

  const live: DepthOrder[] = Array.from({ length: slots }, none);
  const pending: DepthOrder[] = Array.from({ length: slots }, none);
  // per slot, a fully filled order the strategy has not heard of yet (its tick, the fill's index)
  const filledTick: number[] = Array.from({ length: slots }, () => NaN);
  const filledAt: number[] = Array.from({ length: slots }, () => -1);
  // per slot, what replaces the pending order once it arrives (an order in flight cannot be withdrawn before it
  // arrives; its cancel is then due): `nextSet`, and the order sent for it (tick NaN: none, the side withdrawn). It
  // becomes the pending order when that one arrives, and rests once that one is gone.
  const nextSet: boolean[] = Array.from({ length: slots }, () => false);
  const nextTick: number[] = Array.from({ length: slots }, () => NaN);
  const nextSentMs: number[] = Array.from({ length: slots }, () => NaN);
  const nextActiveMs: number[] = Array.from({ length: slots }, () => NaN);
  /** The side of a slot: 0 bid, 1 ask. */
  const sideOf = (slot: number) => (slot < levels ? 0 : 1);
  const fills = { tsMs: [] as number[], side: [] as number[], px: [] as number[], qty: [] as number[], fee: [] as number[], maker: [] as boolean[], cause: [] as number[] };
  const fillRule = config.fill ?? 'queue';
  const queueFills = fillRule === 'queue';
  const midCross = fillRule === 'midCross';
  const orders: DepthOrderRecords = { side: [], pxTicks: [], sentMs: [], activeMs: [], endMs: [], firstFillMs: [] };
  let inventory = 0;
  let cash = 0;
  let knownFills = 0;
  let knownInventory = 0;
  let decisions = 0;
  let resyncing = false;
  /** Orders that rested, and those of them that filled (kept whether or not `orders` records them). */
  let orderCount = 0;
  let ordersFilled = 0;
  let remainderCrosses = 0;
  let remainderCrossQty = 0;
  const recordOrders = config.recordOrders !== false;
  /**
   * The last decision's inputs, for a strategy whose quotes do not depend on time (Strategy.timeInvariant) and no
   * maximum order age: a decision that sees the same best bid and ask, known inventory and fills and calibration
   * step as the last one would change nothing, so it is counted and skipped (a decision run twice on the same
   * inputs changes nothing the second time, and draws no latency). What `decide` reads of our orders can change
   * without those inputs (a grid level ended or rested while another is kept), so `ordersVersion` counts every
   * order ended, rested or pulled outside `decide`, and a change voids the skip. Fields of an object: V8 stores a
   * fractional number in a captured `let` as a new heap object per store.
   */
  const memo = { bid: NaN, ask: NaN, inventory: NaN, fills: -1, calIdx: -2, ordersVersion: 0, decidedVersion: -1 };
  /** What `onDecision` was last told: the mid seen, the quotes, our inventory and cash. */
  const told = { midPx: NaN, reservationPx: NaN, bidPx: NaN, askPx: NaN, inventory: NaN, cash: NaN };
  const reuseDecisions = config.strategy.timeInvariant === true && !(maxOrderAgeMs < Infinity);
  const onDecision = config.onDecision;
  // masked intervals: the next edge (a start when outside, an end inside)
  const masks = config.masked ?? [];
  let maskIdx = 0;
  let inMask = false;
  let nextMaskEdge = masks.length > 0 ? masks[0].fromMs : Infinity;
  let maskedDecisions = 0;
  let maskedTrades = 0;
  /** End of the last masked interval: a decision that sees only rows from before it does not quote either. */
  let validSinceMs = -Infinity;
  /** Crosses the mask edges due by x: entering pulls every order. */
  const crossMaskEdges = (x: number) => {
    while (x >= nextMaskEdge) {
      if (!inMask) {
        inMask = true;
        nextMaskEdge = masks[maskIdx].toMs;
        const from = masks[maskIdx].fromMs;
        memo.ordersVersion++;
        for (let k = 0; k < slots; k++) {
          endOrder(live[k], from);
          reset(pending[k]);
          nextSet[k] = false;
          filledAt[k] = -1;
        }
      } else {
        inMask = false;
        validSinceMs = masks[maskIdx].toMs;
        maskIdx++;
        nextMaskEdge = maskIdx < masks.length ? masks[maskIdx].fromMs : Infinity;
      }
    }
  };
  let firstDecision = NaN;
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  const cal = config.calibration ?? { sigmaPerSqrtSec: NaN, aPerSec: NaN, kPerPrice: NaN };
  const rollingIn = 'tMs' in cal ? cal : undefined;
  /**
   * The rolling calibration's rows held, the config's and then the pieces' (see DepthPieceOptions.calibration):
   * `on` once there are any; `base` rows before the first held were let go. (Fields of one object: a captured
   * `let` reassigned per piece made every decision 6-12 % slower.)
   */
  const calRows = {
    on: rollingIn !== undefined,
    tMs: rollingIn?.tMs ?? new Float64Array(0),
    sigma: rollingIn?.sigmaPricePerSqrtSec ?? new Float64Array(0),
    a: rollingIn?.aPooledPerSec ?? new Float64Array(0),
    k: rollingIn?.kPooledPerPrice ?? new Float64Array(0),
    base: 0,
  };
  /** The row in force, counted from the first row ever (-1: none yet). */
  let calIdx = -1;
  const needSigma = config.strategy.requires.includes('sigma');
  const needA = config.strategy.requires.includes('a');
  const needK = config.strategy.requires.includes('k');
  // one context, updated per decision (an object per decision was most of the replay's garbage)
  const context: { -readonly [K in keyof QuoteContext]: QuoteContext[K] } = rollingIn
    ? { tMs: 0, midPx: 0, bestBidPx: 0, bestAskPx: 0, q: 0, sigmaPerSqrtSec: NaN, aPerSec: NaN, kPerPrice: NaN, elapsedSec: 0 }
    : { tMs: 0, midPx: 0, bestBidPx: 0, bestAskPx: 0, q: 0, sigmaPerSqrtSec: (cal as { sigmaPerSqrtSec: number }).sigmaPerSqrtSec, aPerSec: (cal as { aPerSec: number }).aPerSec, kPerPrice: (cal as { kPerPrice: number }).kPerPrice, elapsedSec: 0 };

  const endOrder = (o: DepthOrder, t: number) => {
    if (o.logRow >= 0) orders.endMs[o.logRow] = t;
    reset(o);
    memo.ordersVersion++;
  };
  const fill = (slot: number, o: DepthOrder, t: number, pxTicks: number, qty: number, maker: boolean, cause: number) => {
    const q = Math.min(qty, o.remaining);
    if (!(q > 0)) return;
    const px = book.toPrice(pxTicks);
    o.remaining -= q;
    const k = sideOf(slot);
    const fee = px * q * (maker ? makerFee : takerFee);
    fees += fee;
    if (k === 0) {
      inventory += q;
      cash -= px * q + fee;
    } else {
      inventory -= q;
      cash += px * q - fee;
    }
    fills.tsMs.push(t);
    fills.side.push(k === 0 ? 1 : -1);
    fills.px.push(px);
    fills.qty.push(q);
    fills.fee.push(fee);
    fills.maker.push(maker);
    fills.cause.push(cause);
    if (!o.filled) {
      o.filled = true;
      ordersFilled++;
      if (o.logRow >= 0) orders.firstFillMs[o.logRow] = t;
    }
    if (o.remaining <= 1e-12) {
      filledTick[slot] = o.tick;
      filledAt[slot] = fills.tsMs.length - 1;
      endOrder(o, t);
    }
  };
  /** The opposite best reached a resting order: filled completely, at its price. */
  const checkCross = (t: number) => {
    // (the best ask against our highest bid, the best bid against our lowest ask, before any loop: most changes
    // cross nothing)
    const bestAsk = book.asks.levels > 0 ? book.asks.best : Infinity;
    const bestBid = book.bids.levels > 0 ? book.bids.best : -Infinity;
    const b = live[0];
    const a = live[levels];
    if (!(b.remaining > 0 && bestAsk <= b.tick) && !(a.remaining > 0 && bestBid >= a.tick) && levels === 1) return;
    for (let slot = 0; slot < slots; slot++) {
      const o = live[slot];
      if (o.remaining <= 0) continue;
      if (slot < levels ? bestAsk <= o.tick : bestBid >= o.tick) {
        if (o.tookOnArrival) {
          remainderCrosses++;
          remainderCrossQty += o.remaining;
        }
        fill(slot, o, t, o.tick, o.remaining, true, CAUSE.bookCross);
      }
    }
  };
  /** midCross: the mid reached a resting order (twice the mid, in ticks, against twice its tick): filled whole. */
  const checkMid = (t: number) => {
    if (book.bids.levels === 0 || book.asks.levels === 0) return;
    const mid2 = book.bids.best + book.asks.best;
    for (let slot = 0; slot < slots; slot++) {
      const o = live[slot];
      if (o.remaining > 0 && (slot < levels ? 2 * o.tick >= mid2 : 2 * o.tick <= mid2)) fill(slot, o, t, o.tick, o.remaining, true, CAUSE.midCross);
    }
  };
  /** Cancels and arrivals due by t. */
  const transitions = (t: number) => {
    for (let slot = 0; slot < slots; slot++) {
      const k = sideOf(slot);
      const o = live[slot];
      let freed = -Infinity;
      if (o.cancelMs <= t) {
        freed = o.cancelMs;
        endOrder(o, o.cancelMs);
      }
      const p = pending[slot];
      if (p.activeMs > t || (o.remaining > 0 && o.cancelMs > t)) continue;
      // the new order rests from its arrival, or from its predecessor's cancel when that came later
      const rested = Math.max(p.activeMs, freed);
      memo.ordersVersion++;
      live[slot] = p;
      pending[slot] = o;
      reset(o);
      orderCount++;
      if (recordOrders) {
        p.logRow = orders.side.length;
        orders.side.push(k === 0 ? 1 : -1);
        orders.pxTicks.push(p.tick);
        orders.sentMs.push(p.sentMs);
        orders.activeMs.push(rested);
        orders.endMs.push(NaN);
        orders.firstFillMs.push(NaN);
      }
      // marketable on arrival: takes the opposite best as a taker, up to its size there; the rest rests
      const opposite = sides[1 - k];
      if (opposite.levels > 0 && (k === 0 ? p.tick >= opposite.best : p.tick <= opposite.best)) {
        fill(slot, p, rested, opposite.best, partial ? opposite.sizeAt(opposite.best) : p.remaining, false, CAUSE.marketable);
        if (p.remaining > 0) p.tookOnArrival = true;
      }
      if (p.remaining > 0) {
        p.ahead = sides[k].sizeAt(p.tick);
        p.lastShown = p.ahead;
        if (countQueue) p.aheadOrders = p.lastCount = levelCounts[k].get(p.tick) ?? 0;
      }
      let goneMs = -Infinity;
      if (p.remaining > 0 && p.cancelMs <= t) {
        // replaced while on its way, its cancel already due: what it took on arrival, then gone
        goneMs = Math.max(p.cancelMs, rested);
        endOrder(p, goneMs);
      }
      if (nextSet[slot]) {
        nextSet[slot] = false;
        if (nextTick[slot] === nextTick[slot]) {
          // the order sent while this one was on its way: pending now, resting once this one is gone
          const n = pending[slot];
          n.tick = nextTick[slot];
          n.remaining = size;
          n.sentMs = nextSentMs[slot];
          n.activeMs = Math.max(nextActiveMs[slot], goneMs);
          if (n.activeMs <= t) slot--; // due already: this pass takes the slot again
        }
      }
    }
  };
  const nextTransition = () => {
    // (called after every event: one order a side is read without a loop)
    if (levels === 1) return Math.min(live[0].cancelMs, live[1].cancelMs, pending[0].activeMs, pending[1].activeMs);
    let next = Infinity;
    for (let slot = 0; slot < slots; slot++) next = Math.min(next, live[slot].cancelMs, pending[slot].activeMs);
    return next;
  };

  /** The decision at d; false when it was skipped (see `memo`), having changed nothing. */
  const decide = (d: number): boolean => {
    decisions++;
    if (firstDecision !== firstDecision) firstDecision = d;
    while (view + 1 < groups.count && groups.arrival(view + 1) <= d) view++;
    groups.keepFrom(Math.max(0, refreshMs > 0 ? view : Math.min(view, nextDecisionIdx)));
    for (let f = noticeMs.length; f < fills.tsMs.length; f++) {
      const t = fills.tsMs[f];
      lastNoticeMs = Math.max(lastNoticeMs, t + (feedMs >= 0 ? feedMs : noticeSampler ? noticeSampler(t) : 0));
      noticeMs.push(lastNoticeMs);
    }
    while (knownFills < fills.tsMs.length && noticeMs[knownFills] <= d) {
      knownInventory += fills.side[knownFills] * fills.qty[knownFills];
      knownFills++;
    }
    let bidTick = NaN;
    let askTick = NaN;
    let reservationPx = NaN;
    if (calRows.on) {
      const seen = feedMs >= 0 && !recordedFeed ? d - feedMs : seenExchangeMs(d);
      const calT = calRows.tMs;
      let row = calIdx - calRows.base;
      if (row + 1 < calT.length && calT[row + 1] <= seen) {
        while (row + 1 < calT.length && calT[row + 1] <= seen) row++;
        calIdx = row + calRows.base;
        context.sigmaPerSqrtSec = calRows.sigma[row];
        context.aPerSec = calRows.a[row];
        context.kPerPrice = calRows.k[row];
      }
    }
    const ready =
      (!needSigma || context.sigmaPerSqrtSec === context.sigmaPerSqrtSec) && (!needA || context.aPerSec === context.aPerSec) && (!needK || context.kPerPrice === context.kPerPrice);
    const stale = view >= 0 && groups.ts(view) < validSinceMs;
    if (stale) maskedDecisions++;
    const viewBid = view >= 0 && !stale ? groups.bid(view) : NaN;
    const viewAsk = view >= 0 ? groups.ask(view) : NaN;
    if (reuseDecisions) {
      if (
        memo.decidedVersion === memo.ordersVersion && viewBid === memo.bid && viewAsk === memo.ask && knownInventory === memo.inventory &&
        knownFills === memo.fills && calIdx === memo.calIdx
      ) {
        if (onDecision && (inventory !== told.inventory || cash !== told.cash)) {
          // a fill moved inventory and cash, its notice not yet here: the same quotes, the new position
          told.inventory = inventory;
          told.cash = cash;
          onDecision(d, told.midPx, told.reservationPx, told.bidPx, told.askPx, inventory, cash);
        }
        return false;
      }
      memo.bid = viewBid;
      memo.ask = viewAsk;
      memo.inventory = knownInventory;
      memo.fills = knownFills;
      memo.calIdx = calIdx;
    }
    if (ready && viewBid === viewBid && viewAsk === viewAsk) {
      const bb = book.toPrice(viewBid);
      const ba = book.toPrice(viewAsk);
      context.tMs = d;
      context.midPx = 0.5 * (bb + ba);
      context.bestBidPx = bb;
      context.bestAskPx = ba;
      context.q = (knownInventory - inventoryTarget) / size; // the strategy steers toward the target
      context.elapsedSec = (d - firstDecision) / 1000;
      const strategy = config.strategy;
      const quotes = strategy.quoteInto ? (strategy.quoteInto(context, out), out) : strategy.quote(context);
      reservationPx = quotes.reservationPx;
      let bidPx = quotes.bidPx;
      let askPx = quotes.askPx;
      if (minHalfSpreadPx > 0) {
        bidPx = Math.min(bidPx, context.midPx - minHalfSpreadPx);
        askPx = Math.max(askPx, context.midPx + minHalfSpreadPx);
      }
      bidTick = Math.floor(bidPx / tick + 1e-9);
      askTick = Math.ceil(askPx / tick - 1e-9);
      // no exchange takes a bid at a price of 0 or less (a γ far too large for the price level puts it there)
      if (!(bidTick > 0)) bidTick = NaN;
      if (knownInventory + size > maxPos + 1e-12) bidTick = NaN;
      if (knownInventory - size < -maxPos - 1e-12) askTick = NaN;
      if (!(bidTick < askTick) && bidTick === bidTick && askTick === askTick) bidTick = askTick = NaN;
    }
    for (let slot = 0; slot < slots; slot++) {
      // level l of a grid rests l spacings behind the quote, and is not quoted when its fill (with every level
      // nearer the touch filled too) would pass the maximum position
      const k = sideOf(slot);
      const level = k === 0 ? slot : slot - levels;
      let want = k === 0 ? bidTick - level * spacingTicks : askTick + level * spacingTicks;
      if (!(want > 0)) want = NaN;
      if (level > 0 && (k === 0 ? knownInventory + (level + 1) * size > maxPos + 1e-12 : knownInventory - (level + 1) * size < -maxPos - 1e-12)) want = NaN;
      const o = live[slot];
      const p = pending[slot];
      const hasNext = nextSet[slot];
      // the pending order has not reached the exchange yet, or its replacement is already decided
      const deferred = hasNext || (p.activeMs !== Infinity && p.activeMs > d);
      let current = hasNext ? nextTick[slot] : p.activeMs !== Infinity ? p.tick : o.tick;
      let resting = hasNext || p.activeMs !== Infinity || o.remaining > 0;
      // an order older than the maximum age is re-sent (to the back of the queue) even at the same price
      if (resting && d - (hasNext ? nextSentMs[slot] : p.activeMs !== Infinity ? p.sentMs : o.sentMs) > maxOrderAgeMs) resting = false;
      if (!resting && filledAt[slot] >= knownFills) {
        // filled, but the notice has not reached the strategy: to it, the order still rests at its price
        current = filledTick[slot];
        resting = true;
      }
      // kept when the new quote is within the refresh tolerance (0 ticks by default: the same price)
      if (resting && want === want && Math.abs(current - want) <= keepWithinTicks) continue;
      filledAt[slot] = -1;
      if (o.remaining > 0 && o.cancelMs === Infinity) o.cancelMs = d + (cancelConst >= 0 ? cancelConst : cancelLatency(d));
      if (deferred) {
        // an order on its way still arrives (the exchange gets what was sent; hftbacktest refuses to cancel an
        // order whose request is in process): it is cancelled as it arrives, or when the cancel sent now gets
        // there if later, and the new order rests once it is gone
        if (p.cancelMs === Infinity) p.cancelMs = Math.max(p.activeMs, d + (cancelConst >= 0 ? cancelConst : cancelLatency(d)));
        nextSet[slot] = true;
        nextTick[slot] = want;
        if (want !== want) continue;
        nextSentMs[slot] = d;
        nextActiveMs[slot] = d + (entryConst >= 0 ? entryConst : entryLatency(d));
        continue;
      }
      reset(p);
      if (want !== want) continue;
      p.tick = want;
      p.remaining = size;
      p.sentMs = d;
      p.activeMs = d + (entryConst >= 0 ? entryConst : entryLatency(d));
    }
    memo.decidedVersion = memo.ordersVersion;
    if (onDecision) {
      told.midPx = viewBid === viewBid && viewAsk === viewAsk ? 0.5 * (book.toPrice(viewBid) + book.toPrice(viewAsk)) : NaN;
      told.reservationPx = reservationPx;
      told.bidPx = bidTick === bidTick ? book.toPrice(bidTick) : NaN;
      told.askPx = askTick === askTick ? book.toPrice(askTick) : NaN;
      told.inventory = inventory;
      told.cash = cash;
      onDecision(d, told.midPx, told.reservationPx, told.bidPx, told.askPx, inventory, cash);
    }
    return true;
  };

  let transitionAt = Infinity;

  for (let piece = yield stateNow(); piece !== undefined; piece = yield stateNow()) {
    const pieceEvents = piece.events;
    const pieceTrades = piece.trades;
    const options = piece.options;
    const started = performance.now();
    const n = pieceEvents.tsMs.length;
    const m = pieceTrades?.tsMs.length ?? 0;
    const arrivals = options.bookArrivalMs;
    if ((arrivals !== undefined) !== recordedFeed) throw new RangeError(recordedFeed ? 'the feed as recorded: every piece needs its bookArrivalMs' : 'bookArrivalMs given to a replay without a recorded feed');
    if (arrivals !== undefined && arrivals.length !== n) throw new RangeError(`bookArrivalMs has ${arrivals.length} times for ${n} level changes`);
    if (countQueue && n > 0 && !pieceEvents.orders) throw new Error('queue model orderCount: these level changes carry no order counts (OKX books levels and the order-by-order sample market have them): choose another queue model');
    // the pieces in time order: a group of changes with one time is never split, a trade never comes before a change it followed
    if (n > 0 && !(pieceEvents.tsMs[0] > lastChangeMs)) throw new RangeError(`a piece's first level change (${pieceEvents.tsMs[0]} ms) is not after the last of the piece before (${lastChangeMs} ms)`);
    if (m > 0 && !(pieceTrades!.tsMs[0] > lastChangeMs && pieceTrades!.tsMs[0] >= lastTradeMs)) throw new RangeError(`a piece's first trade (${pieceTrades!.tsMs[0]} ms) comes before the last level change or trade of the piece before (${lastChangeMs} ms, ${lastTradeMs} ms)`);
    if (n > 0 && !(pieceEvents.tsMs[0] >= lastTradeMs)) throw new RangeError(`a piece's first level change (${pieceEvents.tsMs[0]} ms) comes before the last trade of the piece before (${lastTradeMs} ms)`);
    const rows = options.calibration;
    if (rows !== undefined && rows.tMs.length > 0) {
      if (config.calibration !== undefined && !rollingIn) throw new RangeError('calibration rows fed to a replay whose σ, A, k are constant');
      const held = calRows.tMs.length;
      const lastRowMs = held > 0 ? calRows.tMs[held - 1] : -Infinity;
      if (!(rows.tMs[0] > lastRowMs)) throw new RangeError(`a piece's first calibration row (${rows.tMs[0]} ms) is not after the last row before it (${lastRowMs} ms)`);
      // the rows before the one in force are let go: a decision never goes back to them
      const keep = Math.max(0, calIdx - calRows.base);
      calRows.tMs = joined(calRows.tMs, keep, Float64Array.from(rows.tMs));
      calRows.sigma = joined(calRows.sigma, keep, Float64Array.from(rows.sigmaPricePerSqrtSec));
      calRows.a = joined(calRows.a, keep, Float64Array.from(rows.aPooledPerSec));
      calRows.k = joined(calRows.k, keep, Float64Array.from(rows.kPooledPerPrice));
      calRows.base += keep;
      calRows.on = true;
    }
    trades = pieceTrades;
    tradeTicks = tradeTicksOf(book, pieceTrades, tradesBefore);
    const changeTs = pieceEvents.tsMs;
    const changeSide = pieceEvents.side;
    const changePx = pieceEvents.px;
    const changeQty = pieceEvents.qty;
    const changeOrders = pieceEvents.orders;
    const arrivalTs = arrivals;
    const tradeTimes = pieceTrades?.tsMs ?? new Float64Array(0);
    const changes = n;
    const tradeCount = m;
    // the next change and trade
    let ci = 0;
    let ti = 0;
  while (ci < changes || ti < tradeCount) {
    const tb = ci < changes ? changeTs[ci] : Infinity;
    const tt = ti < tradeCount ? tradeTimes[ti] : Infinity;
    const t = tb < tt ? tb : tt;
    const d = dNext;
    if (d < t) {
      // the next transition changes only when orders do (a skipped decision changes none)
      let ordersChanged = false;
      if (d >= nextMaskEdge) {
        crossMaskEdges(d);
        ordersChanged = true;
      }
      if (transitionAt <= d) {
        transitions(d);
        ordersChanged = true;
      }
      if (inMask) maskedDecisions++;
      else if (decide(d)) ordersChanged = true;
      if (refreshMs > 0) dNext = d + refreshMs;
      else {
        nextDecisionIdx++;
        dNext = nextDecisionIdx < groups.count ? groups.arrival(nextDecisionIdx) : Infinity;
      }
      if (ordersChanged) transitionAt = nextTransition();
      continue;
    }
    if (t >= nextMaskEdge) {
      crossMaskEdges(t);
      transitionAt = nextTransition();
    }
    if (transitionAt <= t) {
      transitions(t);
      transitionAt = nextTransition();
    }
    if (ti < tradeCount && tradeTimes[ti] <= t) {
      if (inMask) {
        ti++;
        maskedTrades++;
      } else onTrade(ti++, t);
    } else {
      const s = changeSide[ci];
      if (s === 0) {
        book.clear();
        levelCounts[0].clear();
        levelCounts[1].clear();
        resyncing = true;
      } else {
        const k = s > 0 ? 0 : 1;
        const tk = book.toTick(changePx[ci]);
        if (tk !== tk) throw new RangeError(`level change ${changesBefore + ci}: price ${changePx[ci]} is not on the ${tick} grid`);
        const qty = changeQty[ci];
        sides[k].set(tk, qty);
        const count = countQueue ? (qty > 0 ? changeOrders![ci] : 0) : 0;
        if (countQueue) {
          if (qty > 0 && !(count >= 0)) throw new RangeError(`level change ${changesBefore + ci} (${changeTs[ci]} ms, price ${changePx[ci]}): its order count is ${count}, which orderCount cannot place us behind: choose another queue model`);
          if (qty > 0) levelCounts[k].set(tk, count);
          else levelCounts[k].delete(tk);
        }
        if (!resyncing) {
          // our orders at this level (a grid's levels may share a price for a while: a level kept within the
          // refresh tolerance where another is re-sent, or a cancel still in flight)
          for (let slot = k * levels, end = slot + levels; slot < end; slot++) {
            const o = live[slot];
            if (o.tick !== tk || o.remaining <= 0) continue;
            const decrease = o.lastShown - qty;
            if (countQueue) countedDecrease(o, decrease, count);
            else if (decrease > 0 && o.ahead > 0) o.ahead = frontAfterDecrease(o.ahead, o.lastShown, decrease, prob);
            if (o.ahead > qty) o.ahead = qty;
            o.lastShown = qty;
          }
        }
      }
      if (arrivalTs && arrivalTs[ci] > arrivedMs) arrivedMs = arrivalTs[ci];
      ci++;
      if (ci === changes || changeTs[ci] !== t) {
        // the group of changes at t is complete: a snapshot's levels are all in
        if (resyncing) {
          resyncing = false;
          for (let slot = 0; slot < slots; slot++) {
            const k = sideOf(slot);
            const o = live[slot];
            if (o.remaining <= 0) continue;
            const shown = sides[k].sizeAt(o.tick);
            if (o.ahead > shown) o.ahead = shown;
            o.lastShown = shown;
            if (countQueue) {
              const count = levelCounts[k].get(o.tick) ?? 0;
              if (o.aheadOrders > count) o.aheadOrders = count;
              o.lastCount = count;
            }
          }
        }
        // a change is not seen before it happened (a local clock behind the exchange's would say otherwise)
        const arrival = arrivalTs ? Math.max(arrivedMs, t) : feedMs >= 0 ? t + feedMs : (lastArrivalMs = Math.max(lastArrivalMs, t + feedSampler!(t)));
        groups.push(t, arrival, book.bids.levels > 0 ? book.bids.best : NaN, book.asks.levels > 0 ? book.asks.best : NaN);
        // the first decision comes when the first book reaches the strategy, as in the top-N replay; then at
        // every book (refreshMs 0) or every refreshMs after it
        if (refreshMs === 0 ? nextDecisionIdx === groups.count - 1 : groups.count === 1) dNext = arrival;
        if (midCross && !resyncing && !inMask) checkMid(t);
      }
      if (queueFills && !resyncing && !inMask) checkCross(t);
    }
  }
    // the piece is done: nothing of it is held until the next (a day of a long range freed a piece sooner)
    trades = undefined;
    tradeTicks = new Float64Array(0);
    changesBefore += n;
    tradesBefore += m;
    if (n > 0) lastChangeMs = changeTs[n - 1];
    if (m > 0) lastTradeMs = tradeTimes[m - 1];
    replayMs += performance.now() - started;
  }

  /** Trade jj against our orders on the side it hits (each level of a grid on its own, nearest the touch first). */
  function onTrade(jj: number, t: number): void {
    if (midCross) return;
    const k = trades!.side[jj] < 0 ? 0 : 1; // sells hit bids, buys lift asks
    const tt = tradeTicks[jj];
    const sz = trades!.sz[jj];
    // tradeThrough: the trade's size is shared by the levels it reaches, nearest the touch first
    let left = sz;
    for (let slot = k * levels; slot < (k + 1) * levels; slot++) {
      const o = live[slot];
      if (o.remaining <= 0) continue;
      const through = k === 0 ? tt < o.tick : tt > o.tick;
      if (!queueFills) {
        // tradeThrough: at or through our price, up to the trade's size, no queue
        if (!(left > 0) || !(through || tt === o.tick)) continue;
        const before = o.remaining;
        fill(slot, o, t, o.tick, partial ? left : o.remaining, true, through ? CAUSE.tradeThrough : CAUSE.tradeAt);
        left -= before - Math.max(0, o.remaining);
        continue;
      }
      if (through) {
        fill(slot, o, t, o.tick, o.remaining, true, CAUSE.tradeThrough);
        continue;
      }
      if (tt !== o.tick) continue;
      // orderCount: the trade took the orders ahead in proportion of the quantity ahead it took; they leave the
      // level's count too (else the next change would count them again as cancellations)
      if (countQueue && o.ahead > 0) {
        const taken = o.aheadOrders * Math.min(1, sz / o.ahead);
        o.aheadOrders -= taken;
        o.lastCount = Math.max(0, o.lastCount - taken);
      }
      const beyond = sz - o.ahead;
      o.ahead = Math.max(0, o.ahead - sz);
      o.lastShown = Math.max(0, o.lastShown - sz);
      if (beyond > SIZE_ROUNDING * sz) fill(slot, o, t, o.tick, partial ? beyond : o.remaining, true, CAUSE.tradeAt);
    }
  }

  /**
   * The exchange time the strategy has reached at decision d when the feed latency varies (sampled or recorded):
   * d less the latency of the newest group it has seen, capped at the next group's time (a group stamped earlier
   * but still in flight must not count), as the top-N replay computes it. (A change not yet replayed comes after
   * d, so only groups replayed and still in flight can cap it.)
   */
  function seenExchangeMs(d: number): number {
    const v = view >= 0 ? view : 0;
    if (groups.count === 0) return -Infinity;
    const lagged = d - (groups.arrival(v) - groups.ts(v));
    const next = v + 1 < groups.count ? groups.ts(v + 1) : Infinity;
    return next < lagged ? next : lagged;
  }

  function midNow(): number {
    return book.bids.levels > 0 && book.asks.levels > 0 ? 0.5 * (book.toPrice(book.bids.best) + book.toPrice(book.asks.best)) : NaN;
  }

  function stateNow(): DepthReplayState {
    const lastMidPx = midNow();
    return { nativeEvents: changesBefore + tradesBefore, decisions, fills: fills.tsMs.length, inventory, cash, lastMidPx, pnl: cash + inventory * lastMidPx };
  }

  function finish(): DepthReplayResult {
    const lastMidPx = midNow();
    return { fills, orderSize: size, fees, orders, orderCount, ordersFilled, inventory, cash, lastMidPx, pnl: cash + inventory * lastMidPx, nativeEvents: changesBefore + tradesBefore, decisions, maskedDecisions, maskedTrades, replaySec: replayMs / 1000, remainderCrosses, remainderCrossQty };
  }

  return finish();
}
