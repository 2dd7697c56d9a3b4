import { describe, expect, it } from 'vitest';
import { DownloadProgress, formatBytes, formatEta, planOkxDownload } from '../../src/download/index.js';

describe('planOkxDownload', () => {
  it("gives OKX's documented URLs and <out>/<INST>/<kind>/<file>, by date then instrument then kind", () => {
    const items = planOkxDownload({ insts: ['BTC-USDT', 'ETH-USDT-SWAP'], from: '2025-11-30', to: '2025-12-01', outDir: 'o' });
    expect(items.map((i) => `${i.date} ${i.inst} ${i.kind}`)).toEqual([
      '2025-11-30 BTC-USDT books',
      '2025-11-30 BTC-USDT trades',
      '2025-11-30 ETH-USDT-SWAP books',
      '2025-11-30 ETH-USDT-SWAP trades',
      '2025-12-01 BTC-USDT books',
      '2025-12-01 BTC-USDT trades',
      '2025-12-01 ETH-USDT-SWAP books',
      '2025-12-01 ETH-USDT-SWAP trades',
    ]);
    // the URLs written out by hand from the patterns documented in okxHistoryLayout.ts (two downloaders use them)
    expect(items[2]).toEqual({
      inst: 'ETH-USDT-SWAP',
      date: '2025-11-30',
      kind: 'books',
      url: 'https://static.okx.com/cdn/okx/match/orderbook/L2/400lv/daily/20251130/ETH-USDT-SWAP-L2orderbook-400lv-2025-11-30.tar.gz',
      fileName: 'ETH-USDT-SWAP-L2orderbook-400lv-2025-11-30.tar.gz',
      memberName: 'ETH-USDT-SWAP-L2orderbook-400lv-2025-11-30.data',
      path: 'o/ETH-USDT-SWAP/books/ETH-USDT-SWAP-L2orderbook-400lv-2025-11-30.tar.gz',
    });
    expect(items[5].url).toBe('https://static.okx.com/cdn/okex/traderecords/trades/daily/20251201/BTC-USDT-trades-2025-12-01.zip');
    expect(items[5].memberName).toBe('BTC-USDT-trades-2025-12-01.csv');
    const local = planOkxDownload({ insts: ['BTC-USDT'], from: '2025-11-01', to: '2025-11-01', kinds: ['trades'], baseUrl: 'http://127.0.0.1:9/' });
    expect(local[0].url).toBe('http://127.0.0.1:9/cdn/okex/traderecords/trades/daily/20251101/BTC-USDT-trades-2025-11-01.zip');
    expect(local[0].path).toBe('data/okx-history/BTC-USDT/trades/BTC-USDT-trades-2025-11-01.zip');
    expect(planOkxDownload({ insts: ['BTC-USDT'], from: '2024-02-01', to: '2024-03-01', kinds: ['books'] })).toHaveLength(30); // leap year
  });

  it('rejects bad dates, reversed ranges, odd instruments and absurd spans', () => {
    expect(() => planOkxDownload({ insts: ['BTC-USDT'], from: '2025-02-29', to: '2025-03-01' })).toThrow('not a date (YYYY-MM-DD): 2025-02-29');
    expect(() => planOkxDownload({ insts: ['BTC-USDT'], from: '2025-11-02', to: '2025-11-01' })).toThrow('--to 2025-11-01 is before --from 2025-11-02');
    expect(() => planOkxDownload({ insts: ['BTC/USDT'], from: '2025-11-01', to: '2025-11-01' })).toThrow('not an OKX instrument id');
    expect(() => planOkxDownload({ insts: ['BTC-USDT'], from: '1925-11-01', to: '2025-11-01' })).toThrow(/36526 days, more than 3660/);
  });
});

describe('DownloadProgress', () => {
  const sink = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, out: { isTTY, write: (t: string) => writes.push(t) } };
  };

  it('ETA = remaining bytes / rate, files not started at the mean finished size', () => {
    let t = 0;
    const { out } = sink(false);
    const p = new DownloadProgress({ filesTotal: 4, out, now: () => t });
    p.start('a');
    p.total('a', 1000);
    t = 1000;
    p.bytes('a', 1000);
    p.done('a', 1000);
    expect(p.line()).toBe('files 1/4, 1000 B at 1000 B/s, ETA 3s'); // 3 files × 1000 B at 1000 B/s
    p.start('b', 0);
    p.total('b', 3000);
    t = 2000;
    p.bytes('b', 1000);
    // rate 2000 B / 2 s; remaining (3000 − 1000) + 2 × 1000 = 4000 B
    expect(p.line()).toBe('files 1/4, 2.0 KiB at 1000 B/s, ETA 4s');
    p.start('c');
    expect(p.line()).toMatch(/ETA \?$/); // a file in flight of unknown length
  });

  it('redraws in place on a terminal and writes plain lines every few seconds otherwise; events erase the line first', () => {
    let t = 0;
    const tty = sink(true);
    const p = new DownloadProgress({ filesTotal: 2, out: tty.out, now: () => t, redrawMs: 100 });
    p.start('a');
    p.bytes('a', 10);
    t = 50;
    p.bytes('a', 10); // too soon: not drawn
    t = 150;
    p.bytes('a', 10);
    p.log('an event');
    expect(tty.writes).toEqual([`\rfiles 0/2, 10 B at 9.8 KiB/s, ETA ?\x1b[K`, `\rfiles 0/2, 30 B at 200 B/s, ETA ?\x1b[K`, '\r\x1b[K', 'an event\n']);
    t = 0;
    const plain = sink(false);
    const q = new DownloadProgress({ filesTotal: 2, out: plain.out, now: () => t, plainEveryMs: 5000 });
    q.start('a');
    for (t = 0; t <= 12_000; t += 1000) q.bytes('a', 1);
    expect(plain.writes).toEqual(['progress: files 0/2, 6 B at 1 B/s, ETA ?\n', 'progress: files 0/2, 11 B at 1 B/s, ETA ?\n']);
  });

  it('formats bytes and durations', () => {
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(257_527_903)).toBe('245.6 MiB');
    expect(formatEta(42)).toBe('42s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(3725)).toBe('1h02m');
    expect(formatEta(Infinity)).toBe('?');
  });
});
