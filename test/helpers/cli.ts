import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/** Runs `asmm` (bin/asmm.mjs) as a user would, capturing its output. */
export function runAsmm(args: string[], options: { cwd?: string } = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'asmm.mjs'), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, ASMM_ROOT: root },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const projectRootForTests = root;

/**
 * Starts `asmm` as a background process (for commands that run until stopped, such as `record`): the child,
 * a promise of its exit code (128 when a signal ended it) and its output so far.
 */
export function spawnAsmm(args: string[]): { child: ChildProcess; exited: Promise<number>; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [join(root, 'bin', 'asmm.mjs'), ...args], { cwd: root, env: { ...process.env, ASMM_ROOT: root } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
