import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { projectPath } from '../../project/index.js';
import { numberOption, parseCommandArgs, UsageError } from '../command.js';
import { startLocalWorkers, type LocalWorkers } from '../distributed/localWorkers.js';

/** The sweep `asmm cluster` submits when given none: the one of docs/calibration.md. */
const SAMPLE_GRID = 'gamma=0.01,0.1;size=0.01,0.05';

/**
 * `asmm cluster [--workers 3] [--data FILE [--trades FILE]] [--grid G] [--windows 3] [--report FILE.html] [--json]`:
 * a distributed calibration on this machine in one command. Starts redis-server on a free 127.0.0.1 port (in a
 * temporary directory), N `asmm worker` processes, and `asmm calibrate --redis` on the sample market (0.2 h,
 * generated into the temporary directory) or the given files; prints what calibrate prints (the table, or its
 * JSON), then stops the workers and Redis and removes the directory, on success, failure and Ctrl-C alike.
 * Exit code: calibrate's.
 */
export async function runCluster(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { workers: { type: 'string' }, data: { type: 'string' }, trades: { type: 'string' }, grid: { type: 'string' }, windows: { type: 'string' }, report: { type: 'string' }, json: { type: 'boolean' } },
    { min: 0, max: 0 },
  );
  const workerCount = numberOption('workers', values.workers, 3, (v) => Number.isInteger(v) && v >= 1 && v <= 64);
  if (values.trades && !values.data) throw new UsageError('--trades goes with --data');
  const { findRedisServer, startLocalRedis } = await import('../../project/localRedis.js');
  const redisServer = findRedisServer();
  if (!redisServer) throw new UsageError('redis-server is not installed (node scripts/setup.mjs installs Debian\'s redis-server)', { showUsage: false });
  const bin = projectPath('bin', 'asmm.mjs');
  const say = (line: string) => process.stderr.write(`cluster: ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'asmm-cluster-'));
  let workers: LocalWorkers | undefined;
  let redis: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
  // Ctrl-C reaches every process of the group (Redis, the workers, calibrate): this one waits for them and cleans up
  const onSigint = () => say('interrupted: stopping the workers and Redis');
  if (isMainThread) process.once('SIGINT', onSigint);
  try {
    let data = values.data;
    let trades = values.trades;
    if (!data) {
      const out = join(dir, 'data');
      say(`generating the sample market (0.2 h) in ${out}`);
      const code = await exitOf(spawn(process.execPath, [bin, 'sample', '--hours', '0.2', '--out', out, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] }));
      if (code !== 0) throw new Error(`asmm sample failed (exit ${code})`);
      data = join(out, 'books.arrow');
      trades = join(out, 'trades.arrow');
    }
    redis = await startLocalRedis(redisServer, dir);
    say(`redis-server on ${redis.url} (files in ${dir}); starting ${workerCount} worker(s)`);
    workers = startLocalWorkers(redis.url, workerCount, { onStderr: (d) => process.stderr.write(d) });
    const args = ['calibrate', '--data', data, ...(trades ? ['--trades', trades] : []), '--grid', values.grid ?? SAMPLE_GRID, '--windows', values.windows ?? '3', '--redis', redis.url];
    if (values.report) args.push('--report', values.report);
    if (values.json) args.push('--json');
    say(`asmm ${args.join(' ')}`);
    // calibrate's output through this process's own streams (a pipe the caller reads, or the terminal)
    const calibrate = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    calibrate.stdout!.on('data', (d: Buffer) => process.stdout.write(d));
    calibrate.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    // calibrate waits for its jobs as long as it takes: if every worker is gone, nobody will run them
    const outcome = await Promise.race([exitOf(calibrate).then((code) => ({ code })), workers.allExited.then((codes) => ({ codes }))]);
    if ('code' in outcome) return outcome.code;
    say(`every worker ended (${outcome.codes.join(', ')}) before the sweep completed: stopping calibrate (the workers' lines above say why)`);
    calibrate.kill('SIGTERM');
    await exitOf(calibrate);
    return 1;
  } finally {
    await workers?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (isMainThread) process.removeListener('SIGINT', onSigint);
    say(`stopped ${workers ? workerCount : 0} worker(s) and Redis`);
  }
}

/** The exit code of a child (128 + signal number style: 130 for SIGINT, 1 for other signals). */
function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}
