import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { asStrategy, BacktestReplay, backtestMetrics, runBacktest, StreamedMetrics, type BacktestConfig } from '../src/backtest/index.js';
import type { BookTable, TradeTable } from '../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration, StreamedMarketOrders, StreamedRollingCalibration } from '../src/estimate/index.js';
import { projectPath } from '../src/project/index.js';
import { generateSampleMarket } from '../src/sample/index.js';
import { median } from '../src/stats/index.js';
import { printTable } from './util.js';

/**
 * Streamed replay over N generated day-chunks (issue 15 item 5) against the in-memory replay of one day.
 * Each run is its own child process, so that its peak RSS (`process.resourceUsage().maxRSS`) is its own:
 * - in memory, one day: sample market of one day generated, then `marketOrdersFromTrades` + `rollingCalibration`
 *   + `runBacktest` on it (median of 3 timed runs after 3 warm-up runs);
 * - streamed, N days: each day generated when it is needed (continuing the previous day's mid), then
 *   `StreamedMarketOrders` + `StreamedRollingCalibration` + `BacktestReplay.feed`, the series streamed
 *   through `StreamedMetrics` (two warm-up streams of two days of another seed first: the JIT takes a few runs to settle, and the in-memory side is timed after a warm-up run too). Only the replay's time is counted, not
 *   the generation; events/s are the median over the days of each day's rate.
 * - the input alone: the days generated one after another and dropped (the smallest and largest N), whose peak
 *   RSS shows how much of a creep comes from the input's allocations rather than the replay.
 * Also an in-memory run of the largest N (whole tables, series kept) for its RSS, when
 * ASMM_STREAMED_BENCH_INMEMORY_ALL=1 (off by default: it needs that many days in memory).
 * Size: ASMM_STREAMED_BENCH_ROWS rows per day (default 200,000 = 5.6 h of 100 ms snapshots; a real day is
 * 864,000) and ASMM_STREAMED_BENCH_DAYS (default 1,3,10). Config as `backtest.bench.ts`: AS, queue fills,
 * quotes on every snapshot, 10 ms feed and 20 ms entry latency, a 300 s rolling calibration.
 * Targets: streamed events/s within 25 % of the in-memory day's; peak RSS independent of the number of days.
 */
export async function run(): Promise<void> {
  const rowsPerDay = Number(process.env.ASMM_STREAMED_BENCH_ROWS ?? 200_000);
  const dayList = (process.env.ASMM_STREAMED_BENCH_DAYS ?? '1,3,10').split(',').map(Number);
  if (!(rowsPerDay >= 10_000) || dayList.some((d) => !(d >= 1 && Number.isInteger(d)))) throw new RangeError('ASMM_STREAMED_BENCH_ROWS must be ≥ 10000 and ASMM_STREAMED_BENCH_DAYS a list of whole numbers ≥ 1');
  // peak RSS also with glibc's mmap threshold fixed (MALLOC_MMAP_THRESHOLD_): by default glibc raises it as
  // large blocks are freed, and the day-sized columns then come from its heap, whose fragmentation makes the
  // peak RSS creep up over the first days (a plateau, not growth with the data: the live heap is flat)
  const fixedMalloc = { MALLOC_MMAP_THRESHOLD_: '262144' };
  const runs: Array<{ label: string; r: ChildResult; fixed: ChildResult }> = [];
  runs.push({ label: 'in memory, 1 day', r: child({ mode: 'memory', days: 1, rowsPerDay }), fixed: child({ mode: 'memory', days: 1, rowsPerDay }, fixedMalloc) });
  for (const days of dayList) runs.push({ label: `streamed, ${days} day${days > 1 ? 's' : ''}`, r: child({ mode: 'stream', days, rowsPerDay }), fixed: child({ mode: 'stream', days, rowsPerDay }, fixedMalloc) });
  // the input alone (generated days, dropped): glibc's heap creeps under its allocations too
  for (const days of [Math.min(...dayList), Math.max(...dayList)]) runs.push({ label: `input alone (days generated), ${days} day${days > 1 ? 's' : ''}`, r: child({ mode: 'generate', days, rowsPerDay }), fixed: child({ mode: 'generate', days, rowsPerDay }, fixedMalloc) });
  if (process.env.ASMM_STREAMED_BENCH_INMEMORY_ALL === '1') {
    const days = Math.max(...dayList);
    runs.push({ label: `in memory, ${days} days (whole tables)`, r: child({ mode: 'memory', days, rowsPerDay }), fixed: child({ mode: 'memory', days, rowsPerDay }, fixedMalloc) });
  }
  const base = runs[0].r;
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  printTable(
    [`${rowsPerDay.toLocaleString('en')} snapshots a day, AS, queue`, 'events', 'pairing+calibration+replay ev/s', 'vs in memory', 'replay alone ev/s', 'vs in memory', 'peak RSS MB', 'fixed mmap threshold', 'fills'],
    runs.map(({ label, r, fixed }) => [
      // (the input-alone rows have no rates: JSON turned their NaN into null)
      label,
      r.events.toLocaleString('en'),
      !(Number(r.eventsPerSec) > 0) ? '' : fmt(r.eventsPerSec),
      !(Number(r.eventsPerSec) > 0) ? '' : `${(r.eventsPerSec / base.eventsPerSec).toFixed(2)}x`,
      !(Number(r.eventsPerSec) > 0) ? '' : fmt(r.replayOnlyEventsPerSec),
      !(Number(r.eventsPerSec) > 0) ? '' : `${(r.replayOnlyEventsPerSec / base.replayOnlyEventsPerSec).toFixed(2)}x`,
      (r.maxRssKb / 1024).toFixed(0),
      (fixed.maxRssKb / 1024).toFixed(0),
      (r.fills || '').toLocaleString('en'),
    ]),
  );
  const streamed = runs.filter((x) => x.label.startsWith('streamed'));
  const worst = Math.min(...streamed.map((x) => Math.min(x.r.eventsPerSec / base.eventsPerSec, x.r.replayOnlyEventsPerSec / base.replayOnlyEventsPerSec)));
  process.stdout.write(`streamed events/s ${worst >= 0.75 ? 'meets' : 'MISSES'} the target (within 25 % of the in-memory day, pipeline and replay alone): worst ${worst.toFixed(2)}x\n`);
  for (const [name, pick] of [['default allocator', (x: (typeof runs)[number]) => x.r], ['fixed mmap threshold', (x: (typeof runs)[number]) => x.fixed]] as const) {
    const rss = streamed.map((x) => pick(x).maxRssKb / 1024);
    const spread = Math.max(...rss) / Math.min(...rss);
    const input = runs.filter((x) => x.label.startsWith('input')).map((x) => pick(x).maxRssKb / 1024);
    process.stdout.write(`streamed peak RSS (${name}) from ${Math.min(...rss).toFixed(0)} to ${Math.max(...rss).toFixed(0)} MB over ${dayList.join(', ')} days (${spread.toFixed(2)}x): ${spread <= 1.15 ? 'independent of the number of days' : 'NOT flat'} (target ≤ 1.15x); the input alone ${input[0].toFixed(0)} to ${input[1].toFixed(0)} MB\n`);
  }
}

interface ChildSpec {
  readonly mode: 'memory' | 'stream' | 'generate';
  readonly days: number;
  readonly rowsPerDay: number;
}

interface ChildResult {
  readonly events: number;
  /** pairing + rolling calibration + replay */
  readonly replayMs: number;
  readonly eventsPerSec: number;
  /** the replay alone (calibration given) */
  readonly replayOnlyMs: number;
  readonly replayOnlyEventsPerSec: number;
  readonly maxRssKb: number;
  readonly fills: number;
  readonly pnl: number;
}

function child(spec: ChildSpec, env: Record<string, string> = {}): ChildResult {
  const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: projectPath(),
    encoding: 'utf8',
    env: { ...process.env, ...env, ASMM_STREAMED_BENCH_CHILD: JSON.stringify(spec) },
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`streamed bench child ${JSON.stringify(spec)} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as ChildResult;
}

const CALIBRATION = { windowSec: 300, stepSec: 1 };
const config: BacktestConfig = { strategy: asStrategy(0.1, 600), fill: 'queue', orderSize: 0.01, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, feedLatencyMs: 10, entryLatencyMs: 20 };

/** Day d of the bench's market: `rowsPerDay` snapshots from where day d − 1 ended, its mid continuing. */
function day(d: number, rowsPerDay: number, mid0: number, seed = 1): { book: BookTable; trades: TradeTable; lastMid: number } {
  const durationSec = rowsPerDay / 10;
  const m = generateSampleMarket({ durationSec, seed: seed * 1000 + d, startMs: Date.UTC(2026, 0, 1) + d * durationSec * 1000, mid0 });
  const n = m.book.tsMs.length;
  const lastMid = Math.round(((m.book.bidPx[0][n - 1] + m.book.askPx[0][n - 1]) / 2) * 100) / 100;
  return { book: m.book, trades: m.trades, lastMid };
}

function inMemory(spec: ChildSpec): ChildResult {
  // the whole tables of spec.days days
  const parts: Array<{ book: BookTable; trades: TradeTable }> = [];
  let mid = 2000;
  for (let d = 0; d < spec.days; d++) {
    const x = day(d, spec.rowsPerDay, mid);
    parts.push(x);
    mid = x.lastMid;
  }
  const { book, trades } = spec.days === 1 ? parts[0] : concat(parts);
  parts.length = 0;
  const replayTimes: number[] = [];
  const once = () => {
    const cal = rollingCalibration(book, marketOrdersFromTrades(book, trades, config.tickSize), CALIBRATION);
    const t = performance.now();
    const result = runBacktest(book, trades, { ...config, calibration: cal });
    backtestMetrics(result); // (the streamed side computes its metrics as it goes)
    replayTimes.push(performance.now() - t);
    return result;
  };
  for (let k = 0; k < 3; k++) once(); // warm-up: the JIT takes a few runs to settle
  replayTimes.length = 0;
  const times: number[] = [];
  let r = once();
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    r = once();
    times.push(performance.now() - t);
  }
  const events = book.tsMs.length + trades.tsMs.length;
  const ms = median(times);
  const replayMs = median(replayTimes);
  return { events, replayMs: ms, eventsPerSec: events / (ms / 1000), replayOnlyMs: replayMs, replayOnlyEventsPerSec: events / (replayMs / 1000), maxRssKb: process.resourceUsage().maxRSS, fills: r.fills.tsMs.length, pnl: r.finalCash + r.finalInventory * r.finalMidPx };
}

function streamed(spec: ChildSpec, rowsPerDay = spec.rowsPerDay, seed = 1): ChildResult {
  const metrics = new StreamedMetrics(60, 60_000);
  const replay = new BacktestReplay(config, { seriesSink: metrics.sink });
  const pairing = new StreamedMarketOrders(config.tickSize);
  const rolling = new StreamedRollingCalibration(CALIBRATION, config.tickSize);
  let mid = 2000;
  let events = 0;
  let ms = 0;
  let replayMs = 0;
  // per day: events, pipeline ms, replay ms (the last day with the finish): the rates are medians over the days,
  // robust to the other work on a shared machine
  const perDay: Array<[number, number, number]> = [];
  for (let d = 0; d < spec.days; d++) {
    const x = day(d, rowsPerDay, mid, seed);
    mid = x.lastMid;
    const n = x.book.tsMs.length + x.trades.tsMs.length;
    events += n;
    const t = performance.now();
    const rows = rolling.feed(x.book, pairing.feed(x.book, x.trades), pairing.excludedSoFar());
    const t1 = performance.now();
    replay.feed(x.book, x.trades, rows);
    const t2 = performance.now();
    perDay.push([n, t2 - t, t2 - t1]);
  }
  const t = performance.now();
  rolling.finish();
  pairing.finish();
  const t1 = performance.now();
  const r = replay.finish();
  metrics.metrics(r);
  const t2 = performance.now();
  perDay[perDay.length - 1][1] += t2 - t;
  perDay[perDay.length - 1][2] += t2 - t1;
  for (const [, a, b] of perDay) {
    ms += a;
    replayMs += b;
  }
  const rate = (k: 1 | 2) => median(perDay.map((x) => x[0] / (x[k] / 1000)));
  return { events, replayMs: ms, eventsPerSec: rate(1), replayOnlyMs: replayMs, replayOnlyEventsPerSec: rate(2), maxRssKb: process.resourceUsage().maxRSS, fills: r.fills.tsMs.length, pnl: r.finalCash + r.finalInventory * r.finalMidPx };
}

/** The input alone: the days generated one after another and dropped (its own peak RSS, for comparison). */
function generateOnly(spec: ChildSpec): ChildResult {
  let mid = 2000;
  let events = 0;
  for (let d = 0; d < spec.days; d++) {
    const x = day(d, spec.rowsPerDay, mid);
    mid = x.lastMid;
    events += x.book.tsMs.length + x.trades.tsMs.length;
  }
  return { events, replayMs: NaN, eventsPerSec: NaN, replayOnlyMs: NaN, replayOnlyEventsPerSec: NaN, maxRssKb: process.resourceUsage().maxRSS, fills: 0, pnl: NaN };
}

function concat(parts: ReadonlyArray<{ book: BookTable; trades: TradeTable }>): { book: BookTable; trades: TradeTable } {
  const cat = <T extends Float64Array | Int8Array>(cols: T[]): T => {
    const out = new (cols[0].constructor as { new (n: number): T })(cols.reduce((a, c) => a + c.length, 0));
    let at = 0;
    for (const c of cols) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  };
  const b0 = parts[0].book;
  const levels = (f: (b: BookTable) => readonly Float64Array[]) => Array.from({ length: b0.depth }, (_, l) => cat(parts.map((p) => f(p.book)[l])));
  return {
    book: { ...b0, tsMs: cat(parts.map((p) => p.book.tsMs)), bidPx: levels((b) => b.bidPx), bidSz: levels((b) => b.bidSz), askPx: levels((b) => b.askPx), askSz: levels((b) => b.askSz) },
    trades: { ...parts[0].trades, tsMs: cat(parts.map((p) => p.trades.tsMs)), id: cat(parts.map((p) => p.trades.id)), side: cat(parts.map((p) => p.trades.side)), px: cat(parts.map((p) => p.trades.px)), sz: cat(parts.map((p) => p.trades.sz)) },
  };
}

if (process.env.ASMM_STREAMED_BENCH_CHILD) {
  const spec = JSON.parse(process.env.ASMM_STREAMED_BENCH_CHILD) as ChildSpec;
  try {
    let r: ChildResult;
    if (spec.mode === 'memory') r = inMemory(spec);
    else if (spec.mode === 'generate') r = generateOnly(spec);
    else {
      // warm-up (the JIT needs a few runs to settle, as the in-memory side's warm-up run): two streams of two days of another seed
      for (let k = 0; k < 2; k++) streamed({ ...spec, days: 2 }, spec.rowsPerDay, 99 + k);
      r = streamed(spec);
    }
    process.stdout.write(JSON.stringify(r) + '\n');
  } catch (error) {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
