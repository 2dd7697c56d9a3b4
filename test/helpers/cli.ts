import { spawnSync } from 'node:child_process';
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
