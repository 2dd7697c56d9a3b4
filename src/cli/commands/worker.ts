import { availableParallelism } from 'node:os';
import { projectPath } from '../../project/index.js';
import { durationOption, numberOption, parseCommandArgs, UsageError } from '../command.js';

/** `asmm worker --redis URL [--concurrency N] [--lock 30s] [--quiet]`: runs calibration jobs until SIGTERM or SIGINT. */
export async function runWorker(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { redis: { type: 'string' }, concurrency: { type: 'string' }, lock: { type: 'string' }, quiet: { type: 'boolean' } }, { min: 0, max: 0 });
  if (!values.redis) throw new UsageError('--redis redis://HOST:6379 is required');
  const { assertReachable, parseRedisUrl, startCalibrationWorker } = await import('../distributed/queue.js');
  try {
    parseRedisUrl(values.redis);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const concurrency = numberOption('concurrency', values.concurrency, availableParallelism(), (v) => Number.isInteger(v) && v >= 1);
  const lockMs = durationOption('lock', values.lock, 30_000) as number;
  await assertReachable(values.redis);
  const say = (line: string) => {
    if (!values.quiet) process.stderr.write(`worker ${process.pid}: ${line}\n`);
  };
  const worker = startCalibrationWorker({ redisUrl: values.redis, concurrency, processorPath: projectPath('scripts', 'distributed-processor.mjs'), lockMs, onEvent: say });
  say(`waiting for jobs on ${values.redis} (${concurrency} sandboxed processor(s))`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      say(`${signal}: finishing the running job(s), then exiting`);
      void worker.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  say('stopped');
  return 0;
}
