import { ColumnBuilder, Float64ColumnBuilder } from '../data/columnBuilder.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { createRng, type Rng } from '../random/rng.js';
import { decimalGrid, gridValue, type DecimalGrid } from './decimalGrid.js';

/**
 * A market simulated order by order, so that the queue in front of any order is known: the zero-intelligence
 * model of Cont, Stoikov & Talreja (2010), "A stochastic model for order book dynamics", Operations Research
 * 58(3), 549–563, §2: on a grid of ticks, limit orders arrive at i ticks from the opposite best quote at rate
 * λ(i) = k / i^α per side (i = 1..levels), market orders at rate μ per side, and every resting order is
 * cancelled at rate θ (CST let θ depend on i; one rate here). Queues are FIFO; a market order takes the best
 * level's orders in time order, then the next level's.
 *
 * Sizes (not in CST, whose orders are all of one unit): limit and market orders are 1 + a geometric number of
 * units, of means `limitUnits` and `marketUnits`; one unit is `unitQty` base units. When a side empties, one
 * unit is placed `levels` ticks from the other side's best (CST's boundary condition), logged as any order.
 *
 * Output: what a feed shows — a top-N book row (with each level's order count, as OKX's `books` channel gives it)
 * after every event that changes the top N levels and one trade
 * per level a market order takes (taker side, the level's price, the size taken there), each row `bookDelayMs`
 * after the trades that caused it (a depth update follows its trades, as on OKX and Binance) — and the log of
 * every order event, from which `trueFillTimes` gives the exact fill of a (tiny) order of ours.
 */
export interface OrderBookMarketParams {
  readonly seed: number;
  readonly durationSec: number;
  /** CST's k and α: limit orders at distance i ticks arrive at k / i^α per second per side. Defaults 1.92, 0.52 (CST Table 2). */
  readonly limitRateK?: number;
  readonly limitRateAlpha?: number;
  /** Market orders per second per side. Default 0.94 (CST Table 2). */
  readonly marketRatePerSec?: number;
  /** Cancellations per second per resting order. Default 0.5 (CST Table 2's θ(i) lie in 0.25–0.81). */
  readonly cancelRatePerSec?: number;
  /** Distances 1..levels ticks receive limit orders. Default 10. */
  readonly levels?: number;
  /** Levels per side in the book rows. Default 5. */
  readonly depth?: number;
  /** Mean units per limit and per market order. Defaults 2 and 3. */
  readonly limitUnits?: number;
  readonly marketUnits?: number;
  readonly unitQty?: number;
  readonly tickSize?: number;
  /** Starting mid, in ticks (the initial book has `levels` levels per side, two units each). */
  readonly midTicks?: number;
  readonly startMs?: number;
  /** How long after its trades a market order's book row is stamped, ms. Default 0.001 (1 µs: trades first). */
  readonly bookDelayMs?: number;
  readonly instrument?: string;
}

/** Order event kinds in `OrderEventLog.kind`. */
export const ORDER_ADD = 0;
export const ORDER_CANCEL = 1;
/** A resting order executed (partly) by a market order. */
export const ORDER_EXECUTE = 2;

/** Every order event in time order, columnar: what happened to which order, at which tick, for how much. */
export interface OrderEventLog {
  readonly tMs: Float64Array;
  /** ORDER_ADD, ORDER_CANCEL, ORDER_EXECUTE */
  readonly kind: Uint8Array;
  /** Side of the resting order: +1 bid, −1 ask. */
  readonly side: Int8Array;
  readonly tick: Int32Array;
  readonly orderId: Int32Array;
  /** Units added, cancelled or executed. */
  readonly units: Float64Array;
  /** For executions: the market order's number (its executions share it). −1 otherwise. */
  readonly marketOrder: Int32Array;
}

export interface OrderBookMarket {
  readonly book: BookTable;
  readonly trades: TradeTable;
  readonly log: OrderEventLog;
  readonly tickSize: number;
  readonly unitQty: number;
  readonly params: Required<OrderBookMarketParams>;
}

const DEFAULTS = {
  limitRateK: 1.92,
  limitRateAlpha: 0.52,
  marketRatePerSec: 0.94,
  cancelRatePerSec: 0.5,
  levels: 10,
  depth: 5,
  limitUnits: 2,
  marketUnits: 3,
  unitQty: 0.1,
  tickSize: 0.01,
  midTicks: 10_000,
  startMs: Date.UTC(2026, 0, 1),
  bookDelayMs: 0.001,
  instrument: 'CST-SIM',
} as const;

/** One side's resting orders: FIFO queues per tick (ids and units, in arrival order). */
class Side {
  readonly queues = new Map<number, { ids: number[]; units: number[]; total: number }>();
  constructor(readonly sign: number) {}

  best(): number {
    let best = this.sign > 0 ? -Infinity : Infinity;
    for (const [tick, q] of this.queues) if (q.total > 0 && (this.sign > 0 ? tick > best : tick < best)) best = tick;
    return best;
  }

  /**
   * The first `into.tick.length` non-empty levels, best first, written into `into` (tick, units, orders); returns
   * how many there are. A selection into the few places given, not a sort of every level: it runs after each event.
   */
  top(into: TopLevels): number {
    const depth = into.tick.length;
    let n = 0;
    for (const [tick, q] of this.queues) {
      if (!(q.total > 0)) continue;
      const better = (other: number) => (this.sign > 0 ? tick > other : tick < other);
      if (n === depth && !better(into.tick[depth - 1])) continue;
      if (n < depth) n++;
      let j = n - 1;
      for (; j > 0 && better(into.tick[j - 1]); j--) {
        into.tick[j] = into.tick[j - 1];
        into.units[j] = into.units[j - 1];
        into.orders[j] = into.orders[j - 1];
      }
      into.tick[j] = tick;
      into.units[j] = q.total;
      into.orders[j] = q.ids.length;
    }
    return n;
  }

  add(tick: number, id: number, units: number): void {
    let q = this.queues.get(tick);
    if (!q) this.queues.set(tick, (q = { ids: [], units: [], total: 0 }));
    q.ids.push(id);
    q.units.push(units);
    q.total += units;
  }
}

/** Generates the market (see OrderBookMarketParams). Deterministic in the seed. */
export function generateOrderBookMarket(params: OrderBookMarketParams): OrderBookMarket {
  const p: Required<OrderBookMarketParams> = { ...DEFAULTS, ...params } as Required<OrderBookMarketParams>;
  if (!(p.durationSec > 0)) throw new RangeError(`generateOrderBookMarket: durationSec must be positive, got ${p.durationSec}`);
  if (!(p.depth >= 1 && p.levels >= p.depth)) throw new RangeError(`generateOrderBookMarket: need 1 ≤ depth ≤ levels, got depth ${p.depth}, levels ${p.levels}`);
  const rng = createRng(p.seed);
  const bids = new Side(1);
  const asks = new Side(-1);
  // where each resting order is: side and tick, by id
  const where = new Map<number, { side: Side; tick: number }>();
  const log = new EventLogBuilder();
  let nextId = 0;
  let marketOrders = 0;
  let t = p.startMs;
  const place = (side: Side, tick: number, units: number) => {
    const id = nextId++;
    side.add(tick, id, units);
    where.set(id, { side, tick });
    log.push(t, ORDER_ADD, side.sign, tick, id, units, -1);
  };
  for (let i = 1; i <= p.levels; i++) {
    place(bids, p.midTicks - i, 2);
    place(asks, p.midTicks + i, 2);
  }
  const limitRates = Array.from({ length: p.levels }, (_, i) => p.limitRateK / Math.pow(i + 1, p.limitRateAlpha));
  const limitTotal = limitRates.reduce((a, b) => a + b, 0);
  // prices and sizes as the decimals they stand for (9999 ticks of 0.01 = 99.99, not 99.99000000000001)
  const tickGrid = decimalGrid(p.tickSize);
  const unitGrid = decimalGrid(p.unitQty);
  const view = new BookView(p.depth, tickGrid, unitGrid);
  const trades = new TradeBuilder(tickGrid, unitGrid);
  view.record(t, bids, asks);
  const endMs = p.startMs + p.durationSec * 1000;
  for (;;) {
    const rate = 2 * limitTotal + 2 * p.marketRatePerSec + p.cancelRatePerSec * where.size;
    t += (-Math.log(1 - rng.next()) / rate) * 1000;
    if (t >= endMs) break;
    let u = rng.next() * rate;
    let delayRow = false;
    if (u < 2 * limitTotal) {
      const side = u < limitTotal ? bids : asks;
      u -= side === bids ? 0 : limitTotal;
      let i = 0;
      while (i < p.levels - 1 && u >= limitRates[i]) u -= limitRates[i++];
      // i + 1 ticks from the opposite best: a bid at bestAsk − (i + 1), an ask at bestBid + (i + 1)
      const tick = side === bids ? asks.best() - (i + 1) : bids.best() + (i + 1);
      place(side, tick, 1 + geometric(rng, p.limitUnits - 1));
    } else if (u < 2 * limitTotal + 2 * p.marketRatePerSec) {
      // a market buy takes asks, a market sell takes bids
      const taken = u < 2 * limitTotal + p.marketRatePerSec ? asks : bids;
      let units = 1 + geometric(rng, p.marketUnits - 1);
      const m = marketOrders++;
      while (units > 0) {
        const tick = taken.best();
        if (!Number.isFinite(tick)) break;
        const q = taken.queues.get(tick)!;
        let atLevel = 0;
        while (units > 0 && q.ids.length > 0) {
          const take = Math.min(units, q.units[0]);
          units -= take;
          atLevel += take;
          q.units[0] -= take;
          q.total -= take;
          log.push(t, ORDER_EXECUTE, taken.sign, tick, q.ids[0], take, m);
          if (q.units[0] <= 0) {
            where.delete(q.ids[0]);
            q.ids.shift();
            q.units.shift();
          }
        }
        if (q.ids.length === 0) taken.queues.delete(tick);
        trades.push(t, -taken.sign, tick, atLevel);
      }
      delayRow = true;
    } else {
      // a cancellation: one resting order, each equally likely
      const k = Math.floor(rng.next() * where.size);
      let id = -1;
      let n = 0;
      for (const key of where.keys()) {
        if (n++ === k) {
          id = key;
          break;
        }
      }
      const at = where.get(id)!;
      const q = at.side.queues.get(at.tick)!;
      const j = q.ids.indexOf(id);
      log.push(t, ORDER_CANCEL, at.side.sign, at.tick, id, q.units[j], -1);
      q.total -= q.units[j];
      q.ids.splice(j, 1);
      q.units.splice(j, 1);
      if (q.ids.length === 0) at.side.queues.delete(at.tick);
      where.delete(id);
    }
    // CST's boundary: a side never stays empty
    if (!Number.isFinite(bids.best())) place(bids, asks.best() - p.levels, 1);
    if (!Number.isFinite(asks.best())) place(asks, bids.best() + p.levels, 1);
    view.record(delayRow ? t + p.bookDelayMs : t, bids, asks);
  }
  const meta = { instrument: p.instrument, tickSize: p.tickSize, lotSize: p.unitQty, source: `generateOrderBookMarket seed ${p.seed} (Cont, Stoikov & Talreja 2010)` };
  return { book: view.table(meta), trades: trades.table(meta), log: log.finish(), tickSize: p.tickSize, unitQty: p.unitQty, params: p };
}

/** 0, 1, 2… with mean `mean` (geometric on {0, 1, …}). */
function geometric(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  const q = mean / (1 + mean);
  return Math.floor(Math.log(1 - rng.next()) / Math.log(q));
}

class EventLogBuilder {
  private readonly cols = {
    tMs: new ColumnBuilder(Float64Array),
    kind: new ColumnBuilder(Uint8Array),
    side: new ColumnBuilder(Int8Array),
    tick: new ColumnBuilder(Int32Array),
    orderId: new ColumnBuilder(Int32Array),
    units: new ColumnBuilder(Float64Array),
    marketOrder: new ColumnBuilder(Int32Array),
  };
  push(t: number, kind: number, side: number, tick: number, id: number, units: number, market: number): void {
    const c = this.cols;
    c.tMs.push(t);
    c.kind.push(kind);
    c.side.push(side);
    c.tick.push(tick);
    c.orderId.push(id);
    c.units.push(units);
    c.marketOrder.push(market);
  }
  finish(): OrderEventLog {
    const c = this.cols;
    return { tMs: c.tMs.finish(), kind: c.kind.finish(), side: c.side.finish(), tick: c.tick.finish(), orderId: c.orderId.finish(), units: c.units.finish(), marketOrder: c.marketOrder.finish() };
  }
}

/** A side's top levels, best first (see `Side.top`): tick, units and number of orders per level. */
interface TopLevels {
  readonly tick: Float64Array;
  readonly units: Float64Array;
  readonly orders: Float64Array;
}
const topLevels = (depth: number): TopLevels => ({ tick: new Float64Array(depth), units: new Float64Array(depth), orders: new Float64Array(depth) });

/** Whether the first `n` levels of `a` and `b` hold the same numbers (NaN equal to NaN). */
function sameLevels(a: TopLevels, b: TopLevels, n: number): boolean {
  const same = (x: number, y: number) => x === y || (x !== x && y !== y);
  for (let l = 0; l < n; l++) if (!same(a.tick[l], b.tick[l]) || !same(a.units[l], b.units[l]) || !same(a.orders[l], b.orders[l])) return false;
  return true;
}

function copyLevels(from: TopLevels, to: TopLevels): void {
  to.tick.set(from.tick);
  to.units.set(from.units);
  to.orders.set(from.orders);
}

/** The top-N rows: one per event that changed them. */
class BookView {
  private readonly ts = new Float64ColumnBuilder();
  private readonly levels: Float64ColumnBuilder[];
  // the top levels now and in the last row written (the last with its counts of levels; -1: no row yet)
  private readonly bid: TopLevels;
  private readonly ask: TopLevels;
  private readonly lastBid: TopLevels;
  private readonly lastAsk: TopLevels;
  private lastBids = -1;
  private lastAsks = -1;
  constructor(
    private readonly depth: number,
    private readonly tick: DecimalGrid,
    private readonly unit: DecimalGrid,
  ) {
    this.levels = Array.from({ length: 6 * depth }, () => new Float64ColumnBuilder());
    [this.bid, this.ask, this.lastBid, this.lastAsk] = [topLevels(depth), topLevels(depth), topLevels(depth), topLevels(depth)];
  }

  record(t: number, bids: Side, asks: Side): void {
    const b = this.bid;
    const a = this.ask;
    const nb = bids.top(b);
    const na = asks.top(a);
    if (nb === this.lastBids && na === this.lastAsks && sameLevels(b, this.lastBid, nb) && sameLevels(a, this.lastAsk, na)) return;
    this.lastBids = nb;
    this.lastAsks = na;
    copyLevels(b, this.lastBid);
    copyLevels(a, this.lastAsk);
    // strictly increasing (a row never shares its time with the one before: the engine orders events by time)
    this.ts.push(this.ts.length > 0 ? Math.max(t, this.ts.array[this.ts.length - 1] + 1e-6) : t);
    const d = this.depth;
    for (let l = 0; l < d; l++) {
      this.levels[l].push(l < nb ? gridValue(this.tick, b.tick[l]) : NaN);
      this.levels[d + l].push(l < nb ? gridValue(this.unit, b.units[l]) : NaN);
      this.levels[2 * d + l].push(l < na ? gridValue(this.tick, a.tick[l]) : NaN);
      this.levels[3 * d + l].push(l < na ? gridValue(this.unit, a.units[l]) : NaN);
      this.levels[4 * d + l].push(l < nb ? b.orders[l] : NaN);
      this.levels[5 * d + l].push(l < na ? a.orders[l] : NaN);
    }
  }

  table(meta: BookTable['meta']): BookTable {
    const d = this.depth;
    const col = (k: number) => this.levels[k].finish();
    return {
      kind: 'book',
      depth: d,
      tsMs: this.ts.finish(),
      bidPx: Array.from({ length: d }, (_, l) => col(l)),
      bidSz: Array.from({ length: d }, (_, l) => col(d + l)),
      askPx: Array.from({ length: d }, (_, l) => col(2 * d + l)),
      askSz: Array.from({ length: d }, (_, l) => col(3 * d + l)),
      bidCount: Array.from({ length: d }, (_, l) => col(4 * d + l)),
      askCount: Array.from({ length: d }, (_, l) => col(5 * d + l)),
      meta,
    };
  }
}

class TradeBuilder {
  private readonly ts: number[] = [];
  private readonly side: number[] = [];
  private readonly px: number[] = [];
  private readonly sz: number[] = [];
  constructor(
    private readonly tick: DecimalGrid,
    private readonly unit: DecimalGrid,
  ) {}
  push(t: number, takerSide: number, tick: number, units: number): void {
    this.ts.push(t);
    this.side.push(takerSide);
    this.px.push(gridValue(this.tick, tick));
    this.sz.push(gridValue(this.unit, units));
  }
  table(meta: TradeTable['meta']): TradeTable {
    return { kind: 'trades', tsMs: Float64Array.from(this.ts), id: Float64Array.from(this.ts, (_, i) => i + 1), side: Int8Array.from(this.side), px: Float64Array.from(this.px), sz: Float64Array.from(this.sz), meta };
  }
}

/** Our orders for `trueFillTimes` / `trueQueue`: side (+1 bid), price in ticks, when each rested (ms; end NaN or Infinity: to the end). */
export interface OurOrders {
  readonly side: ArrayLike<number>;
  readonly pxTicks: ArrayLike<number>;
  readonly activeMs: ArrayLike<number>;
  readonly endMs: ArrayLike<number>;
}

/**
 * The true first fill of each of our orders, were each an order of negligible size resting at `pxTicks[o]` on
 * side `side[o]` (+1 bid) from `activeMs[o]` (joining the back of its level's queue then) to `endMs[o]`
 * (NaN or Infinity: to the end of the log): the first time a market order reaches it — it takes an order that
 * arrived after ours at our level, or takes a level beyond ours (ours was passed) — or an opposite limit order
 * arrives at or through our price. NaN when it does not fill. Exact, from the order log.
 */
export function trueFillTimes(log: OrderEventLog, orders: OurOrders): Float64Array {
  return trueQueue(log, orders).fillMs;
}

/**
 * `trueFillTimes`, and the true quantity ahead of our orders at given moments (`samples`: order index and time,
 * in time order; the queue just before the log's events at that time), in units of the market's orders. NaN
 * for a sample of an order not resting then.
 */
export function trueQueue(log: OrderEventLog, orders: OurOrders, samples: { readonly order: ArrayLike<number>; readonly tMs: ArrayLike<number> } = { order: [], tMs: [] }): { fillMs: Float64Array; aheadUnits: Float64Array } {
  const n = orders.side.length;
  const out = new Float64Array(n).fill(NaN);
  const aheadUnits = new Float64Array(samples.order.length).fill(NaN);
  // the orders by activation; the log is replayed once, the queue ahead of each open order of ours tracked
  const byStart = Array.from({ length: n }, (_, i) => i).sort((a, b) => orders.activeMs[a] - orders.activeMs[b]);
  // resting orders per side and tick, and the units each has left
  const levels = new Map<number, Map<number, Set<number>>>();
  const levelAt = (side: number, tick: number) => levels.get(side)?.get(tick);
  const unitsLeft = new Map<number, number>();
  // ours: per open order, the ids ahead of it; and the open bids and asks by tick (the log's sides are +1 and
  // −1: an order of ours on any other side is never filled and is in neither), so that an event looks only at
  // the orders it can fill
  const open = new Map<number, OpenOrder>();
  const bids = new OpenSide(1);
  const asks = new OpenSide(-1);
  const sideOf = (side: number) => (side === 1 ? bids : side === -1 ? asks : undefined);
  // the open orders that end before the log does (the others are only ever closed by a fill)
  const ending = new Set<number>();
  const close = (o: number, q: OpenOrder) => {
    open.delete(o);
    ending.delete(o);
    sideOf(q.side)?.remove(o, q.tick);
  };
  let next = 0;
  let nextSample = 0;
  const L = log.tMs.length;
  for (let e = 0; e <= L; e++) {
    const t = e < L ? log.tMs[e] : Infinity;
    // orders of ours that began before this event join the back of their level as it was
    while (next < n && orders.activeMs[byStart[next]] < t) {
      const o = byStart[next++];
      const end = orders.endMs[o];
      const q: OpenOrder = { side: orders.side[o], tick: orders.pxTicks[o], ahead: new Set(levelAt(orders.side[o], orders.pxTicks[o]) ?? []), endMs: Number.isFinite(end) ? end : Infinity };
      open.set(o, q);
      sideOf(q.side)?.add(o, q);
      if (q.endMs < Infinity) ending.add(o);
    }
    // samples due by this event's time: the queue before it
    while (nextSample < samples.order.length && samples.tMs[nextSample] <= t) {
      const q = open.get(samples.order[nextSample]);
      if (q) {
        let units = 0;
        for (const id of q.ahead) units += unitsLeft.get(id) ?? 0;
        aheadUnits[nextSample] = units;
      }
      nextSample++;
    }
    if (e === L) break;
    const side = log.side[e];
    const tick = log.tick[e];
    const id = log.orderId[e];
    const kind = log.kind[e];
    // orders that ended by this event's time are no longer resting: it fills none of them
    for (const o of ending) {
      const q = open.get(o)!;
      if (q.endMs <= t) close(o, q);
    }
    if (kind === ORDER_EXECUTE || kind === ORDER_ADD) {
      // an execution fills ours on its side: at its tick an order behind ours taken (FIFO: all ahead are gone
      // and the market order reached us), beyond it a level past ours taken (ours was passed); an opposite
      // limit order at or through our price would have traded with ours
      const ours = sideOf(kind === ORDER_EXECUTE ? side : -side);
      if (ours?.reaches(tick)) {
        for (const [ourTick, here] of ours.byTick) {
          const through = ours.sign > 0 ? tick < ourTick : tick > ourTick;
          if (through || (ourTick === tick && kind === ORDER_ADD)) {
            for (const [o, q] of here) {
              out[o] = t;
              close(o, q);
            }
          } else if (ourTick === tick) {
            for (const [o, q] of here) {
              if (q.ahead.has(id)) continue;
              out[o] = t;
              close(o, q);
            }
          }
        }
      }
    }
    // the book after the event
    if (kind === ORDER_ADD) {
      let bySide = levels.get(side);
      if (!bySide) levels.set(side, (bySide = new Map()));
      let s = bySide.get(tick);
      if (!s) bySide.set(tick, (s = new Set()));
      s.add(id);
      unitsLeft.set(id, log.units[e]);
    } else {
      const left = kind === ORDER_CANCEL ? 0 : (unitsLeft.get(id) ?? 0) - log.units[e];
      if (left > 1e-9) unitsLeft.set(id, left);
      else {
        unitsLeft.delete(id);
        levelAt(side, tick)?.delete(id);
        const here = sideOf(side)?.byTick.get(tick);
        if (here) for (const q of here.values()) q.ahead.delete(id);
      }
    }
  }
  return { fillMs: out, aheadUnits };
}

/** One of our orders while it rests (see `trueQueue`). */
interface OpenOrder {
  readonly side: number;
  readonly tick: number;
  /** The market's orders ahead of it in its level's FIFO queue. */
  readonly ahead: Set<number>;
  readonly endMs: number;
}

/**
 * Our open orders of one side by tick, with the tick of the most exposed of them (the highest bid, the lowest
 * ask): an event at a tick short of it can fill none of them, so `trueQueue` skips it without a look.
 */
class OpenSide {
  readonly byTick = new Map<number, Map<number, OpenOrder>>();
  /** The highest bid tick or the lowest ask tick held; NaN when it must be found again. */
  private extreme = NaN;
  constructor(readonly sign: 1 | -1) {}

  add(o: number, q: OpenOrder): void {
    let here = this.byTick.get(q.tick);
    if (!here) this.byTick.set(q.tick, (here = new Map()));
    here.set(o, q);
    if (this.extreme === this.extreme && this.sign * (q.tick - this.extreme) > 0) this.extreme = q.tick;
  }

  remove(o: number, tick: number): void {
    const here = this.byTick.get(tick);
    if (!here) return;
    here.delete(o);
    if (here.size > 0) return;
    this.byTick.delete(tick);
    if (tick === this.extreme) this.extreme = NaN;
  }

  /**
   * Whether an event at `tick` can reach one of these orders: a bid at or above it, an ask at or below it
   * (comparisons with a NaN tick are false, as in the checks of each order).
   */
  reaches(tick: number): boolean {
    if (this.extreme !== this.extreme) {
      this.extreme = this.sign > 0 ? -Infinity : Infinity;
      for (const ourTick of this.byTick.keys()) if (this.sign * (ourTick - this.extreme) > 0) this.extreme = ourTick;
    }
    return this.sign > 0 ? this.extreme >= tick : this.extreme <= tick;
  }
}

/**
 * The market's level changes at full depth, as a venue's incremental book feed would send them (every level,
 * not the `depth` of its book rows): the level's new total size after each order event, one change per level
 * and time. A market order's
 * changes are stamped `bookDelayMs` after its trades, as its book rows are; `orders` is the level's number of
 * resting orders after the change (as OKX's `books` levels carry it). Input for `replayDepth`.
 */
export function depthEventsOf(market: OrderBookMarket): { tsMs: Float64Array; side: Int8Array; px: Float64Array; qty: Float64Array; orders: Float64Array } {
  const { log, params } = market;
  const n = log.tMs.length;
  const tickGrid = decimalGrid(market.tickSize);
  const unitGrid = decimalGrid(market.unitQty);
  // the time each event reaches the feed (a market order's changes bookDelayMs after its trades), in that order:
  // each change carries its level's size as of then (a limit order placed within bookDelayMs of a market order
  // is shown before that market order's changes)
  const ts = Float64Array.from(log.tMs, (t, e) => t + (log.kind[e] === ORDER_EXECUTE ? params.bookDelayMs : 0));
  const order = Array.from({ length: n }, (_, e) => e).sort((a, b) => ts[a] - ts[b] || a - b);
  const totals = new Map<number, number>();
  const units = new Float64Array(n);
  // orders per level: +1 for an order added, −1 when one is cancelled or executed to nothing
  const counts = new Map<number, number>();
  const orders = new Float64Array(n);
  const left = new Map<number, number>();
  for (const e of order) {
    const key = log.side[e] * 1e9 + log.tick[e];
    units[e] = (totals.get(key) ?? 0) + (log.kind[e] === ORDER_ADD ? log.units[e] : -log.units[e]);
    totals.set(key, units[e]);
    const id = log.orderId[e];
    let change = 0;
    if (log.kind[e] === ORDER_ADD) {
      left.set(id, log.units[e]);
      change = 1;
    } else {
      const rest = log.kind[e] === ORDER_CANCEL ? 0 : (left.get(id) ?? 0) - log.units[e];
      if (rest > 1e-9) left.set(id, rest);
      else {
        left.delete(id);
        change = -1;
      }
    }
    orders[e] = (counts.get(key) ?? 0) + change;
    counts.set(key, orders[e]);
  }
  // a level changed several times at one time (a market order taking several orders there) is sent once, with
  // its final size, as a feed's message carries each level once
  const keep = order.filter((e, k) => {
    const next = order[k + 1];
    return next === undefined || ts[next] !== ts[e] || log.side[next] !== log.side[e] || log.tick[next] !== log.tick[e];
  });
  return {
    tsMs: Float64Array.from(keep, (e) => ts[e]),
    side: Int8Array.from(keep, (e) => log.side[e]),
    px: Float64Array.from(keep, (e) => gridValue(tickGrid, log.tick[e])),
    qty: Float64Array.from(keep, (e) => gridValue(unitGrid, units[e])),
    orders: Float64Array.from(keep, (e) => orders[e]),
  };
}
