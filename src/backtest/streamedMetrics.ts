import type { BacktestResult, BacktestSeries } from './types.js';
import { backtestMetrics, gridEquityChanges, timeWeightedInventory, type BacktestMetrics } from './metrics.js';

/**
 * `backtestMetrics` for a replay whose series is streamed out in pieces (`BacktestReplayOptions.seriesSink`):
 * pass `sink` as the replay's series sink, then `metrics(result)`. Equal to `backtestMetrics` on the whole
 * series, bit for bit. What needs the series, and how it is kept here:
 * - Sharpe per day: equity sampled every `intervalSec` from the first decision (the last value at or before
 *   each grid time) and its changes: a grid time is settled as soon as a decision after it comes, its time and
 *   equity are kept (two numbers per interval: 1440 pairs a day at 60 s), and at the end the changes (grid
 *   times inside the result's masked intervals skipped, as there) and their mean and standard deviation are
 *   taken in the same passes;
 * - the largest drawdown: running peak and largest fall, in decision order;
 * - inventory mean and standard deviation: over time from the first decision to the last, from the result's
 *   fills (`timeWeightedInventory`, as there).
 * The fill-based metrics read the result's fills (kept whole by the replay). Memory: the per-interval samples,
 * and optionally a thinned series for plots (`thinned`: the decision in force at each `thinMs` step).
 */
export class StreamedMetrics {
  readonly intervalSec: number;
  private readonly stepMs: number;
  private started = false;
  private nextGrid = NaN;
  private lastT = NaN;
  private lastEq = NaN;
  /** The equity at each grid time settled, and the time (the masks are known at the end: metrics()). */
  private readonly sampleT: number[] = [];
  private readonly sampleEq: number[] = [];
  private firstEq = NaN;
  private peak = -Infinity;
  private maxDrawdown = 0;
  private firstT = NaN;
  private readonly thinMs: number;
  private nextThin = NaN;
  private readonly thin: { [K in keyof BacktestSeries]: number[] } = { tMs: [], midPx: [], reservationPx: [], bidPx: [], askPx: [], inventory: [], cash: [], equity: [] };
  private readonly keys = Object.keys(this.thin) as Array<keyof BacktestSeries>;

  /** `thinMs`: keep one decision per this many ms for plots (0: none kept). */
  constructor(intervalSec = 60, thinMs = 0) {
    this.intervalSec = intervalSec;
    this.stepMs = intervalSec * 1000;
    this.thinMs = thinMs;
  }

  /** The series sink: pieces in decision order. */
  readonly sink = (piece: BacktestSeries): void => {
    const { tMs, equity } = piece;
    const stepMs = this.stepMs;
    for (let i = 0; i < tMs.length; i++) {
      const t = tMs[i];
      if (!this.started) {
        this.started = true;
        this.nextGrid = t + stepMs;
        this.firstEq = equity[i]; // the first interval's change is from the first decision's equity
        this.firstT = t;
        this.nextThin = t;
      } else {
        // grid times before t are settled by the decision before it
        while (this.nextGrid < t) this.settle();
      }
      if (this.thinMs > 0 && t >= this.nextThin) {
        for (const k of this.keys) this.thin[k].push(piece[k][i]);
        while (this.nextThin <= t) this.nextThin += this.thinMs;
      }
      this.lastT = t;
      this.lastEq = equity[i];
      const eq = equity[i];
      if (!Number.isNaN(eq)) {
        if (eq > this.peak) this.peak = eq;
        if (this.peak - eq > this.maxDrawdown) this.maxDrawdown = this.peak - eq;
      }
    }
  };

  private settle(): void {
    this.sampleT.push(this.nextGrid);
    this.sampleEq.push(this.lastEq);
    this.nextGrid += this.stepMs;
  }

  /** The thinned series (one decision per `thinMs`, the first at or after each step), for plots. */
  thinned(): BacktestSeries {
    const t = this.thin;
    return { tMs: Float64Array.from(t.tMs), midPx: Float64Array.from(t.midPx), reservationPx: Float64Array.from(t.reservationPx), bidPx: Float64Array.from(t.bidPx), askPx: Float64Array.from(t.askPx), inventory: Float64Array.from(t.inventory), cash: Float64Array.from(t.cash), equity: Float64Array.from(t.equity) };
  }

  /** The metrics of the whole run (after the replay's `finish`): `backtestMetrics` as if it had the series. */
  metrics(result: BacktestResult): BacktestMetrics {
    // the grid times up to the last decision
    if (this.started) while (this.nextGrid <= this.lastT) this.settle();
    // the changes between samples, as backtestMetrics takes them (a grid time inside a masked interval skipped)
    const changes = gridEquityChanges(this.firstEq, this.sampleT, this.sampleEq, result.masked?.intervals ?? [], this.stepMs);
    const fillsOnly = backtestMetrics({ ...result, series: EMPTY_SERIES }, this.intervalSec);
    const mean = changes.reduce((a, b) => a + b, 0) / Math.max(1, changes.length);
    const sd = Math.sqrt(changes.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, changes.length - 1));
    const inventory = this.started ? timeWeightedInventory(result.fills, result.finalInventory, this.firstT, this.lastT) : { mean: 0, std: 0 };
    return {
      ...fillsOnly,
      sharpePerDay: changes.length > 1 && sd > 0 ? (mean / sd) * Math.sqrt(86_400 / this.intervalSec) : NaN,
      maxDrawdown: this.maxDrawdown,
      inventoryMean: inventory.mean,
      inventoryStd: inventory.std,
    };
  }
}

const NONE = new Float64Array(0);
const EMPTY_SERIES: BacktestSeries = { tMs: NONE, midPx: NONE, reservationPx: NONE, bidPx: NONE, askPx: NONE, inventory: NONE, cash: NONE, equity: NONE };
