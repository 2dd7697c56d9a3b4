import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { jupyterEnv } from '../../jupyter/index.js';
import { projectRoot } from '../../project/index.js';
import { numberOption, parseCommandArgs } from '../command.js';

export async function runLab(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' } }, { min: 0, max: 0 });
  const port = numberOption('port', values.port, 8888, (v) => Number.isInteger(v) && v > 0 && v < 65536);
  const executable = existsSync('/usr/bin/jupyter-notebook') ? '/usr/bin/jupyter-notebook' : 'jupyter-notebook';
  const args = [
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    `--notebook-dir=${projectRoot()}`,
    '--MappingKernelManager.default_kernel_name=tslab',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  // Own process group: Ctrl-C reaches only us, and we stop the server cleanly (no y/n prompt).
  const child = spawn(executable, args, { env: jupyterEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let announced = false;
  let tail = '';
  const watch = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-2000);
    if (process.env.ASMM_LAB_VERBOSE) process.stderr.write(text);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/[^\s]*token=[0-9a-f]+)/.exec(text)?.[1];
    if (url && !announced) {
      announced = true;
      process.stdout.write(`asmm lab: Jupyter notebook (tslab kernel) at ${url}\nasmm lab: Ctrl-C to stop\n`);
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`asmm lab: cannot start ${executable}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
    if (!announced && signal !== 'SIGTERM') process.stderr.write(`asmm lab: the notebook server stopped (exit ${code}):\n${tail}`);
    resolve(signal === 'SIGTERM' ? 0 : code ?? 0);
  });
  });
}
