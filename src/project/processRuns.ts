/**
 * Whether a process of this id runs on this machine: signal 0 probes without signalling, and EPERM means it
 * runs under another user. (scripts/build.mjs, which runs before src/ is compiled, keeps a copy of this.)
 */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
