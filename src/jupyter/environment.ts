import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project/index.js';

/** Debian's Python, which carries nbclient/nbconvert (a pyenv or venv `python3` earlier on PATH may not). */
export function jupyterPython(): string {
  return process.env.ASMM_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/**
 * Environment for Jupyter processes: the project's kernelspec directory first on JUPYTER_PATH (so the
 * `tslab` kernel is the project's, never one from the user's home) and ASMM_ROOT for the kernel's modules.
 */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const root = projectRoot();
  const own = join(root, '.jupyter');
  const path = base.JUPYTER_PATH ? `${own}:${base.JUPYTER_PATH}` : own;
  return { ...base, JUPYTER_PATH: path, ASMM_ROOT: root, PYTHONUNBUFFERED: '1' };
}
