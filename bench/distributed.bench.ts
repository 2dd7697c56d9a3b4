import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalWorkers } from '../src/cli/distributed/localWorkers.js';
import { findRedisServer, startLocalRedis } from '../src/project/localRedis.js';
import { projectPath } from '../src/project/index.js';
import { printTable } from './util.js';

const bin = projectPath('bin', 'asmm.mjs');

/** Runs asmm to the end and returns its JSON (throws with its stderr when it fails). */
function asmmJson(args: string[]): { seconds: number; table: unknown[]; workers: number } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ASMM_ROOT: projectPath() } });
  if (r.status !== 0) throw new Error(`asmm ${args.slice(0, 3).join(' ')} … failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout);
}

const gammas = (n: number) => Array.from({ length: n }, (_, i) => (0.01 * (i + 1)).toFixed(2)).join(',');

/**
 * Calibration on BullMQ workers against the local worker-thread pool, on loopback (redis-server on 127.0.0.1):
 * 1. overhead per job: 1,000 small jobs (250 γ × 4 windows of a 3-minute sample), local pool of 2 threads
 *    against 2 worker processes; (distributed − local) / 1,000. Target ≤ 20 ms.
 * 2. speed-up: 40 backtests (10 γ × 4 windows of a 6-hour sample) on 1 and on 2 worker
 *    processes, timed on a second submission (the first prepares each process's copy of the data, as the first
 *    jobs of a long sweep do).
 * The times are calibrate's own (`seconds` in its JSON: submit to last row gathered; the local pool's run),
 * without process, Redis or worker start-up. The tables of each pair are checked equal before any ratio.
 */
export async function run(): Promise<void> {
  const redisServer = findRedisServer();
  if (!redisServer) {
    process.stdout.write('redis-server is not installed: the distributed bench needs it (node scripts/setup.mjs installs it)\n');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'asmm-bench-distributed-'));
  const redis = await startLocalRedis(redisServer, dir);
  try {
    const small = join(dir, 'small');
    const medium = join(dir, 'medium');
    for (const [out, hours] of [[small, '0.05'], [medium, '6']]) {
      if (spawnSync(process.execPath, [bin, 'sample', '--hours', hours, '--out', out, '--json'], { stdio: 'ignore' }).status !== 0) throw new Error('asmm sample failed');
    }
    const sweep = (data: string, sets: number, extra: string[]) => ['calibrate', '--data', join(data, 'books.arrow'), '--trades', join(data, 'trades.arrow'), '--grid', `gamma=${gammas(sets)}`, '--windows', '4', '--window', '30s', '--report', join(dir, 'r.html'), '--json', ...extra];
    const distributed = async (workers: number, args: string[], warm = false) => {
      const pool = startLocalWorkers(redis.url, workers);
      try {
        if (warm) asmmJson([...args, '--redis', redis.url]);
        return asmmJson([...args, '--redis', redis.url]);
      } finally {
        await pool.stop();
      }
    };
    const same = (a: { table: unknown[] }, b: { table: unknown[] }, what: string) => {
      if (JSON.stringify(a.table) !== JSON.stringify(b.table)) throw new Error(`${what}: the distributed table differs from the local one`);
    };

    const localSmall = asmmJson(sweep(small, 250, ['--workers', '2']));
    const distSmall = await distributed(2, sweep(small, 250, []));
    same(localSmall, distSmall, '1,000 small jobs');
    const overheadMs = ((distSmall.seconds - localSmall.seconds) * 1000) / 1000;

    const localMedium = asmmJson(sweep(medium, 10, ['--workers', '2']));
    const one = await distributed(1, sweep(medium, 10, []), true);
    const two = await distributed(2, sweep(medium, 10, []), true);
    same(localMedium, one, '40 backtests, 1 worker');
    same(localMedium, two, '40 backtests, 2 workers');

    printTable(
      ['calibration sweep (loopback Redis)', 'jobs', 'local pool s', 'distributed s', 'per job ms'],
      [
        ['1,000 small jobs, 2 threads vs 2 worker processes', 1000, localSmall.seconds.toFixed(2), distSmall.seconds.toFixed(2), ((distSmall.seconds * 1000) / 1000).toFixed(1)],
        ['40 backtests, 1 worker process (warm)', 40, localMedium.seconds.toFixed(2), one.seconds.toFixed(2), ((one.seconds * 1000) / 40).toFixed(1)],
        ['40 backtests, 2 worker processes (warm)', 40, localMedium.seconds.toFixed(2), two.seconds.toFixed(2), ((two.seconds * 1000) / 40).toFixed(1)],
      ],
    );
    const perBacktestSec = one.seconds / 40;
    process.stdout.write(
      [
        `overhead per job against the local pool: ${overheadMs.toFixed(1)} ms (target <= 20 ms: ${overheadMs <= 20 ? 'met' : 'MISSED'})`,
        `speed-up 1 -> 2 worker processes on this machine's ${spawnSync('nproc').stdout?.toString().trim() ?? '?'} cores: ${(one.seconds / two.seconds).toFixed(2)}x`,
        `one 90-minute window backtest (queue fills, 100 ms book) on one warm worker process: ${(perBacktestSec * 1000).toFixed(1)} ms; a day is 16 such windows, so a month (30 days) x 100 parameter sets = 3,000 day-backtests = ${(3000 * 16 * perBacktestSec).toFixed(0)} process-seconds: ${((3000 * 16 * perBacktestSec) / (100 * 8)).toFixed(1)} s on 100 machines of 8 worker processes, plus each process's first read of its days (on paper, from this run's per-job cost)`,
      ].join('\n') + '\n',
    );
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
