import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookRowProblem, tradeRowProblem } from '../../src/data/index.js';
import { replayCryptofeedOkx } from '../../src/formats/cryptofeedOkx.js';
import { projectRootForTests } from '../helpers/cli.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
const present = existsSync(capture);

describe.skipIf(!present)(`real OKX v5 capture (cryptofeed OKX.ws.1.0)${present ? '' : ': skipped, ../shared/data is absent'}`, () => {
  it('rebuilds every book from snapshot + updates and passes every one of its checksums', async () => {
    const replay = await replayCryptofeedOkx(capture, 5);
    // PROVENANCE.md: books BTC-USDT 1+97, BTC-USD-220527 1+98, UNI-USD-SWAP 1+92 messages, each with a checksum.
    expect(replay.stats.bookMessages).toBe(98 + 99 + 93);
    expect(replay.stats.checksumsVerified).toBe(98 + 99 + 93);
    expect(replay.stats.checksumMismatches).toBe(0);
    expect(replay.events).toEqual([]);
    expect(replay.stats.connections).toBe(1);
    expect(replay.stats.sent).toBe(3);
    expect(replay.stats.lines).toBe(414);
  });

  it('produces valid normalized tables per instrument: one book row per book message, every trade', async () => {
    const replay = await replayCryptofeedOkx(capture, 5);
    expect([...replay.instruments.keys()]).toEqual(['BTC-USD-220527', 'BTC-USDT', 'UNI-USD-SWAP']);
    const btc = replay.instruments.get('BTC-USDT')!;
    expect(btc.book!.tsMs.length).toBe(98);
    expect(btc.trades!.tsMs.length).toBe(69);
    expect(replay.instruments.get('BTC-USD-220527')!.trades!.tsMs.length).toBe(4);
    expect(replay.instruments.get('UNI-USD-SWAP')!.trades!.tsMs.length).toBe(1);
    for (const { book, trades } of replay.instruments.values()) {
      for (let i = 0; i < book!.tsMs.length; i++) expect(bookRowProblem(book!, i)).toBeNull();
      for (let i = 0; i < (trades?.tsMs.length ?? 0); i++) expect(tradeRowProblem(trades!, i)).toBeNull();
      expect(book!.localTsMs![0]).toBeGreaterThan(1652459224530);
    }
    // BTC-USDT tick is 0.1 (OKX.0 instrument data): the spread is at least one tick.
    expect(btc.book!.askPx[0][0] - btc.book!.bidPx[0][0]).toBeGreaterThanOrEqual(0.1 - 1e-9);
  });

  it('a corrupted size is caught by the checksum and the book stops emitting rows until the next snapshot', async () => {
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const lines = readFileSync(capture, 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes('"channel":"books","instId":"BTC-USDT"},"action":"update"'));
    lines[index] = lines[index].replace(/("bids":\[\["[0-9.]+",")([0-9.]+)"/, (_m, head: string, size: string) => `${head}${Number(size) + 1}"`);
    const path = join(mkdtempSync(join(tmpdir(), 'asmm-okx-')), 'corrupt.ws');
    writeFileSync(path, lines.join('\n'));
    const replay = await replayCryptofeedOkx(path, 5);
    expect(replay.stats.checksumMismatches).toBe(1);
    expect(replay.events.map((e) => `${e.kind} ${e.instId}`)).toEqual(['checksum-mismatch BTC-USDT']);
    expect(replay.instruments.get('BTC-USDT')!.book!.tsMs.length).toBeLessThan(98);
  });
});
