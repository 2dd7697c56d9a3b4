import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer } from '../project/localRedis.js';
import { projectPath } from '../project/index.js';

/** One sweep's rows as `asmm calibrate --json` prints them (parameters, then the means per window). */
export type SweepRow = Record<string, number>;

/** The same sweep run locally and on a local cluster, for notebook 06. */
export interface SweepComparison {
  /** Why the distributed run did not happen (no redis-server, catalog data), when it did not. */
  readonly skipped?: string;
  readonly local?: { readonly seconds: number; readonly workers: number; readonly table: readonly SweepRow[] };
  readonly distributed?: { readonly seconds: number; readonly workers: number; readonly table: readonly SweepRow[] };
  /** The two tables and walk-forwards are equal, row for row. */
  readonly equal?: boolean;
  /** The two command lines, to run by hand. */
  readonly commands: readonly string[];
}

/** Runs `asmm ARGS` to the end; its JSON, or an Error with its last stderr lines. */
function asmmJson(args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [projectPath('bin', 'asmm.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASMM_ROOT: projectPath() } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`asmm ${args[0]} failed (exit ${code}): ${err.trim().split('\n').slice(-2).join(' | ')}`))));
  });
}

/**
 * The sweep `grid` × `windows` on the book (and trades) files, once in local worker threads (`asmm calibrate`)
 * and once on `workers` asmm worker processes over a Redis started for it (`asmm cluster`), with the tables
 * compared. Skipped, saying why, without redis-server or for catalog data (the cluster takes files).
 */
export async function compareLocalAndDistributed(options: { bookPath: string; tradesPath?: string; source: string; grid: string; windows: number; workers: number }): Promise<SweepComparison> {
  const data = ['--data', options.bookPath, ...(options.tradesPath ? ['--trades', options.tradesPath] : []), '--grid', options.grid, '--windows', String(options.windows)];
  const shell = data.map((arg) => (/^[\w./=,:-]+$/.test(arg) ? arg : `"${arg}"`)).join(' ');
  const commands = [`asmm calibrate ${shell}`, `asmm cluster --workers ${options.workers} ${shell}`];
  if (options.source === 'catalog') return { skipped: 'the data is a catalog range: asmm cluster takes files (--data, --trades)', commands };
  if (!findRedisServer()) return { skipped: "redis-server is not installed (node scripts/setup.mjs installs Debian's redis-server)", commands };
  const dir = mkdtempSync(join(tmpdir(), 'asmm-nb-cluster-'));
  try {
    const local = await asmmJson(['calibrate', ...data, '--report', join(dir, 'local.html'), '--json']);
    const distributed = await asmmJson(['cluster', '--workers', String(options.workers), ...data, '--report', join(dir, 'cluster.html'), '--json']);
    const equal = JSON.stringify(local.table) === JSON.stringify(distributed.table) && JSON.stringify(local.walkForward) === JSON.stringify(distributed.walkForward);
    const pick = (run: any) => ({ seconds: run.seconds as number, workers: run.workers as number, table: run.table as SweepRow[] });
    return { local: pick(local), distributed: pick(distributed), equal, commands };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
