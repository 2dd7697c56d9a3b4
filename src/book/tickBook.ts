/**
 * A full-depth price-level book in integer ticks, for replaying native level changes (issue 16): every level
 * the venue sent, whatever its depth, at `price = tick × tickSize`. Prices become ticks once, on the way in
 * (`toTick`, which refuses a price off the grid), so levels are found by index and compared as integers, never
 * as floats within a tolerance. Each side keeps a dense window of sizes around its best level (hftbacktest's
 * "range of interest") and the levels outside it in a map, so a far level (a Binance snapshot of BTCUSDT holds
 * an ask at 200,000 with the market at 60,000) costs one map entry, not a window stretched to reach it. The
 * window moves (re-centred on the best) when the best leaves it.
 *
 * Cost per level change: O(1), plus a scan when the best level is removed (to the next level, usually a tick
 * or two away). Memory: 8 bytes per tick of the window per side (2^16 ticks, 512 KB), plus the far levels.
 */
export class TickBook {
  readonly bids = new TickSide(true);
  readonly asks = new TickSide(false);
  /** Decimals `toPrice` rounds to (two more than the tick size's). */
  private readonly decimals: number;
  /** 1 / tickSize when that is a whole number (0.01 → 100), else 0. */
  private readonly ticksPerUnit: number;

  constructor(readonly tickSize: number) {
    if (!(tickSize > 0 && Number.isFinite(tickSize))) throw new RangeError(`TickBook: tick size must be a positive number, got ${tickSize}`);
    this.decimals = Math.max(0, Math.min(12, 2 - Math.floor(Math.log10(tickSize) + 1e-9)));
    const n = Math.round(1 / tickSize);
    this.ticksPerUnit = n >= 1 && Math.abs(n * tickSize - 1) < 1e-12 ? n : 0;
  }

  /** The tick of a price; NaN when the price is not on the grid (more than 1e-6 of a tick off a multiple). */
  toTick(price: number): number {
    const x = price / this.tickSize;
    const t = Math.round(x);
    return Math.abs(x - t) <= 1e-6 ? t : NaN;
  }

  /**
   * The price of a tick: `tick × tickSize` as the decimal it stands for (no binary residue). A tick size of
   * 1/n (0.01, 0.5, 0.05) divides by n, which IEEE rounds exactly to that decimal; others go through its digits.
   */
  toPrice(tick: number): number {
    return this.ticksPerUnit > 0 ? tick / this.ticksPerUnit : Number((tick * this.tickSize).toFixed(this.decimals));
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** True when both sides have a level and the best bid is at or above the best ask. */
  isCrossed(): boolean {
    return this.bids.levels > 0 && this.asks.levels > 0 && this.bids.best >= this.asks.best;
  }
}

/** Ticks in each side's dense window: 2^16 (±327 USDT around the best for BTC-USDT at 0.01). */
const WINDOW_TICKS = 1 << 16;

/** One side of a TickBook: sizes by tick, the best tick, the number of levels. */
export class TickSide {
  /** Sizes over ticks [base, base + WINDOW_TICKS). */
  private readonly dense = new Float64Array(WINDOW_TICKS);
  private base = NaN;
  /** Levels outside the window, tick → size. */
  private readonly far = new Map<number, number>();
  /** The best tick (highest bid, lowest ask); NaN when the side is empty. */
  best = NaN;
  /** Levels with a size. */
  levels = 0;

  constructor(readonly isBid: boolean) {}

  clear(): void {
    this.dense.fill(0);
    this.far.clear();
    this.best = NaN;
    this.levels = 0;
  }

  /** The size at a tick (0 where there is no level). */
  sizeAt(tick: number): number {
    const i = tick - this.base;
    return i >= 0 && i < WINDOW_TICKS ? this.dense[i] : this.far.get(tick) ?? 0;
  }

  /** Sets the absolute size at a tick (0 removes the level); returns the size it had. */
  set(tick: number, size: number): number {
    if (this.base !== this.base) this.base = tick - (WINDOW_TICKS >> 1);
    const i = tick - this.base;
    let previous: number;
    if (i >= 0 && i < WINDOW_TICKS) {
      previous = this.dense[i];
      this.dense[i] = size;
    } else {
      previous = this.far.get(tick) ?? 0;
      if (size > 0) this.far.set(tick, size);
      else this.far.delete(tick);
    }
    if (size > 0) {
      if (previous === 0) this.levels++;
      if (this.best !== this.best || (this.isBid ? tick > this.best : tick < this.best)) this.moveBest(tick);
    } else if (previous > 0) {
      this.levels--;
      if (tick === this.best) this.moveBest(this.levels === 0 ? NaN : this.nextBest(tick));
    }
    return previous;
  }

  private moveBest(tick: number): void {
    this.best = tick;
    const i = tick - this.base;
    if (tick === tick && !(i >= 0 && i < WINDOW_TICKS)) this.recentre(tick);
  }

  /** The best tick once the level at `tick` (the best) is gone: the next level toward the far side. */
  private nextBest(tick: number): number {
    const dense = this.dense;
    const i = tick - this.base;
    if (i >= 0 && i < WINDOW_TICKS) {
      // inside the window, the far levels on the far side of `tick` lie beyond the window's far edge: a level
      // found in the window is the next one
      if (this.isBid) {
        for (let k = i - 1; k >= 0; k--) if (dense[k] > 0) return this.base + k;
      } else {
        for (let k = i + 1; k < WINDOW_TICKS; k++) if (dense[k] > 0) return this.base + k;
      }
    }
    let best = NaN;
    for (let k = 0; k < WINDOW_TICKS; k++) {
      if (dense[k] > 0) {
        const t = this.base + k;
        if (this.isBid ? t < tick && !(t <= best) : t > tick && !(t >= best)) best = t;
      }
    }
    for (const t of this.far.keys()) if (this.isBid ? t < tick && !(t <= best) : t > tick && !(t >= best)) best = t;
    return best;
  }

  /** Moves the window to centre on `tick`: window levels now outside go to the map, map levels now inside come in. */
  private recentre(tick: number): void {
    const dense = this.dense;
    const base = tick - (WINDOW_TICKS >> 1);
    const moved: Array<[number, number]> = [];
    for (let k = 0; k < WINDOW_TICKS; k++) if (dense[k] > 0) moved.push([this.base + k, dense[k]]);
    for (const [t, size] of this.far) moved.push([t, size]);
    dense.fill(0);
    this.far.clear();
    this.base = base;
    for (const [t, size] of moved) {
      const i = t - base;
      if (i >= 0 && i < WINDOW_TICKS) dense[i] = size;
      else this.far.set(t, size);
    }
  }

  /**
   * The best `n` levels, best first, into `ticks` and `sizes`; NaN where the side has fewer. Returns the number
   * of levels written.
   */
  top(n: number, ticks: Float64Array, sizes: Float64Array): number {
    let found = 0;
    if (this.levels > 0) {
      const dense = this.dense;
      const step = this.isBid ? -1 : 1;
      for (let k = this.best - this.base; found < n && k >= 0 && k < WINDOW_TICKS; k += step) {
        if (dense[k] > 0) {
          ticks[found] = this.base + k;
          sizes[found] = dense[k];
          found++;
        }
      }
      if (found < n && this.far.size > 0) {
        // past the window's far edge: the map's levels on that side, best first
        const edge = this.isBid ? this.base : this.base + WINDOW_TICKS - 1;
        const beyond = [...this.far.keys()].filter((t) => (this.isBid ? t < edge : t > edge)).sort((a, b) => (this.isBid ? b - a : a - b));
        for (const t of beyond) {
          if (found === n) break;
          ticks[found] = t;
          sizes[found] = this.far.get(t)!;
          found++;
        }
      }
    }
    for (let l = found; l < n; l++) {
      ticks[l] = NaN;
      sizes[l] = NaN;
    }
    return found;
  }
}
