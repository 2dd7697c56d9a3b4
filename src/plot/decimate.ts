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
