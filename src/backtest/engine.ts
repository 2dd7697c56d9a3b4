import { Float64ColumnBuilder, Int8ColumnBuilder } from '../data/columnBuilder.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { MutableQuotes, Quotes } from '../model/types.js';
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
  /** A decision at t sees market data stamped up to t − feedLatencyMs, and its fills up to then. */
  readonly feedLatencyMs?: number;
  /** An order sent at t rests in the exchange book from t + entryLatencyMs. */
  readonly entryLatencyMs?: number;
  /** A cancel sent at t takes effect at t + cancelLatencyMs (the order can fill until then). Default: entry latency. */
  readonly cancelLatencyMs?: number;
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

const NONE = -1;

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
  const depth = book.depth;
  const nt = trades ? trades.tsMs.length : 0;
  const tradeTs = trades?.tsMs ?? new Float64Array(0);
  const tradeSide = trades?.side ?? new Int8Array(0);
  const tradePx = trades?.px ?? new Float64Array(0);
  const tradeSz = trades?.sz ?? new Float64Array(0);
  const tick = config.tickSize;
  const lot = config.lotSize ?? 0;
  const size = lot > 0 ? Math.floor(config.orderSize / lot + 1e-9) * lot : config.orderSize;
  const feedLat = config.feedLatencyMs ?? 0;
  const entryLat = config.entryLatencyMs ?? 0;
  const cancelLat = config.cancelLatencyMs ?? entryLat;
  const makerFee = config.makerFee ?? 0;
  const takerFee = config.takerFee ?? 0;
  const maxPos = config.maxPosition ?? Infinity;
  const power = config.queuePower ?? 2;
  const model = config.fill;
  const record = config.recordSeries ?? true;
  const cal = config.calibration;
  const fallback = config.fallback ?? { sigmaPerSqrtSec: NaN, aPerSec: NaN, kPerPrice: NaN };
  const eps = tick * 1e-6;
  const needSigma = config.strategy.requires.includes('sigma');
  const needA = config.strategy.requires.includes('a');
  const needK = config.strategy.requires.includes('k');

  // state: index 0 = our bid, 1 = our ask
  const live = [newOrder(), newOrder()];
  const pending = [newOrder(), newOrder()];
  let inventory = 0;
  let cash = 0;
  let row = -1; // book row in force at the current event time
  const f = { ts: new Float64ColumnBuilder(1024), side: new Int8ColumnBuilder(1024), px: new Float64ColumnBuilder(1024), qty: new Float64ColumnBuilder(1024), fee: new Float64ColumnBuilder(1024), mid: new Float64ColumnBuilder(1024), sent: new Float64ColumnBuilder(1024), maker: new Int8ColumnBuilder(1024) };
  // series columns, preallocated for the expected number of decisions (grown if needed)
  const expectedDecisions = config.refreshMs > 0 ? Math.ceil((bookTs[nb - 1] - bookTs[0]) / config.refreshMs) + 2 : nb;
  let capacity = config.recordSeries === false ? 0 : Math.max(16, expectedDecisions);
  let sT = new Float64Array(capacity);
  let sMid = new Float64Array(capacity);
  let sR = new Float64Array(capacity);
  let sBid = new Float64Array(capacity);
  let sAsk = new Float64Array(capacity);
  let sInv = new Float64Array(capacity);
  let sCash = new Float64Array(capacity);
  let sEq = new Float64Array(capacity);
  let rec = 0;
  const grow = (a: Float64Array) => {
    const b = new Float64Array(capacity);
    b.set(a);
    return b;
  };
  const growSeries = () => {
    capacity = Math.max(16, capacity * 2);
    sT = grow(sT);
    sMid = grow(sMid);
    sR = grow(sR);
    sBid = grow(sBid);
    sAsk = grow(sAsk);
    sInv = grow(sInv);
    sCash = grow(sCash);
    sEq = grow(sEq);
  };

  /** Books an execution of `qty` (at most what remains) of order `o` at `px`; maker or taker fee. */
  const execute = (o: Order, sideIdx: number, px: number, qty: number, t: number, maker: boolean) => {
    const q = Math.min(qty, o.remaining);
    if (!(q > 0)) return;
    o.remaining -= q;
    const notional = px * q;
    const fee = notional * (maker ? makerFee : takerFee);
    if (sideIdx === 0) {
      inventory += q;
      cash -= notional + fee;
    } else {
      inventory -= q;
      cash += notional - fee;
    }
    f.ts.push(t);
    f.side.push(sideIdx === 0 ? 1 : -1);
    f.px.push(px);
    f.qty.push(q);
    f.fee.push(fee);
    f.mid.push(row >= 0 ? 0.5 * (bid0[row] + ask0[row]) : NaN);
    f.sent.push(o.sentMs);
    f.maker.push(maker ? 1 : 0);
    if (o.remaining <= 1e-12) {
      o.remaining = 0;
      o.px = NaN;
    }
  };
  /** A maker fill of our resting order at its own price. */
  const fill = (o: Order, sideIdx: number, qty: number, t: number) => execute(o, sideIdx, o.px, qty, t, true);
  /** A marketable order taking the opposite touch at `px`, up to `available`. */
  const takerFill = (o: Order, sideIdx: number, px: number, available: number, t: number) => execute(o, sideIdx, px, available, t, false);

  /** Displayed size at price px on our side in book row r (0 when inside the visible range but absent; Infinity beyond it). */
  const shownAt = (sideIdx: number, px: number, r: number): number => {
    const prices = sideIdx === 0 ? book.bidPx : book.askPx;
    const sizes = sideIdx === 0 ? book.bidSz : book.askSz;
    for (let l = 0; l < depth; l++) {
      const p = prices[l][r];
      if (Number.isNaN(p)) return 0;
      if (Math.abs(p - px) <= eps) return sizes[l][r];
      if (sideIdx === 0 ? p < px : p > px) return 0; // our price is better than this level: a gap in the book
    }
    return Infinity;
  };

  const joinQueue = (o: Order, sideIdx: number) => {
    o.queued = true;
    if (row < 0) {
      o.ahead = 0;
      o.lastShown = 0;
      return;
    }
    const shown = shownAt(sideIdx, o.px, row);
    o.ahead = shown;
    o.lastShown = shown;
  };

  /** Order transitions due by time t: cancels take effect, pending orders start resting. */
  // the earliest pending cancel or activation (transitions are skipped until then)
  let nextTransitionMs = Infinity;
  const transitions = (t: number) => {
    if (t < nextTransitionMs) return;
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
            const opposite = k === 0 ? ask0[row] : bid0[row];
            if (k === 0 ? p.px >= opposite - eps : p.px <= opposite + eps) takerFill(p, k, opposite, k === 0 ? book.askSz[0][row] : book.bidSz[0][row], t);
          }
          if (model === 'queue' && !Number.isNaN(p.px)) joinQueue(p, k);
        }
      }
    }
    recomputeNextTransition();
  };
  const recomputeNextTransition = () => {
    nextTransitionMs = Math.min(live[0].cancelMs, live[1].cancelMs, pending[0].activeMs, pending[1].activeMs);
  };

  const onBook = (r: number, t: number) => {
    row = r;
    const mid = 0.5 * (bid0[r] + ask0[r]);
    for (let k = 0; k < 2; k++) {
      const o = live[k];
      if (Number.isNaN(o.px) || o.remaining <= 0) continue;
      if (model === 'midCross') {
        if (k === 0 ? mid <= o.px + eps : mid >= o.px - eps) fill(o, k, o.remaining, t);
      } else if (model === 'queue') {
        // the opposite side reached our price: we were taken
        if (k === 0 ? ask0[r] <= o.px + eps : bid0[r] >= o.px - eps) {
          fill(o, k, o.remaining, t);
          continue;
        }
        if (!o.queued) joinQueue(o, k);
        const best = k === 0 ? bid0[r] : ask0[r];
        if (k === 0 ? o.px > best + eps : o.px < best - eps) {
          o.ahead = 0; // we are the best price alone
          o.lastShown = 0;
          continue;
        }
        const shown = shownAt(k, o.px, r);
        if (shown === Infinity) continue; // beyond the visible book: queue unknown
        const decrease = o.lastShown - shown;
        if (decrease > 0 && o.ahead > 0) {
          const behind = Math.max(0, o.lastShown - o.ahead);
          const a = power === 2 ? o.ahead * o.ahead : Math.pow(o.ahead, power);
          const b = power === 2 ? behind * behind : Math.pow(behind, power);
          o.ahead = Math.max(0, o.ahead - (decrease * a) / (a + b));
        }
        if (o.ahead > shown) o.ahead = shown;
        o.lastShown = shown;
      }
    }
  };

  const onTrade = (j: number, t: number) => {
    if (model === 'midCross') return;
    const side = tradeSide[j];
    const k = side < 0 ? 0 : 1; // sells hit bids (ours is live[0]); buys lift asks
    const o = live[k];
    if (Number.isNaN(o.px) || o.remaining <= 0) return;
    const px = tradePx[j];
    const through = k === 0 ? px < o.px - eps : px > o.px + eps;
    const at = Math.abs(px - o.px) <= eps;
    if (!through && !at) return;
    if (model === 'tradeThrough') {
      fill(o, k, tradeSz[j], t);
      return;
    }
    if (!o.queued) joinQueue(o, k);
    if (through) {
      fill(o, k, o.remaining, t);
      return;
    }
    const sz = tradeSz[j];
    const beyondQueue = sz - o.ahead;
    o.ahead = Math.max(0, o.ahead - sz);
    if (o.lastShown !== Infinity) o.lastShown = Math.max(0, o.lastShown - sz);
    if (beyondQueue > 0) fill(o, k, beyondQueue, t);
  };

  // decisions
  let feedRow = -1;
  let knownFill = 0;
  let knownInventory = 0;
  let calIdx = -1;
  const calT = cal?.tMs;
  const firstDecision = bookTs[0] + feedLat;
  let decisionIdx = 0; // refreshMs 0: book row whose arrival triggers the next decision
  let nextDecision = config.refreshMs > 0 ? firstDecision : bookTs[0] + feedLat;
  const lastTime = Math.max(bookTs[nb - 1], nt > 0 ? tradeTs[nt - 1] : -Infinity);
  let decisions = 0;

  const strategy = config.strategy;
  const quoteInto = strategy.quoteInto !== undefined;
  const out: MutableQuotes = { reservationPx: NaN, bidPx: NaN, askPx: NaN };
  const context = { tMs: 0, midPx: 0, bestBidPx: 0, bestAskPx: 0, q: 0, sigmaPerSqrtSec: 0, aPerSec: 0, kPerPrice: 0, elapsedSec: 0 };
  const decide = (t: number) => {
    decisions++;
    const seen = t - feedLat;
    while (feedRow + 1 < nb && bookTs[feedRow + 1] <= seen) feedRow++;
    while (knownFill < f.ts.length && f.ts.array[knownFill] <= seen) {
      knownInventory += f.side.array[knownFill] * f.qty.array[knownFill];
      knownFill++;
    }
    if (calT) while (calIdx + 1 < calT.length && calT[calIdx + 1] <= seen) calIdx++;
    const sigma = calIdx >= 0 && cal ? cal.sigmaPricePerSqrtSec[calIdx] : fallback.sigmaPerSqrtSec;
    const aRate = calIdx >= 0 && cal ? cal.aPooledPerSec[calIdx] : fallback.aPerSec;
    const kDecay = calIdx >= 0 && cal ? cal.kPooledPerPrice[calIdx] : fallback.kPerPrice;
    const markMid = row >= 0 ? 0.5 * (bid0[row] + ask0[row]) : NaN;
    let bidPx = NaN;
    let askPx = NaN;
    let reservation = NaN;
    const ready = (needSigma === false || !Number.isNaN(sigma)) && (needA === false || !Number.isNaN(aRate)) && (needK === false || !Number.isNaN(kDecay));
    if (feedRow >= 0 && ready) {
      const bb = bid0[feedRow];
      const ba = ask0[feedRow];
      // one context object, refilled per decision (no allocation on the hot path)
      context.tMs = t;
      context.midPx = 0.5 * (bb + ba);
      context.bestBidPx = bb;
      context.bestAskPx = ba;
      context.q = knownInventory / size;
      context.sigmaPerSqrtSec = sigma;
      context.aPerSec = aRate;
      context.kPerPrice = kDecay;
      context.elapsedSec = (t - firstDecision) / 1000;
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
      const current = p.activeMs !== Infinity ? p.px : o.px;
      const same = !Number.isNaN(want) && Math.abs(current - want) <= eps && (p.activeMs !== Infinity || o.remaining > 0);
      if (same) continue;
      if (!Number.isNaN(o.px) && o.cancelMs === Infinity) o.cancelMs = t + cancelLat;
      if (Number.isNaN(want)) {
        p.activeMs = Infinity;
        p.px = NaN;
        continue;
      }
      p.px = want;
      p.remaining = size;
      p.activeMs = t + entryLat;
      p.cancelMs = Infinity;
      p.sentMs = t;
      p.queued = false;
    }
    recomputeNextTransition();
    if (record) {
      if (rec === sT.length) growSeries();
      sT[rec] = t;
      sMid[rec] = markMid;
      sR[rec] = reservation;
      sBid[rec] = bidPx;
      sAsk[rec] = askPx;
      sInv[rec] = inventory;
      sCash[rec] = cash;
      sEq[rec] = cash + inventory * markMid;
      rec++;
    }
  };

  const advanceDecision = () => {
    if (config.refreshMs > 0) nextDecision += config.refreshMs;
    else {
      decisionIdx++;
      nextDecision = decisionIdx < nb ? bookTs[decisionIdx] + feedLat : Infinity;
    }
    if (nextDecision > lastTime) nextDecision = Infinity;
  };

  let i = 0;
  let j = 0;
  let events = 0;
  while (i < nb || j < nt) {
    const bookNext = i < nb ? bookTs[i] : Infinity;
    const tradeNext = j < nt ? tradeTs[j] : Infinity;
    const isBook = bookNext <= tradeNext;
    const t = isBook ? bookNext : tradeNext;
    // decisions due strictly before this event (a decision at the same time follows the event it reacts to)
    while (nextDecision < t) {
      transitions(nextDecision);
      decide(nextDecision);
      advanceDecision();
    }
    transitions(t);
    if (isBook) onBook(i++, t);
    else onTrade(j++, t);
    events++;
    while (nextDecision === t && (isBook ? (i >= nb || bookTs[i] > t) && (j >= nt || tradeTs[j] > t) : j >= nt || tradeTs[j] > t)) {
      decide(nextDecision);
      advanceDecision();
    }
  }
  const finalMid = row >= 0 ? 0.5 * (bid0[row] + ask0[row]) : NaN;
  const notes: string[] = [];
  if (model !== 'midCross' && nt === 0) notes.push(`fill model ${model} without trades: no fill can happen (use executions inferred from the book)`);
  return {
    config: { ...config, strategy: config.strategy.name, calibration: undefined } as BacktestResult['config'],
    series: {
      tMs: sT.slice(0, rec),
      midPx: sMid.slice(0, rec),
      reservationPx: sR.slice(0, rec),
      bidPx: sBid.slice(0, rec),
      askPx: sAsk.slice(0, rec),
      inventory: sInv.slice(0, rec),
      cash: sCash.slice(0, rec),
      equity: sEq.slice(0, rec),
    },
    fills: {
      tsMs: f.ts.finish(),
      side: f.side.finish(),
      px: f.px.finish(),
      qty: f.qty.finish(),
      fee: f.fee.finish(),
      midPx: f.mid.finish(),
      sentMs: f.sent.finish(),
      maker: Uint8Array.from(f.maker.finish()),
    },
    finalInventory: inventory,
    finalCash: cash,
    finalMidPx: finalMid,
    events,
    decisions,
    notes,
  };
}
