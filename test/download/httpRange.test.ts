import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs, checkDayFile, DownloadAbortedError, DownloadError, downloadOkxHistory, parseContentRange, planOkxDownload, resumableGet, startHistoryServer, type HistoryFault, type HistoryServer } from '../../src/download/index.js';
import { okxBooksMemberName, okxHistoryUrl, okxTradesMemberName } from '../../src/formats/index.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The resumable GET against the local history server (127.0.0.1, stops by itself): every fault the server
 * injects must end in a file byte-identical to the generated archive (the independent reference: the file the
 * generator wrote), and the server's own request log shows what the client asked (Range offsets).
 */
const dir = tempDir('asmm-download-http-');
const src = join(dir, 'src');
const INST = 'BTC-USDT';
const DATE = '2025-11-01';
const BOOKS = `${INST}-L2orderbook-400lv-${DATE}.tar.gz`;
const TRADES = `${INST}-trades-${DATE}.zip`;
let booksBytes: Buffer;
let tradesBytes: Buffer;
const fast = { backoffBaseMs: 2, backoffMaxMs: 10, timeoutMs: 2000 };

beforeAll(async () => {
  const originMs = Date.UTC(2025, 9, 31, 16);
  const books = await writeOkxHistoryDay({ dir: src, kind: 'books', date: DATE, inst: INST, ...OKX_HISTORY_PRESETS.small, durationSec: 60, originMs });
  const trades = await writeOkxHistoryDay({ dir: src, kind: 'trades', date: DATE, inst: INST, ...OKX_HISTORY_PRESETS.small, durationSec: 600, originMs });
  booksBytes = readFileSync(books.path);
  tradesBytes = readFileSync(trades.path);
});

let server: HistoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const serve = async (faults: Record<string, HistoryFault[]> = {}) => (server = await startHistoryServer({ dir: src, faults, lifetimeMs: 20_000 }));
const booksUrl = (s: HistoryServer) => okxHistoryUrl('books', INST, DATE, { baseUrl: s.baseUrl });
const tradesUrl = (s: HistoryServer) => okxHistoryUrl('trades', INST, DATE, { baseUrl: s.baseUrl });
let n = 0;
const partialPath = () => join(dir, `out-${++n}.partial`);

describe('backoff and Content-Range', () => {
  it('doubles from the base up to the cap, jitter between half and all of it', () => {
    expect(backoffDelayMs(1, 500, 30_000, 0)).toBe(250);
    expect(backoffDelayMs(1, 500, 30_000, 0.999999)).toBeCloseTo(500, 3);
    expect(backoffDelayMs(4, 500, 30_000, 1)).toBe(4000);
    expect(backoffDelayMs(20, 500, 30_000, 1)).toBe(30_000);
  });
  it('parses RFC 9110 Content-Range forms and rejects others', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ first: 100, last: 199, total: 1000 });
    expect(parseContentRange('bytes */1000')).toEqual({ total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ first: 0, last: 9 });
    expect(parseContentRange('items 0-9/10')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});

describe('resumableGet against the local history server', () => {
  it('a clean download equals the served file and its length was checked', async () => {
    const s = await serve();
    const path = partialPath();
    const got = await resumableGet(tradesUrl(s), path, fast);
    expect(got).toMatchObject({ status: 'complete', bytes: tradesBytes.length, totalBytes: tradesBytes.length, resumedFromBytes: 0, attempts: 1, rangeIgnored: false, lengthChecked: true });
    expect(readFileSync(path).equals(tradesBytes)).toBe(true);
    expect(s.requests.map((r) => [r.status, r.range])).toEqual([[200, undefined]]);
  });

  it('a connection dropped mid-file resumes with Range from the bytes on disk, byte-identical', async () => {
    const s = await serve({ [BOOKS]: [{ kind: 'drop', afterBytes: 20_000 }] });
    const path = partialPath();
    const events: string[] = [];
    const got = await resumableGet(booksUrl(s), path, { ...fast, onEvent: (e) => events.push(e.type) });
    expect(got).toMatchObject({ status: 'complete', bytes: booksBytes.length, attempts: 2, receivedBytes: booksBytes.length });
    expect(readFileSync(path).equals(booksBytes)).toBe(true);
    expect(s.requests.map((r) => [r.status, r.range ?? null, r.fault ?? null])).toEqual([
      [200, null, 'drop'],
      [206, 'bytes=20000-', null],
    ]);
    expect(events).toEqual(['retry']);
  });

  it('a .partial left by an earlier run is resumed (206 appended)', async () => {
    const s = await serve();
    const path = partialPath();
    writeFileSync(path, booksBytes.subarray(0, 12_345));
    const events: string[] = [];
    const got = await resumableGet(booksUrl(s), path, { ...fast, onEvent: (e) => events.push(e.type === 'resume' ? `resume ${e.fromBytes}` : e.type) });
    expect(got).toMatchObject({ status: 'complete', resumedFromBytes: 12_345, receivedBytes: booksBytes.length - 12_345, attempts: 1 });
    expect(readFileSync(path).equals(booksBytes)).toBe(true);
    expect(events).toEqual(['resume 12345']);
    expect(s.requests[0]).toMatchObject({ status: 206, range: 'bytes=12345-' });
  });

  it('a .partial already complete gets 416 with the same total: complete without a byte', async () => {
    const s = await serve();
    const path = partialPath();
    writeFileSync(path, tradesBytes);
    const got = await resumableGet(tradesUrl(s), path, fast);
    expect(got).toMatchObject({ status: 'complete', bytes: tradesBytes.length, receivedBytes: 0 });
    expect(s.requests[0].status).toBe(416);
  });

  it('a server that ignores Range: the file restarts from 0 and says so', async () => {
    const s = await serve({ [BOOKS]: [{ kind: 'drop', afterBytes: 5000 }, { kind: 'ignoreRange' }] });
    const path = partialPath();
    const events: string[] = [];
    const got = await resumableGet(booksUrl(s), path, { ...fast, onEvent: (e) => events.push(e.type === 'restart' ? `restart ${e.discardedBytes}: ${e.reason}` : e.type) });
    expect(got).toMatchObject({ status: 'complete', rangeIgnored: true, bytes: booksBytes.length });
    expect(readFileSync(path).equals(booksBytes)).toBe(true);
    expect(events).toEqual(['retry', 'restart 5000: the server ignored Range bytes=5000- (HTTP 200, whole file): restarting from byte 0']);
  });

  it('500 then success; 404 is missing (not retried)', async () => {
    const s = await serve({ [TRADES]: [{ kind: 'status', status: 500 }], [BOOKS]: [{ kind: 'status', status: 404 }] });
    const got = await resumableGet(tradesUrl(s), partialPath(), fast);
    expect(got).toMatchObject({ status: 'complete', attempts: 2 });
    const missing = await resumableGet(booksUrl(s), partialPath(), fast);
    expect(missing).toEqual({ status: 'missing', httpStatus: 404, attempts: 1 });
    expect(s.requests.map((r) => r.status)).toEqual([500, 200, 404]);
  });

  it('retries are counted: 5xx every time ends in DownloadError after retries + 1 attempts', async () => {
    const s = await serve({ [TRADES]: [{ kind: 'status', status: 503, times: 100 }] });
    const path = partialPath();
    const error = await resumableGet(tradesUrl(s), path, { ...fast, retries: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).attempts).toBe(4);
    expect((error as DownloadError).message).toMatch(/HTTP 503.*gave up after 3 retries/);
    expect(s.requests).toHaveLength(4);
    // no answer had a body: no .partial exists, and the error names none ("0 bytes kept in …" named a file that was not there)
    expect(existsSync(path)).toBe(false);
    expect((error as DownloadError).message).not.toContain(path);
    expect((error as DownloadError).message).not.toMatch(/kept/);
  });

  it('a failure names the .partial only when it holds bytes, with the size on disk; an empty one is removed', async () => {
    // every answer drops after 0 body bytes: the 200 opened (created) the file and nothing reached it
    const s = await serve({ [TRADES]: [{ kind: 'drop', afterBytes: 0, times: 100 }], [BOOKS]: [{ kind: 'drop', afterBytes: 1200, times: 100 }] });
    const empty = partialPath();
    const none = await resumableGet(tradesUrl(s), empty, { ...fast, retries: 1 }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(DownloadError);
    expect(s.requests.filter((r) => r.fileName === TRADES && r.status === 200).length).toBeGreaterThan(0);
    expect(existsSync(empty)).toBe(false);
    expect((none as DownloadError).message).not.toMatch(/kept|\.partial/);
    // 1200 bytes arrive on each of 2 attempts: the error says how many bytes are kept and where, as on disk
    const some = partialPath();
    const error = await resumableGet(booksUrl(s), some, { ...fast, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    const onDisk = readFileSync(some);
    expect(onDisk.equals(booksBytes.subarray(0, onDisk.length))).toBe(true);
    expect((error as DownloadError).message).toContain(`gave up after 2 attempts, ${onDisk.length} bytes kept in ${some}`);
    expect(onDisk.length).toBe(2400);
  });

  it('a stalled transfer times out and resumes', async () => {
    const s = await serve({ [BOOKS]: [{ kind: 'stall', afterBytes: 7000, ms: 5000 }] });
    const path = partialPath();
    const t0 = Date.now();
    const got = await resumableGet(booksUrl(s), path, { ...fast, timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(got).toMatchObject({ status: 'complete', attempts: 2 });
    expect(readFileSync(path).equals(booksBytes)).toBe(true);
    expect(s.requests[1]).toMatchObject({ status: 206, range: 'bytes=7000-' });
  });

  it('abort keeps the .partial with what arrived', async () => {
    const s = await serve({ [BOOKS]: [{ kind: 'stall', afterBytes: 9000, ms: 5000 }] });
    const path = partialPath();
    const controller = new AbortController();
    const pending = resumableGet(booksUrl(s), path, { ...fast, timeoutMs: 10_000, signal: controller.signal, onBytes: () => setTimeout(() => controller.abort(), 100) });
    await expect(pending).rejects.toBeInstanceOf(DownloadAbortedError);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).equals(booksBytes.subarray(0, 9000))).toBe(true);
  });

  it('an interrupt before any body byte leaves no .partial and names none; one after bytes names it with its size', async () => {
    // the books answer stalls before its first body byte, the trades answer after 800 bytes; abort once both stalled
    const s = await serve({ [BOOKS]: [{ kind: 'stall', afterBytes: 0, ms: 5000 }], [TRADES]: [{ kind: 'stall', afterBytes: 800, ms: 5000 }] });
    const out = join(dir, 'interrupted');
    const items = planOkxDownload({ insts: [INST], from: DATE, to: DATE, outDir: out, baseUrl: s.baseUrl });
    const controller = new AbortController();
    let bytes = 0;
    const pending = downloadOkxHistory(items, {
      ...fast,
      timeoutMs: 10_000,
      signal: controller.signal,
      progress: { start() {}, total() {}, done() {}, bytes: (_key, n) => void ((bytes += n) >= 800 && setTimeout(() => controller.abort(), 150)) },
    });
    const summary = await pending;
    const books = summary.items.find((r) => r.kind === 'books')!;
    const trades = summary.items.find((r) => r.kind === 'trades')!;
    expect(s.requests.map((r) => r.fileName).sort()).toEqual([BOOKS, TRADES]);
    expect(books).toMatchObject({ status: 'interrupted', bytes: 0, reason: 'interrupted before any byte arrived' });
    expect(existsSync(`${books.path}.partial`)).toBe(false);
    expect(trades).toMatchObject({ status: 'interrupted', bytes: 800, reason: `interrupted, 800 bytes kept in ${trades.path}.partial for the next run to resume` });
    expect(readFileSync(`${trades.path}.partial`).equals(tradesBytes.subarray(0, 800))).toBe(true);
  });

  it('the server serves only OKX URL paths', async () => {
    const s = await serve();
    const got = await resumableGet(`${s.baseUrl}/${BOOKS}`, partialPath(), fast);
    expect(got.status).toBe('missing');
  });
});

describe('checkDayFile', () => {
  it('accepts the generated archives and names what is wrong with a truncated one or a wrong member', async () => {
    expect(await checkDayFile(join(src, BOOKS), okxBooksMemberName(INST, DATE))).toMatchObject({ ok: true, kind: 'tar.gz', memberName: okxBooksMemberName(INST, DATE) });
    expect(await checkDayFile(join(src, TRADES), okxTradesMemberName(INST, DATE))).toMatchObject({ ok: true, kind: 'zip' });
    const cutZip = join(dir, 'cut.zip');
    writeFileSync(cutZip, tradesBytes.subarray(0, tradesBytes.length - 30));
    expect(await checkDayFile(cutZip, okxTradesMemberName(INST, DATE))).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated|corrupt/) });
    const cutTar = join(dir, 'cut.tar.gz');
    writeFileSync(cutTar, booksBytes.subarray(0, Math.floor(booksBytes.length / 2)));
    expect(await checkDayFile(cutTar, okxBooksMemberName(INST, DATE))).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated|corrupt/) });
    expect(await checkDayFile(join(src, TRADES), okxTradesMemberName('ETH-USDT', DATE))).toEqual({ ok: false, reason: `holds member ${okxTradesMemberName(INST, DATE)}, expected ${okxTradesMemberName('ETH-USDT', DATE)}` });
  });
});
