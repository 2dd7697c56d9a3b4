// asmm calibrate --redis against a real redis-server (started here on a free 127.0.0.1 port, AOF on, in a
// temporary dir) and real `asmm worker` processes; the reference is the local worker-thread run of the same sweep.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLocalPort, startLocalRedis, type LocalRedis } from '../../src/project/localRedis.js';
import { runAsmm } from '../helpers/cli.js';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'asmm.mjs');
const redisServer = '/usr/bin/redis-server';
const hasRedis = existsSync(redisServer);
if (!hasRedis) console.warn('test/distributed: skipped, redis-server is not installed (node scripts/setup.mjs installs it)');

let dir = '';
let port = 0;
let redis: LocalRedis | undefined;
const url = () => `redis://127.0.0.1:${port}`;

/** redis-server on this test's port and directory (the same after a restart: the AOF brings the queue back). */
async function startRedis(): Promise<void> {
  redis = await startLocalRedis(redisServer, dir, { port });
}
/** Kills Redis as a crash would (SIGKILL), and waits for its exit. */
async function stopRedis(): Promise<void> {
  const proc = redis?.process;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}
const redisCli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args]).stdout.toString().trim();

/** What the workers said on stderr (read as it comes: an unread pipe fills up and blocks the worker writing to it). */
let workerLog = '';
function startWorker(): ChildProcess {
  const worker = spawn(process.execPath, [bin, 'worker', '--redis', url(), '--concurrency', '1', '--lock', '1s'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  worker.stderr!.on('data', (d) => (workerLog += d));
  return worker;
}
/**
 * One worker for the tests that need just a worker to run their sweep (a worker's start, its sandboxed child's
 * start and the shard it prepares are about 1.5 s of CPU): started by the first of them, stopped after the last.
 */
let shared: ChildProcess | undefined;
const sharedWorker = () => (shared ??= startWorker());
async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGTERM');
  });
}

const sweepArgs = () => ['calibrate', '--data', join(dir, 'data', 'books.arrow'), '--trades', join(dir, 'data', 'trades.arrow'), '--grid', 'gamma=0.01,0.1;size=0.01,0.05', '--windows', '3', '--report', join(dir, 'r.html'), '--json'];

function runCalibrate(extra: string[], env: Record<string, string> = {}): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bin, ...sweepArgs(), ...extra], { cwd: dir, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => resolve({ code: code ?? -1, json: code === 0 ? JSON.parse(out) : undefined, stderr: err }));
  });
}

let local: any;
const tableOf = (json: any) => json.table;

describe.skipIf(!hasRedis)('asmm calibrate --redis with asmm worker (real redis-server)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asmm-dist-'));
    expect(spawnSync(process.execPath, [bin, 'sample', '--hours', '0.2', '--out', join(dir, 'data')]).status).toBe(0);
    port = await freeLocalPort();
    await startRedis();
    local = (await runCalibrate(['--workers', '2'])).json;
  }, 120_000);
  afterAll(async () => {
    if (shared) await stopWorker(shared);
    await stopRedis();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a worker killed with SIGKILL mid-job: its job is taken by another worker, every row once, equal to the local table', async () => {
    const first = startWorker();
    const sweep = runCalibrate(['--redis', url()], { ASMM_TEST_HOLD_MS: '600' });
    for (let i = 0; i < 400 && Number(redisCli('LLEN', 'bull:asmm-calibrate:active')) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(Number(redisCli('LLEN', 'bull:asmm-calibrate:active'))).toBeGreaterThan(0);
    // its sandboxed processor (a child process running the job) is orphaned by the SIGKILL
    const children = spawnSync('pgrep', ['-P', String(first.pid)]).stdout.toString().trim().split('\n').filter(Boolean).map(Number);
    expect(children.length).toBeGreaterThan(0);
    first.kill('SIGKILL');
    const second = startWorker();
    const result = await sweep;
    await stopWorker(second);
    // ...and leaves when its parent is gone, instead of spinning on (it did, at 100 % CPU, for minutes)
    const alive = () => children.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    for (let i = 0; i < 100 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/12 done, 0 failed of 12/);
    expect(tableOf(result.json)).toEqual(tableOf(local));
    expect(result.json.walkForward).toEqual(local.walkForward);
    // the walk-forward's warnings too: window 1 (240 s) is shorter than AS's 300 s calibration window, no set fills
    // there, and the choice on it is a tie (the distributed run gave no such warning)
    const warnings = (json: any) => (json.notes as string[]).filter((n) => n.startsWith('WARNING'));
    expect(warnings(local)).toEqual([expect.stringMatching(/^WARNING no parameter set had a fill in window 1 .* a tie, the first set taken on no evidence/)]);
    expect(warnings(result.json)).toEqual(warnings(local));
  }, 120_000);

  it('a job that throws fails after the configured attempts with its message in the result; the sweep completes', async () => {
    sharedWorker();
    const result = await runCalibrate(['--redis', url(), '--attempts', '2'], { ASMM_TEST_FAIL_TASKS: '4' });
    expect(result.code).toBe(0);
    expect(result.json.notes).toContain('cell set 1 window 1 failed after 2 attempt(s): test failure of task 4 (its metrics are NaN)');
    // the other sets' rows are the local ones; set 1's means over windows are NaN (null in JSON): one window has no
    // result, and counted as 0 it would halve a mean of three (the assertion here read .toBeNaN without calling it)
    const table = tableOf(result.json);
    expect(table.filter((_: unknown, i: number) => i !== 1)).toEqual(tableOf(local).filter((_: unknown, i: number) => i !== 1));
    expect(tableOf(local)[1].pnlMeanPerWindow).toEqual(expect.any(Number));
    expect(table[1]).toMatchObject({ pnlMeanPerWindow: null, sharpePerDayMean: null, fillsMeanPerWindow: null });
  }, 120_000);

  it('every job fails: the table and walk-forward hold NaN metrics (null in JSON), not missing ones that print as undefined', async () => {
    sharedWorker();
    const result = await runCalibrate(['--redis', url(), '--attempts', '1'], { ASMM_TEST_FAIL_TASKS: Array.from({ length: 12 }, (_, i) => i).join(',') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/0 done, 12 failed of 12/);
    for (const fold of result.json.walkForward) for (const side of [fold.inSample, fold.outOfSample]) expect(side).toMatchObject({ pnl: null, fills: null, sharpePerDay: null });
    for (const row of tableOf(result.json)) expect(row).toMatchObject({ pnlMeanPerWindow: null, fillsMeanPerWindow: null });
  }, 120_000);

  it('Redis restarted mid-sweep (AOF): the sweep resumes, nothing lost or duplicated', async () => {
    sharedWorker();
    const sweep = runCalibrate(['--redis', url()], { ASMM_TEST_HOLD_MS: '300' });
    for (let i = 0; i < 400 && Number(redisCli('LLEN', 'bull:asmm-calibrate:active')) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await stopRedis();
    await new Promise((r) => setTimeout(r, 500));
    await startRedis();
    const result = await sweep;
    expect(result.code).toBe(0);
    expect(tableOf(result.json)).toEqual(tableOf(local));
    expect(result.json.walkForward).toEqual(local.walkForward);
  }, 120_000);

  it('--attach RUN_ID gathers a run again after its submitter died; an unknown run id is a usage error', async () => {
    sharedWorker();
    const first = await runCalibrate(['--redis', url()]);
    const runId = /run (\S+)/.exec(first.stderr)![1];
    // no worker from here on: --attach reads the stored results, it computes nothing (a resubmitted job would
    // wait for a worker and time out)
    await stopWorker(shared!);
    shared = undefined;
    const again = spawnSync(process.execPath, [bin, 'calibrate', '--attach', runId, '--redis', url()], { cwd: dir });
    expect(again.status).toBe(0);
    expect(tableOf(JSON.parse(again.stdout.toString()))).toEqual(tableOf(local));
    const unknown = spawnSync(process.execPath, [bin, 'calibrate', '--attach', 'cal-nope', '--redis', url()], { cwd: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.toString()).toMatch(/--attach cal-nope: no such run/);
  }, 120_000);

  it('asmm cluster (npm run cluster): its own Redis and workers, the same table as the local run, and nothing left running', async () => {
    const before = spawnSync('pgrep', ['-f', 'redis-server|asmm.mjs worker']).stdout.toString().trim().split('\n').filter(Boolean);
    const r = runAsmm(['cluster', '--workers', '2', '--data', join(dir, 'data', 'books.arrow'), '--trades', join(dir, 'data', 'trades.arrow'), '--grid', 'gamma=0.01,0.1;size=0.01,0.05', '--windows', '3', '--report', join(dir, 'cluster.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(tableOf(json)).toEqual(tableOf(local));
    expect(json.walkForward).toEqual(local.walkForward);
    expect(r.stderr).toMatch(/12 done, 0 failed of 12/);
    expect(r.stderr).toMatch(/stopped 2 worker\(s\) and Redis/);
    const after = spawnSync('pgrep', ['-f', 'redis-server|asmm.mjs worker']).stdout.toString().trim().split('\n').filter(Boolean);
    expect(after.filter((pid) => !before.includes(pid))).toEqual([]);
  }, 120_000);

  it('asmm cluster whose workers all die: it says so and stops with exit 1 instead of waiting forever', async () => {
    const cluster = spawn(process.execPath, [bin, 'cluster', '--workers', '2', '--data', join(dir, 'data', 'books.arrow'), '--trades', join(dir, 'data', 'trades.arrow'), '--windows', '3', '--report', join(dir, 'dead.html')], { cwd: dir, env: { ...process.env, ASMM_TEST_HOLD_MS: '5000' } });
    let err = '';
    cluster.stderr!.on('data', (d) => (err += d));
    cluster.stdout!.resume();
    const exited = new Promise<number | null>((resolve) => cluster.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && (err.match(/waiting for jobs/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const workers = spawnSync('pgrep', ['-P', String(cluster.pid), '-f', 'asmm.mjs worker']).stdout.toString().trim().split('\n').filter(Boolean);
    expect(workers).toHaveLength(2);
    for (const pid of workers) process.kill(Number(pid), 'SIGKILL');
    expect(await exited).toBe(1);
    expect(err).toMatch(/every worker ended \(SIGKILL, SIGKILL\) before the sweep completed: stopping calibrate/);
    expect(err).toMatch(/stopped 2 worker\(s\) and Redis/);
  }, 120_000);
});
