import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHistoryServer, type HistoryFault, type HistoryServer } from '../../src/download/index.js';
import { addDays, dayWindowMs, okxBooksFileName, okxTradesFileName } from '../../src/formats/index.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import { spawnAsmm, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `asmm download okx` end to end, against the local history server only (127.0.0.1, stops by itself):
 * generated day files in OKX's exact layouts are served with injected faults, and the CLI's JSON summary,
 * its event lines and the files it leaves are checked against the generated files (byte for byte) and the
 * faults injected (the server's request log).
 */
const dir = tempDir('asmm-download-cli-');
const src = join(dir, 'src');
const ETH = 'ETH-USDT';
const SWAP = 'BTC-USDT-SWAP';
const MONTH_FROM = '2025-11-01';
const MONTH_DAYS = 30;

beforeAll(async () => {
  // three days of books and trades for two instruments (the 4th day is absent: a 404), and a month of
  // tiny trade files for a third; each file from its own market path starting at its day's start (their
  // content does not matter here, and one path over the month would generate every hour in between)
  for (let d = 0; d < 3; d++) {
    const date = addDays('2025-11-01', d);
    for (const inst of [ETH, SWAP]) {
      await writeOkxHistoryDay({ dir: join(src, 'days'), kind: 'books', date, inst, ...OKX_HISTORY_PRESETS.small, durationSec: 40, originMs: dayWindowMs(date, 'utc')[0] });
      await writeOkxHistoryDay({ dir: join(src, 'days'), kind: 'trades', date, inst, ...OKX_HISTORY_PRESETS.small, durationSec: 300 });
    }
  }
  for (let d = 0; d < MONTH_DAYS; d++) {
    await writeOkxHistoryDay({ dir: join(src, 'month'), kind: 'trades', date: addDays(MONTH_FROM, d), inst: 'SOL-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60 });
  }
}, 60_000);

let server: HistoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const serve = async (faults: Record<string, HistoryFault[]> = {}) => (server = await startHistoryServer({ dir: src, faults, lifetimeMs: 60_000 }));

async function download(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  const run = spawnAsmm(['download', 'okx', '--base-url', server!.baseUrl, '--backoff', '2ms', '--backoff-max', '20ms', '--timeout', '5s', ...args]);
  const code = await run.exited;
  const { stdout, stderr } = run.output();
  let json: any;
  try {
    json = args.includes('--json') ? JSON.parse(stdout) : undefined;
  } catch {
    throw new Error(`not JSON: ${stdout}\n${stderr}`);
  }
  return { code, stdout, stderr, json };
}

const generated = (name: string) => readFileSync(join(src, name.includes('SOL-USDT') ? 'month' : 'days', name));
const sameBytes = (path: string, name: string) => existsSync(path) && readFileSync(path).equals(generated(name));

describe('asmm download okx', () => {
  it('downloads through a dropped connection, a 500, a truncated archive and an ignored Range; 404 days are listed; a second run skips what it verified', async () => {
    const out = join(dir, 'out1');
    const dropped = okxBooksFileName(ETH, '2025-11-01');
    const flaky = okxTradesFileName(SWAP, '2025-11-02');
    const truncated = okxTradesFileName(ETH, '2025-11-03');
    const rangeIgnored = okxBooksFileName(SWAP, '2025-11-03');
    const s = await serve({
      [dropped]: [{ kind: 'drop', afterBytes: 10_000 }],
      [flaky]: [{ kind: 'status', status: 500 }],
      [truncated]: [{ kind: 'truncate', bytes: 3000 }],
      [rangeIgnored]: [{ kind: 'drop', afterBytes: 4000 }, { kind: 'ignoreRange' }],
    });
    const first = await download(['--inst', `${ETH},${SWAP}`, '--from', '2025-11-01', '--to', '2025-11-04', '--out', out, '--json']);
    expect(first.code, first.stderr).toBe(1); // one file failed its check
    expect(first.json).toMatchObject({ files: 16, downloaded: 11, skipped: 0, missing: 4, failed: 1, interrupted: 0, ok: false });
    // every downloaded file equals the generated one, at <out>/<INST>/<kind>/<OKX name>
    const downloaded = first.json.items.filter((i: any) => i.status === 'downloaded');
    for (const item of downloaded) {
      const name = item.path.split('/').pop();
      expect(item.path).toBe(join(out, item.inst, item.kind, name));
      expect(sameBytes(item.path, name), name).toBe(true);
    }
    expect(readdirSync(join(out, ETH, 'books')).sort()).toEqual(['2025-11-01', '2025-11-02', '2025-11-03'].map((d) => okxBooksFileName(ETH, d)));
    // the truncated archive is named, kept aside as .bad, and not left in place
    const bad = first.json.items.find((i: any) => i.status === 'failed');
    expect(bad).toMatchObject({ inst: ETH, kind: 'trades', date: '2025-11-03', badPath: join(out, ETH, 'trades', `${truncated}.bad`) });
    expect(bad.reason).toMatch(/^integrity check failed: truncated or corrupt zip/);
    expect(statSync(bad.badPath).size).toBe(3000);
    expect(existsSync(join(out, ETH, 'trades', truncated))).toBe(false);
    // the 404 days: one line each, and in the summary
    const missingLines = first.stderr.split('\n').filter((l) => l.includes('OKX has no file for that day (yet): HTTP 404'));
    expect(missingLines.map((l) => l.split(':')[0]).sort()).toEqual([`${ETH} books 2025-11-04`, `${ETH} trades 2025-11-04`, `${SWAP} books 2025-11-04`, `${SWAP} trades 2025-11-04`].sort());
    expect(first.json.items.filter((i: any) => i.status === 'missing').map((i: any) => i.date)).toEqual(['2025-11-04', '2025-11-04', '2025-11-04', '2025-11-04']);
    // the faults, as the server saw them and as the CLI said them
    const log = s.requests.filter((r) => r.fileName === dropped);
    expect(log.map((r) => [r.status, r.range ?? null])).toEqual([[200, null], [206, 'bytes=10000-']]);
    expect(s.requests.filter((r) => r.fileName === flaky).map((r) => r.status)).toEqual([500, 200]);
    expect(s.requests.filter((r) => r.fileName === rangeIgnored).map((r) => [r.status, r.range ?? null])).toEqual([[200, null], [200, 'bytes=4000-']]);
    expect(first.stderr).toContain(`${ETH} books 2025-11-01: connection lost after 10000 of`);
    expect(first.stderr).toContain(`${SWAP} trades 2025-11-02: HTTP 500`);
    expect(first.stderr).toContain(`${SWAP} books 2025-11-03: the server ignored Range bytes=4000- (HTTP 200, whole file): restarting from byte 0`);
    expect(first.stderr).toContain(`${ETH} trades 2025-11-03: FAILED: integrity check failed`);
    expect(first.stderr).toContain('asmm download: 1 file failed');
    expect(first.json.items.find((i: any) => i.path.endsWith(rangeIgnored)).notes.join(' ')).toContain('restarting from byte 0');

    // second run, the server now fixed: everything present is verified and skipped, the bad one downloaded
    await server!.close();
    await serve();
    const second = await download(['--inst', `${ETH},${SWAP}`, '--from', '2025-11-01', '--to', '2025-11-04', '--out', out, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({ files: 16, downloaded: 1, skipped: 11, missing: 4, failed: 0, ok: true });
    expect(second.stderr.split('\n').filter((l) => l.includes('present and verified')).length).toBe(11);
    expect(sameBytes(join(out, ETH, 'trades', truncated), truncated)).toBe(true);
    expect(server!.requests.map((r) => r.fileName).sort()).toEqual([truncated, ...['books', 'trades'].flatMap((k) => [ETH, SWAP].map((i) => (k === 'books' ? okxBooksFileName(i, '2025-11-04') : okxTradesFileName(i, '2025-11-04'))))].sort());
  });

  it('a file damaged on disk since the last run is kept as .bad and downloaded again', async () => {
    const out = join(dir, 'out2');
    await serve();
    const name = okxTradesFileName(ETH, '2025-11-01');
    expect((await download(['--inst', ETH, '--from', '2025-11-01', '--kind', 'trades', '--out', out, '--json'])).json).toMatchObject({ downloaded: 1 });
    const path = join(out, ETH, 'trades', name);
    const damaged = readFileSync(path);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(path, damaged);
    const again = await download(['--inst', ETH, '--from', '2025-11-01', '--kind', 'trades', '--out', out, '--json']);
    expect(again.json).toMatchObject({ downloaded: 1, skipped: 0, failed: 0 });
    expect(again.stderr).toMatch(new RegExp(`${ETH} trades 2025-11-01: the file present failed its check \\(.*\\); kept as ${path.replace(/[.]/g, '\\.')}\\.bad, downloading it again`));
    expect(readFileSync(`${path}.bad`).equals(damaged)).toBe(true);
    expect(sameBytes(path, name)).toBe(true);
  });

  it('Ctrl-C keeps the .partial and the next run resumes it with Range', async () => {
    const out = join(dir, 'out3');
    const name = okxBooksFileName(SWAP, '2025-11-02');
    const s = await serve({ [name]: [{ kind: 'stall', afterBytes: 6000, ms: 30_000 }] });
    const run = spawnAsmm(['download', 'okx', '--base-url', s.baseUrl, '--inst', SWAP, '--from', '2025-11-02', '--kind', 'books', '--out', out, '--timeout', '60s']);
    const partial = join(out, SWAP, 'books', `${name}.partial`);
    await waitFor(() => existsSync(partial) && statSync(partial).size === 6000, 20_000);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output().stdout).toContain('interrupted: 1 .partial file kept; run the same command again to resume');
    expect(statSync(partial).size).toBe(6000);
    const resumed = await download(['--inst', SWAP, '--from', '2025-11-02', '--kind', 'books', '--out', out, '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.json.items[0]).toMatchObject({ status: 'downloaded', resumedFromBytes: 6000 });
    expect(resumed.stderr).toContain(`resuming ${partial} from byte 6000`);
    expect(s.requests.at(-1)).toMatchObject({ fileName: name, status: 206, range: 'bytes=6000-' });
    expect(sameBytes(join(out, SWAP, 'books', name), name)).toBe(true);
    expect(existsSync(partial)).toBe(false);
  });

  it('a month of days downloads through injected faults, one line per fault', async () => {
    const out = join(dir, 'month');
    const day = (d: number) => okxTradesFileName('SOL-USDT', addDays(MONTH_FROM, d));
    const faults: Record<string, HistoryFault[]> = {};
    const drops = [2, 9, 17, 25];
    const errors = [4, 12, 28];
    const missing = [20];
    for (const d of drops) faults[day(d)] = [{ kind: 'drop', afterBytes: 1500 }];
    for (const d of errors) faults[day(d)] = [{ kind: 'status', status: 503 }];
    for (const d of missing) faults[day(d)] = [{ kind: 'status', status: 404 }];
    await serve(faults);
    const run = await download(['--inst', 'SOL-USDT', '--from', MONTH_FROM, '--to', addDays(MONTH_FROM, MONTH_DAYS - 1), '--kind', 'trades', '--out', out, '--concurrency', '4', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ files: 30, downloaded: 29, skipped: 0, missing: 1, failed: 0, ok: true });
    const lines = run.stderr.trim().split('\n');
    const eventLines = lines.filter((l) => l.startsWith('SOL-USDT trades '));
    expect(eventLines).toHaveLength(drops.length + errors.length + missing.length);
    expect(eventLines.filter((l) => /connection lost after 1500 of \d+ bytes .*; retry 1 in/.test(l)).map((l) => l.slice(16, 26)).sort()).toEqual(drops.map((d) => addDays(MONTH_FROM, d)));
    expect(eventLines.filter((l) => /: HTTP 503 .*; retry 1 in/.test(l)).map((l) => l.slice(16, 26)).sort()).toEqual(errors.map((d) => addDays(MONTH_FROM, d)));
    expect(eventLines.filter((l) => l.includes('HTTP 404')).map((l) => l.slice(16, 26))).toEqual(missing.map((d) => addDays(MONTH_FROM, d)));
    for (let d = 0; d < MONTH_DAYS; d++) {
      if (missing.includes(d)) continue;
      expect(sameBytes(join(out, 'SOL-USDT', 'trades', day(d)), day(d)), day(d)).toBe(true);
    }
    expect(readdirSync(join(out, 'SOL-USDT', 'trades')).filter((f) => !f.endsWith('.zip'))).toEqual([]);
  });

  it('a file that failed before any byte arrived names no .partial (none exists); one that kept bytes names it with its size', async () => {
    const out = join(dir, 'out-failed');
    const books = okxBooksFileName(ETH, '2025-11-03');
    const trades = okxTradesFileName(ETH, '2025-11-03');
    await serve({ [trades]: [{ kind: 'status', status: 503, times: 100 }], [books]: [{ kind: 'drop', afterBytes: 900, times: 100 }] });
    const run = await download(['--inst', ETH, '--from', '2025-11-03', '--out', out, '--retries', '1', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const tradesPartial = join(out, ETH, 'trades', `${trades}.partial`);
    const booksPartial = join(out, ETH, 'books', `${books}.partial`);
    expect(existsSync(tradesPartial)).toBe(false);
    const failedTrades = run.stderr.split('\n').filter((l) => l.startsWith(`${ETH} trades 2025-11-03: FAILED`));
    expect(failedTrades).toHaveLength(1);
    expect(failedTrades[0]).not.toMatch(/kept|\.partial/);
    const tradesItem = run.json.items.find((r: any) => r.kind === 'trades');
    expect(tradesItem.status).toBe('failed');
    expect(tradesItem.reason).not.toMatch(/kept|\.partial/);
    // the books file advanced by 900 bytes per attempt until the attempts ran out: the line says what is on disk
    const booksItem = run.json.items.find((r: any) => r.kind === 'books');
    expect(booksItem.status).toBe('failed');
    expect(booksItem.reason).toContain(`, ${statSync(booksPartial).size} bytes kept in ${booksPartial}`);
  });

  it('bad arguments are one usage line (exit 2)', async () => {
    await serve();
    for (const [args, message] of [
      [['--from', '2025-11-01'], '--inst is required'],
      [['--inst', 'BTC-USDT', '--from', '2025-11-31'], 'not a date (YYYY-MM-DD): 2025-11-31'],
      [['--inst', 'BTC-USDT', '--from', '2025-11-02', '--to', '2025-11-01'], '--to 2025-11-01 is before --from 2025-11-02'],
      [['--inst', 'BTC-USDT', '--from', '2025-11-01', '--kind', 'candles'], '--kind must be books, trades or both'],
      [['--inst', 'btc usdt', '--from', '2025-11-01'], 'not an OKX instrument id'],
    ] as const) {
      const run = await download([...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
