import { Float64ColumnBuilder, Int8ColumnBuilder } from '../data/columnBuilder.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { createRng, deriveSeed, exponential, normalSampler } from '../random/index.js';
import { decimalGrid, gridValue, inSteps } from './decimalGrid.js';
import { sampleParams, type SampleMarketParams } from './params.js';

/** A generated market: the normalized tables plus the hidden truth they were drawn from. */
export interface SampleMarket {
  readonly params: SampleMarketParams;
  readonly book: BookTable;
  readonly trades: TradeTable;
  /** The model's mid at each snapshot, USDT (the book's (bid+ask)/2 is this rounded to the tick grid). */
  readonly trueMid: Float64Array;
  /** Each trade's walk depth δ from the true mid, USDT (what the model drew; prices are δ rounded to ticks). */
  readonly tradeDepth: Float64Array;
}

/**
 * Generates the offline sample market, deterministically from `params.seed`.
 *
 * 1. Mid: S(0) = mid0, S(t_{i+1}) = S(t_i) + σ·√Δ·Z_i with Z_i standard normal, Δ the snapshot interval in s.
 * 2. Book at t_i: best bid = the highest tick price strictly below S(t_i), best ask = the lowest strictly
 *    above (a one-tick spread), then one tick apart per level; the size of level L has a lognormal
 *    AR(1) log-size with mean touchSizeMean·(1 + levelSizeGrowth·(L − 1)), rounded to the lot (at least one lot).
 * 3. Trades in [t_i, t_{i+1}): on each side an independent Poisson process with rate A per second. Each
 *    market order walks to depth δ ~ Exponential(k) from S(t_i) and prints one trade at the deepest tick
 *    price it reached, but at least the touch: buy px = max(best ask, floorTick(S + δ)), sell
 *    px = min(best bid, ceilTick(S − δ)). A tick price P beyond the touch therefore trades at or through
 *    with intensity A·exp(−k·(P − S)) exactly; at the touch every market order trades (rate A).
 *    Timestamps are the arrival times floored to whole ms; ids count from 1 in time order; sizes are
 *    exponential with mean tradeSizeMean, rounded to the lot (at least one lot).
 *
 * Each component draws from its own seeded stream (`deriveSeed(seed, 'mid' | 'sizes' | 'buys' | 'sells')`).
 */
export function generateSampleMarket(overrides: Partial<SampleMarketParams> = {}): SampleMarket {
  const p = sampleParams(overrides);
  const tick = decimalGrid(p.tickSize);
  const lot = decimalGrid(p.lotSize);
  const n = Math.floor((p.durationSec * 1000) / p.snapshotIntervalMs);
  const dtSec = p.snapshotIntervalMs / 1000;
  const stepStd = p.sigmaPerSqrtSec * Math.sqrt(dtSec);

  const midNormal = normalSampler(createRng(deriveSeed(p.seed, 'mid')));
  const sizeNormal = normalSampler(createRng(deriveSeed(p.seed, 'sizes')));
  const sizeRng = createRng(deriveSeed(p.seed, 'trade-sizes'));
  const buyRng = createRng(deriveSeed(p.seed, 'buys'));
  const sellRng = createRng(deriveSeed(p.seed, 'sells'));

  const tsMs = new Float64Array(n);
  const trueMid = new Float64Array(n);
  const bidPx = Array.from({ length: p.depth }, () => new Float64Array(n));
  const bidSz = Array.from({ length: p.depth }, () => new Float64Array(n));
  const askPx = Array.from({ length: p.depth }, () => new Float64Array(n));
  const askSz = Array.from({ length: p.depth }, () => new Float64Array(n));
  // Log-size state per side and level: z ~ N(0, 1) stationary AR(1).
  const rho = p.sizePersistence;
  const innovation = Math.sqrt(1 - rho * rho);
  const logState = Float64Array.from({ length: 2 * p.depth }, () => sizeNormal());
  const levelMean = Float64Array.from({ length: p.depth }, (_, l) => p.touchSizeMean * (1 + p.levelSizeGrowth * l));
  const s = p.sizeLogStd;
  const lotted = (size: number) => gridValue(lot, Math.max(1, Math.round(inSteps(lot, size))));

  const tradeTs = new Float64ColumnBuilder();
  const tradeId = new Float64ColumnBuilder();
  const tradeSide = new Int8ColumnBuilder();
  const tradePx = new Float64ColumnBuilder();
  const tradeSz = new Float64ColumnBuilder();
  const tradeDepth = new Float64ColumnBuilder();
  const ratePerMs = p.arrivalRatePerSec / 1000;
  let nextBuyMs = p.startMs + exponential(buyRng, ratePerMs);
  let nextSellMs = p.startMs + exponential(sellRng, ratePerMs);

  let mid = p.mid0;
  for (let i = 0; i < n; i++) {
    if (i > 0) mid += stepStd * midNormal();
    const t = p.startMs + i * p.snapshotIntervalMs;
    tsMs[i] = t;
    trueMid[i] = mid;
    const midTicks = inSteps(tick, mid);
    const bestBidTicks = Math.ceil(midTicks) - 1;
    const bestAskTicks = Math.floor(midTicks) + 1;
    for (let l = 0; l < p.depth; l++) {
      bidPx[l][i] = gridValue(tick, bestBidTicks - l);
      askPx[l][i] = gridValue(tick, bestAskTicks + l);
      for (let side = 0; side < 2; side++) {
        const k = side * p.depth + l;
        logState[k] = rho * logState[k] + innovation * sizeNormal();
        const size = lotted(levelMean[l] * Math.exp(s * logState[k] - 0.5 * s * s));
        (side === 0 ? bidSz : askSz)[l][i] = size;
      }
    }
    const end = t + p.snapshotIntervalMs;
    while (nextBuyMs < end || nextSellMs < end) {
      const isBuy = nextBuyMs <= nextSellMs;
      const arrival = isBuy ? nextBuyMs : nextSellMs;
      const depth = exponential(isBuy ? buyRng : sellRng, p.kPerPrice);
      const pxTicks = isBuy
        ? Math.max(bestAskTicks, Math.floor(inSteps(tick, mid + depth)))
        : Math.min(bestBidTicks, Math.ceil(inSteps(tick, mid - depth)));
      tradeTs.push(Math.floor(arrival));
      tradeId.push(tradeId.length + 1);
      tradeSide.push(isBuy ? 1 : -1);
      tradePx.push(gridValue(tick, pxTicks));
      tradeSz.push(lotted(exponential(sizeRng, 1 / p.tradeSizeMean)));
      tradeDepth.push(depth);
      if (isBuy) nextBuyMs += exponential(buyRng, ratePerMs);
      else nextSellMs += exponential(sellRng, ratePerMs);
    }
  }

  const meta = {
    instrument: p.instrument,
    tickSize: p.tickSize,
    lotSize: p.lotSize,
    source: `asmm sample market (seed ${p.seed})`,
    extra: { 'asmm.sample.params': JSON.stringify(p) },
  };
  return {
    params: p,
    book: { kind: 'book', depth: p.depth, tsMs, bidPx, bidSz, askPx, askSz, meta },
    trades: {
      kind: 'trades',
      tsMs: tradeTs.finish(),
      id: tradeId.finish(),
      side: tradeSide.finish(),
      px: tradePx.finish(),
      sz: tradeSz.finish(),
      meta,
    },
    trueMid,
    tradeDepth: tradeDepth.finish(),
  };
}
