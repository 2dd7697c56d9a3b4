/**
 * M4 decimation of a line series for plotting (Jugel et al. 2014, "M4: A Visualization-Oriented Time Series
 * Data Aggregation", PVLDB 7(10)): the indices are cut into `buckets` runs of consecutive points (equal
 * counts), and each run keeps its first, last, lowest and highest point, in index order. A line drawn through
 * them covers the same pixels as the full series on a chart at most `buckets` pixels wide, so spikes survive,
 * where keeping every n-th point drops them. A NaN (a gap) is kept too: the first NaN of a run is one of its
 * points, so the line still breaks there.
 *
 * Returns the kept indices, ascending, each once; all indices when the series has at most 4 × buckets points.
 * @example decimationIndices([0, 5, 1, 1, 1, 1, -3, 0], 1) // Int32Array [0, 1, 6, 7]
 */
export function decimationIndices(values: ArrayLike<number>, buckets: number): Int32Array {
  const n = values.length;
  if (n <= 4 * buckets) return Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(5 * buckets);
  let m = 0;
  const keep = (i: number): void => {
    if (m === 0 || out[m - 1] !== i) out[m++] = i;
  };
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== v) {
        if (gap < 0) gap = i;
      } else {
        if (lo < 0 || v < values[lo]) lo = i;
        if (hi < 0 || v > values[hi]) hi = i;
      }
    }
    const picks = [from, lo, hi, gap, to - 1].filter((i) => i >= 0).sort((a, c) => a - c);
    for (const i of picks) keep(i);
  }
  return out.slice(0, m);
}

/**
 * A series' x and y as plain arrays (NaN as null, as plotly wants), decimated to about `maxPoints` points by
 * `decimationIndices` with maxPoints / 4 buckets; unchanged when it is that short already.
 */
export function decimatedXY(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): { x: Array<number | null>; y: Array<number | null> } {
  const idx = decimationIndices(y, Math.max(1, Math.floor(maxPoints / 4)));
  const xs = new Array<number | null>(idx.length);
  const ys = new Array<number | null>(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const xv = x[idx[j]];
    const yv = y[idx[j]];
    xs[j] = xv !== xv ? null : xv;
    ys[j] = yv !== yv ? null : yv;
  }
  return { x: xs, y: ys };
}

/**
 * One M4 bucket's candidates as points arrive (first, lowest, highest, first NaN, last: index, x and y each),
 * appended to a series' kept points in index order, each index once, by `flushInto`.
 */
class M4Bucket {
  // slots: first, lowest, highest, first NaN, last; index −1: none
  private readonly idx = new Float64Array(5).fill(-1);
  private readonly px = new Float64Array(5);
  private readonly py = new Float64Array(5);
  private readonly order = new Int32Array(5);

  get empty(): boolean {
    return this.idx[0] < 0;
  }

  /**
   * One point. The same rules as offerPiece for a run of one, written out: TimeM4Decimator calls it for every
   * point, and through offerPiece (14 arguments) it ran 1.7x slower (5 M points: 60-80 ms against 110-190).
   */
  offer(i: number, xv: number, yv: number): void {
    const idx = this.idx;
    const px = this.px;
    const py = this.py;
    if (idx[0] < 0) {
      idx[0] = i;
      px[0] = xv;
      py[0] = yv;
    }
    if (yv !== yv) {
      if (idx[3] < 0) {
        idx[3] = i;
        px[3] = xv;
        py[3] = yv;
      }
    } else {
      if (idx[1] < 0 || yv < py[1]) {
        idx[1] = i;
        px[1] = xv;
        py[1] = yv;
      }
      if (idx[2] < 0 || yv > py[2]) {
        idx[2] = i;
        px[2] = xv;
        py[2] = yv;
      }
    }
    idx[4] = i;
    px[4] = xv;
    py[4] = yv;
  }

  /**
   * The candidates of a run of points (index, x and y of its first, lowest, highest, first NaN and last; index
   * −1: none), as if each point had been offered in turn: a bucket's points may come in several runs.
   */
  offerPiece(
    firstI: number, firstX: number, firstY: number,
    lowI: number, lowX: number, lowY: number,
    highI: number, highX: number, highY: number,
    gapI: number, gapX: number,
    lastI: number, lastX: number, lastY: number,
  ): void {
    const idx = this.idx;
    const px = this.px;
    const py = this.py;
    if (idx[0] < 0) {
      idx[0] = firstI;
      px[0] = firstX;
      py[0] = firstY;
    }
    if (gapI >= 0 && idx[3] < 0) {
      idx[3] = gapI;
      px[3] = gapX;
      py[3] = NaN;
    }
    if (lowI >= 0 && (idx[1] < 0 || lowY < py[1])) {
      idx[1] = lowI;
      px[1] = lowX;
      py[1] = lowY;
    }
    if (highI >= 0 && (idx[2] < 0 || highY > py[2])) {
      idx[2] = highI;
      px[2] = highX;
      py[2] = highY;
    }
    idx[4] = lastI;
    px[4] = lastX;
    py[4] = lastY;
  }

  /** Appends the candidates in index order, each index once (as decimationIndices keeps them), NaN as null; empties the bucket. */
  flushInto(xs: Array<number | null>, ys: Array<number | null>): void {
    const idx = this.idx;
    const order = this.order;
    let count = 0;
    for (let s = 0; s < 5; s++) {
      if (idx[s] < 0) continue;
      // insertion by index
      let at = count++;
      while (at > 0 && idx[order[at - 1]] > idx[s]) {
        order[at] = order[at - 1];
        at--;
      }
      order[at] = s;
    }
    let last = -1;
    for (let k = 0; k < count; k++) {
      const s = order[k];
      if (idx[s] === last) continue;
      last = idx[s];
      const xv = this.px[s];
      const yv = this.py[s];
      xs.push(xv !== xv ? null : xv);
      ys.push(yv !== yv ? null : yv);
    }
    idx.fill(-1);
  }
}

/**
 * `decimatedXY` for a series that arrives one point at a time and is never stored: the same M4 buckets (the
 * series' length `n` must be known at the start), the same points kept, in the same order, with NaN as null.
 * Memory: the kept points.
 * @example const d = new M4Decimator(n, 6000); for (…) d.push(x, y); d.result() // equals decimatedXY(xs, ys, 6000)
 */
export class M4Decimator {
  private readonly buckets: number;
  private readonly keepAll: boolean;
  private readonly xs: Array<number | null> = [];
  private readonly ys: Array<number | null> = [];
  private i = 0;
  private bucket = 0;
  private bucketEnd: number;
  private readonly candidates = new M4Bucket();
  private readonly one = new Float64Array(2);
  private readonly oneY = this.one.subarray(1);

  constructor(private readonly n: number, maxPoints: number) {
    this.buckets = Math.max(1, Math.floor(maxPoints / 4));
    this.keepAll = n <= 4 * this.buckets;
    this.bucketEnd = this.keepAll ? n : Math.floor(n / this.buckets);
  }

  /** The next point (x, y) of the series. */
  push(x: number, y: number): void {
    this.one[0] = x;
    this.one[1] = y;
    this.pushAll(this.one, this.oneY, 0, 1);
  }

  /** The next points: (x[j], y[j]) for j in [from, to), in order. */
  pushAll(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): void {
    if (this.keepAll) {
      for (let j = from; j < to; j++) {
        const xv = x[j];
        const yv = y[j];
        this.xs.push(xv !== xv ? null : xv);
        this.ys.push(yv !== yv ? null : yv);
      }
      this.i += to - from;
      return;
    }
    const candidates = this.candidates;
    let i = this.i;
    // bucket by bucket: each piece of a bucket is scanned in one tight loop and its candidates offered once (a
    // call per point boxed its fractional arguments, megabytes of garbage per run), with offer's rules: the
    // first lowest and highest (strict comparisons), the first NaN, the last point
    for (let j = from; j < to; ) {
      const end = Math.min(to, j + (this.bucketEnd - i));
      let lo = -1;
      let hi = -1;
      let gap = -1;
      let loY = 0;
      let hiY = 0;
      for (let k = j; k < end; k++) {
        const v = y[k];
        if (v !== v) {
          if (gap < 0) gap = k;
        } else {
          if (lo < 0 || v < loY) {
            lo = k;
            loY = v;
          }
          if (hi < 0 || v > hiY) {
            hi = k;
            hiY = v;
          }
        }
      }
      const offset = i - j;
      candidates.offerPiece(j + offset, x[j], y[j], lo < 0 ? -1 : lo + offset, lo < 0 ? 0 : x[lo], loY, hi < 0 ? -1 : hi + offset, hi < 0 ? 0 : x[hi], hiY, gap < 0 ? -1 : gap + offset, gap < 0 ? 0 : x[gap], end - 1 + offset, x[end - 1], y[end - 1]);
      i += end - j;
      j = end;
      if (i === this.bucketEnd) {
        candidates.flushInto(this.xs, this.ys);
        this.bucket++;
        this.bucketEnd = Math.floor(((this.bucket + 1) * this.n) / this.buckets);
      }
    }
    this.i = i;
  }

  /** The kept points; throws when fewer than `n` points were pushed. */
  result(): { x: Array<number | null>; y: Array<number | null> } {
    if (this.i !== this.n) throw new Error(`M4Decimator: ${this.i} points pushed, ${this.n} announced`);
    return { x: this.xs, y: this.ys };
  }
}

/**
 * M4 over time instead of over counts, for a series whose length is not known in advance (the decisions of a
 * replay): [fromX, toX] is cut into maxPoints / 4 equal spans and each keeps its first, last, lowest and highest
 * point (and first NaN), as `decimationIndices` does for runs of equal counts; a span without points keeps
 * none. Points must come in order of x; x outside [fromX, toX] counts in the first or last span. So the line
 * drawn through the kept points covers the pixels of the whole series on a time axis at most maxPoints / 4
 * pixels wide. Memory: the kept points.
 */
export class TimeM4Decimator {
  private readonly buckets: number;
  private readonly perX: number;
  private readonly xs: Array<number | null> = [];
  private readonly ys: Array<number | null> = [];
  private i = 0;
  private bucket = 0;
  private readonly candidates = new M4Bucket();

  constructor(private readonly fromX: number, toX: number, maxPoints: number) {
    if (!(toX >= fromX)) throw new RangeError(`TimeM4Decimator: span [${fromX}, ${toX}] is empty or not a number`);
    this.buckets = Math.max(1, Math.floor(maxPoints / 4));
    this.perX = toX > fromX ? this.buckets / (toX - fromX) : 0;
  }

  push(x: number, y: number): void {
    const b = Math.min(this.buckets - 1, Math.max(0, Math.floor((x - this.fromX) * this.perX)));
    if (b > this.bucket) {
      if (!this.candidates.empty) this.candidates.flushInto(this.xs, this.ys);
      this.bucket = b;
    }
    this.candidates.offer(this.i++, x, y);
  }

  /** The kept points (the open span's included). */
  result(): { x: Array<number | null>; y: Array<number | null> } {
    if (!this.candidates.empty) this.candidates.flushInto(this.xs, this.ys);
    return { x: this.xs, y: this.ys };
  }
}
