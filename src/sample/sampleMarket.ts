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
  const stream = new SampleMarketStream(overrides);
  return stream.next(stream.rowsLeft);
}

/**
 * The sample market of `generateSampleMarket`, generated a piece at a time: `next(rows)` gives the next
 * `rows` snapshots and the trades in their intervals, with every random stream, the mid, the size state and
 * the trade ids carried on, so the pieces put end to end are the whole market bit for bit, however it is cut
 * (`generateSampleMarket` is one piece). Memory: one piece. `sampleMarketDays` cuts it at UTC midnights.
 */
export class SampleMarketStream {
  readonly params: SampleMarketParams;
  /** Snapshots in the whole market. */
  readonly rows: number;
  private row = 0;
  private readonly tick;
  private readonly lot;
  private readonly stepStd: number;
  private readonly midNormal: () => number;
  private readonly sizeNormal: () => number;
  private readonly sizeRng;
  private readonly buyRng;
  private readonly sellRng;
  private readonly logState: Float64Array;
  private readonly levelMean: Float64Array;
  private readonly ratePerMs: number;
  private nextBuyMs: number;
  private nextSellMs: number;
  private mid: number;
  private tradesSoFar = 0;

  constructor(overrides: Partial<SampleMarketParams> = {}) {
    const p = sampleParams(overrides);
    this.params = p;
    this.tick = decimalGrid(p.tickSize);
    this.lot = decimalGrid(p.lotSize);
    this.rows = Math.floor((p.durationSec * 1000) / p.snapshotIntervalMs);
    this.stepStd = p.sigmaPerSqrtSec * Math.sqrt(p.snapshotIntervalMs / 1000);
    this.midNormal = normalSampler(createRng(deriveSeed(p.seed, 'mid')));
    this.sizeNormal = normalSampler(createRng(deriveSeed(p.seed, 'sizes')));
    this.sizeRng = createRng(deriveSeed(p.seed, 'trade-sizes'));
    this.buyRng = createRng(deriveSeed(p.seed, 'buys'));
    this.sellRng = createRng(deriveSeed(p.seed, 'sells'));
    // Log-size state per side and level: z ~ N(0, 1) stationary AR(1).
    this.logState = Float64Array.from({ length: 2 * p.depth }, () => this.sizeNormal());
    this.levelMean = Float64Array.from({ length: p.depth }, (_, l) => p.touchSizeMean * (1 + p.levelSizeGrowth * l));
    this.ratePerMs = p.arrivalRatePerSec / 1000;
    this.nextBuyMs = p.startMs + exponential(this.buyRng, this.ratePerMs);
    this.nextSellMs = p.startMs + exponential(this.sellRng, this.ratePerMs);
    this.mid = p.mid0;
  }

  /** Snapshots not generated yet. */
  get rowsLeft(): number {
    return this.rows - this.row;
  }

  /** Time of snapshot `i` of the whole market, ms. */
  rowTsMs(i: number): number {
    return this.params.startMs + i * this.params.snapshotIntervalMs;
  }

  /**
   * Runs the rest of the market without making its rows: the last snapshot's true mid and the number of trades
   * in the whole market, both exactly as `next` would give them (the mid's random walk and each side's trade
   * clock draw from streams of their own, so they are replayed alone: the sizes are not drawn). The stream is
   * done after it. For generators that need where a market ends, not its rows (OKX history days after the
   * first start from the previous hours' last mid; see src/sample/okxHistory.ts). NaN mid for a market of no
   * rows.
   */
  skipToEnd(): { readonly lastTrueMid: number; readonly trades: number } {
    const p = this.params;
    let mid = this.mid;
    let lastTrueMid = this.row > 0 ? mid : NaN;
    for (let i = this.row; i < this.rows; i++) {
      if (i > 0) mid += this.stepStd * this.midNormal();
      lastTrueMid = mid;
    }
    // trades: every arrival before the end of the last snapshot's interval, per side as `next` draws them
    // (the depth of the trade, then the time to the next arrival, from the side's stream)
    const end = p.startMs + this.rows * p.snapshotIntervalMs;
    let trades = this.tradesSoFar;
    const ratePerMs = this.ratePerMs;
    let nextBuyMs = this.nextBuyMs;
    while (nextBuyMs < end) {
      exponential(this.buyRng, p.kPerPrice);
      nextBuyMs += exponential(this.buyRng, ratePerMs);
      trades++;
    }
    let nextSellMs = this.nextSellMs;
    while (nextSellMs < end) {
      exponential(this.sellRng, p.kPerPrice);
      nextSellMs += exponential(this.sellRng, ratePerMs);
      trades++;
    }
    this.row = this.rows;
    this.mid = mid;
    this.nextBuyMs = nextBuyMs;
    this.nextSellMs = nextSellMs;
    this.tradesSoFar = trades;
    return { lastTrueMid, trades };
  }

  /** The next `rows` snapshots (fewer at the end; none once done) and the trades in their intervals. */
  next(rows: number): SampleMarket {
    const p = this.params;
    const tick = this.tick;
    const lot = this.lot;
    const n = Math.max(0, Math.min(rows, this.rowsLeft));
    const tsMs = new Float64Array(n);
    const trueMid = new Float64Array(n);
    const bidPx = Array.from({ length: p.depth }, () => new Float64Array(n));
    const bidSz = Array.from({ length: p.depth }, () => new Float64Array(n));
    const askPx = Array.from({ length: p.depth }, () => new Float64Array(n));
    const askSz = Array.from({ length: p.depth }, () => new Float64Array(n));
    const rho = p.sizePersistence;
    const innovation = Math.sqrt(1 - rho * rho);
    const logState = this.logState;
    const levelMean = this.levelMean;
    const s = p.sizeLogStd;
    const lotted = (size: number) => gridValue(lot, Math.max(1, Math.round(inSteps(lot, size))));
    const capacity = Math.max(16, Math.ceil(2 * p.arrivalRatePerSec * ((n * p.snapshotIntervalMs) / 1000) * 1.1));
    const tradeTs = new Float64ColumnBuilder(capacity);
    const tradeId = new Float64ColumnBuilder(capacity);
    const tradeSide = new Int8ColumnBuilder(capacity);
    const tradePx = new Float64ColumnBuilder(capacity);
    const tradeSz = new Float64ColumnBuilder(capacity);
    const tradeDepth = new Float64ColumnBuilder(capacity);
    const ratePerMs = this.ratePerMs;
    let nextBuyMs = this.nextBuyMs;
    let nextSellMs = this.nextSellMs;
    let mid = this.mid;
    for (let j = 0; j < n; j++) {
      const i = this.row + j;
      if (i > 0) mid += this.stepStd * this.midNormal();
      const t = p.startMs + i * p.snapshotIntervalMs;
      tsMs[j] = t;
      trueMid[j] = mid;
      const midTicks = inSteps(tick, mid);
      const bestBidTicks = Math.ceil(midTicks) - 1;
      const bestAskTicks = Math.floor(midTicks) + 1;
      for (let l = 0; l < p.depth; l++) {
        bidPx[l][j] = gridValue(tick, bestBidTicks - l);
        askPx[l][j] = gridValue(tick, bestAskTicks + l);
        for (let side = 0; side < 2; side++) {
          const k = side * p.depth + l;
          logState[k] = rho * logState[k] + innovation * this.sizeNormal();
          const size = lotted(levelMean[l] * Math.exp(s * logState[k] - 0.5 * s * s));
          (side === 0 ? bidSz : askSz)[l][j] = size;
        }
      }
      const end = t + p.snapshotIntervalMs;
      while (nextBuyMs < end || nextSellMs < end) {
        const isBuy = nextBuyMs <= nextSellMs;
        const arrival = isBuy ? nextBuyMs : nextSellMs;
        const depth = exponential(isBuy ? this.buyRng : this.sellRng, p.kPerPrice);
        const pxTicks = isBuy
          ? Math.max(bestAskTicks, Math.floor(inSteps(tick, mid + depth)))
          : Math.min(bestBidTicks, Math.ceil(inSteps(tick, mid - depth)));
        tradeTs.push(Math.floor(arrival));
        tradeId.push(this.tradesSoFar + tradeId.length + 1);
        tradeSide.push(isBuy ? 1 : -1);
        tradePx.push(gridValue(tick, pxTicks));
        tradeSz.push(lotted(exponential(this.sizeRng, 1 / p.tradeSizeMean)));
        tradeDepth.push(depth);
        if (isBuy) nextBuyMs += exponential(this.buyRng, ratePerMs);
        else nextSellMs += exponential(this.sellRng, ratePerMs);
      }
    }
    this.row += n;
    this.mid = mid;
    this.nextBuyMs = nextBuyMs;
    this.nextSellMs = nextSellMs;
    this.tradesSoFar += tradeId.length;

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
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC time in ms. */
export function utcDate(tsMs: number): string {
  return new Date(Math.floor(tsMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The sample market one UTC day at a time (the first and last days partial when the market starts or ends
 * inside them): each piece holds the snapshots stamped within its day and the trades in their intervals
 * (when the snapshot interval does not divide a day, the last interval runs past midnight and its trades
 * stay with its snapshot). Bit for bit the pieces of `generateSampleMarket` with the same parameters;
 * memory: one day.
 */
export function* sampleMarketDays(overrides: Partial<SampleMarketParams> = {}): Generator<SampleMarket & { readonly date: string }> {
  const stream = new SampleMarketStream(overrides);
  let row = 0;
  while (stream.rowsLeft > 0) {
    const dayEndMs = (Math.floor(stream.rowTsMs(row) / DAY_MS) + 1) * DAY_MS;
    const rowsInDay = Math.min(stream.rowsLeft, Math.ceil((dayEndMs - stream.rowTsMs(row)) / stream.params.snapshotIntervalMs));
    const date = utcDate(stream.rowTsMs(row));
    const piece = stream.next(rowsInDay);
    row += rowsInDay;
    yield { ...piece, date };
  }
}
