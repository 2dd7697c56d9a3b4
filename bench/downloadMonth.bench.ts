import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHistoryServer, type HistoryFault } from '../src/download/index.js';
import { addDays, dayWindowMs, okxBooksFileName, okxTradesFileName } from '../src/formats/index.js';
import { projectPath } from '../src/project/index.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../src/sample/index.js';
import { printTable } from './util.js';

const FROM = '2025-11-01';
const DAYS = 30;
const INST = 'BTC-USDT';

/**
 * `asmm download okx` over a generated month (30 days of books and trades of BTC-USDT in OKX's exact
 * layouts, small days: the `small` preset), served by the local history server on 127.0.0.1 (never OKX) with
 * faults injected: connections dropped mid-file (resumed with Range), a server that ignores Range (the file
 * restarts), 5xx answers (retried), an archive cut short (kept as .bad, the run exits 1) and days OKX has no
 * file for (404: one line each). The real CLI runs as a child process, as a user runs it; its event lines
 * and summary are printed, then what is on disk. A demonstration of the behaviour more than a timing.
 */
export async function run(): Promise<void> {
  const root = join(tmpdir(), `asmm-download-month-${process.pid}`);
  const src = join(root, 'src');
  const out = join(root, 'out');
  mkdirSync(src, { recursive: true });
  try {
    for (let d = 0; d < DAYS; d++) {
      const date = addDays(FROM, d);
      if (d === 29) continue; // the month's last day: not published yet (404)
      await writeOkxHistoryDay({ dir: src, kind: 'books', date, inst: INST, ...OKX_HISTORY_PRESETS.small, durationSec: 20, originMs: dayWindowMs(date, 'utc')[0] });
      await writeOkxHistoryDay({ dir: src, kind: 'trades', date, inst: INST, ...OKX_HISTORY_PRESETS.small, durationSec: 120 });
    }
    const books = (d: number) => okxBooksFileName(INST, addDays(FROM, d));
    const trades = (d: number) => okxTradesFileName(INST, addDays(FROM, d));
    const faults: Record<string, HistoryFault[]> = {
      [books(2)]: [{ kind: 'drop', afterBytes: 2000 }],
      [books(11)]: [{ kind: 'drop', afterBytes: 1000 }, { kind: 'drop', afterBytes: 1000 }],
      [trades(7)]: [{ kind: 'status', status: 503 }],
      [books(16)]: [{ kind: 'drop', afterBytes: 1500 }, { kind: 'ignoreRange' }],
      [trades(21)]: [{ kind: 'status', status: 500 }, { kind: 'drop', afterBytes: 800 }],
      [trades(25)]: [{ kind: 'truncate', bytes: 1200 }],
    };
    const server = await startHistoryServer({ dir: src, faults, lifetimeMs: 600_000 });
    const args = ['download', 'okx', '--inst', INST, '--from', FROM, '--to', addDays(FROM, DAYS - 1), '--out', out, '--base-url', server.baseUrl, '--backoff', '5ms', '--backoff-max', '50ms'];
    const started = performance.now();
    // a child process run asynchronously: the history server answers from this process's event loop
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, [projectPath('bin', 'asmm.mjs'), ...args], { env: { ...process.env, ASMM_ROOT: projectPath() } });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d) => (stdout += d));
      proc.stderr.on('data', (d) => (stderr += d));
      proc.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const seconds = (performance.now() - started) / 1000;
    await server.close();
    process.stdout.write(`$ asmm ${args.join(' ').replace(server.baseUrl, 'http://127.0.0.1:PORT').replace(out, 'OUT')}\n`);
    process.stdout.write(child.stderr.replaceAll(out, 'OUT').replaceAll(server.baseUrl, 'http://127.0.0.1:PORT'));
    process.stdout.write(child.stdout.replaceAll(out, 'OUT'));
    process.stdout.write(`exit ${child.status} after ${seconds.toFixed(1)} s\n`);
    const onDisk = (kind: string) => readdirSync(join(out, INST, kind));
    printTable(
      ['on disk', 'books', 'trades'],
      [
        ['day files (verified)', onDisk('books').filter((f) => f.endsWith('.tar.gz')).length, onDisk('trades').filter((f) => f.endsWith('.zip')).length],
        ['.bad (failed the check)', onDisk('books').filter((f) => f.endsWith('.bad')).length, onDisk('trades').filter((f) => f.endsWith('.bad')).length],
        ['.partial left', onDisk('books').filter((f) => f.endsWith('.partial')).length, onDisk('trades').filter((f) => f.endsWith('.partial')).length],
      ],
    );
    if (child.status !== 1) throw new Error(`expected exit 1 (one archive cut short), got ${child.status}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
