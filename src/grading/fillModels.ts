import { generateOrderBookMarket, trueQueue, type OrderBookMarket, type OrderBookMarketParams } from '../sample/orderBookMarket.js';
import { runBacktest } from '../backtest/engine.js';
import { queueModelText, type QueueModelSpec } from '../backtest/queueModels.js';
import { symmetricStrategy } from '../backtest/strategy.js';
import type { FillModel, OrderRecords } from '../backtest/types.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { studentT975 } from '../stats/studentT.js';

/**
 * Fill models graded against a market whose queue is known (issue 16 §3). The market is simulated order by
 * order (`generateOrderBookMarket`); the engine replays only what a feed shows of it (top-N rows and trades)
 * with a strategy quoting at the touch, once per fill model, and logs every order it rested (`recordOrders`).
 * Each order's true fill comes from the order log (`trueFillTimes`: where it stood in the FIFO queue and when a
 * market order reached it). Our orders are tiny (a hundredth of the market's smallest order), so that they do
 * not change the market they are graded in; the true fill is that of an order of negligible size.
 *
 * Per order, with t_m the model's first fill and t_true the true one (as if the order had stayed):
 * - the model filled and t_true ≤ t_m: both fill (delay error t_m − t_true, ≥ 0);
 * - the model filled and t_true > t_m or none: an early fill (the model is optimistic);
 * - the model did not fill before the order ended (cancelled, replaced, end of data) but t_true came earlier:
 *   a missed fill (pessimistic).
 * True fills = both + missed; the fill-rate bias = model fills / true fills − 1.
 */
export interface GradedModel {
  readonly label: string;
  readonly fill: FillModel;
  readonly queueModel?: QueueModelSpec;
}

/** The models graded by default: the three fill models, the queue family (with `orderCount`: the market has order counts) and its two bounds. */
export const GRADED_MODELS: readonly GradedModel[] = [
  { label: 'midCross', fill: 'midCross' },
  { label: 'tradeThrough', fill: 'tradeThrough' },
  ...(['riskAverse', 'power:3', 'power:2', 'power:1', 'log', 'orderCount', 'optimistic'] as const).map((text) => {
    const [name, n] = text.split(':');
    const queueModel = { name, ...(n ? { n: Number(n) } : {}) } as QueueModelSpec;
    return { label: `queue ${queueModelText(queueModel)}`, fill: 'queue' as const, queueModel };
  }),
];

/** One model's grade on one market. Times in ms; the PnL bias in ticks per order rested. */
export interface FillGrade {
  readonly label: string;
  /** Orders that rested. */
  readonly orders: number;
  readonly modelFills: number;
  readonly trueFills: number;
  /** modelFills / trueFills − 1 (0: as many fills as the truth). */
  readonly fillRateBias: number;
  /** Model fills the truth has later or not at all, and true fills the model missed. */
  readonly early: number;
  readonly missed: number;
  /** Median of t_m − t_true over the orders both fill, ms. */
  readonly medianDelayErrorMs: number;
  /**
   * Queue models: the estimated quantity ahead of our order against the true one, each time a trade printed at
   * its price (before the trade: what decided the fill), in units of the market's orders: mean |error| and mean
   * error (negative: the model put us nearer the front than we were). NaN for models without a queue.
   */
  readonly queueErrorUnits: number;
  readonly queueBiasUnits: number;
  /** Trades at our price the queue error was measured on. */
  readonly queueSamples: number;
  /**
   * Σ side·(last mid − price) over the model's fills minus the same over the true fills, in ticks per order:
   * the PnL the model adds (positive) or takes away, marked to the last mid, per order of one unit.
   */
  readonly pnlBiasTicksPerOrder: number;
}

export interface GradingOptions {
  readonly models?: readonly GradedModel[];
  /** Our quotes: mid ± this many ticks, rounded outward (default 0.5: at the touch when the spread is one tick). */
  readonly halfSpreadTicks?: number;
  /** An order is kept while the new quote is within this many ticks (default 1). */
  readonly refreshToleranceTicks?: number;
}

/** Grades each model on one market (see the module comment). */
export function gradeFillModels(market: OrderBookMarket, options: GradingOptions = {}): FillGrade[] {
  const tick = market.tickSize;
  const strategy = symmetricStrategy((options.halfSpreadTicks ?? 0.5) * tick);
  const orderSize = market.unitQty / 100;
  const n = market.book.tsMs.length;
  const lastMid = 0.5 * (market.book.bidPx[0][n - 1] + market.book.askPx[0][n - 1]);
  return (options.models ?? GRADED_MODELS).map((model) => {
    const result = runBacktest(market.book, market.trades, {
      strategy,
      fill: model.fill,
      ...(model.queueModel ? { queueModel: model.queueModel } : {}),
      orderSize,
      tickSize: tick,
      lotSize: 0,
      refreshMs: 0,
      refreshToleranceTicks: options.refreshToleranceTicks ?? 1,
      recordSeries: false,
      recordOrders: true,
    });
    return grade(model.label, result.orders!, market, lastMid);
  });
}

function grade(label: string, orders: OrderRecords, market: OrderBookMarket, lastMid: number): FillGrade {
  const tick = market.tickSize;
  const m = orders.side.length;
  const pxTicks = Int32Array.from(orders.px, (px) => Math.round(px / tick));
  // the model's queue samples with a finite estimate (an order beyond the visible book has none)
  const s = orders.queueSamples;
  const keep = Array.from({ length: s.order.length }, (_, i) => i).filter((i) => Number.isFinite(s.aheadQty[i]));
  const { fillMs: truth, aheadUnits } = trueQueue(market.log, { side: orders.side, pxTicks, activeMs: orders.activeMs, endMs: new Float64Array(m).fill(Infinity) }, { order: keep.map((i) => s.order[i]), tMs: keep.map((i) => s.tMs[i]) });
  let absError = 0;
  let signedError = 0;
  let samples = 0;
  keep.forEach((i, j) => {
    if (!Number.isFinite(aheadUnits[j])) return;
    const error = s.aheadQty[i] / market.unitQty - aheadUnits[j];
    absError += Math.abs(error);
    signedError += error;
    samples++;
  });
  let modelFills = 0;
  let both = 0;
  let early = 0;
  let missed = 0;
  let pnlModel = 0;
  let pnlTrue = 0;
  const delays: number[] = [];
  for (let o = 0; o < m; o++) {
    const tm = orders.firstFillMs[o];
    const tt = truth[o];
    const edge = orders.side[o] * (lastMid - orders.px[o]);
    if (tm === tm) {
      modelFills++;
      pnlModel += edge;
      if (tt === tt && tt <= tm + 1e-6) {
        both++;
        pnlTrue += edge;
        delays.push(tm - tt);
      } else early++;
    } else {
      const end = orders.endReason[o] === 'open' ? Infinity : orders.endMs[o];
      if (tt === tt && tt < end) {
        missed++;
        pnlTrue += edge;
      }
    }
  }
  delays.sort((a, b) => a - b);
  const trueFills = both + missed;
  return {
    label,
    orders: m,
    modelFills,
    trueFills,
    fillRateBias: modelFills / trueFills - 1,
    early,
    missed,
    medianDelayErrorMs: quantileOfSorted(delays, 0.5),
    queueErrorUnits: samples > 0 ? absError / samples : NaN,
    queueBiasUnits: samples > 0 ? signedError / samples : NaN,
    queueSamples: samples,
    pnlBiasTicksPerOrder: (pnlModel - pnlTrue) / tick / Math.max(1, m),
  };
}

/**
 * A grade's numbers over several seeds: the mean and a 95 % interval of the mean (Student's t on the seeds'
 * values, n − 1 degrees of freedom; rates cut at 0).
 */
export interface GradeOverSeeds {
  readonly label: string;
  readonly seeds: number;
  readonly fillRateBias: readonly [mean: number, low: number, high: number];
  readonly earlyPerTrueFill: readonly [number, number, number];
  readonly missedPerTrueFill: readonly [number, number, number];
  readonly medianDelayErrorMs: readonly [number, number, number];
  readonly queueErrorUnits: readonly [number, number, number];
  readonly queueBiasUnits: readonly [number, number, number];
  readonly pnlBiasTicksPerOrder: readonly [number, number, number];
  /** The per-seed grades. */
  readonly grades: readonly FillGrade[];
  /** Seeds on which the model had no true fill: its rates there are not defined and stay out of the means. */
  readonly seedsWithoutTrueFills: readonly number[];
}

/** `gradeFillModels` on the market of each seed, summarised per model. */
export function gradeFillModelsOverSeeds(seeds: readonly number[], market: Omit<OrderBookMarketParams, 'seed'>, options: GradingOptions = {}): GradeOverSeeds[] {
  const perSeed = seeds.map((seed) => gradeFillModels(generateOrderBookMarket({ ...market, seed }), options));
  return perSeed[0].map((first, k) => {
    const grades = perSeed.map((g) => g[k]);
    // Student's t with n − 1 degrees of freedom (a handful of seeds: 1.96 would make the interval too narrow,
    // by 30 % at 5 seeds); a rate's interval is cut at 0, which it cannot go below
    const interval = (f: (g: FillGrade) => number, atLeast = -Infinity): [number, number, number] => {
      const xs = grades.map(f).filter((x) => Number.isFinite(x));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : NaN;
      const half = (studentT975(xs.length - 1) * sd) / Math.sqrt(xs.length);
      return [mean, Math.max(atLeast, mean - half), mean + half];
    };
    return {
      label: first.label,
      seeds: seeds.length,
      fillRateBias: interval((g) => g.fillRateBias),
      earlyPerTrueFill: interval((g) => g.early / g.trueFills, 0),
      missedPerTrueFill: interval((g) => g.missed / g.trueFills, 0),
      medianDelayErrorMs: interval((g) => g.medianDelayErrorMs),
      queueErrorUnits: interval((g) => g.queueErrorUnits),
      queueBiasUnits: interval((g) => g.queueBiasUnits),
      pnlBiasTicksPerOrder: interval((g) => g.pnlBiasTicksPerOrder),
      grades,
      seedsWithoutTrueFills: seeds.filter((_, s) => grades[s].trueFills === 0),
    };
  });
}
