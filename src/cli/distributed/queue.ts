import { hostname } from 'node:os';
import { UsageError } from '../command.js';
import { FlowProducer, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { EvaluationResult } from '../../calibrate/evaluate.js';
import type { WorkUnit } from './unit.js';

/** The BullMQ queue every calibration job goes through. */
export const CALIBRATION_QUEUE = 'asmm-calibrate';

/** A `--redis` URL checked (redis:// or rediss://, a host), or an Error naming what is wrong. */
export function parseRedisUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--redis ${text}: not a URL (expected redis://HOST:6379)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--redis ${text}: scheme must be redis:// or rediss://`);
  if (!url.hostname) throw new Error(`--redis ${text}: no host`);
  return url;
}

/** A connection for BullMQ (commands wait through reconnects: a restarted Redis resumes the sweep). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** Pings Redis once with a deadline; throws the UsageError `cannot reach Redis at URL: reason`. */
export async function assertReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    // like a path that cannot serve, a server that cannot be reached is bad usage (exit 2), said in one line
    throw new UsageError(`cannot reach Redis at ${url}: ${(error as Error).message || String(error)}`);
  } finally {
    probe.disconnect();
  }
}

const runKey = (runId: string) => `asmm:run:${runId}`;
const cellJobId = (runId: string, taskId: number) => `${runId}.${taskId}`;

/** What a run stores in Redis so that `--attach RUN_ID` can gather it again: the command line and the job count. */
export interface RunRecord {
  readonly argv: readonly string[];
  readonly total: number;
  readonly submittedAtMs: number;
}

export async function readRunRecord(connection: Redis, runId: string): Promise<RunRecord | undefined> {
  const text = await connection.get(runKey(runId));
  return text ? (JSON.parse(text) as RunRecord) : undefined;
}

/**
 * Submits a sweep as one BullMQ flow: every (parameter set, window) cell is a child job with a deterministic id
 * (`RUN.TASK`, so a resubmission adds nothing twice), the walk-forward is their parent. Cells are retried
 * `attempts` times; a cell that still fails does not block the parent (its error goes into the table).
 */
export async function submitSweep(connection: Redis, runId: string, argv: readonly string[], units: readonly WorkUnit[], attempts: number): Promise<void> {
  const record: RunRecord = { argv, total: units.length, submittedAtMs: Date.now() };
  await connection.set(runKey(runId), JSON.stringify(record), 'NX');
  const flow = new FlowProducer({ connection });
  try {
    await flow.add({
      name: 'walkforward',
      queueName: CALIBRATION_QUEUE,
      data: { runId },
      opts: { jobId: runId, removeOnComplete: false, removeOnFail: false },
      children: units.map((unit) => ({
        name: 'cell',
        queueName: CALIBRATION_QUEUE,
        data: unit,
        opts: { jobId: cellJobId(runId, unit.task.id), attempts, backoff: { type: 'fixed', delay: 50 }, ignoreDependencyOnFailure: true, removeOnComplete: false, removeOnFail: false },
      })),
    });
  } finally {
    await flow.close();
  }
}

/** One cell's state as read from Redis: done with its row, failed for good with its error, or still open. */
export type CellState =
  | { readonly kind: 'done'; readonly result: EvaluationResult; readonly worker: string }
  | { readonly kind: 'failed'; readonly error: string; readonly attempts: number; readonly worker: string }
  | { readonly kind: 'open' };

/** Reads the finished cells among `taskIds` in one pipeline (the job hashes BullMQ keeps under `bull:QUEUE:ID`). */
export async function readCells(connection: Redis, runId: string, taskIds: readonly number[]): Promise<Map<number, CellState>> {
  const pipeline = connection.pipeline();
  for (const id of taskIds) pipeline.hmget(`bull:${CALIBRATION_QUEUE}:${cellJobId(runId, id)}`, 'finishedOn', 'returnvalue', 'failedReason', 'atm', 'pb');
  const replies = (await pipeline.exec()) ?? [];
  const out = new Map<number, CellState>();
  taskIds.forEach((id, i) => {
    const [error, fields] = replies[i] ?? [];
    if (error || !fields) return out.set(id, { kind: 'open' });
    const [finishedOn, returnvalue, failedReason, attemptsMade, processedBy] = fields as Array<string | null>;
    if (!finishedOn) return out.set(id, { kind: 'open' });
    const worker = processedBy ?? '?';
    if (returnvalue && returnvalue !== 'null') return out.set(id, { kind: 'done', result: JSON.parse(returnvalue) as EvaluationResult, worker });
    out.set(id, { kind: 'failed', error: failedReason ?? 'failed', attempts: Number(attemptsMade ?? 0), worker });
  });
  return out;
}

export interface CalibrationWorkerOptions {
  readonly redisUrl: string;
  readonly concurrency: number;
  readonly processorPath: string;
  /** How long a job's lock lives without renewal (ms); a killed worker's job is taken again after about this long. */
  readonly lockMs: number;
  readonly onEvent?: (line: string) => void;
}

/** A BullMQ worker running cells in sandboxed child processes (`concurrency` of them), and how to stop it. */
export interface CalibrationWorker {
  readonly worker: Worker;
  /** Finishes (or releases) the running jobs, stops the sandboxed processors and closes the Redis connection. */
  close(): Promise<void>;
}

export function startCalibrationWorker(options: CalibrationWorkerOptions): CalibrationWorker {
  const name = `${hostname()}:${process.pid}`;
  const connection = redisConnection(options.redisUrl);
  const worker = new Worker(CALIBRATION_QUEUE, options.processorPath, {
    connection,
    concurrency: options.concurrency,
    name,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 5,
    useWorkerThreads: false,
  });
  worker.on('completed', (job) => options.onEvent?.(`done ${job.id}`));
  worker.on('failed', (job, error) => options.onEvent?.(`failed ${job?.id} (attempt ${job?.attemptsMade}): ${error.message}`));
  worker.on('error', (error) => options.onEvent?.(`error: ${error.message}`));
  return {
    worker,
    // BullMQ closes the connections it made, not one it was given: without the quit the open socket keeps the
    // process alive after SIGTERM
    close: async () => {
      try {
        await worker.close();
      } finally {
        await connection.quit().catch(() => connection.disconnect());
      }
    },
  };
}
