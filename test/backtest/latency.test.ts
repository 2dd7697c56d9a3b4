import { describe, expect, it } from 'vitest';
import { describeLatency, feedArrivalTimes, latencySampler, minLatencyMs, recordedFeedLatencySamples } from '../../src/backtest/index.js';
import { CLOCK_STATS_BIN_MS, LocalClockStats, localClockCheck } from '../../src/backtest/latency.js';
import type { BookTable } from '../../src/data/index.js';
import { createRng } from '../../src/random/index.js';

const bookAt = (tsMs: number[], localTsMs?: number[]): BookTable => ({
  kind: 'book',
  depth: 1,
  tsMs: Float64Array.from(tsMs),
  ...(localTsMs ? { localTsMs: Float64Array.from(localTsMs) } : {}),
  bidPx: [new Float64Array(tsMs.length).fill(99)],
  bidSz: [new Float64Array(tsMs.length).fill(1)],
  askPx: [new Float64Array(tsMs.length).fill(101)],
  askSz: [new Float64Array(tsMs.length).fill(1)],
  meta: {},
});

describe('latency specs', () => {
  it('an interpolated series is linear between its measurements, the nearest end outside, in any order of times', () => {
    const spec = { atMs: [1000, 2000, 2000, 4000], latencyMs: [10, 30, 50, 10] };
    const at = latencySampler(spec, 'entry');
    // before the first and after the last measurement: the ends
    expect(at(0)).toBe(10);
    expect(at(9000)).toBe(10);
    // between: the straight line (1000, 10) to (2000, 30); at a repeated time, the last measurement there
    expect(at(1500)).toBe(20);
    expect(at(1250)).toBe(15);
    expect(at(2000)).toBe(50);
    expect(at(3000)).toBe(30); // (2000, 50) to (4000, 10)
    expect(at(1750)).toBe(25); // backwards after a later time
    expect(at(3500)).toBe(20);
    // a second sampler of the same series answers alike whatever came before
    const fresh = latencySampler(spec, 'cancel');
    for (const t of [3500, 1250, 0, 9000, 2500]) expect(fresh(t)).toBe(at(t));
    expect(minLatencyMs(spec)).toBe(10);
    expect(describeLatency({ ...spec, source: 'lat.csv' })).toMatch(/^interpolated in time from 4 measurements of lat.csv \(1970-01-01T00:00:01.000Z to 1970-01-01T00:00:04.000Z; median 20 ms/);
    expect(() => latencySampler({ atMs: [2, 1], latencyMs: [1, 1] }, 'entry')).toThrow(/atMs\[1\] = 1 is before atMs\[0\] = 2/);
    expect(() => latencySampler({ atMs: [1, 2], latencyMs: [1, -1] }, 'entry')).toThrow(/latencyMs\[1\] is -1/);
    expect(() => latencySampler({ atMs: [], latencyMs: [] }, 'entry')).toThrow(/no measurement/);
    // the feed arrival of each row uses the latency at that row's exchange time
    expect(Array.from(feedArrivalTimes(bookAt([1000, 1500, 3000]), spec))).toEqual([1010, 1520, 3030]);
  });

  it('a constant is itself; samples are drawn uniformly, reproducibly, from the given values only', () => {
    expect(latencySampler(25, 'entry')(0)).toBe(25);
    const spec = { samplesMs: [10, 20, 40, 80], seed: 7 };
    const draw = latencySampler(spec, 'entry');
    const again = latencySampler(spec, 'entry');
    const counts = new Map<number, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const v = draw(i);
      expect(again(i)).toBe(v);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 20, 40, 80]);
    // each value 1/4 of the draws: χ² with 3 degrees of freedom below its 99.9 % point (16.3)
    const chi2 = [...counts.values()].reduce((a, c) => a + (c - n / 4) ** 2 / (n / 4), 0);
    expect(chi2).toBeLessThan(16.3);
    // feed, entry and cancel draw different sequences from one seed
    const a = latencySampler(spec, 'feed');
    const b = latencySampler(spec, 'cancel');
    const seqA = Array.from({ length: 32 }, a);
    const seqB = Array.from({ length: 32 }, b);
    expect(seqA).not.toEqual(seqB);
    expect(minLatencyMs(spec)).toBe(10);
  });

  it('rejects negative, non-finite or empty latencies with a message naming the value', () => {
    expect(() => latencySampler(-1, 'entry')).toThrow(/≥ 0, got -1/);
    expect(() => latencySampler({ samplesMs: [] }, 'entry')).toThrow(/empty/);
    expect(() => latencySampler({ samplesMs: [5, NaN] }, 'entry')).toThrow(/samplesMs\[1\] is NaN/);
  });

  it('arrival times: exchange time + latency, in order; "recorded" replays the local receive times', () => {
    const book = bookAt([0, 10, 20, 30], [5, 40, 35, 50]);
    expect(Array.from(feedArrivalTimes(book, 7))).toEqual([7, 17, 27, 37]);
    // row 2 was received before row 1 by the clock, but a feed delivers in order
    expect(Array.from(feedArrivalTimes(book, 'recorded'))).toEqual([5, 40, 40, 50]);
    const sampled = feedArrivalTimes(bookAt([0, 1, 2, 3, 4, 5, 6, 7]), { samplesMs: [0, 100] });
    for (let i = 1; i < sampled.length; i++) expect(sampled[i]).toBeGreaterThanOrEqual(sampled[i - 1]);
    for (let i = 0; i < sampled.length; i++) expect(sampled[i] === i || sampled[i] >= 100).toBe(true);
    expect(() => feedArrivalTimes(bookAt([0, 1]), 'recorded')).toThrow(/local receive times/);
    expect(Array.from(recordedFeedLatencySamples(bookAt([0, 10, 20], [3, 8, 25])))).toEqual([3, 5]);
    // quantiles as numpy.quantile: median 2.5, 5 % 1.15, 95 % 3.85 of [1, 2, 3, 4]
    expect(describeLatency({ samplesMs: [1, 2, 3, 4] })).toBe('sampled from 4 values (median 2.5 ms, 5–95 %: 1.15–3.85 ms)');
  });
});

describe('LocalClockStats: localClockCheck a piece at a time', () => {
  it('gives the same rows, rows behind, smallest latency and auto offset, and the median and p95 within half a bin, whatever the pieces', () => {
    const rng = createRng(77);
    const n = 20_000;
    const tsMs = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 10);
    // a clock 40 ms behind, latencies of 1-30 ms with a tail, a few stamps missing
    const localTsMs = Float64Array.from(tsMs, (t, i) => (i % 997 === 0 ? NaN : t - 40 + 1 + 29 * rng.next() + (i % 50 === 0 ? 200 * rng.next() : 0)));
    for (const option of ['auto', 0, 45, -5] as const) {
      const stats = new LocalClockStats(option === 'auto' ? 0 : option);
      for (const [a, b] of [[0, 7000], [7000, 7001], [7001, n]]) stats.add(tsMs.subarray(a, b), localTsMs.subarray(a, b));
      const offset = option === 'auto' ? stats.check(0).autoOffsetMs : option;
      const exact = localClockCheck(tsMs, localTsMs, offset);
      const streamed = stats.check(offset);
      expect({ rows: streamed.rows, behind: streamed.behind, disagree: streamed.disagree, autoOffsetMs: streamed.autoOffsetMs }, String(option)).toEqual({ rows: exact.rows, behind: exact.behind, disagree: exact.disagree, autoOffsetMs: localClockCheck(tsMs, localTsMs).autoOffsetMs });
      expect(streamed.minMs).toBeCloseTo(exact.minMs, 9);
      expect(Math.abs(streamed.medianMs - exact.medianMs)).toBeLessThanOrEqual(CLOCK_STATS_BIN_MS / 2 + 1e-9);
      expect(Math.abs(streamed.p95Ms - exact.p95Ms)).toBeLessThanOrEqual(CLOCK_STATS_BIN_MS / 2 + 1e-9);
    }
    expect(new LocalClockStats(0).check().rows).toBe(0);
    expect(() => new LocalClockStats(45).check(10)).toThrow(/counted the rows behind at 45 ms/);
  });
});
