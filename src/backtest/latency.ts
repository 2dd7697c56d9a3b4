import type { BookTable } from '../data/tables.js';
import { createRng, deriveSeed } from '../random/index.js';
import { quantiles } from '../stats/quantile.js';

/**
 * A latency of the backtest, in ms:
 * - a number: constant;
 * - `{ samplesMs, seed }`: each event draws one of `samplesMs` uniformly at random (a bootstrap of measured
 *   latencies, e.g. `recordedFeedLatencySamples` of a recording, or pings to the exchange), seeded so that a
 *   run is reproducible. Plain data, so it crosses to calibration worker threads.
 * For the feed latency only, `'recorded'` replays each book row at the local receive time the recorder
 * stamped on it (`localTsMs`), i.e. the latency the recording actually had.
 */
export type LatencySpec = number | SampledLatency;
export type FeedLatencySpec = LatencySpec | 'recorded';

export interface SampledLatency {
  readonly samplesMs: ArrayLike<number>;
  /** Seed of the draws (default 1). Each of feed, entry and cancel latency draws from its own stream. */
  readonly seed?: number;
}

/**
 * A function giving the next latency (ms) of a spec. `stream` names the use (feed, entry, cancel), so that
 * the three draw independent sequences from one seed and adding draws to one leaves the others unchanged.
 */
export function latencySampler(spec: LatencySpec, stream: string): () => number {
  if (typeof spec === 'number') {
    if (!(spec >= 0) || !Number.isFinite(spec)) throw new RangeError(`latency must be a finite number of ms ≥ 0, got ${spec}`);
    return () => spec;
  }
  const samples = Float64Array.from(spec.samplesMs);
  if (samples.length === 0) throw new RangeError('sampled latency: samplesMs is empty');
  for (let i = 0; i < samples.length; i++) {
    if (!(samples[i] >= 0) || !Number.isFinite(samples[i])) throw new RangeError(`sampled latency: samplesMs[${i}] is ${samples[i]}, not a finite number of ms ≥ 0`);
  }
  if (samples.length === 1) return () => samples[0];
  const rng = createRng(deriveSeed(spec.seed ?? 1, stream));
  const n = samples.length;
  return () => samples[Math.floor(rng.next() * n)];
}

/**
 * The latency of a constant spec, ms; −1 for a sampled or recorded one. The replay uses a constant as is,
 * without calling its sampler per order or fill.
 */
export function constantLatencyMs(spec: FeedLatencySpec): number {
  return typeof spec === 'number' ? spec : -1;
}

/** The smallest latency a spec can give, ms (a lower bound used to bound waits). */
export function minLatencyMs(spec: LatencySpec): number {
  if (typeof spec === 'number') return spec;
  let min = Infinity;
  for (let i = 0; i < spec.samplesMs.length; i++) min = Math.min(min, spec.samplesMs[i]);
  return min;
}

/**
 * A spec described in words, for reports: "20 ms", "sampled from 1234 values (median 41 ms, 5–95 %: 12–230 ms)"
 * (quantiles by `stats/quantile.ts`'s convention, linear interpolation as numpy's default).
 */
export function describeLatency(spec: FeedLatencySpec): string {
  if (spec === 'recorded') return 'as recorded (local receive time of each row)';
  if (typeof spec === 'number') return `${spec} ms`;
  const [p5, p50, p95] = quantiles(spec.samplesMs, [0.05, 0.5, 0.95]).map((x) => Math.round(x * 1000) / 1000); // interpolated: shown to the µs
  return `sampled from ${spec.samplesMs.length} values (median ${p50} ms, 5–95 %: ${p5}–${p95} ms)`;
}

/**
 * The feed latency a recording measured: local receive time minus exchange time of each book row, ms, for
 * rows where both exist and the difference is ≥ 0 (a negative one means the clocks disagree; it is dropped).
 * Feed these to `{ samplesMs }` to replay another dataset with this recording's latency.
 */
export function recordedFeedLatencySamples(book: BookTable): Float64Array {
  const local = book.localTsMs;
  if (!local) return new Float64Array(0);
  const out: number[] = [];
  for (let i = 0; i < book.tsMs.length; i++) {
    const d = local[i] - book.tsMs[i];
    if (d >= 0 && Number.isFinite(d)) out.push(d);
  }
  return Float64Array.from(out);
}

/**
 * When each book row reaches the strategy, ms (exchange clock): exchange time + feed latency, never earlier
 * than the row before it (a feed delivers in order). With `'recorded'` it is the row's local receive time
 * (`localTsMs`, required), likewise kept in order.
 */
export function feedArrivalTimes(book: BookTable, spec: FeedLatencySpec): Float64Array {
  const n = book.tsMs.length;
  const out = new Float64Array(n);
  if (spec === 'recorded') {
    const local = book.localTsMs;
    if (!local) throw new Error('feed latency "recorded" needs the book\'s local receive times (local_ts_ms), which this table does not have');
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = Number.isFinite(local[i]) ? Math.max(local[i], book.tsMs[i]) : book.tsMs[i];
      last = Math.max(last, t);
      out[i] = last;
    }
    return out;
  }
  if (typeof spec === 'number') {
    for (let i = 0; i < n; i++) out[i] = book.tsMs[i] + spec;
    return out;
  }
  const next = latencySampler(spec, 'feed');
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    last = Math.max(last, book.tsMs[i] + next());
    out[i] = last;
  }
  return out;
}
