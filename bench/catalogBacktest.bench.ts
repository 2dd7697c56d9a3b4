import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../src/project/index.js';
import { printTable } from './util.js';

/**
 * Issue 15's catalog backtest bench: `asmm backtest --catalog` over 1, 10 and 30 generated days of the sample
 * market at 100 ms (about 864,000 book rows and 170,000 trades a day: 26 M book rows in 30 days), each run its own
 * process, against `asmm backtest --data` on the same first day loaded into memory (Arrow files). Both are the
 * real CLI, AS with queue fills and the default rolling calibration; peak RSS is the child's own (`peakRssMb` of
 * its JSON: `process.resourceUsage().maxRSS`, read after the replay, before the report is written).
 * Events/s, end to end: events over the child's wall time, which for both holds the same work (start, reading,
 * pairing trades with the book, the rolling calibration, the replay, the metrics and the report); the streamed
 * run reads its days from Parquet through DuckDB, the in-memory run its Arrow files. The CLIs' own `seconds`
 * (printed too) count different parts (the in-memory one the replay alone, the streamed one the days after the
 * first with their calibration), so they are not compared.
 * Targets: peak RSS < 1.5 GB and independent of the number of days; streamed events/s within 25 % of the
 * in-memory day's. The catalog (30 days, about 1.7 GB) and the one-day files are generated once and kept in
 * `data/bench/` (`ASMM_CATALOG_BACKTEST_DAYS`, default 30, changes the largest run and the catalog's length).
 */
export async function run(): Promise<void> {
  const maxDays = Number(process.env.ASMM_CATALOG_BACKTEST_DAYS ?? 30);
  if (!(Number.isInteger(maxDays) && maxDays >= 1 && maxDays <= 31)) throw new RangeError(`ASMM_CATALOG_BACKTEST_DAYS must be a whole number in 1..31, got ${maxDays}`);
  const seed = '1';
  const root = projectPath('data', 'bench', `catalog-backtest-${maxDays}d`);
  const stamp = join(root, 'bench-stamp.json');
  const wanted = JSON.stringify({ maxDays, seed, intervalMs: 100 });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    process.stderr.write(`writing ${maxDays} sample days at 100 ms into ${root} (once; kept for the next run)...\n`);
    asmm(['sample', '--days', String(maxDays), '--interval-ms', '100', '--seed', seed, '--catalog', join(root, 'catalog'), '--json']);
    process.stderr.write('writing the first day as files for the in-memory run...\n');
    asmm(['sample', '--hours', '24', '--interval-ms', '100', '--seed', seed, '--out', join(root, 'day1'), '--json']);
    writeFileSync(stamp, wanted);
  }
  const catalog = join(root, 'catalog');
  const report = join(root, 'report.html');
  const common = ['--fill', 'queue', '--report', report, '--json'];

  const memory = timed(['backtest', '--data', join(root, 'day1', 'books.arrow'), '--trades', join(root, 'day1', 'trades.arrow'), ...common]);
  const rate = (r: { out: BacktestJson; wallSec: number }) => r.out.nativeEvents / r.wallSec;
  const memRate = rate(memory);
  const rows: Array<Array<string | number>> = [];
  rows.push(['in memory, 1 day (asmm backtest --data, Arrow)', memory.out.nativeEvents, memory.wallSec.toFixed(1), (memRate / 1e6).toFixed(2), '1.00', memory.out.replaySec.toFixed(1), memory.peakMb.toFixed(0), `${memory.out.metrics.fills} fills`]);
  const streamed: Array<{ days: number; rate: number; peakMb: number }> = [];
  for (const days of [...new Set([1, Math.min(10, maxDays), maxDays])]) {
    const to = new Date(Date.UTC(2026, 0, 1) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const r = timed(['backtest', '--catalog', catalog, '--inst', 'ETH-USDT', '--from', '2026-01-01', '--to', to, ...common]);
    streamed.push({ days, rate: rate(r), peakMb: r.peakMb });
    rows.push([`streamed from the catalog, ${days} day${days > 1 ? 's' : ''}`, r.out.nativeEvents, r.wallSec.toFixed(1), (rate(r) / 1e6).toFixed(2), (rate(r) / memRate).toFixed(2), r.out.replaySec.toFixed(1), r.peakMb.toFixed(0), `${r.out.metrics.fills} fills`]);
  }
  printTable(['run', 'events', 'wall s', 'M events/s', 'vs memory', 'replay s', 'peak RSS MB', ''], rows);
  const worst = streamed.reduce((a, b) => (b.rate < a.rate ? b : a));
  const peak = Math.max(...streamed.map((s) => s.peakMb));
  const first = streamed[0];
  const last = streamed[streamed.length - 1];
  // a run of 1 day never fills the replay's carry buffers (sized to the largest day, allocated at the second
  // day): from a few days on, the peak is about four days of columns (the day replayed, the next one read, the
  // buffers), whatever the number of days; the middle run against the longest shows it
  const middle = streamed.length > 2 ? streamed[streamed.length - 2] : undefined;
  process.stdout.write(
    `peak RSS: ${peak.toFixed(0)} MB at most (target < 1536 MB: ${(peak / 1536).toFixed(2)}x); ${first.days} day ${first.peakMb.toFixed(0)} MB -> ${last.days} days ${last.peakMb.toFixed(0)} MB (${(last.peakMb / first.peakMb).toFixed(2)}x for ${last.days / first.days}x the days)` +
      (middle ? `; ${middle.days} days ${middle.peakMb.toFixed(0)} MB -> ${last.days} days ${last.peakMb.toFixed(0)} MB (${(last.peakMb / middle.peakMb).toFixed(2)}x for ${last.days / middle.days}x the days)` : '') +
      '\n' +
      `events/s end to end: the slowest streamed run is ${(worst.rate / memRate).toFixed(2)}x the in-memory run of one day (target ≥ 0.75x)\n`,
  );
}

interface BacktestJson {
  nativeEvents: number;
  replaySec: number;
  metrics: { fills: number; pnl: number };
  peakRssMb: number;
}

/** Runs the CLI (compiled when fresh) as a child; its JSON, wall seconds and peak RSS. */
function timed(args: string[]): { out: BacktestJson; wallSec: number; peakMb: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [projectPath('bin', 'asmm.mjs'), ...args], { cwd: projectPath(), encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallSec = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`asmm ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout) as BacktestJson;
  return { out, wallSec, peakMb: out.peakRssMb };
}

function asmm(args: string[]): void {
  const r = spawnSync(process.execPath, [projectPath('bin', 'asmm.mjs'), ...args], { cwd: projectPath(), encoding: 'utf8', stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`asmm ${args.join(' ')} failed (${r.status})`);
}
