import { durationOption, UsageError } from './command.js';
import type { CalibrationOptions, CalibrationResult } from '../calibrate/runner.js';
import { assertReachable, parseRedisUrl, readRunRecord, redisConnection } from './distributed/queue.js';
import { runDistributedCalibration, type SweepStatus } from './distributed/sweep.js';
import type { DataShard } from './distributed/unit.js';

function checkedUrl(url: string | undefined): string {
  if (!url) throw new UsageError('--redis redis://HOST:6379 is required with --attach');
  try {
    parseRedisUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return url;
}

/** The command line of run `runId` as stored in Redis, with `--attach-run` so it gathers instead of submitting. */
export async function attachedArgv(url: string | undefined, runId: string): Promise<string[]> {
  const redisUrl = checkedUrl(url);
  await assertReachable(redisUrl);
  const connection = redisConnection(redisUrl);
  try {
    const record = await readRunRecord(connection, runId);
    if (!record) throw new UsageError(`--attach ${runId}: no such run on ${redisUrl}`);
    attaching = runId;
    return [...record.argv.filter((_, i, a) => a[i] !== '--redis' && a[i - 1] !== '--redis'), '--redis', redisUrl];
  } finally {
    connection.disconnect();
  }
}
let attaching: string | undefined;

/** Aggregated progress on stderr: done, failed, rate, ETA, per worker. */
function progressLine(status: SweepStatus): string {
  const finished = status.done + status.failed;
  const rate = finished / Math.max(status.elapsedSec, 1e-3);
  const etaSec = rate > 0 ? (status.total - finished) / rate : NaN;
  const workers = [...status.perWorker].map(([name, n]) => `${name} ${n}`).join(', ');
  return `distributed [${'#'.repeat(Math.round((finished / status.total) * 30)).padEnd(30, '.')}] ${status.done} done, ${status.failed} failed of ${status.total}, ${rate.toFixed(1)} jobs/s, ETA ${Number.isFinite(etaSec) ? `${etaSec.toFixed(0)} s` : '?'}${workers ? ` (${workers})` : ''}`;
}

/**
 * What each worker loads: the files, the instrument, its contract value when given, and the rolling window of σ,
 * A and k (`--window`, read as the local run reads it: a duration with its unit, a bare number of seconds; 300 s
 * when absent).
 */
export function distributedShard(values: Record<string, string | boolean | undefined>): DataShard {
  return {
    dataPath: values.data as string,
    ...(values.trades ? { tradesPath: values.trades as string } : {}),
    ...(values.inst ? { inst: values.inst as string } : {}),
    ...(values['contract-value'] !== undefined ? { contractValue: Number(values['contract-value']) } : {}),
    windowMs: durationOption('window', values.window as string | undefined, 300_000) as number,
  };
}

/** A `runCalibration` stand-in that submits to (or re-attaches to) Redis, for `asmm calibrate --redis`. */
export function distributedRunner(values: Record<string, string | boolean | undefined>, argv: readonly string[]): (options: CalibrationOptions) => Promise<CalibrationResult> {
  const redisUrl = checkedUrl(values.redis as string | undefined);
  const attempts = values.attempts === undefined ? 3 : Number(values.attempts);
  if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError('--attempts must be an integer ≥ 1');
  const tty = process.stderr.isTTY === true;
  let lastShown = 0;
  return async (options) => {
    await assertReachable(redisUrl);
    return runDistributedCalibration(options, {
      redisUrl,
      shard: distributedShard(values),
      argv,
      attempts,
      ...(attaching ? { attachRunId: attaching } : {}),
      ...(process.env.ASMM_TEST_FAIL_TASKS ? { failTaskIds: process.env.ASMM_TEST_FAIL_TASKS.split(',').map(Number) } : {}),
      ...(process.env.ASMM_TEST_HOLD_MS ? { holdMs: Number(process.env.ASMM_TEST_HOLD_MS) } : {}),
      onRunId: (runId) => process.stderr.write(`run ${runId} (re-attach: asmm calibrate --attach ${runId} --redis ${redisUrl})\n`),
      onStatus: (status) => {
        const now = Date.now();
        const finished = status.done + status.failed === status.total;
        if (!finished && now - lastShown < (tty ? 100 : 2000)) return;
        lastShown = now;
        process.stderr.write(`${tty ? '\r' : ''}${progressLine(status)}${tty && !finished ? '' : '\n'}`);
      },
    });
  };
}
