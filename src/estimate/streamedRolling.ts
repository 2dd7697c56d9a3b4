import { withCapacity } from '../data/columnBuilder.js';
import { concatColumns } from '../data/concatTables.js';
import type { MaskedInterval } from '../data/masks.js';
import { midPrices, type BookTable } from '../data/tables.js';
import { DEFAULT_DEPTH_RANGE } from './arrivalByDepth.js';
import { EstimationError } from './errors.js';
import { cumulativeMs, writeWindowArrival, type RollingCalibration, type RollingCalibrationOptions } from './rolling.js';
import { StreamedGrid } from './streamedGrid.js';
import { StreamedBookMasks, type MarketOrderColumns } from './streamedMarketOrders.js';

/** A growable column with a moving start: values at global indices [base, base + length). */
class Window {
  data = new Float64Array(1024);
  base = 0;
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) this.data = withCapacity(this.data, 2 * this.data.length);
    this.data[this.length++] = v;
  }

  /** Value at global index g (base ≤ g < base + length). */
  at(g: number): number {
    return this.data[g - this.base];
  }

  /** Global index of the first value ≥ x (sorted values; base + length when none). */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.length;
    const d = this.data;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo;
  }

  /** Forgets the values before global index g (moved down when that frees half the room). */
  dropBefore(g: number): void {
    const n = g - this.base;
    if (n <= 0 || n < this.length / 2) return;
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
    this.base = g;
  }
}

const SERIES = ['sigma', 'sigmaLog', 'sigmaEwma', 'observedSec', 'aAsk', 'aBid', 'aPooled', 'kAsk', 'kBid', 'kPooled'] as const;

/**
 * `rollingCalibration` for a book and market orders that come in chunks (day partitions): each `feed` gives
 * the evaluations stamped up to the chunk's last book row (those that can be in force by then; exactly what
 * `BacktestReplay.feed` needs with the chunk), `finish` the rest (none: every evaluation is stamped at or
 * before the last row) and the span check. The rows of all steps, concatenated, equal `rollingCalibration`
 * on the concatenated book and orders bit for bit: the running sums (squared grid increments, order counts
 * and reach statistics, masked and stale time) are the same sums in the same order, and each window is the
 * same difference of two of them.
 *
 * State, bounded by the window: the grid's prefix sums over the last window (`windowSec / gridMs` points) and
 * at most one slice of a chunk (65,536 points: a day of 100 ms points goes through in 14 slices), the orders'
 * over the last window and the chunk, the excluded intervals (a handful). Orders come from
 * `StreamedMarketOrders.feed` on the same chunk, with its `excludedSoFar()`; without trades pass none (A and
 * k are NaN, and the book's own masks are the excluded time, as `rollingCalibration` without orders).
 * @example
 * const pairing = new StreamedMarketOrders(tick);
 * const rolling = new StreamedRollingCalibration({ windowSec: 300 }, tick);
 * for (const day of days) replay.feed(day.book, day.trades, rolling.feed(day.book, pairing.feed(day.book, day.trades), pairing.excludedSoFar()));
 */
export class StreamedRollingCalibration {
  private readonly windowMs: number;
  private readonly stepMs: number;
  private readonly gridMs: number;
  private readonly halfLifeSec: number;
  private readonly windowSec: number;
  private readonly d0: number;
  private readonly d1: number;
  private readonly depths: { readonly fromTicks: number; readonly toTicks: number };
  private readonly tickSize: number;
  private readonly withOrders: boolean;
  private readonly grid: StreamedGrid;
  /** without orders: the book's masks extended to its next row (the excluded time) */
  private readonly bookMasks = new StreamedBookMasks();
  // grid prefix sums by point index (incTime by increment index j: point j + 1's time)
  private readonly incTime = new Window();
  private readonly prefix = new Window();
  private readonly prefixLog = new Window();
  private readonly used = new Window();
  private readonly ewma = new Window();
  private readonly dtSec: number;
  private readonly decay: number;
  private v = NaN;
  // order prefix sums by order index: ask side (buys) s = 0, bid side (sells) s = 1
  private readonly orderTs = new Window();
  private readonly cnt = [new Window(), new Window()];
  private readonly reached = [new Window(), new Window()];
  private readonly uncensored = [new Window(), new Window()];
  private readonly excess = [new Window(), new Window()];
  private excludedBefore: (t: number) => number = () => 0;
  private startMs = NaN;
  private lastMs = -Infinity;
  /** next evaluation */
  private e = 0;

  /** `tickSize`: of the orders (NaN without orders: A and k NaN). */
  constructor(options: RollingCalibrationOptions, tickSize = NaN, withOrders = !Number.isNaN(tickSize)) {
    this.windowMs = options.windowSec * 1000;
    this.stepMs = (options.stepSec ?? 1) * 1000;
    this.gridMs = options.gridMs ?? 100;
    this.windowSec = options.windowSec;
    this.halfLifeSec = options.ewmaHalfLifeSec ?? options.windowSec / 4;
    if (!(this.windowMs > 0) || !(this.stepMs > 0)) throw new EstimationError('window and step must be positive');
    this.depths = options.depths ?? DEFAULT_DEPTH_RANGE;
    this.d0 = this.depths.fromTicks;
    this.d1 = this.depths.toTicks;
    this.tickSize = tickSize;
    this.withOrders = withOrders;
    this.dtSec = this.gridMs / 1000;
    this.decay = Math.pow(2, -this.dtSec / this.halfLifeSec);
    this.prefix.push(0);
    this.prefixLog.push(0);
    this.used.push(0);
    this.ewma.push(NaN);
    for (let s = 0; s < 2; s++) {
      this.cnt[s].push(0);
      this.reached[s].push(0);
      this.uncensored[s].push(0);
      this.excess[s].push(0);
    }
    const self = this;
    this.grid = new StreamedGrid(this.gridMs, {
      increment(incTimeMs, x0, x1, ok) {
        self.increment(incTimeMs, x0, x1, ok);
      },
    });
  }

  /**
   * The next chunk: its book, the orders paired in it (`StreamedMarketOrders.feed`) and the excluded
   * intervals so far (`excludedSoFar()`; without orders, leave out: the book's masks extended to the next
   * row are used). Returns the evaluations stamped up to the chunk's last book row.
   */
  feed(book: BookTable, orders?: MarketOrderColumns, excluded?: readonly MaskedInterval[]): RollingCalibration {
    const n = book.tsMs.length;
    if (n > 0 && Number.isNaN(this.startMs)) this.startMs = book.tsMs[0];
    if (orders) this.addOrders(orders);
    if (excluded) this.excludedBefore = cumulativeMs(excluded);
    else if (!this.withOrders) {
      this.bookMasks.add(book.masked);
      this.bookMasks.rows(book.tsMs);
      this.excludedBefore = cumulativeMs(this.bookMasks.extendedSoFar());
    }
    // The chunk goes to the grid in slices of at most SLICE_POINTS grid points, each evaluated before the next,
    // so the prefix sums held stay about a window plus a slice long, not a whole chunk (a day of 100 ms points:
    // 864,000 a series, in buffers of 1,048,576; 131,072 now). A slice is evaluated as a chunk of its own would be,
    // with the masks, orders and excluded time of the whole chunk, which is what its evaluations may use.
    const tsMs = book.tsMs;
    const mids = midPrices(book);
    if (n === 0) {
      this.grid.feed(tsMs, mids, book.masked);
      return this.evaluate(this.lastMs);
    }
    const sliceMs = SLICE_POINTS * this.gridMs;
    const parts: RollingCalibration[] = [];
    for (let from = 0; from < n; ) {
      let to = from + 1;
      while (to < n && tsMs[to] - tsMs[from] < sliceMs) to++;
      this.grid.feed(tsMs.subarray(from, to), mids.subarray(from, to), from === 0 ? book.masked : undefined);
      this.lastMs = tsMs[to - 1];
      parts.push(this.evaluate(this.lastMs));
      from = to;
    }
    return parts.length === 1 ? parts[0] : concatEvaluations(parts);
  }

  /** The rest of the grid; throws as `rollingCalibration` when the data span is shorter than one window. */
  finish(): RollingCalibration {
    if (Number.isNaN(this.startMs)) throw new EstimationError('empty book: nothing to calibrate on');
    const short = windowSpanError(this.startMs, this.lastMs, this.windowSec);
    if (short) throw short;
    this.grid.finish();
    return this.evaluate(this.lastMs);
  }

  private increment(incTimeMs: number, x0: number, x1: number, ok: boolean): void {
    const d = ok ? x1 - x0 : 0;
    const dl = ok ? Math.log(x1) - Math.log(x0) : 0;
    const g = this.prefix.base + this.prefix.length - 1; // index of point j
    this.incTime.push(incTimeMs);
    this.prefix.push(this.prefix.at(g) + d * d);
    this.prefixLog.push(this.prefixLog.at(g) + dl * dl);
    const used = this.used.at(g) + (ok ? 1 : 0);
    this.used.push(used);
    const dtSec = this.dtSec;
    if (ok) this.v = Number.isNaN(this.v) ? (d * d) / dtSec : this.decay * this.v + (1 - this.decay) * ((d * d) / dtSec);
    this.ewma.push(used * dtSec >= this.halfLifeSec ? Math.sqrt(this.v) : NaN);
  }

  private addOrders(o: MarketOrderColumns): void {
    const { d0, d1 } = this;
    for (let i = 0; i < o.tsMs.length; i++) {
      const last = this.orderTs.base + this.orderTs.length; // prefix index of this order
      this.orderTs.push(o.tsMs[i]);
      const s = o.side[i] > 0 ? 0 : 1;
      const j = o.ticksBeyondTouch[i] + 1;
      for (let side = 0; side < 2; side++) {
        let c = this.cnt[side].at(last);
        let r = this.reached[side].at(last);
        let u = this.uncensored[side].at(last);
        let x = this.excess[side].at(last);
        if (side === s) {
          c++;
          if (j >= d0) {
            r++;
            if (j < d1) u++;
            x += Math.min(j, d1) - d0;
          }
        }
        this.cnt[side].push(c);
        this.reached[side].push(r);
        this.uncensored[side].push(u);
        this.excess[side].push(x);
      }
    }
  }

  /** The evaluations stamped up to `untilMs` not given yet. */
  private evaluate(untilMs: number): RollingCalibration {
    const { windowMs, stepMs, gridMs, dtSec, startMs } = this;
    const total = Number.isNaN(startMs) || untilMs - (startMs + windowMs) < 0 ? 0 : Math.floor((untilMs - (startMs + windowMs)) / stepMs) + 1;
    const count = Math.max(0, total - this.e);
    const tMs = new Float64Array(count);
    const out = Object.fromEntries(SERIES.map((k) => [k, new Float64Array(count)])) as Record<(typeof SERIES)[number], Float64Array>;
    const increments = new Int32Array(count);
    const nAsk = new Int32Array(count);
    const nBid = new Int32Array(count);
    const tick = this.tickSize;
    const depths = this.depths;
    for (let q = 0; q < count; q++) {
      const e = this.e + q;
      const t = startMs + windowMs + e * stepMs;
      tMs[q] = t;
      const lo = this.incTime.lowerBound(t - windowMs + gridMs);
      const hi = this.incTime.lowerBound(t);
      const c = hi > lo ? this.used.at(hi) - this.used.at(lo) : 0;
      increments[q] = c;
      const span = c * dtSec;
      out.sigma[q] = c >= 2 ? Math.sqrt((this.prefix.at(hi) - this.prefix.at(lo)) / span) : NaN;
      out.sigmaLog[q] = c >= 2 ? Math.sqrt((this.prefixLog.at(hi) - this.prefixLog.at(lo)) / span) : NaN;
      out.sigmaEwma[q] = hi > 0 && c > 0 ? this.ewma.at(hi) : NaN;
      const observedSec = (windowMs - (this.excludedBefore(t) - this.excludedBefore(t - windowMs))) / 1000;
      out.observedSec[q] = observedSec;
      if (this.withOrders) {
        const a = this.orderTs.lowerBound(t - windowMs);
        const b = this.orderTs.lowerBound(t);
        const w = observedSec > 0 ? observedSec : NaN;
        nAsk[q] = this.cnt[0].at(b) - this.cnt[0].at(a);
        nBid[q] = this.cnt[1].at(b) - this.cnt[1].at(a);
        const stats = (s: number) => {
          const r = this.reached[s].at(b) - this.reached[s].at(a);
          const u = this.uncensored[s].at(b) - this.uncensored[s].at(a);
          return { orders: this.cnt[s].at(b) - this.cnt[s].at(a), reached: r, censored: r - u, uncensored: u, excessTicks: this.excess[s].at(b) - this.excess[s].at(a) };
        };
        writeWindowArrival(out, q, stats(0), stats(1), w, tick, depths);
      } else {
        writeWindowArrival(out, q, undefined, undefined, NaN, tick, depths);
      }
    }
    this.e += count;
    if (!Number.isNaN(startMs)) {
      // what the next evaluation still needs
      const next = startMs + windowMs + this.e * stepMs;
      const lo = this.incTime.lowerBound(next - windowMs + gridMs);
      for (const w of [this.prefix, this.prefixLog, this.used, this.ewma]) w.dropBefore(Math.min(lo, w.base + w.length - 1));
      this.incTime.dropBefore(lo);
      if (this.withOrders) {
        const a = this.orderTs.lowerBound(next - windowMs);
        for (const w of [...this.cnt, ...this.reached, ...this.uncensored, ...this.excess]) w.dropBefore(Math.min(a, w.base + w.length - 1));
        this.orderTs.dropBefore(a);
      }
    }
    return {
      tMs,
      windowSec: this.windowSec,
      stepSec: stepMs / 1000,
      gridMs,
      sigmaPricePerSqrtSec: out.sigma,
      sigmaLogPerSqrtSec: out.sigmaLog,
      sigmaEwmaPricePerSqrtSec: out.sigmaEwma,
      ewmaHalfLifeSec: this.halfLifeSec,
      increments,
      observedSec: out.observedSec,
      aAskPerSec: out.aAsk,
      aBidPerSec: out.aBid,
      aPooledPerSec: out.aPooled,
      kAskPerPrice: out.kAsk,
      kBidPerPrice: out.kBid,
      kPooledPerPrice: out.kPooled,
      ordersAsk: nAsk,
      ordersBid: nBid,
    };
  }
}

/** Grid points a slice of a chunk spans at most (`StreamedRollingCalibration.feed`). */
const SLICE_POINTS = 1 << 16;

/** The evaluations of consecutive slices (at least one) as one. */
function concatEvaluations(parts: readonly RollingCalibration[]): RollingCalibration {
  const first = parts[0];
  const join = <A extends Float64Array | Int32Array>(pick: (r: RollingCalibration) => A): A => concatColumns(parts.map(pick));
  return {
    tMs: join((r) => r.tMs),
    windowSec: first.windowSec,
    stepSec: first.stepSec,
    gridMs: first.gridMs,
    sigmaPricePerSqrtSec: join((r) => r.sigmaPricePerSqrtSec),
    sigmaLogPerSqrtSec: join((r) => r.sigmaLogPerSqrtSec),
    sigmaEwmaPricePerSqrtSec: join((r) => r.sigmaEwmaPricePerSqrtSec),
    ewmaHalfLifeSec: first.ewmaHalfLifeSec,
    increments: join((r) => r.increments),
    observedSec: join((r) => r.observedSec),
    aAskPerSec: join((r) => r.aAskPerSec),
    aBidPerSec: join((r) => r.aBidPerSec),
    aPooledPerSec: join((r) => r.aPooledPerSec),
    kAskPerPrice: join((r) => r.kAskPerPrice),
    kBidPerPrice: join((r) => r.kBidPerPrice),
    kPooledPerPrice: join((r) => r.kPooledPerPrice),
    ordersAsk: join((r) => r.ordersAsk),
    ordersBid: join((r) => r.ordersBid),
  };
}

/**
 * The error `StreamedRollingCalibration.finish` raises for a book whose rows span less than one window (first
 * and last row times, ms; window, s), or undefined: for a caller that knows the span before streaming the data
 * and would rather say so first.
 */
export function windowSpanError(firstMs: number, lastMs: number, windowSec: number): EstimationError | undefined {
  return lastMs - firstMs < windowSec * 1000 ? new EstimationError(`the data span ${(lastMs - firstMs) / 1000} s is shorter than one window (${windowSec} s)`) : undefined;
}
