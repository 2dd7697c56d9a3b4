import { maskedWithinMs, mergeMasks, type MaskedInterval } from '../data/masks.js';
import { EstimationError } from './errors.js';

/** What a streamed grid hands on per increment (point j to j + 1). */
export interface GridIncrementSink {
  /**
   * Increment j from value x0 to x1 (grid points j and j + 1), known at `incTimeMs` (the time of point j + 1,
   * `startMs + (j + 1)·intervalMs`); `usable`: it overlaps no masked interval (see `previousTickGrid`).
   */
  increment(incTimeMs: number, x0: number, x1: number, usable: boolean): void;
}

/**
 * `previousTickGrid` for rows that come in chunks: the same grid points (multiples of `intervalMs` from the
 * first at or after the first non-NaN observation), the same previous-tick values and the same usable flags,
 * handed on increment by increment as soon as they are known (point k once a row stamped after it has come;
 * the rest at `finish`). State: the value and row stamp in force, the previous point, the masks.
 *
 * Masks must come with the chunk their interval starts in, or an earlier one (a later chunk's mask starting
 * before the rows already fed would change increments already handed on: an error).
 * @example
 * const grid = new StreamedGrid(100, { increment: (t, a, b, ok) => … });
 * grid.feed(day1.tsMs, midPrices(day1), day1.masked); grid.feed(day2.tsMs, midPrices(day2), day2.masked); grid.finish();
 */
export class StreamedGrid {
  readonly intervalMs: number;
  private readonly sink: GridIncrementSink;
  private masks: MaskedInterval[] = [];
  private mask = 0;
  private started = false;
  /** index of the first grid point (its time is first·intervalMs) */
  private first = NaN;
  /** next point to finalize */
  private k = 0;
  private current = NaN;
  private rowTs = NaN;
  private prevValue = NaN;
  private prevRowTs = NaN;
  private lastRowMs = -Infinity;
  /** increments handed on, and those not usable */
  increments = 0;
  dropped = 0;

  constructor(intervalMs: number, sink: GridIncrementSink) {
    if (!(intervalMs > 0)) throw new EstimationError(`grid interval must be positive, got ${intervalMs} ms`);
    this.intervalMs = intervalMs;
    this.sink = sink;
  }

  /** The grid's first point, ms (NaN before the first observation). */
  get startMs(): number {
    return this.first * this.intervalMs;
  }

  /** The next chunk's rows (stamps in order, values, the chunk's masks). */
  feed(tsMs: ArrayLike<number>, values: ArrayLike<number>, masks?: readonly MaskedInterval[]): void {
    if (masks && masks.length > 0) {
      for (const m of masks) {
        if (m.toMs > m.fromMs && m.fromMs < this.lastRowMs && !covered(this.masks, m, this.lastRowMs)) {
          throw new EstimationError(`masked interval [${m.fromMs}, ${m.toMs}) (${m.reason}) starts before ${this.lastRowMs}, the last row of the chunks before it: a chunk's masks must start at or after the previous chunk's last row`);
        }
      }
      this.masks = mergeMasks(this.masks, masks);
      this.mask = 0;
    }
    const gridMs = this.intervalMs;
    for (let i = 0; i < tsMs.length; i++) {
      const ts = tsMs[i];
      const v = values[i];
      if (!this.started) {
        if (Number.isNaN(v)) continue;
        this.started = true;
        this.first = Math.ceil(ts / gridMs);
        this.k = 0;
        this.current = v;
        this.rowTs = ts;
        continue;
      }
      while ((this.first + this.k) * gridMs < ts) this.point();
      if (!Number.isNaN(v)) this.current = v;
      this.rowTs = ts;
    }
    if (tsMs.length > 0) this.lastRowMs = tsMs[tsMs.length - 1];
  }

  /** The points up to the last row fed. */
  finish(): void {
    if (!this.started) return;
    const last = Math.floor(this.lastRowMs / this.intervalMs);
    while (this.first + this.k <= last) this.point();
  }

  /** Masked time within the grid's span, ms (as `previousTickGrid`'s `maskedMs`; after `finish`). */
  maskedMs(): number {
    if (!this.started || this.k === 0) return 0;
    return maskedWithinMs(this.masks, this.startMs, this.startMs + (this.k - 1) * this.intervalMs);
  }

  /** Point k is final: hands on the increment into it. */
  private point(): void {
    const k = this.k;
    if (k > 0) {
      // increment k − 1 spans [stamp of the row in force at point k − 1, time of point k]
      const fromMs = this.prevRowTs;
      const toMs = this.startMs + k * this.intervalMs;
      const masks = this.masks;
      let m = this.mask;
      while (m < masks.length && masks[m].toMs <= fromMs) m++;
      this.mask = m;
      const usable = !(m < masks.length && masks[m].fromMs <= toMs);
      this.increments++;
      if (!usable) this.dropped++;
      this.sink.increment(toMs, this.prevValue, this.current, usable);
    }
    this.prevValue = this.current;
    this.prevRowTs = this.rowTs;
    this.k = k + 1;
  }
}

/** Whether [m.fromMs, min(m.toMs, untilMs)) lies inside one of the merged intervals. */
function covered(merged: readonly MaskedInterval[], m: MaskedInterval, untilMs: number): boolean {
  const to = Math.min(m.toMs, untilMs);
  return merged.some((x) => x.fromMs <= m.fromMs && to <= x.toMs);
}
