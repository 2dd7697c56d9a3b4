import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectPath } from '../project/index.js';
import { jupyterEnv, jupyterPython } from './environment.js';

export interface NotebookRun {
  readonly notebook: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly cells: number;
  /** 1-based index of the failing cell (counting markdown cells too), when one failed. */
  readonly failedCell: number | null;
  readonly error: string | null;
  readonly executedPath: string;
  readonly htmlPath: string;
}

/**
 * Executes a notebook headless on the project's tslab kernel and writes `<outDir>/<name>.ipynb` (executed)
 * and `<outDir>/<name>.html` (standalone export; plots carry their plotly bundle, so they work offline).
 * Never throws for a failing notebook: the result says which cell failed and why.
 */
export function runNotebook(notebook: string, outDir: string, timeoutSec = 900): Promise<NotebookRun> {
  mkdirSync(outDir, { recursive: true });
  const name = basename(notebook, '.ipynb');
  const executedPath = join(outDir, `${name}.ipynb`);
  const htmlPath = join(outDir, `${name}.html`);
  const started = performance.now();
  const args = [projectPath('scripts', 'run_notebook.py'), notebook, executedPath, htmlPath, '--timeout', String(timeoutSec)];
  return new Promise((resolve) => {
    const child = spawn(jupyterPython(), args, { env: jupyterEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const finish = (code: number | null, spawnError?: Error) => {
      const seconds = (performance.now() - started) / 1000;
      const last = stdout.trim().split('\n').pop() ?? '';
      let parsed: { ok?: boolean; cells?: number; failedCell?: number | null; error?: string | null } = {};
      try {
        parsed = JSON.parse(last) as typeof parsed;
      } catch {
        parsed = { ok: false, error: spawnError?.message ?? (stderr.trim().split('\n').slice(-3).join(' | ') || `runner exited ${code}`) };
      }
      resolve({
        notebook,
        ok: parsed.ok === true && code === 0,
        seconds,
        cells: parsed.cells ?? 0,
        failedCell: parsed.failedCell ?? null,
        error: parsed.error ?? (code === 0 ? null : `runner exited ${code}`),
        executedPath,
        htmlPath,
      });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}
