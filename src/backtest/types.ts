import type { MaskSummary } from '../data/masks.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { FeedLatencySpec, LatencySpec } from './latency.js';
import type { QueueModelSpec } from './queueModels.js';
import type { Strategy } from './strategy.js';

// The backtest's vocabulary: what a run is configured with and what it gives back (the engine's types, in a module
// of their own so that modules the engine uses, such as executions.ts, can name them without importing the engine).

/**
 * How our resting orders fill (see README "Backtest"):
 * - `midCross`: the reference system's rule: a bid fills completely when a book update's mid is at or below
 *   it, an ask when the mid is at or above it. Optimistic: no trade needs to happen, no queue.
 * - `tradeThrough`: a recorded trade at or through our price (a sell at or below our bid, a buy at or above
 *   our ask) fills us up to the trade's size. Optimistic about queue position (we are always first).
 * - `queue`: we join the back of our level's queue as displayed; trades at our price consume the queue ahead
 *   first, then fill us (partial fills); a trade through our price fills us completely; decreases of the
 *   displayed size without a trade are cancellations, placed ahead of or behind us by a queue model
 *   (`queueModel`, ./queueModels.ts: hftbacktest's probabilistic models, default power 2); if our
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
  /**
   * Order refresh tolerance, ticks: a resting order is kept when the new quote is within this many ticks of its
   * price (it keeps its queue position; Hummingbot's `order_refresh_tolerance_pct` in ticks). Default 0.
   */
  readonly refreshToleranceTicks?: number;
  /** An order resting longer than this (ms since it was sent) is re-sent at the decision, to the back of the queue. */
  readonly maxOrderAgeMs?: number;
  /** Minimum spread, price units: each quote at least half of it from the mid (Hummingbot's `min_spread`). */
  readonly minSpreadPx?: number;
  /** Inventory target, base units: the strategy sees q = (inventory − target) / order size, so it steers toward it. */
  readonly inventoryTarget?: number;
  /**
   * Orders per side (a grid, Hummingbot's `order_levels`, hftbacktest's grid examples' `grid_num`): level l rests
   * `l × levelSpacingTicks` ticks behind the strategy's quote (below its bid, above its ask), each with its own
   * queue, fills and refresh; a level is not quoted when its fill, with every level nearer the touch filled
   * too, would take |inventory| past `maxPosition`. Default 1.
   */
  readonly orderLevels?: number;
  /** Spacing of the grid's levels, ticks (default 1). */
  readonly levelSpacingTicks?: number;
  /** Where cancellations at our price happened, in front of us or behind (`queue` fills; default power 2). */
  readonly queueModel?: QueueModelSpec;
  /** σ, A, k over time (values strictly before each time); the value in force at t − feed latency is used. */
  readonly calibration?: RollingCalibration;
  /** Values used before the first calibration window (or without a calibration). */
  readonly fallback?: { readonly sigmaPerSqrtSec: number; readonly aPerSec: number; readonly kPerPrice: number };
  /** Record the series at every decision (default true). */
  readonly recordSeries?: boolean;
  /** Keep every order that rested, with how it ended (`BacktestResult.orders`; default false). */
  readonly recordOrders?: boolean;
}

/** Every order that rested in a run (`BacktestConfig.recordOrders`), one entry per order in the order it began to rest. */
export interface OrderRecords {
  /** +1 bid, −1 ask. */
  readonly side: Int8Array;
  readonly px: Float64Array;
  /** Size, base units. */
  readonly qty: Float64Array;
  /** When the strategy sent it, and when it began and stopped resting (ms; endMs NaN: still resting at the end). */
  readonly sentMs: Float64Array;
  readonly activeMs: Float64Array;
  readonly endMs: Float64Array;
  /** Why it stopped: 'open' (resting at the end), 'filled', 'cancelled', 'replaced' (by the side's next order), 'pulled' (a masked interval). */
  readonly endReason: ReadonlyArray<'open' | 'filled' | 'cancelled' | 'replaced' | 'pulled'>;
  /** Its first fill, ms (NaN: none). */
  readonly firstFillMs: Float64Array;
  /**
   * `queue` fills: the model's estimate of the quantity ahead of an order (base units) each time a trade printed
   * at its price, before the trade (what decided whether it filled): the order (index into these columns), time.
   */
  readonly queueSamples: { readonly order: Int32Array; readonly tMs: Float64Array; readonly aheadQty: Float64Array };
}

/**
 * Why a fill happened (`Fills.cause`):
 * - `tradeAt`: a trade printed at our price and reached us in the queue (or, for `tradeThrough`, at our price);
 * - `tradeThrough`: a trade printed through our price (a sell below our bid, a buy above our ask);
 * - `bookCross`: `queue` only: the opposite touch reached our price in a book row, with no trade needed (the
 *   order is taken whole; standard in queue models, optimistic where the data lack the trade);
 * - `marketable`: our order was marketable on arrival and took the opposite touch as a taker;
 * - `midCross`: `midCross` only: the mid moved to or through our price (the reference system's rule).
 */
export const FILL_CAUSES = ['tradeAt', 'tradeThrough', 'bookCross', 'marketable', 'midCross'] as const;
export type FillCause = (typeof FILL_CAUSES)[number];

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
  /** Index into `FILL_CAUSES`: why the fill happened. */
  readonly cause: Uint8Array;
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
  /** With `recordOrders`: every order that rested. */
  readonly orders?: OrderRecords;
  /**
   * The book's and trades' masked intervals (`BookTable.masked`, `TradeTable.masked`) and their total: the
   * replay pulled our orders when each began and neither quoted nor filled inside.
   */
  readonly masked: MaskSummary;
  /** What the masks cost: trades not acted on, book rows not acted on, decisions that did not quote. */
  readonly maskedEvents: { readonly trades: number; readonly bookRows: number; readonly decisions: number };
  /** Notes such as "fills from inferred executions". */
  readonly notes: readonly string[];
}
