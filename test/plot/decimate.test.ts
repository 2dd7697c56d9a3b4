import { describe, expect, it } from 'vitest';
import { decimatedXY, decimationIndices, M4Decimator, TimeM4Decimator } from '../../src/plot/decimate.js';
import { backtestQuotesFigure } from '../../src/plot/index.js';
import { createRng } from '../../src/random/index.js';

/** A random walk with a few one-point spikes, the kind of series that every-n-th thinning loses. */
function spikyWalk(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const y = new Float64Array(n);
  for (let i = 1; i < n; i++) y[i] = y[i - 1] + rng.next() - 0.5;
  for (const at of [1234, 50_001, 77_777]) y[at] += at % 2 === 0 ? 500 : -500;
  y[99_000] = NaN;
  return y;
}

describe('M4 decimation for plots', () => {
  it('keeps each run\'s first, last, lowest and highest point and its first gap, checked run by run by brute force', () => {
    const n = 100_003;
    const buckets = 250;
    const y = spikyWalk(n, 7);
    const kept = decimationIndices(y, buckets);
    const keptSet = new Set(kept);
    for (let j = 1; j < kept.length; j++) expect(kept[j]).toBeGreaterThan(kept[j - 1]);
    expect(kept.length).toBeLessThanOrEqual(5 * buckets);
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor((b * n) / buckets);
      const to = Math.floor(((b + 1) * n) / buckets);
      const run = Array.from(y.subarray(from, to));
      const finite = run.filter((v) => !Number.isNaN(v));
      const min = Math.min(...finite);
      const max = Math.max(...finite);
      const inRun = kept.filter((i) => i >= from && i < to);
      expect(keptSet.has(from) && keptSet.has(to - 1)).toBe(true);
      expect(inRun.some((i) => y[i] === min)).toBe(true);
      expect(inRun.some((i) => y[i] === max)).toBe(true);
      if (run.some((v) => Number.isNaN(v))) expect(inRun.some((i) => Number.isNaN(y[i]))).toBe(true);
    }
    // the spikes survive (every 400th point would miss all three)
    for (const at of [1234, 50_001, 77_777]) expect(keptSet.has(at)).toBe(true);
  });

  it('leaves a short series whole, and gives plotly nulls for gaps', () => {
    expect(Array.from(decimationIndices([3, 1, 2], 1))).toEqual([0, 1, 2]);
    expect(Array.from(decimationIndices([0, 5, 1, 1, 1, 1, -3, 0], 1))).toEqual([0, 1, 6, 7]);
    const xy = decimatedXY([10, 20, 30], [1, NaN, 2], 100);
    expect(xy).toEqual({ x: [10, 20, 30], y: [1, null, 2] });
  });

  it('a backtest figure of a long run stays within its point budget and keeps the extremes of the mid', () => {
    const n = 200_000;
    const mid = spikyWalk(n, 3).map((v) => (Number.isNaN(v) ? 0 : v) + 1000);
    const tMs = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 100);
    const zeros = new Float64Array(n);
    const f = backtestQuotesFigure({ series: { tMs, midPx: mid, reservationPx: mid, bidPx: mid, askPx: mid, inventory: zeros, cash: zeros, equity: zeros }, fills: { tsMs: [], side: [], px: [] }, config: { strategy: 's', fill: 'midCross' } });
    const trace = f.data.find((d) => d.name === 'mid')!;
    expect(trace.y!.length).toBeLessThanOrEqual(6_000 * 1.25);
    const ys = trace.y as number[];
    expect(ys.reduce((a, b) => Math.max(a, b), -Infinity)).toBe(mid.reduce((a, b) => Math.max(a, b), -Infinity));
    expect(ys.reduce((a, b) => Math.min(a, b), Infinity)).toBe(mid.reduce((a, b) => Math.min(a, b), Infinity));
    expect(trace.x![trace.x!.length - 1]).toBe(tMs[n - 1]);
  });
});

describe('M4Decimator: decimatedXY one point at a time', () => {
  it('keeps the same points as decimatedXY on the stored series (NaN runs, ties, short series, odd bucket sizes)', () => {
    const rng = createRng(99);
    for (const [n, maxPoints] of [[10, 6000], [24_000, 6000], [24_001, 6000], [10_007, 40], [5, 4], [1000, 4], [777, 13]] as const) {
      const x = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 100);
      // a random walk with ties (rounded), NaN runs and a spike
      let v = 0;
      const y = Float64Array.from({ length: n }, (_, i) => {
        v += Math.round((rng.next() - 0.5) * 4);
        if (i % 97 >= 90) return NaN;
        return i === Math.floor(n / 3) ? v + 1000 : v;
      });
      const streamed = new M4Decimator(n, maxPoints);
      for (let i = 0; i < n; i++) streamed.push(x[i], y[i]);
      const expected = decimatedXY(x, y, maxPoints);
      expect(streamed.result(), `n ${n}, ${maxPoints} points`).toEqual(expected);
      // the same in blocks of random sizes (pushAll), within buckets and across their ends
      for (const most of [3, 64, 5000]) {
        const blocks = new M4Decimator(n, maxPoints);
        for (let at = 0; at < n; ) {
          const to = Math.min(n, at + 1 + Math.floor(rng.next() * most));
          blocks.pushAll(x, y, at, to);
          at = to;
        }
        expect(blocks.result(), `n ${n}, ${maxPoints} points, blocks of up to ${most}`).toEqual(expected);
      }
    }
  });

  it('refuses a result before all announced points came', () => {
    const d = new M4Decimator(100, 8);
    d.push(1, 1);
    expect(() => d.result()).toThrow(/1 points pushed, 100 announced/);
  });
});

describe('TimeM4Decimator: M4 over equal spans of time, for a series of unknown length', () => {
  it('keeps, per span, the first, last, lowest and highest point and the first gap, checked span by span by brute force (irregular times, empty spans, points outside the span)', () => {
    const rng = createRng(5);
    const n = 50_000;
    // irregular times with a long silence in the middle (empty spans), a few points before and after the span
    const x = new Float64Array(n);
    let t = 1_000;
    for (let i = 0; i < n; i++) {
      t += i === 20_000 ? 3_000_000 : Math.floor(rng.next() * 200);
      x[i] = t;
    }
    const y = spikyWalk(n, 11);
    y[30_000] = NaN; // a gap
    const fromX = x[3];
    const toX = x[n - 4];
    const maxPoints = 400;
    const d = new TimeM4Decimator(fromX, toX, maxPoints);
    for (let i = 0; i < n; i++) d.push(x[i], y[i]);
    const kept = d.result();
    // brute force: each point's span, then per span the five candidates, in index order, each once
    const buckets = maxPoints / 4;
    const spanOf = (v: number) => Math.min(buckets - 1, Math.max(0, Math.floor(((v - fromX) * buckets) / (toX - fromX))));
    const expected: number[] = [];
    let emptySpans = 0;
    for (let b = 0; b < buckets; b++) {
      const members = Array.from({ length: n }, (_, i) => i).filter((i) => spanOf(x[i]) === b);
      if (members.length === 0) {
        emptySpans++;
        continue;
      }
      const finite = members.filter((i) => !Number.isNaN(y[i]));
      const lo = finite.length ? finite.reduce((a, i) => (y[i] < y[a] ? i : a)) : -1;
      const hi = finite.length ? finite.reduce((a, i) => (y[i] > y[a] ? i : a)) : -1;
      const gap = members.find((i) => Number.isNaN(y[i])) ?? -1;
      expected.push(...[...new Set([members[0], lo, hi, gap, members[members.length - 1]].filter((i) => i >= 0))].sort((a, c) => a - c));
    }
    expect(emptySpans).toBeGreaterThan(10);
    expect(kept.x).toEqual(expected.map((i) => x[i]));
    expect(kept.y).toEqual(expected.map((i) => (Number.isNaN(y[i]) ? null : y[i])));
    // the spike and the gap survive
    expect(kept.x).toContain(x[1234]);
    expect(kept.x).toContain(x[30_000]);
  });
});
