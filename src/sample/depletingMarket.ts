import type { BookTable, TradeTable } from '../data/tables.js';
import { completePairing, type MarketOrders } from '../estimate/marketOrders.js';
import { createRng, deriveSeed, exponential, type Rng } from '../random/index.js';
import { decimalGrid, gridValue } from './decimalGrid.js';

/**
 * Options of the depleting market (every field optional; defaults in `DEFAULT_DEPLETING_MARKET`).
 * Rates are per second and per side; sizes in base currency (ETH); prices in quote currency (USDT).
 */
export interface DepletingMarketOptions {
  /** Seed of every random stream. */
  readonly seed?: number;
  /** Time of the first snapshot, ms since epoch. */
  readonly startMs?: number;
  /** Length in seconds: snapshots at startMs + i·snapshotIntervalMs for i = 0..durationSec·1000/interval. */
  readonly durationSec?: number;
  /** Interval between book snapshots, ms. */
  readonly snapshotIntervalMs?: number;
  /** Price tick, USDT. */
  readonly tickSize?: number;
  /** Size lot, ETH: every size is a whole number of lots (at least one). */
  readonly lotSize?: number;
  /** Initial mid, USDT (the initial best bid is the tick at or below it, the best ask one tick above). */
  readonly mid0?: number;
  /** Levels per side in the snapshots. */
  readonly depth?: number;
  /** A: market orders per second on each side. */
  readonly arrivalRatePerSec?: number;
  /** k: decay of the reach per USDT; reach δ from the mid ~ Exponential(k), mean 1/k USDT. */
  readonly kPerPrice?: number;
  /** Mean size of a newly exposed or newly posted level, ETH (exponential). */
  readonly levelSizeMean?: number;
  /** Mean size a market order that stops at the touch takes from it, ETH (exponential). */
  readonly touchTakeMean?: number;
  /** Cancellations at the touch per second per side (the confounder; 0 = none). */
  readonly cancelRatePerSec?: number;
  /** Mean size a cancellation removes from the touch, ETH (exponential). */
  readonly cancelSizeMean?: number;
  /** Limit orders joining the touch queue per second per side (0 = none). */
  readonly touchAddRatePerSec?: number;
  /** Mean size a limit order joining the touch adds, ETH (exponential). */
  readonly touchAddSizeMean?: number;
  /** Spread refills per second per side while the spread is wider than one tick. */
  readonly refillRatePerSec?: number;
}

export type DepletingMarketParams = Required<DepletingMarketOptions>;

export const DEFAULT_DEPLETING_MARKET: DepletingMarketParams = {
  seed: 1,
  startMs: Date.UTC(2026, 0, 1),
  durationSec: 600,
  snapshotIntervalMs: 100,
  tickSize: 0.01,
  lotSize: 0.0001,
  mid0: 3000,
  depth: 5,
  arrivalRatePerSec: 1,
  kPerPrice: 50,
  levelSizeMean: 1,
  touchTakeMean: 0.5,
  cancelRatePerSec: 0,
  cancelSizeMean: 0.5,
  touchAddRatePerSec: 0,
  touchAddSizeMean: 0.5,
  refillRatePerSec: 5,
};

/** A generated depleting market: the snapshots, and the true market orders they hide. */
export interface DepletingMarket {
  readonly params: DepletingMarketParams;
  /** Top `depth` levels per side every `snapshotIntervalMs`, each showing the book after every event up to its ts. */
  readonly book: BookTable;
  /** One trade per true market order, at its deepest price, size = all it filled; ts = arrival floored to whole ms. */
  readonly trades: TradeTable;
  /**
   * The true market orders with the true book at their arrival: `tsMs` the exact arrival time (fractional ms;
   * the row first showing it is the first with ts ≥ tsMs), `midPx` the mid then, `reachPx` the deepest price
   * they traded at, `ticksBeyondTouch` counted from the best price then (exact, no inference).
   */
  readonly orders: MarketOrders;
  /** Seconds between the first and the last snapshot (every event lies inside). */
  readonly durationSec: number;
  /** What happened besides market orders, per kind, both sides together. */
  readonly counts: {
    readonly cancels: number;
    /** Cancellations that removed the whole touch (the price moved). */
    readonly cancelsExhaustingTouch: number;
    readonly touchAdds: number;
    /** Refills that happened (a refill clock tick with the spread at one tick does nothing). */
    readonly refills: number;
  };
}

/** One side's dense ladder: a level on every tick from `bestTicks` outward; sizes in lots (integers). */
interface Ladder {
  bestTicks: number;
  /** 1 for asks (outward = up), −1 for bids. */
  readonly outward: 1 | -1;
  sizes: number[];
}

/**
 * Generates a small market whose book REACTS to market orders, so that executions inferred from the book
 * alone (`marketOrdersFromBook`) can be compared with the truth. Deterministic from `seed`.
 *
 * Model (prices on a tick grid, time continuous, each side a dense ladder: a level on every tick from its
 * best price outward, so there are never gaps; sizes whole lots; a level first exposed or posted gets size
 * ~ Exponential(levelSizeMean)):
 * 1. Market orders: on each side a Poisson process of rate A per second. A buy arriving when the mid is S
 *    (S = (best bid + best ask)/2) draws a reach δ ~ Exponential(k) and its reach price
 *    R = max(best ask, floorTick(S + δ)) (every market order trades at least at the touch, as in the sample
 *    market). If R = best ask it takes q ~ Exponential(touchTakeMean) from the touch (at most all of it);
 *    if R > best ask it takes every level from the best ask to R whole. When a level is emptied the best
 *    price moves one tick outward. Sells are symmetric on the bid. Since δ is memoryless, the whole ticks
 *    R − best ask − 1 of the orders that went past the touch are Geometric with p = e^{−k·tick} (the law
 *    `fitArrivalMle` fits), and A is the rate of all orders.
 * 2. Cancellations (optional confounder): Poisson(cancelRatePerSec) per side; each removes
 *    ~ Exponential(cancelSizeMean) from the touch, and the whole touch when that is at least its size.
 * 3. Touch additions (optional): Poisson(touchAddRatePerSec) per side; each adds ~ Exponential(touchAddSizeMean)
 *    to the touch queue.
 * 4. Refills: Poisson(refillRatePerSec) per side; while the spread is wider than one tick, each posts a new
 *    level one tick inside the spread on its side (so the book recovers from sweeps and the mid wanders).
 *
 * Each process draws from its own stream (`deriveSeed(seed, 'buys' | 'sells' | 'ask-cancels' | ...)`), so
 * switching cancellations on leaves the market orders' arrival times and reaches δ unchanged.
 * The defaults (A = 1 /s, k = 50 /USDT = 0.5 per tick, 100 ms snapshots, 5 levels) are not fitted to any
 * venue; they keep most reaches inside the five visible levels.
 */
export function generateDepletingMarket(options: DepletingMarketOptions = {}): DepletingMarket {
  const p: DepletingMarketParams = { ...DEFAULT_DEPLETING_MARKET, ...options };
  if (!(p.snapshotIntervalMs > 0) || !(p.durationSec > 0) || !(p.tickSize > 0) || !(p.lotSize > 0) || !(p.depth >= 1)) {
    throw new RangeError('generateDepletingMarket: snapshotIntervalMs, durationSec, tickSize, lotSize and depth must be positive');
  }
  if (!(p.kPerPrice > 0) || !(p.arrivalRatePerSec >= 0) || !(p.cancelRatePerSec >= 0) || !(p.touchAddRatePerSec >= 0) || !(p.refillRatePerSec >= 0)) {
    throw new RangeError('generateDepletingMarket: k must be positive and every rate non-negative');
  }
  const tick = decimalGrid(p.tickSize);
  const lot = decimalGrid(p.lotSize);
  const rows = Math.floor((p.durationSec * 1000) / p.snapshotIntervalMs) + 1;
  const endMs = p.startMs + (rows - 1) * p.snapshotIntervalMs;
  const lots = (size: number) => Math.max(1, Math.round(size / p.lotSize));
  const levelRng = createRng(deriveSeed(p.seed, 'levels'));
  const freshLevel = () => lots(exponential(levelRng, 1 / p.levelSizeMean));

  const bestBid0 = Math.floor(p.mid0 / p.tickSize + 1e-9);
  const ask: Ladder = { bestTicks: bestBid0 + 1, outward: 1, sizes: [] };
  const bid: Ladder = { bestTicks: bestBid0, outward: -1, sizes: [] };
  const fill = (l: Ladder, n: number) => {
    while (l.sizes.length < n) l.sizes.push(freshLevel());
  };
  fill(ask, p.depth);
  fill(bid, p.depth);
  /** Removes the best level: the best price moves one tick outward. */
  const dropBest = (l: Ladder) => {
    l.sizes.shift();
    l.bestTicks += l.outward;
    fill(l, p.depth);
  };

  // Processes: [kind, ladder, rng, rate per ms]; the next arrival time of each.
  type Kind = 'order' | 'cancel' | 'add' | 'refill';
  const procs: Array<{ kind: Kind; side: Ladder; rng: Rng; ratePerMs: number; next: number }> = [];
  const addProc = (kind: Kind, side: Ladder, stream: string, ratePerSec: number) => {
    const rng = createRng(deriveSeed(p.seed, stream));
    const ratePerMs = ratePerSec / 1000;
    procs.push({ kind, side, rng, ratePerMs, next: ratePerMs > 0 ? p.startMs + exponential(rng, ratePerMs) : Infinity });
  };
  addProc('order', ask, 'buys', p.arrivalRatePerSec);
  addProc('order', bid, 'sells', p.arrivalRatePerSec);
  addProc('cancel', ask, 'ask-cancels', p.cancelRatePerSec);
  addProc('cancel', bid, 'bid-cancels', p.cancelRatePerSec);
  addProc('add', ask, 'ask-adds', p.touchAddRatePerSec);
  addProc('add', bid, 'bid-adds', p.touchAddRatePerSec);
  addProc('refill', ask, 'ask-refills', p.refillRatePerSec);
  addProc('refill', bid, 'bid-refills', p.refillRatePerSec);

  const tsMs = new Float64Array(rows);
  const bidPx = Array.from({ length: p.depth }, () => new Float64Array(rows));
  const bidSz = Array.from({ length: p.depth }, () => new Float64Array(rows));
  const askPx = Array.from({ length: p.depth }, () => new Float64Array(rows));
  const askSz = Array.from({ length: p.depth }, () => new Float64Array(rows));
  const oTs: number[] = [];
  const oSide: number[] = [];
  const oReach: number[] = [];
  const oMid: number[] = [];
  const oBeyond: number[] = [];
  const oSize: number[] = [];
  let cancels = 0;
  let cancelsExhausting = 0;
  let touchAdds = 0;
  let refills = 0;

  const marketOrder = (l: Ladder, rng: Rng, t: number) => {
    const midTicks = 0.5 * (ask.bestTicks + bid.bestTicks);
    const deltaTicks = exponential(rng, p.kPerPrice) / p.tickSize;
    const touch = l.bestTicks;
    const reachTicks = l.outward > 0 ? Math.max(touch, Math.floor(midTicks + deltaTicks + 1e-9)) : Math.min(touch, Math.ceil(midTicks - deltaTicks - 1e-9));
    const levels = (reachTicks - touch) * l.outward; // whole levels beyond the touch
    let filled = 0;
    if (levels === 0) {
      const q = lots(exponential(rng, 1 / p.touchTakeMean));
      if (q >= l.sizes[0]) {
        filled = l.sizes[0];
        dropBest(l);
      } else {
        filled = q;
        l.sizes[0] -= q;
      }
    } else {
      fill(l, levels + 1);
      for (let j = 0; j <= levels; j++) filled += l.sizes[j];
      l.sizes.splice(0, levels + 1);
      l.bestTicks = reachTicks + l.outward;
      fill(l, p.depth);
    }
    oTs.push(t);
    oSide.push(l.outward);
    oReach.push(gridValue(tick, reachTicks));
    oMid.push(midTicks * p.tickSize);
    oBeyond.push(levels - 1);
    oSize.push(gridValue(lot, filled));
  };

  for (let i = 0; i < rows; i++) {
    const t = p.startMs + i * p.snapshotIntervalMs;
    // every event up to t, in time order
    for (;;) {
      let pi = -1;
      for (let j = 0; j < procs.length; j++) if (procs[j].next <= t && (pi < 0 || procs[j].next < procs[pi].next)) pi = j;
      if (pi < 0) break;
      const pr = procs[pi];
      const l = pr.side;
      if (pr.kind === 'order') marketOrder(l, pr.rng, pr.next);
      else if (pr.kind === 'cancel') {
        cancels++;
        const c = lots(exponential(pr.rng, 1 / p.cancelSizeMean));
        if (c >= l.sizes[0]) {
          cancelsExhausting++;
          dropBest(l);
        } else l.sizes[0] -= c;
      } else if (pr.kind === 'add') {
        touchAdds++;
        l.sizes[0] += lots(exponential(pr.rng, 1 / p.touchAddSizeMean));
      } else if (ask.bestTicks - bid.bestTicks > 1) {
        refills++;
        l.bestTicks -= l.outward;
        l.sizes.unshift(freshLevel());
        if (l.sizes.length > 4 * p.depth + 16) l.sizes.length = 4 * p.depth + 16;
      }
      pr.next += exponential(pr.rng, pr.ratePerMs);
    }
    tsMs[i] = t;
    for (let lv = 0; lv < p.depth; lv++) {
      askPx[lv][i] = gridValue(tick, ask.bestTicks + lv);
      askSz[lv][i] = gridValue(lot, ask.sizes[lv]);
      bidPx[lv][i] = gridValue(tick, bid.bestTicks - lv);
      bidSz[lv][i] = gridValue(lot, bid.sizes[lv]);
    }
  }

  const meta = {
    tickSize: p.tickSize,
    lotSize: p.lotSize,
    source: `asmm depleting market (seed ${p.seed})`,
    extra: { 'asmm.depleting.params': JSON.stringify(p) },
  };
  const n = oTs.length;
  const side = Int8Array.from(oSide);
  const reachPx = Float64Array.from(oReach);
  const midPx = Float64Array.from(oMid);
  const depthPx = new Float64Array(n);
  for (let j = 0; j < n; j++) depthPx[j] = side[j] > 0 ? reachPx[j] - midPx[j] : midPx[j] - reachPx[j];
  const orderTs = Float64Array.from(oTs);
  const tradeTs = orderTs.map(Math.floor);
  return {
    params: p,
    book: { kind: 'book', depth: p.depth, tsMs, bidPx, bidSz, askPx, askSz, meta },
    trades: {
      kind: 'trades',
      tsMs: tradeTs,
      id: Float64Array.from({ length: n }, (_, j) => j + 1),
      side: side.slice(),
      px: reachPx.slice(),
      sz: Float64Array.from(oSize),
      meta,
    },
    orders: {
      tsMs: orderTs,
      side,
      reachPx,
      midPx,
      depthPx,
      ticksBeyondTouch: Int32Array.from(oBeyond),
      tickSize: p.tickSize,
      ...completePairing(endMs - p.startMs),
    },
    durationSec: (endMs - p.startMs) / 1000,
    counts: { cancels, cancelsExhaustingTouch: cancelsExhausting, touchAdds, refills },
  };
}
