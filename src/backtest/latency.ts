import { existsSync } from 'node:fs';
import type { BookTable } from '../data/tables.js';
import { createRng, deriveSeed } from '../random/index.js';
import { quantiles } from '../stats/quantile.js';
import { readLatencyCsv } from './latencyCsv.js';

/**
 * A latency of the backtest, in ms:
 * - a number: constant;
 * - `{ samplesMs, seed }`: each event draws one of `samplesMs` uniformly at random (a bootstrap of measured
 *   latencies, e.g. `recordedFeedLatencySamples` of a recording, or pings to the exchange), seeded so that a
 *   run is reproducible. Plain data, so it crosses to calibration worker threads.
 * - `{ atMs, latencyMs }`: a measured series (e.g. order round trips logged by a live system: when each
 *   order was sent, exchange clock, and how long it took to reach the exchange), linearly interpolated at the
 *   time of each event, the nearest end's value before the first and after the last measurement (as
 *   hftbacktest's IntpOrderLatency). Time-varying: a latency spike in the measurements is one in the replay.
 * For the feed latency only, `'recorded'` replays each book row at the local receive time the recorder
 * stamped on it (`localTsMs`), i.e. the latency the recording actually had.
 */
export type LatencySpec = number | SampledLatency | InterpolatedLatency;
export type FeedLatencySpec = LatencySpec | 'recorded';

export interface SampledLatency {
  readonly samplesMs: ArrayLike<number>;
  /** Seed of the draws (default 1). Each of feed, entry and cancel latency draws from its own stream. */
  readonly seed?: number;
}

/** Milliseconds per unit of a latency text. */
const LATENCY_UNITS_MS: Record<string, number> = { ms: 1, s: 1000 };

/**
 * A latency as text (the CLI's `--entry-latency` and the calibration grid's `entry-latency` axis): `0`, one
 * duration with its unit (`50ms`, `0.2s`), a comma-separated list of them to sample from per event
 * (`20ms,35ms,120ms`, drawn with `seed`), or `file:PATH` (a measured series, see readLatencyCsv). A bare
 * non-zero number is refused: latencies are usually ms while the CLI's other durations default to seconds.
 * @throws Error naming what is wrong with the text; DataError from the file of `file:PATH`.
 */
export function parseLatencyText(text: string, seed = 1): LatencySpec {
  const trimmed = text.trim();
  if (trimmed.startsWith('file:')) {
    const path = trimmed.slice('file:'.length);
    if (!existsSync(path)) throw new Error(`file:${path}: no such file`);
    return readLatencyCsv(path);
  }
  const one = (item: string): number => {
    if (/^0+(\.0+)?$/.test(item)) return 0;
    const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(item);
    if (!match) throw new Error(`"${item}" is not 0, a duration with its unit (50ms, 0.2s), a comma-separated list of them to sample from, or file:PATH (ts_ms,latency_ms)`);
    return Number(match[1]) * LATENCY_UNITS_MS[match[2]];
  };
  const items = trimmed.split(',').map((item) => one(item.trim()));
  return items.length === 1 ? items[0] : { samplesMs: items, seed };
}

/** A measured latency series, interpolated in time (see LatencySpec). */
export interface InterpolatedLatency {
  /** Times of the measurements, ms (exchange clock), non-decreasing. */
  readonly atMs: ArrayLike<number>;
  /** The latency measured at each, ms ≥ 0. */
  readonly latencyMs: ArrayLike<number>;
  /** Where the series came from (a file name), for reports. */
  readonly source?: string;
}

/** Throws a RangeError naming the first measurement of an interpolated series that is not usable. */
function checkInterpolated(spec: InterpolatedLatency): void {
  const { atMs, latencyMs } = spec;
  if (atMs.length === 0) throw new RangeError('interpolated latency: no measurement');
  if (atMs.length !== latencyMs.length) throw new RangeError(`interpolated latency: ${atMs.length} times for ${latencyMs.length} latencies`);
  for (let i = 0; i < atMs.length; i++) {
    if (!Number.isFinite(atMs[i])) throw new RangeError(`interpolated latency: atMs[${i}] is ${atMs[i]}, not a finite time`);
    if (i > 0 && !(atMs[i] >= atMs[i - 1])) throw new RangeError(`interpolated latency: atMs[${i}] = ${atMs[i]} is before atMs[${i - 1}] = ${atMs[i - 1]} (times must not decrease)`);
    if (!(latencyMs[i] >= 0) || !Number.isFinite(latencyMs[i])) throw new RangeError(`interpolated latency: latencyMs[${i}] is ${latencyMs[i]}, not a finite number of ms ≥ 0`);
  }
}

/**
 * The latency of an interpolated series at time `tMs`: linear between the measurements around it, the first
 * one's before them and the last one's after (at equal times, the last of them). Successive calls at close
 * times cost O(1) (a cursor); any order of times is answered correctly.
 */
export function interpolatedLatencyAt(spec: InterpolatedLatency): (tMs: number) => number {
  checkInterpolated(spec);
  const at = Float64Array.from(spec.atMs);
  const lat = Float64Array.from(spec.latencyMs);
  const n = at.length;
  // the cursor: at[k] <= t < at[k + 1] for the last t asked (k = -1 before the first measurement)
  const cursor = Int32Array.of(-1);
  return (tMs: number) => {
    let k = cursor[0];
    while (k + 1 < n && at[k + 1] <= tMs) k++;
    while (k >= 0 && at[k] > tMs) k--;
    cursor[0] = k;
    if (k < 0) return lat[0];
    if (k === n - 1) return lat[n - 1];
    const span = at[k + 1] - at[k];
    return lat[k] + ((lat[k + 1] - lat[k]) * (tMs - at[k])) / span;
  };
}

/**
 * A function giving the latency (ms) of a spec for an event at time `tMs` (exchange clock; only an
 * interpolated series depends on it). `stream` names the use (feed, entry, cancel), so that the three draw
 * independent sequences from one seed and adding draws to one leaves the others unchanged.
 */
export function latencySampler(spec: LatencySpec, stream: string): (tMs: number) => number {
  if (typeof spec === 'object' && 'atMs' in spec) return interpolatedLatencyAt(spec);
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
  if ('atMs' in spec) {
    let min = Infinity;
    for (let i = 0; i < spec.latencyMs.length; i++) min = Math.min(min, spec.latencyMs[i]);
    return min;
  }
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
  const values = 'atMs' in spec ? spec.latencyMs : spec.samplesMs;
  const [p5, p50, p95] = quantiles(values, [0.05, 0.5, 0.95]).map((x) => Math.round(x * 1000) / 1000); // interpolated: shown to the µs
  if ('atMs' in spec) {
    const span = `${new Date(spec.atMs[0]).toISOString()} to ${new Date(spec.atMs[spec.atMs.length - 1]).toISOString()}`;
    return `interpolated in time from ${values.length} measurements${spec.source ? ` of ${spec.source}` : ''} (${span}; median ${p50} ms, 5–95 %: ${p5}–${p95} ms; the nearest end's value outside)`;
  }
  return `sampled from ${values.length} values (median ${p50} ms, 5–95 %: ${p5}–${p95} ms)`;
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
    last = Math.max(last, book.tsMs[i] + next(book.tsMs[i]));
    out[i] = last;
  }
  return out;
}

/** Share of rows received "before" their exchange time above which a recording's clocks are said to disagree. */
export const CLOCK_BEHIND_TOLERANCE = 0.001;

/** What a recording's receive stamps say about its clock against the exchange's (`localClockCheck`). */
export interface LocalClockCheck {
  /** Rows with both times. */
  readonly rows: number;
  /** Rows received before their exchange time (local − exchange < 0): impossible unless the clocks disagree. */
  readonly behind: number;
  /** local − exchange, ms: the smallest, the median and the 95th percentile (NaN without rows). */
  readonly minMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  /** Whether more than `CLOCK_BEHIND_TOLERANCE` of the rows were received before they happened. */
  readonly disagree: boolean;
  /** The shift that makes the smallest latency 0 ms (≥ 0): what `--local-clock-offset auto` adds. */
  readonly autoOffsetMs: number;
}

/**
 * Compares receive stamps with exchange stamps (both epoch ms) after adding `offsetMs` to the receive stamps.
 * A feed cannot arrive before it was sent: when many rows do, the recording machine's clock was behind the
 * exchange's, and "as recorded" would clamp every such row to zero latency, a silent wrong number. hftbacktest
 * corrects this in its data preparation (`correct_local_timestamp`: local stamps shifted so the smallest latency
 * is a base latency); asmm asks for the shift (`--local-clock-offset`) and says what it found.
 * @example localClockCheck(Float64Array.of(1000, 2000), Float64Array.of(700, 1703)).autoOffsetMs // 300
 */
export function localClockCheck(tsMs: ArrayLike<number>, localTsMs: ArrayLike<number>, offsetMs = 0): LocalClockCheck {
  const d: number[] = [];
  let behind = 0;
  for (let i = 0; i < tsMs.length; i++) {
    const x = localTsMs[i] + offsetMs - tsMs[i];
    if (!Number.isFinite(x)) continue;
    d.push(x);
    if (x < 0) behind++;
  }
  const [minMs, medianMs, p95Ms] = d.length ? quantiles(d, [0, 0.5, 0.95]) : [NaN, NaN, NaN];
  return { rows: d.length, behind, minMs, medianMs, p95Ms, disagree: d.length > 0 && behind > CLOCK_BEHIND_TOLERANCE * d.length, autoOffsetMs: d.length && minMs < 0 ? -minMs : 0 };
}

/** Width of the bins in which `LocalClockStats` keeps local − exchange for its quantiles, ms. */
export const CLOCK_STATS_BIN_MS = 0.1;

/**
 * `localClockCheck` over stamps that come a piece at a time (a catalog range day by day), in memory of one
 * count per 0.1 ms of latency seen: `add` each piece, then `check(offsetMs)`. Rows, the smallest latency, the
 * auto offset and the rows behind are exact (behind is counted at `countBehindAtMs`, the offset given on the
 * command line, and is 0 by construction after the auto offset); the median and p95 are the latency of the
 * lower of the two ranks `localClockCheck` interpolates between, at its bin's middle: within half a bin (0.05
 * ms) of it, plus the gap between those two latencies (a fraction of a µs over a day of changes).
 */
export class LocalClockStats {
  private rows = 0;
  private behind = 0;
  private min = Infinity;
  /** The smallest local + countBehindAtMs − exchange, summed in localClockCheck's order (exact at that offset). */
  private minAtShift = Infinity;
  private readonly bins = new Map<number, number>();

  constructor(private readonly countBehindAtMs = 0) {}

  add(tsMs: ArrayLike<number>, localTsMs: ArrayLike<number>): void {
    const shift = this.countBehindAtMs;
    for (let i = 0; i < tsMs.length; i++) {
      const x = localTsMs[i] - tsMs[i];
      if (!Number.isFinite(x)) continue;
      this.rows++;
      if (x < this.min) this.min = x;
      // as localClockCheck computes it (local + shift − exchange, in that order: epoch stamps round differently)
      const shifted = localTsMs[i] + shift - tsMs[i];
      if (shifted < this.minAtShift) this.minAtShift = shifted;
      if (shifted < 0) this.behind++;
      const bin = Math.floor(x / CLOCK_STATS_BIN_MS);
      this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
    }
  }

  /** The check after shifting by `offsetMs`: `countBehindAtMs` or the auto offset (`autoOffsetMs` of the check at 0). */
  check(offsetMs = this.countBehindAtMs): LocalClockCheck {
    const rows = this.rows;
    const autoOffsetMs = rows && this.min < 0 ? -this.min : 0;
    if (offsetMs !== this.countBehindAtMs && offsetMs !== autoOffsetMs) throw new Error(`LocalClockStats counted the rows behind at ${this.countBehindAtMs} ms, not ${offsetMs} ms`);
    const behind = offsetMs === this.countBehindAtMs ? this.behind : 0;
    const sorted = [...this.bins.keys()].sort((a, b) => a - b);
    const at = (p: number): number => {
      // the value of rank p·(rows − 1) (the type-7 quantile's lower neighbour), at its bin's middle
      const rank = Math.floor(p * (rows - 1));
      let seen = 0;
      for (const bin of sorted) {
        seen += this.bins.get(bin)!;
        if (seen > rank) return (bin + 0.5) * CLOCK_STATS_BIN_MS + offsetMs;
      }
      return NaN;
    };
    return {
      rows,
      behind,
      minMs: rows ? (offsetMs === this.countBehindAtMs ? this.minAtShift : this.min + offsetMs) : NaN,
      medianMs: rows ? at(0.5) : NaN,
      p95Ms: rows ? at(0.95) : NaN,
      disagree: rows > 0 && behind > CLOCK_BEHIND_TOLERANCE * rows,
      autoOffsetMs,
    };
  }
}

/** One line for a result's notes: what the recorded feed latency is after the shift. */
export function describeClock(check: LocalClockCheck, offsetMs: number): string {
  const f = (x: number) => (Math.round(x * 1000) / 1000).toString();
  return `feed latency as recorded${offsetMs ? ` after shifting the local clock by ${f(offsetMs)} ms` : ''}: ${f(check.minMs)} ms smallest, ${f(check.medianMs)} ms median, ${f(check.p95Ms)} ms p95 over ${check.rows} rows${check.behind ? `; ${check.behind} rows still before their exchange time (taken at it)` : ''}${offsetMs ? ' (a shift that makes the smallest latency 0 cannot know the true base latency: the absolute level is a lower bound, the jitter is as recorded)' : ''}`;
}

/**
 * The error of `--feed-latency recorded` on a recording whose clock disagrees with the exchange's. `remedy`:
 * what to do instead, for a command or form that takes no `--local-clock-offset` (default: give it, auto or a
 * duration).
 */
export function clockDisagreement(check: LocalClockCheck, what: string, remedy?: ClockRemedy): string {
  const f = (x: number) => (Math.round(x * 1000) / 1000).toString();
  return `--feed-latency recorded: ${what}'s local receive stamps disagree with the exchange's: ${check.behind} of ${check.rows} rows (${((100 * check.behind) / check.rows).toFixed(1)} %) were received before their exchange time (local − exchange: median ${f(check.medianMs)} ms, smallest ${f(check.minMs)} ms), so the recording machine's clock was behind; as recorded they would all arrive at once (0 ms). ${remedy ? remedy(check) : `Give --local-clock-offset auto (shift the local stamps by ${f(check.autoOffsetMs)} ms, so the smallest latency is 0 ms, as hftbacktest's correct_local_timestamp does) or --local-clock-offset with a duration you know (such as ${Math.ceil(check.autoOffsetMs)}ms)`}`;
}

/** What to do about a recording clock behind the exchange's, for `clockDisagreement` (the shift `auto` would make is `check.autoOffsetMs`). */
export type ClockRemedy = (check: LocalClockCheck) => string;
