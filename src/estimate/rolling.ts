import { midPrices, type BookTable } from '../data/tables.js';
import { EstimationError } from './errors.js';
import { previousTickGrid } from './grid.js';
import type { MarketOrders } from './marketOrders.js';
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
}

/**
 * σ, A and k as time series for a backtest. The value at `tMs[i]` uses only data strictly before `tMs[i]`:
 * book rows and market orders with ts_ms < t (σ from the previous-tick grid points before t). Windows are
 * [t − W, t); the first evaluation is one full window after the first book row. NaN means the window had too
 * little data, and the counts beside each series say why: σ needs 2 increments, k needs 2 orders past the
 * touch with some past the first level, A is defined whenever the window has elapsed (0 when no order).
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
  readonly increments: Int32Array;
  readonly aAskPerSec: Float64Array;
  readonly aBidPerSec: Float64Array;
  readonly aPooledPerSec: Float64Array;
  readonly kAskPerPrice: Float64Array;
  readonly kBidPerPrice: Float64Array;
  readonly kPooledPerPrice: Float64Array;
  readonly ordersAsk: Int32Array;
  readonly ordersBid: Int32Array;
}


const kFromGeometric = (beyond: number, sumJ: number, tick: number) => (beyond >= 2 && sumJ > 0 ? Math.log(1 + beyond / sumJ) / tick : NaN);

/**
 * Rolling calibration of σ (price and log units, window and EWMA) and of A, k per side and pooled (the
 * estimators of `realizedVolatility` and `fitArrivalMle`), by prefix sums: O(rows + orders + evaluations).
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
  const grid = previousTickGrid(book.tsMs, mid, gridMs);
  const x = grid.values;
  const m = x.length;
  // increment j runs from grid point j to j+1 and is known at time of point j+1
  const incTime = new Float64Array(Math.max(0, m - 1));
  const prefix = new Float64Array(m);
  const prefixLog = new Float64Array(m);
  const ewma = new Float64Array(m).fill(NaN);
  const dtSec = gridMs / 1000;
  const decay = Math.pow(2, -dtSec / halfLifeSec);
  let v = NaN;
  let logPrev = m > 0 ? Math.log(x[0]) : NaN;
  for (let j = 0; j + 1 < m; j++) {
    incTime[j] = grid.startMs + (j + 1) * gridMs;
    const d = x[j + 1] - x[j];
    const logNext = Math.log(x[j + 1]);
    const dl = logNext - logPrev;
    logPrev = logNext;
    prefix[j + 1] = prefix[j] + d * d;
    prefixLog[j + 1] = prefixLog[j] + dl * dl;
    v = Number.isNaN(v) ? (d * d) / dtSec : decay * v + (1 - decay) * ((d * d) / dtSec);
    ewma[j + 1] = (j + 1) * dtSec >= halfLifeSec ? Math.sqrt(v) : NaN;
  }
  const evaluations = Math.floor((endMs - (startMs + windowMs)) / stepMs) + 1;
  const tMs = new Float64Array(evaluations);
  const out = {
    sigma: new Float64Array(evaluations),
    sigmaLog: new Float64Array(evaluations),
    sigmaEwma: new Float64Array(evaluations),
    increments: new Int32Array(evaluations),
    aAsk: new Float64Array(evaluations),
    aBid: new Float64Array(evaluations),
    aPooled: new Float64Array(evaluations),
    kAsk: new Float64Array(evaluations),
    kBid: new Float64Array(evaluations),
    kPooled: new Float64Array(evaluations),
    nAsk: new Int32Array(evaluations),
    nBid: new Int32Array(evaluations),
  };
  // order prefix sums per side: count, count past the touch, sum of ticks beyond
  const no = orders ? orders.tsMs.length : 0;
  const cnt = [new Float64Array(no + 1), new Float64Array(no + 1)];
  const past = [new Float64Array(no + 1), new Float64Array(no + 1)];
  const sumJ = [new Float64Array(no + 1), new Float64Array(no + 1)];
  for (let i = 0; i < no; i++) {
    const o = orders as MarketOrders;
    for (let s = 0; s < 2; s++) {
      cnt[s][i + 1] = cnt[s][i];
      past[s][i + 1] = past[s][i];
      sumJ[s][i + 1] = sumJ[s][i];
    }
    const s = o.side[i] > 0 ? 0 : 1;
    cnt[s][i + 1]++;
    const j = o.ticksBeyondTouch[i];
    if (j >= 0) {
      past[s][i + 1]++;
      sumJ[s][i + 1] += j;
    }
  }
  const tick = orders?.tickSize ?? NaN;
  for (let e = 0; e < evaluations; e++) {
    const t = startMs + windowMs + e * stepMs;
    tMs[e] = t;
    // increments whose end point time is in [t − W, t) and whose start point is too
    const lo = lowerBound(incTime, t - windowMs + gridMs);
    const hi = lowerBound(incTime, t);
    const count = Math.max(0, hi - lo);
    out.increments[e] = count;
    const span = count * dtSec;
    out.sigma[e] = count >= 2 ? Math.sqrt((prefix[hi] - prefix[lo]) / span) : NaN;
    out.sigmaLog[e] = count >= 2 ? Math.sqrt((prefixLog[hi] - prefixLog[lo]) / span) : NaN;
    out.sigmaEwma[e] = hi > 0 ? ewma[hi] : NaN;
    if (orders) {
      const a = lowerBound(orders.tsMs, t - windowMs);
      const b = lowerBound(orders.tsMs, t);
      const w = options.windowSec;
      const nA = cnt[0][b] - cnt[0][a];
      const nB = cnt[1][b] - cnt[1][a];
      out.nAsk[e] = nA;
      out.nBid[e] = nB;
      out.aAsk[e] = nA / w;
      out.aBid[e] = nB / w;
      out.aPooled[e] = (nA + nB) / (2 * w);
      const pA = past[0][b] - past[0][a];
      const pB = past[1][b] - past[1][a];
      const jA = sumJ[0][b] - sumJ[0][a];
      const jB = sumJ[1][b] - sumJ[1][a];
      out.kAsk[e] = kFromGeometric(pA, jA, tick);
      out.kBid[e] = kFromGeometric(pB, jB, tick);
      out.kPooled[e] = kFromGeometric(pA + pB, jA + jB, tick);
    } else {
      for (const arr of [out.aAsk, out.aBid, out.aPooled, out.kAsk, out.kBid, out.kPooled]) arr[e] = NaN;
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
