import { maskedDurationMs, mergeMasks } from '../data/masks.js';
import { midPrices, type BookTable, type TradeTable } from '../data/tables.js';
import { DEFAULT_MAX_STALENESS_MS } from '../data/validate.js';
import { arrivalByDepthFromCounts, checkDepthRange, DEFAULT_DEPTH_RANGE, type DepthRange, type QuoteSide } from './arrivalByDepth.js';
import { arrivalWarnings, checkArrivalFitByDepth, type ArrivalFitCheck } from './fitDiagnostics.js';
import { EstimationError, Z95 } from './errors.js';
import { arrivalEstimateFromStats, type ArrivalEstimate } from './intensity.js';
import { rowsWithoutPrice, staleStretches, type OrderPairing, type PairingOptions } from './marketOrders.js';
import { StreamedGrid } from './streamedGrid.js';
import { StreamedMarketOrders, type PairingSoFar } from './streamedMarketOrders.js';
import type { VolatilityEstimate } from './volatility.js';

/** What a streamed estimate gives: the one-shot estimators' results over all the chunks. */
export interface StreamedEstimateResult {
  /** `realizedVolatility` of the mid's previous-tick grid, in price and in log units. */
  readonly realized: { readonly price: VolatilityEstimate; readonly log: VolatilityEstimate };
  /** `fitArrivalMle` per side over the pairing's observed time (undefined without trades; an error in words where the fit is not identifiable). */
  readonly arrival?: Readonly<Record<QuoteSide, ArrivalEstimate | string>>;
  /**
   * Each fitted side's MLE checked against the observed rates per depth (`checkArrivalFitByDepth` on the counts
   * per reach depth: the same Pearson χ² as `asmm estimate --data`), undefined where no fit was made.
   */
  readonly arrivalChecks?: Readonly<Record<QuoteSide, ArrivalFitCheck | undefined>>;
  /** `arrivalWarnings` of those checks (a fit that misses the observed rates, or that could not be checked), ask, bid, pooled. */
  readonly arrivalWarnings?: readonly string[];
  /** Market orders per side and reach J (ticks past the touch): `reachCounts.ask[j]` buys with J = j (the last entry: J ≥ its index). */
  readonly reachCounts?: { readonly ask: readonly number[]; readonly bid: readonly number[] };
  readonly pairing?: OrderPairing;
  /** Where σ took no increment because the book was stale (no row for more than the pairing's staleness limit; see staleStretches). */
  readonly bookStale: { readonly stretches: number; readonly ms: number; readonly maxStalenessMs: number; readonly rowsWithoutPrice: number };
  readonly rows: number;
  readonly trades: number;
}

export interface StreamedEstimateOptions {
  /** σ grid, ms (default 100). */
  readonly gridMs?: number;
  /** Depths of the A, k fit (default `DEFAULT_DEPTH_RANGE`). */
  readonly depths?: DepthRange;
  readonly pairing?: PairingOptions;
}

/** Running Σ d² and counts of a streamed grid's usable increments (lag 1), in the estimators' order. */
class SquaredIncrements {
  sum = 0;
  sumLog = 0;
  increment(_t: number, x0: number, x1: number, usable: boolean): void {
    if (!usable) return;
    const d = x1 - x0;
    this.sum += d * d;
    const dl = Math.log(x1) - Math.log(x0);
    this.sumLog += dl * dl;
  }
}

/**
 * Market orders counted per side and reach depth J (ticks past the touch), chunk after chunk: all that the MLE
 * of A and k over a range (`fitArrivalMle`'s statistics, integer sums: exact) and its per-depth χ² check need.
 * `StreamedEstimate` fits and checks from them; a streamed backtest checks the model its strategy quotes with.
 */
export class ReachDepthCounts {
  /** Buys (ask side) and sells (bid side): `hist[s][j]` orders with J = j − 1 (J < 0 in entry 0). */
  private readonly hist: [number[], number[]] = [[], []];

  constructor(
    private readonly tickSize: number,
    private readonly depths: DepthRange = DEFAULT_DEPTH_RANGE,
  ) {
    checkDepthRange(depths);
  }

  /** The next market orders (a chunk's pairing). */
  count(o: { readonly side: Int8Array; readonly ticksBeyondTouch: Int32Array }): void {
    for (let i = 0; i < o.side.length; i++) {
      const h = this.hist[o.side[i] > 0 ? 0 : 1];
      const j = Math.max(0, o.ticksBeyondTouch[i] + 1);
      h[j] = (h[j] ?? 0) + 1;
    }
  }

  /** Orders per side and reach: `ask[j]` buys with J = j (the last entry: J ≥ its index). */
  counts(): { ask: number[]; bid: number[] } {
    const counts = (h: number[]) => Array.from({ length: h.length }, (_, j) => h[j] ?? 0);
    return { ask: counts(this.hist[0]), bid: counts(this.hist[1]) };
  }

  /** `fitArrivalMle`'s estimate of a side over `durationSec` observed, from the counts (the same statistics, checks and fields). */
  fit(side: QuoteSide, durationSec: number): ArrivalEstimate {
    if (!(durationSec > 0)) throw new EstimationError(`duration must be positive, got ${durationSec} s`);
    const range = this.depths;
    const { fromTicks: d0, toTicks: d1 } = range;
    const lists = side === 'ask' ? [this.hist[0]] : side === 'bid' ? [this.hist[1]] : [this.hist[0], this.hist[1]];
    let orders = 0;
    let reached = 0;
    let censored = 0;
    let excess = 0;
    let beyond = 0;
    for (const h of lists) {
      for (let j = 0; j < h.length; j++) {
        const c = h[j] ?? 0;
        orders += c;
        if (j >= 1) beyond += c;
        if (j < d0) continue;
        reached += c;
        if (j >= d1) censored += c;
        excess += (Math.min(j, d1) - d0) * c;
      }
    }
    const stats = { orders, reached, censored, uncensored: reached - censored, excessTicks: excess };
    return arrivalEstimateFromStats(stats, durationSec, side, this.tickSize, range, beyond);
  }

  /** `estimate` (a side's fit) against the observed rates per reach depth: the Pearson χ² of `asmm estimate --data`. */
  check(side: QuoteSide, estimate: ArrivalEstimate, durationSec: number): ArrivalFitCheck {
    const { ask, bid } = this.counts();
    const c = side === 'ask' ? ask : side === 'bid' ? bid : Array.from({ length: Math.max(ask.length, bid.length) }, (_, j) => (ask[j] ?? 0) + (bid[j] ?? 0));
    return checkArrivalFitByDepth(arrivalByDepthFromCounts(c, durationSec, side, this.depths.toTicks + 1, this.tickSize), estimate, this.depths.toTicks);
  }
}

/**
 * σ, A and k over chunks (day partitions) in bounded memory, equal to the one-shot estimators on the
 * concatenated tables: `realizedVolatility(previousTickGrid(mid))` in price and log units (the same squared
 * increments summed in the same order: bit for bit), and `fitArrivalMle` per side on
 * `marketOrdersFromTrades` over its `observedMs` (from counts of orders per reach depth: integer sums, exact;
 * the same estimate, field for field). State: the grid's point in force, the pairing's (see
 * `StreamedMarketOrders`), one count per side and reach depth.
 *
 * Not streamed (they need every increment or order at once): the two-scale σ (its K depends on the whole
 * count), the signature plot, the weighted least-squares fit and the rolling windows (`StreamedRollingCalibration`).
 * @example
 * const est = new StreamedEstimate(0.01);
 * for await (const day of days) est.feed(day.book, day.trades);
 * const { realized, arrival } = est.finish();
 */
export class StreamedEstimate {
  private readonly gridMs: number;
  private readonly sums = new SquaredIncrements();
  private readonly grid: StreamedGrid;
  private readonly pairing: StreamedMarketOrders;
  private readonly reach: ReachDepthCounts;
  private withTrades = false;
  private rows = 0;
  private trades = 0;
  private readonly maxStalenessMs: number;
  /** The last book row with a price so far, for a stale stretch across the chunks' boundary. */
  private lastPricedMs = NaN;
  private staleStretches = 0;
  private staleMs = 0;
  private rowsWithoutPrice = 0;

  constructor(tickSize: number, options: StreamedEstimateOptions = {}) {
    this.gridMs = options.gridMs ?? 100;
    this.grid = new StreamedGrid(this.gridMs, this.sums);
    this.pairing = new StreamedMarketOrders(tickSize, options.pairing);
    this.reach = new ReachDepthCounts(tickSize, options.depths ?? DEFAULT_DEPTH_RANGE);
    this.maxStalenessMs = options.pairing?.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  }

  /** The next chunk; `throughMs` as for `StreamedMarketOrders.feed` (for `pairingSoFar` only). */
  feed(book: BookTable, trades?: TradeTable, throughMs?: number): void {
    // σ takes no increment across a stale book (as asmm estimate --data): within the chunk and from the last row before it
    // (rows without a mid, a side empty, count as no row: see staleStretches)
    const ts = book.tsMs;
    const mid = midPrices(book);
    const stale = staleStretches(ts, this.maxStalenessMs, mid, this.lastPricedMs);
    for (let r = ts.length - 1; r >= 0; r--) {
      if (Number.isNaN(mid[r])) continue;
      this.lastPricedMs = ts[r];
      break;
    }
    this.staleStretches += stale.length;
    this.staleMs += maskedDurationMs(stale);
    this.rowsWithoutPrice += rowsWithoutPrice(mid);
    this.grid.feed(ts, mid, stale.length > 0 ? mergeMasks(book.masked, stale) : book.masked);
    if (trades) this.withTrades = true;
    this.reach.count(this.pairing.feed(book, trades, throughMs));
    this.rows += book.tsMs.length;
    this.trades += trades ? trades.tsMs.length : 0;
  }

  /** The pairing of trades with the book so far (`StreamedMarketOrders.soFar`); undefined until trades came. */
  pairingSoFar(): PairingSoFar | undefined {
    return this.withTrades ? this.pairing.soFar() : undefined;
  }

  finish(): StreamedEstimateResult {
    this.grid.finish();
    const g = this.grid;
    const n = g.increments - g.dropped;
    if (n < 1) {
      const masked = g.dropped ? ` outside masked intervals (${g.dropped} dropped)` : '';
      throw new EstimationError(`need at least 1 grid increments${masked} for a volatility estimate, got ${Math.max(0, n)}`);
    }
    const vol = (sum: number): VolatilityEstimate => {
      const sigma = Math.sqrt(sum / (n * (this.gridMs / 1000)));
      const se = sigma / Math.sqrt(2 * n);
      return { sigmaPerSqrtSec: sigma, se, ci95: [Math.max(0, sigma - Z95 * se), sigma + Z95 * se], increments: n, droppedIncrements: g.dropped, maskedMs: g.maskedMs(), intervalMs: this.gridMs, method: `realized variance at ${this.gridMs} ms` };
    };
    const realized = { price: vol(this.sums.sum), log: vol(this.sums.sumLog) };
    const bookStale = { stretches: this.staleStretches, ms: this.staleMs, maxStalenessMs: this.maxStalenessMs, rowsWithoutPrice: this.rowsWithoutPrice };
    if (!this.withTrades) return { realized, bookStale, rows: this.rows, trades: 0 };
    const { orders, pairing } = this.pairing.finish();
    this.reach.count(orders);
    const durationSec = pairing.observedMs / 1000;
    const fit = (side: QuoteSide): ArrivalEstimate | string => {
      try {
        return this.reach.fit(side, durationSec);
      } catch (error) {
        if (error instanceof EstimationError) return error.message;
        throw error;
      }
    };
    const arrival = { ask: fit('ask'), bid: fit('bid'), pooled: fit('pooled') };
    const reachCounts = this.reach.counts();
    // each fit checked against the orders per reach depth, as the in-memory estimate checks its MLE: the counts are all it needs
    const check = (side: QuoteSide): ArrivalFitCheck | undefined => {
      const e = arrival[side];
      return typeof e === 'string' ? undefined : this.reach.check(side, e, durationSec);
    };
    const arrivalChecks = { ask: check('ask'), bid: check('bid'), pooled: check('pooled') };
    const warnings = (['ask', 'bid', 'pooled'] as const).flatMap((s) => (arrivalChecks[s] ? arrivalWarnings([arrivalChecks[s]!]) : []));
    return { realized, arrival, arrivalChecks, arrivalWarnings: warnings, reachCounts, pairing, bookStale, rows: this.rows, trades: this.trades };
  }
}

/**
 * `StreamedEstimate` over chunks from an (async) iterable, e.g. a catalog's day partitions:
 * `await estimateStream(catalog.days(…), tick)`.
 */
export async function estimateStream(chunks: AsyncIterable<{ readonly book: BookTable; readonly trades?: TradeTable }> | Iterable<{ readonly book: BookTable; readonly trades?: TradeTable }>, tickSize: number, options: StreamedEstimateOptions = {}): Promise<StreamedEstimateResult> {
  const est = new StreamedEstimate(tickSize, options);
  for await (const c of chunks) est.feed(c.book, c.trades);
  return est.finish();
}
