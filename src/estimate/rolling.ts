import type { MaskedInterval } from '../data/masks.js';
import { midPrices, type BookTable } from '../data/tables.js';
import { EstimationError } from './errors.js';
import { previousTickGrid } from './grid.js';
import { bookMasksToNextRow, type MarketOrders } from './marketOrders.js';
import { DEFAULT_DEPTH_RANGE, reachTicks, type DepthRange, type ReachStats } from './arrivalByDepth.js';
import { arrivalFromStats } from './intensity.js';
import { lowerBound } from '../data/search.js';

export interface RollingCalibrationOptions {
  /** Window length, s. */
  readonly windowSec: number;
  /** Time between evaluations, s (default 1). */
  readonly stepSec?: number;
  /** σ sampling grid, ms (default 100). */
  readonly gridMs?: number;
  /** EWMA half-life for the σ variant, s (default: the window / 4). */
  readonly ewmaHalfLifeSec?: number;
  /** Depths of the A, k fits, ticks past the touch (default `DEFAULT_DEPTH_RANGE`, as `fitArrivalMle`). */
  readonly depths?: DepthRange;
}

/**
 * σ, A and k as time series for a backtest. The value at `tMs[i]` uses only data strictly before `tMs[i]`:
 * book rows and market orders with ts_ms < t (σ from the previous-tick grid points before t). Windows are
 * [t − W, t); the first evaluation is one full window after the first book row. NaN means the window had too
 * little data, and the counts beside each series say why: σ needs 2 increments, k needs 2 orders past the
 * touch with some past the first level, A is defined whenever the window has observed time (0 when no order).
 *
 * Masked intervals are skipped as by the one-shot estimators: σ uses only the grid increments that do not
 * overlap a masked interval of the book (`previousTickGrid`), and its span is their count × the grid step;
 * A is the orders in the window over the window's time outside the intervals where no order was kept
 * (`observedSec`: the window net of `orders.excluded`, i.e. the book's and trades' masks and stale stretches;
 * without orders, of the book's masks). A window entirely masked gives NaN for σ, A and k (and for the EWMA
 * σ): not the last value before the mask, not 0. The EWMA decays over the usable increments only, so it
 * resumes after a mask from its value before it.
 */
export interface RollingCalibration {
  readonly tMs: Float64Array;
  readonly windowSec: number;
  readonly stepSec: number;
  readonly gridMs: number;
  /** Realized volatility in the window, quote currency per √s. */
  readonly sigmaPricePerSqrtSec: Float64Array;
  /** Realized volatility of log mid in the window, per √s. */
  readonly sigmaLogPerSqrtSec: Float64Array;
  /** EWMA of the squared increments (half-life `ewmaHalfLifeSec`), quote currency per √s; NaN in the first half-life. */
  readonly sigmaEwmaPricePerSqrtSec: Float64Array;
  readonly ewmaHalfLifeSec: number;
  /** Grid increments σ used in the window (those overlapping a masked interval left out). */
  readonly increments: Int32Array;
  /** The window's time outside masked and stale intervals, s: the T of A in it (0 for a window entirely masked). */
  readonly observedSec: Float64Array;
  readonly aAskPerSec: Float64Array;
  readonly aBidPerSec: Float64Array;
  readonly aPooledPerSec: Float64Array;
  readonly kAskPerPrice: Float64Array;
  readonly kBidPerPrice: Float64Array;
  readonly kPooledPerPrice: Float64Array;
  readonly ordersAsk: Int32Array;
  readonly ordersBid: Int32Array;
}



/**
 * Rolling calibration of σ (price and log units, window and EWMA) and of A, k per side and pooled (the
 * estimators of `realizedVolatility` and `fitArrivalMle`), by prefix sums: O(rows + orders + evaluations).
 * Each window's A and k are `fitArrivalMle`'s on the window's orders over `options.depths` (default
 * `DEFAULT_DEPTH_RANGE`, ticks past the touch): A and k from the same orders, the rate over the window's
 * observed time (masked time left out). A window whose orders do not reach the range gives NaN.
 * @throws EstimationError when the data span is shorter than one window.
 */
export function rollingCalibration(book: BookTable, orders: MarketOrders | undefined, options: RollingCalibrationOptions): RollingCalibration {
  const windowMs = options.windowSec * 1000;
  const stepMs = (options.stepSec ?? 1) * 1000;
  const gridMs = options.gridMs ?? 100;
  const halfLifeSec = options.ewmaHalfLifeSec ?? options.windowSec / 4;
  if (!(windowMs > 0) || !(stepMs > 0)) throw new EstimationError('window and step must be positive');
  const n = book.tsMs.length;
  if (n === 0) throw new EstimationError('empty book: nothing to calibrate on');
  const startMs = book.tsMs[0];
  const endMs = book.tsMs[n - 1];
  if (endMs - startMs < windowMs) throw new EstimationError(`the data span ${(endMs - startMs) / 1000} s is shorter than one window (${options.windowSec} s)`);
  const mid = midPrices(book);
  const grid = previousTickGrid(book.tsMs, mid, gridMs, book.masked);
  const x = grid.values;
  const usable = grid.usable;
  const m = x.length;
  // increment j runs from grid point j to j+1 and is known at time of point j+1; the prefix sums and the
  // count take only the usable ones
  const incTime = new Float64Array(Math.max(0, m - 1));
  const prefix = new Float64Array(m);
  const prefixLog = new Float64Array(m);
  const used = new Int32Array(m);
  const ewma = new Float64Array(m).fill(NaN);
  const dtSec = gridMs / 1000;
  const decay = Math.pow(2, -dtSec / halfLifeSec);
  let v = NaN;
  for (let j = 0; j + 1 < m; j++) {
    incTime[j] = grid.startMs + (j + 1) * gridMs;
    const ok = !usable || usable[j] === 1;
    const d = ok ? x[j + 1] - x[j] : 0;
    const dl = ok ? Math.log(x[j + 1]) - Math.log(x[j]) : 0;
    prefix[j + 1] = prefix[j] + d * d;
    prefixLog[j + 1] = prefixLog[j] + dl * dl;
    used[j + 1] = used[j] + (ok ? 1 : 0);
    if (ok) v = Number.isNaN(v) ? (d * d) / dtSec : decay * v + (1 - decay) * ((d * d) / dtSec);
    ewma[j + 1] = used[j + 1] * dtSec >= halfLifeSec ? Math.sqrt(v) : NaN;
  }
  // where no order was kept: the orders' excluded intervals (masks and stale stretches), else the book's masks
  const excluded = orders ? orders.excluded ?? [] : bookMasksToNextRow(book);
  const excludedBefore = cumulativeMs(excluded);
  const evaluations = Math.floor((endMs - (startMs + windowMs)) / stepMs) + 1;
  const tMs = new Float64Array(evaluations);
  const out = {
    sigma: new Float64Array(evaluations),
    sigmaLog: new Float64Array(evaluations),
    sigmaEwma: new Float64Array(evaluations),
    increments: new Int32Array(evaluations),
    observedSec: new Float64Array(evaluations),
    aAsk: new Float64Array(evaluations),
    aBid: new Float64Array(evaluations),
    aPooled: new Float64Array(evaluations),
    kAsk: new Float64Array(evaluations),
    kBid: new Float64Array(evaluations),
    kPooled: new Float64Array(evaluations),
    nAsk: new Int32Array(evaluations),
    nBid: new Int32Array(evaluations),
  };
  // order prefix sums per side: count, and fitArrivalMle's sufficient statistics over the depth range (orders
  // reaching d0, those of them short of d1, Σ (min(J, d1) − d0)), so each window is that MLE on its orders
  const depths = options.depths ?? DEFAULT_DEPTH_RANGE;
  const { fromTicks: d0, toTicks: d1 } = depths;
  const no = orders ? orders.tsMs.length : 0;
  const cnt = [new Float64Array(no + 1), new Float64Array(no + 1)];
  const reached = [new Float64Array(no + 1), new Float64Array(no + 1)];
  const uncensored = [new Float64Array(no + 1), new Float64Array(no + 1)];
  const excess = [new Float64Array(no + 1), new Float64Array(no + 1)];
  for (let i = 0; i < no; i++) {
    const o = orders as MarketOrders;
    for (let s = 0; s < 2; s++) {
      cnt[s][i + 1] = cnt[s][i];
      reached[s][i + 1] = reached[s][i];
      uncensored[s][i + 1] = uncensored[s][i];
      excess[s][i + 1] = excess[s][i];
    }
    const s = o.side[i] > 0 ? 0 : 1;
    cnt[s][i + 1]++;
    const j = reachTicks(o, i);
    if (j >= d0) {
      reached[s][i + 1]++;
      if (j < d1) uncensored[s][i + 1]++;
      excess[s][i + 1] += Math.min(j, d1) - d0;
    }
  }
  const tick = orders?.tickSize ?? NaN;
  for (let e = 0; e < evaluations; e++) {
    const t = startMs + windowMs + e * stepMs;
    tMs[e] = t;
    // increments whose end point time is in [t − W, t) and whose start point is too, outside masks
    const lo = lowerBound(incTime, t - windowMs + gridMs);
    const hi = lowerBound(incTime, t);
    const count = hi > lo ? used[hi] - used[lo] : 0;
    out.increments[e] = count;
    const span = count * dtSec;
    out.sigma[e] = count >= 2 ? Math.sqrt((prefix[hi] - prefix[lo]) / span) : NaN;
    out.sigmaLog[e] = count >= 2 ? Math.sqrt((prefixLog[hi] - prefixLog[lo]) / span) : NaN;
    out.sigmaEwma[e] = hi > 0 && count > 0 ? ewma[hi] : NaN;
    const observedSec = (windowMs - (excludedBefore(t) - excludedBefore(t - windowMs))) / 1000;
    out.observedSec[e] = observedSec;
    if (orders) {
      const a = lowerBound(orders.tsMs, t - windowMs);
      const b = lowerBound(orders.tsMs, t);
      const w = observedSec > 0 ? observedSec : NaN;
      const nA = cnt[0][b] - cnt[0][a];
      const nB = cnt[1][b] - cnt[1][a];
      out.nAsk[e] = nA;
      out.nBid[e] = nB;
      const stats = (s: number): ReachStats => {
        const r = reached[s][b] - reached[s][a];
        const u = uncensored[s][b] - uncensored[s][a];
        return { orders: cnt[s][b] - cnt[s][a], reached: r, censored: r - u, uncensored: u, excessTicks: excess[s][b] - excess[s][a] };
      };
      writeWindowArrival(out, e, stats(0), stats(1), w, tick, depths);
    } else {
      writeWindowArrival(out, e, undefined, undefined, NaN, tick, depths);
    }
  }
  return {
    tMs,
    windowSec: options.windowSec,
    stepSec: stepMs / 1000,
    gridMs,
    sigmaPricePerSqrtSec: out.sigma,
    sigmaLogPerSqrtSec: out.sigmaLog,
    sigmaEwmaPricePerSqrtSec: out.sigmaEwma,
    ewmaHalfLifeSec: halfLifeSec,
    increments: out.increments,
    observedSec: out.observedSec,
    aAskPerSec: out.aAsk,
    aBidPerSec: out.aBid,
    aPooledPerSec: out.aPooled,
    kAskPerPrice: out.kAsk,
    kBidPerPrice: out.kBid,
    kPooledPerPrice: out.kPooled,
    ordersAsk: out.nAsk,
    ordersBid: out.nBid,
  };
}

/**
 * For merged (sorted, disjoint) intervals, a function giving the time they cover before t, ms: by binary
 * search on their starts and a prefix sum of their lengths.
 */
export function cumulativeMs(merged: readonly MaskedInterval[]): (t: number) => number {
  const starts = Float64Array.from(merged, (m) => m.fromMs);
  const before = new Float64Array(merged.length + 1);
  for (let i = 0; i < merged.length; i++) before[i + 1] = before[i] + (merged[i].toMs - merged[i].fromMs);
  return (t: number) => {
    // intervals starting before t: all of those before the last are wholly before t
    const i = lowerBound(starts, t) - 1;
    if (i < 0) return 0;
    return before[i] + Math.min(t, merged[i].toMs) - merged[i].fromMs;
  };
}

/** The A and k columns of a rolling calibration: per side and pooled. */
type ArrivalColumns = Readonly<Record<'aAsk' | 'aBid' | 'aPooled' | 'kAsk' | 'kBid' | 'kPooled', Float64Array>>;

/**
 * Row `e` of the rolling A and k: the MLE (`arrivalFromStats`) on the ask side's and the bid side's reach
 * statistics in the window and on both pooled, over `observedSec` (NaN when nothing of the window was
 * observed); all NaN without statistics (no market orders at all). Shared by `rollingCalibration` and the
 * streamed calibration, so both fill the row the same way.
 */
export function writeWindowArrival(out: ArrivalColumns, e: number, ask: ReachStats | undefined, bid: ReachStats | undefined, observedSec: number, tickSize: number, depths: DepthRange): void {
  if (!ask || !bid) {
    for (const column of [out.aAsk, out.aBid, out.aPooled, out.kAsk, out.kBid, out.kPooled]) column[e] = NaN;
    return;
  }
  const pooled: ReachStats = { orders: ask.orders + bid.orders, reached: ask.reached + bid.reached, censored: ask.censored + bid.censored, uncensored: ask.uncensored + bid.uncensored, excessTicks: ask.excessTicks + bid.excessTicks };
  const fa = arrivalFromStats(ask, observedSec, 1, tickSize, depths);
  const fb = arrivalFromStats(bid, observedSec, 1, tickSize, depths);
  const fp = arrivalFromStats(pooled, observedSec, 2, tickSize, depths);
  out.aAsk[e] = fa.aPerSec;
  out.aBid[e] = fb.aPerSec;
  out.aPooled[e] = fp.aPerSec;
  out.kAsk[e] = fa.kPerPrice;
  out.kBid[e] = fb.kPerPrice;
  out.kPooled[e] = fp.kPerPrice;
}
