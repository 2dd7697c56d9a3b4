import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../project/index.js';

/** asmm worker processes started on this machine (`asmm cluster`, the distributed bench). */
export interface LocalWorkers {
  readonly processes: readonly ChildProcess[];
  /** Settles when every worker has exited, with how each ended (`exit 1`, `SIGKILL`). */
  readonly allExited: Promise<string[]>;
  /** SIGTERM to each (a worker finishes or releases its job), then the wait for their exits. */
  stop(): Promise<void>;
}

/**
 * Starts `count` `asmm worker --redis URL --concurrency 1` processes (one sandboxed processor each), their
 * stderr lines passed to `onStderr` (or dropped with `--quiet`), a job lock of `lock` (default 5s).
 */
export function startLocalWorkers(redisUrl: string, count: number, options: { lock?: string; onStderr?: (chunk: Buffer) => void } = {}): LocalWorkers {
  const bin = projectPath('bin', 'asmm.mjs');
  const processes = Array.from({ length: count }, () => {
    const args = [bin, 'worker', '--redis', redisUrl, '--concurrency', '1', '--lock', options.lock ?? '5s', ...(options.onStderr ? [] : ['--quiet'])];
    const worker = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', options.onStderr ? 'pipe' : 'ignore'] });
    if (options.onStderr) worker.stderr!.on('data', options.onStderr);
    return worker;
  });
  const ending = (code: number | null, signal: string | null) => (signal ? signal : `exit ${code}`);
  const exited = (child: ChildProcess) =>
    new Promise<string>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(ending(child.exitCode, child.signalCode));
      child.once('exit', (code, signal) => resolve(ending(code, signal)));
    });
  const allExited = Promise.all(processes.map(exited));
  return {
    processes,
    allExited,
    stop: async () => {
      for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await allExited;
    },
  };
}
