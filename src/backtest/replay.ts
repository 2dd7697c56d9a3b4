/** The replay's event loop (`Replay`): book rows, trades and decisions merged in time order, in slices. */
import { withCapacity } from '../data/columnBuilder.js';
import { type MaskedInterval } from '../data/masks.js';
import { mapBookColumns, type BookTable, type TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import type { MutableQuotes, Quotes } from '../model/types.js';
import { constantLatencyMs, latencySampler } from './latency.js';
import { DEFAULT_QUEUE_MODEL } from './queueModels.js';
import type { Strategy } from './strategy.js';
import type { BacktestConfig } from './types.js';
import { Desk } from './exchange.js';
import { NO_VALUES, OrderLog } from './orders.js';

/** The calibration rows a streamed replay receives with a chunk (see `BacktestReplay.feed`). */
export type CalibrationRows = Pick<RollingCalibration, 'tMs' | 'sigmaPricePerSqrtSec' | 'aPooledPerSec' | 'kPooledPerPrice'>;

/**
 * A chunk replayed in two parts (`BacktestReplayOptions.bridgeRows`): its columns, where the second part starts
 * (book row and trade), and its arrival times (undefined with a constant feed latency).
 */
export interface ContinuedSource {
  readonly book: BookTable;
  readonly trades: TradeTable | undefined;
  readonly arrival: Float64Array | undefined;
  readonly rowOffset: number;
  readonly tradeOffset: number;
}

/** Throws unless every time is finite and at or after the one before it (naming the first row that is not). */
export function checkTimeOrder(table: string, ts: Float64Array): void {
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
export function maxDecisionCount(arrival: Float64Array, arrivalOffsetMs: number, refreshMs: number, lastTime: number, nextDecision: number, decisionIdx: number): number {
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
 * Book rows per call of `Replay.run`. The replay runs in slices so that V8 optimizes `run` as a function called
 * many times, with the type feedback of its whole body: a function entered once per replay runs in code
 * compiled on the fly inside its loop (on-stack replacement), which keeps some loop variables as heap objects
 * and allocated one per decision.
 */
export const REPLAY_CHUNK_ROWS = 16384;

/** `a[from..]` followed by `b` (b itself when nothing is kept of a). */
export function joined<T extends Float64Array | Int8Array>(a: T, from: number, b: T): T {
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
export class Replay {
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
  private readonly fillNoticeLatency: ((tMs: number) => number) | undefined;
  /** a constant feed latency, which own fills are notified with too; −1: sampled or as recorded */
  private readonly feedConstMs: number = NaN;
  private readonly entryLatency: (tMs: number) => number;
  private readonly cancelLatency: (tMs: number) => number;
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
  /** grid: order levels per side and their spacing in price units */
  private readonly levels: number = 1;
  private readonly spacingPx: number = NaN;
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
    this.levels = config.orderLevels ?? 1;
    if (!(Number.isInteger(this.levels) && this.levels >= 1)) throw new RangeError(`orderLevels must be a whole number >= 1, got ${config.orderLevels}`);
    this.spacingPx = (config.levelSpacingTicks ?? 1) * tick;
    const spacing = config.levelSpacingTicks ?? 1;
    if (!(Number.isInteger(spacing) && spacing >= 1)) throw new RangeError(`levelSpacingTicks must be a whole number >= 1, got ${config.levelSpacingTicks}`);
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
    this.desk = new Desk(config.fill, this.eps, config.makerFee ?? 0, config.takerFee ?? 0, config.queueModel ?? DEFAULT_QUEUE_MODEL, this.levels);
    if (config.recordOrders) this.desk.orderLog = new OrderLog();
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
        const book: BookTable = { ...mapBookColumns(sb, view), meta: old.meta, masked: undefined };
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
      // order counts (the orderCount queue model) when both the rows kept and the chunk have them
      ...(old.bidCount && old.askCount && chunkBook.bidCount && chunkBook.askCount
        ? { bidCount: level('bc', old.bidCount, chunkBook.bidCount), askCount: level('ac', old.askCount, chunkBook.askCount) }
        : {}),
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
    if ((inside && !this.inMask) || passed) this.desk.pullAll(t);
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
    const { keepWithinPx, maxOrderAgeMs, minHalfSpreadPx, inventoryTarget, levels, spacingPx } = this;
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
      const isBook = bookNext < tradeNext;
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
        } else if (!(nextDecision === t && (isBook ? i >= nb || bookTs[i] > t : (j >= nt || tradeTs[j] > t) && (i >= nb || bookTs[i] > t)))) {
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
            const lag = feedConstMs >= 0 ? feedConstMs : fillNoticeLatency ? fillNoticeLatency(fTs[noticedFills]) : desk.rowLagAtFill(noticedFills, arrival);
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
          // no exchange takes a bid at a price of 0 or less (a γ far too large for the price level puts it there)
          if (!(bidPx > 0)) bidPx = NaN;
          if (knownInventory + size > maxPos + 1e-12) bidPx = NaN;
          if (knownInventory - size < -maxPos - 1e-12) askPx = NaN;
          if (!(bidPx < askPx)) {
            if (!Number.isNaN(bidPx) && !Number.isNaN(askPx)) {
              bidPx = NaN;
              askPx = NaN;
            }
          }
        }
        for (let k = 0; k < 2 * levels; k++) {
          // slot k: our bids nearest the touch first, then our asks (exchange.ts Desk.live); level l of a grid
          // rests l spacings behind the quote, and is not quoted when its fill would pass the maximum position
          let want = k === 0 ? bidPx : k === levels ? askPx : NaN;
          if (levels > 1) {
            const bid = k < levels;
            const level = bid ? k : k - levels;
            want = Math.round((bid ? bidPx - level * spacingPx : askPx + level * spacingPx) / tick) * tick;
            if (!(want > 0)) want = NaN;
            if (bid ? knownInventory + (level + 1) * size > maxPos + 1e-12 : knownInventory - (level + 1) * size < -maxPos - 1e-12) want = NaN;
          }
          const o = live[k];
          const p = pending[k];
          const hasNext = desk.nextSet[k] === 1;
          // the pending order has not reached the exchange yet, or its replacement is already decided
          const deferred = hasNext || (p.activeMs !== Infinity && p.activeMs > d);
          let current = hasNext ? desk.nextPx[k] : p.activeMs !== Infinity ? p.px : o.px;
          let resting = hasNext || p.activeMs !== Infinity || o.remaining > 0;
          // an order older than the maximum age is re-sent (to the back of the queue) even at the same price
          if (resting && d - (hasNext ? desk.nextSentMs[k] : p.activeMs !== Infinity ? p.sentMs : o.sentMs) > maxOrderAgeMs) resting = false;
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
            o.cancelMs = d + (cancelConstMs >= 0 ? cancelConstMs : cancelLatency(d));
            if (o.cancelMs < desk.nextTransitionMs) desk.nextTransitionMs = o.cancelMs;
          }
          if (deferred) {
            // an order on its way still arrives (the exchange gets what was sent; hftbacktest refuses to cancel an
            // order whose request is in process): it is cancelled as it arrives, or when the cancel sent now gets
            // there if later, and the new order rests once it is gone
            if (p.cancelMs === Infinity) p.cancelMs = Math.max(p.activeMs, d + (cancelConstMs >= 0 ? cancelConstMs : cancelLatency(d)));
            desk.nextSet[k] = 1;
            desk.nextPx[k] = want;
            if (Number.isNaN(want)) continue;
            desk.nextSize[k] = size;
            desk.nextSentMs[k] = d;
            desk.nextActiveMs[k] = d + (entryConstMs >= 0 ? entryConstMs : entryLatency(d));
            continue;
          }
          if (Number.isNaN(want)) {
            p.activeMs = Infinity;
            p.px = NaN;
            continue;
          }
          p.px = want;
          p.remaining = size;
          p.activeMs = d + (entryConstMs >= 0 ? entryConstMs : entryLatency(d));
          if (p.activeMs < desk.nextTransitionMs) desk.nextTransitionMs = p.activeMs;
          p.cancelMs = Infinity;
          p.sentMs = d;
          p.queued = false;
          p.tookOnArrival = false;
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
