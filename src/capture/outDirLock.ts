import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processRuns } from '../project/processRuns.js';

/** The lock file a recorder holds in its output directory while it records. */
export const LOCK_FILE_NAME = '.asmm-record.lock';

/** What a lock file holds (JSON). */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedMs: number;
  readonly started: string;
}

/** Another recorder (alive) holds the directory's lock. */
export class OutDirLockedError extends Error {
  override readonly name = 'OutDirLockedError';
  constructor(
    readonly lockPath: string,
    readonly holder: LockInfo | undefined,
  ) {
    super(
      holder
        ? `${lockPath}: another recorder (pid ${holder.pid} on ${holder.host}, started ${holder.started}) is recording into this directory; use another --out` +
            (holder.host !== hostname() ? ` (or remove the lock file if that recorder is gone: it runs on another host, so asmm cannot tell)` : '')
        : `${lockPath}: this directory is locked by another recorder (unreadable lock file); use another --out, or remove the lock file if no recorder runs`,
    );
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && info.pid > 0 && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** A held lock; `release()` removes the file (idempotent, synchronous: safe in a signal handler). */
export interface OutDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the recorder's lock on `dir` (which must exist): creates `dir/.asmm-record.lock` exclusively (`wx`),
 * holding this process's pid, host and start time, so two recorders never write into one directory (their
 * sessions would interleave in time). A lock left by a recorder that no longer runs (killed with SIGKILL,
 * crashed: its pid is not alive on this host) is taken over, with `onWarning` told so. A lock held by a
 * live process, by another host or unreadable throws `OutDirLockedError`.
 */
export function acquireOutDirLock(dir: string, startedMs: number, onWarning?: (message: string) => void): OutDirLock {
  const path = join(dir, LOCK_FILE_NAME);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedMs, started: new Date(startedMs).toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OutDirLockedError(path, readLock(path));
        throw error;
      }
      const holder = readLock(path);
      if (!holder || holder.host !== hostname() || processRuns(holder.pid)) throw new OutDirLockedError(path, holder);
      onWarning?.(`${path}: taking over the lock of pid ${holder.pid} (started ${holder.started}), which no longer runs; its last session may end abruptly (.partial files)`);
      try {
        unlinkSync(path);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    writeSync(fd, JSON.stringify(info) + '\n');
    closeSync(fd);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        // Only our own lock: never remove one another process took over.
        if (readLock(path)?.pid === process.pid) unlinkSync(path);
      },
    };
  }
}
