import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayCryptofeedOkx } from '../../src/formats/cryptofeedOkx.js';
import { loadTables } from '../../src/formats/loadAny.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
const present = existsSync(capture);

/** A received line's receive time and message (undefined for URL lines). */
function parseLine(line: string): { seconds: number; message: Record<string, unknown> } | undefined {
  if (line.startsWith('wss://') || line.trim() === '') return undefined;
  const split = line.indexOf(': ');
  return { seconds: Number(line.slice(0, split)), message: JSON.parse(line.slice(split + 2)) as Record<string, unknown> };
}

interface BookLine {
  index: number;
  instId: string;
  action: string;
  tsMs: number;
}

/** Independent reading of the file: every books message (index, instrument, action, ts) and the latest ts of any data. */
function survey(lines: readonly string[]): { books: BookLine[]; latestTsMs: number } {
  const books: BookLine[] = [];
  let latestTsMs = -Infinity;
  lines.forEach((line, index) => {
    const parsed = parseLine(line);
    const arg = parsed?.message.arg as { channel: string; instId: string } | undefined;
    const data = parsed?.message.data as Array<{ ts: string }> | undefined;
    if (!arg || !data) return;
    for (const d of data) latestTsMs = Math.max(latestTsMs, Number(d.ts));
    if (arg.channel === 'books') books.push({ index, instId: arg.instId, action: String(parsed!.message.action), tsMs: Number(data[0].ts) });
  });
  return { books, latestTsMs };
}

describe.skipIf(!present)(`cryptofeed OKX capture: a broken book is masked until its next snapshot${present ? '' : ': skipped, ../shared/data is absent'}`, () => {
  const dir = tempDir('asmm-okx-masks-');
  const original = present ? readFileSync(capture, 'utf8').split('\n') : [];

  /** The real capture with one size of the `nth` BTC-USDT books update changed (its checksum then fails). */
  function corrupted(nth: number): { lines: string[]; bad: BookLine; previous: BookLine } {
    const { books } = survey(original);
    const btc = books.filter((b) => b.instId === 'BTC-USDT');
    const bad = btc.filter((b) => b.action === 'update')[nth];
    const previous = btc[btc.indexOf(bad) - 1];
    const lines = [...original];
    const before = lines[bad.index];
    lines[bad.index] = before.replace(/("bids":\[\["[0-9.]+",")([0-9.]+)"/, (_m, head: string, size: string) => `${head}${Number(size) + 1}"`);
    expect(lines[bad.index]).not.toBe(before);
    return { lines, bad, previous };
  }

  it('masks nothing on the clean capture', async () => {
    const replay = await replayCryptofeedOkx(capture, 5);
    for (const { book } of replay.instruments.values()) expect(book!.masked ?? []).toEqual([]);
  });

  it('a checksum mismatch masks that book from its last good row to the end of the data when no snapshot follows', async () => {
    const { lines, previous } = corrupted(10);
    const path = join(dir, 'corrupt.ws');
    writeFileSync(path, lines.join('\n'));
    const replay = await replayCryptofeedOkx(path, 5);
    expect(replay.stats.checksumMismatches).toBe(1);
    const { latestTsMs } = survey(lines);
    const btc = replay.instruments.get('BTC-USDT')!.book!;
    expect(btc.masked).toEqual([{ fromMs: previous.tsMs, toMs: latestTsMs + 1, reason: expect.stringContaining('checksum') }]);
    // the other instruments' books were never broken
    expect(replay.instruments.get('BTC-USD-220527')!.book!.masked ?? []).toEqual([]);
    expect(replay.instruments.get('UNI-USD-SWAP')!.book!.masked ?? []).toEqual([]);
    const loaded = await loadTables(path, 5);
    expect(loaded.notes.join('\n')).toMatch(/BTC-USDT.*masked: 1 interval/);
  });

  it('the mask ends at the next snapshot of that instrument, whose row is the first one after it', async () => {
    const { lines, previous } = corrupted(10);
    // a later snapshot (the original one re-sent) at the end of the capture, 1 s after the last data
    const { books, latestTsMs } = survey(lines);
    const snapshot = books.find((b) => b.instId === 'BTC-USDT' && b.action === 'snapshot')!;
    const resentTsMs = latestTsMs + 1000;
    const parsed = parseLine(lines[snapshot.index])!;
    const data = (parsed.message.data as Array<Record<string, unknown>>).map((d) => ({ ...d, ts: String(resentTsMs) }));
    const lastReceived = Math.max(...lines.map(parseLine).filter((p) => p !== undefined).map((p) => p!.seconds));
    const withSnapshot = [...lines.filter((l) => l.trim() !== ''), `${(lastReceived + 1).toFixed(7)}: ${JSON.stringify({ ...parsed.message, data })}`];
    const path = join(dir, 'corrupt-resnapshot.ws');
    writeFileSync(path, withSnapshot.join('\n') + '\n');
    const replay = await replayCryptofeedOkx(path, 5);
    const btc = replay.instruments.get('BTC-USDT')!.book!;
    expect(btc.masked).toEqual([{ fromMs: previous.tsMs, toMs: resentTsMs, reason: expect.stringContaining('checksum') }]);
    expect(btc.tsMs[btc.tsMs.length - 1]).toBe(resentTsMs);
  });

  it('a second connection masks every book from its last row until its next snapshot', async () => {
    const lines = [...original];
    const { books, latestTsMs } = survey(lines);
    const cut = books.filter((b) => b.instId === 'BTC-USDT')[50].index;
    const reconnectSeconds = parseLine(lines[cut])!.seconds;
    lines.splice(cut, 0, `wss://ws.okx.com:8443/ws/v5/public <-> ${reconnectSeconds}`);
    const path = join(dir, 'reconnect.ws');
    writeFileSync(path, lines.join('\n'));
    const replay = await replayCryptofeedOkx(path, 5);
    expect(replay.stats.connections).toBe(2);
    for (const instId of ['BTC-USDT', 'BTC-USD-220527', 'UNI-USD-SWAP']) {
      const lastBefore = books.filter((b) => b.instId === instId && b.index < cut).pop()!;
      expect(replay.instruments.get(instId)!.book!.masked).toEqual([{ fromMs: lastBefore.tsMs, toMs: latestTsMs + 1, reason: expect.stringContaining('connection') }]);
    }
  });
});

describe('cryptofeed OKX capture with seqId/prevSeqId: a sequence break masks the book until the next snapshot', () => {
  const dir = tempDir('asmm-okx-seq-');
  // OKX v5 "books" push shape with seqId/prevSeqId (checksum 0 = not provided, as OKX sends since 2026)
  const book = (action: string, ts: number, seqId: number, prevSeqId: number, bid: string) =>
    JSON.stringify({ arg: { channel: 'books', instId: 'ETH-USDT' }, action, data: [{ asks: [['2001.0', '1', '0', '1']], bids: [[bid, '1', '0', '1']], ts: String(ts), checksum: 0, seqId, prevSeqId }] });

  it('masks from the last good row to the first row of the next snapshot', async () => {
    const t0 = 1_700_000_000_000;
    const lines = [
      'wss://ws.okx.com:8443/ws/v5/public <-> 1700000000.0',
      `1700000000.1: ${book('snapshot', t0 + 100, 10, -1, '2000.0')}`,
      `1700000000.2: ${book('update', t0 + 200, 11, 10, '2000.1')}`,
      `1700000000.3: ${book('update', t0 + 300, 13, 12, '2000.2')}`, // prevSeqId 12: seqId 12 was lost
      `1700000000.4: ${book('update', t0 + 400, 14, 13, '2000.3')}`,
      `1700000000.5: ${book('snapshot', t0 + 500, 20, -1, '2000.4')}`,
      `1700000000.6: ${book('update', t0 + 600, 21, 20, '2000.5')}`,
    ];
    const path = join(dir, 'seq.ws');
    writeFileSync(path, lines.join('\n') + '\n');
    const replay = await replayCryptofeedOkx(path, 5);
    const eth = replay.instruments.get('ETH-USDT')!.book!;
    expect([...eth.tsMs]).toEqual([t0 + 100, t0 + 200, t0 + 500, t0 + 600]);
    expect(eth.masked).toEqual([{ fromMs: t0 + 200, toMs: t0 + 500, reason: expect.stringContaining('sequence') }]);
  });
});
