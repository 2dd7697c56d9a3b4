import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, openCatalog } from '../../src/catalog/index.js';
import { replayCryptofeedOkx } from '../../src/formats/cryptofeedOkx.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A capture of several instruments into the catalog: each instrument's gaps and metadata are its own. They
// once all went under the first instrument of the file (a broken UNI-USD-SWAP book masked BTC-USD-220527's
// backtest, and only that first instrument had an instrument.json); found by review.

const capture = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
const present = existsSync(capture);

describe.skipIf(!present)(`a cryptofeed capture of several instruments, one of them broken${present ? '' : ': skipped, ../shared/data is absent'}`, () => {
  it('the broken instrument alone has the gap, and every instrument its metadata', async () => {
    const dir = tempDir('asmm-catalog-multi-');
    // one size of a UNI-USD-SWAP books update changed: its checksum fails, its book is masked to the next snapshot
    const lines = readFileSync(capture, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"channel":"books"') && l.includes('"instId":"UNI-USD-SWAP"') && l.includes('"action":"update"') && /"bids":\[\["/.test(l));
    expect(at).toBeGreaterThan(0);
    const before = lines[at];
    lines[at] = before.replace(/("bids":\[\["[0-9.]+",")([0-9.]+)"/, (_m, head: string, size: string) => `${head}${Number(size) + 1}"`);
    expect(lines[at]).not.toBe(before);
    const broken = join(dir, 'OKX.bad.ws.1.0');
    writeFileSync(broken, lines.join('\n'));
    const replay = await replayCryptofeedOkx(broken, 5);
    const instruments = [...replay.instruments.keys()];
    const maskedIn = instruments.filter((i) => (replay.instruments.get(i)!.book?.masked ?? []).length > 0);
    expect(maskedIn).toEqual(['UNI-USD-SWAP']);

    const root = join(dir, 'catalog');
    const writer = await CatalogWriter.create(root);
    await importIntoCatalog(writer, broken, { venue: 'okx' });
    writer.close();
    const catalog = await openCatalog(root);
    try {
      for (const inst of instruments) {
        const gaps = await catalog.gapsOf('okx', inst);
        expect(gaps.length > 0, inst).toBe(inst === 'UNI-USD-SWAP');
      }
      const withMeta = catalog.instruments().filter((i) => i.meta !== undefined).map((i) => i.instrument);
      expect(withMeta.sort()).toEqual([...instruments].sort());
    } finally {
      await catalog.close();
    }
  });

  // --inst once renamed every instrument of the file to the one given: with --replace, UNI-USD-SWAP's book (bids
  // near 5.14) replaced BTC-USD-220527's (near 30,230) under BTC-USD-220527 without a word; found by a
  // cross-check against the raw capture in Python. The reference here is the raw file read line by line.
  it('--inst selects that instrument of the file: its rows only, as the raw capture has them; an instrument the file lacks is refused', async () => {
    const inst = 'BTC-USD-220527';
    const messages = readFileSync(capture, 'utf8')
      .split('\n')
      .filter((l) => /^[0-9.]+: \{/.test(l))
      .map((l) => JSON.parse(l.slice(l.indexOf(': ') + 2)) as { arg?: { channel: string; instId: string }; action?: string; data?: Array<{ bids: string[][] }> });
    const books = messages.filter((m) => m.arg?.channel === 'books' && m.arg.instId === inst && m.data);
    const snapshot = books.find((m) => m.action === 'snapshot')!;
    const bestBid = Math.max(...snapshot.data![0].bids.map((l) => Number(l[0])));
    const trades = messages.filter((m) => m.arg?.channel === 'trades' && m.arg.instId === inst && m.data).length;

    const root = join(tempDir('asmm-catalog-inst-'), 'catalog');
    const writer = await CatalogWriter.create(root);
    const [report] = await importIntoCatalog(writer, capture, { venue: 'okx', inst, replace: true });
    writer.close();
    const catalog = await openCatalog(root);
    try {
      expect(catalog.instruments().map((i) => i.instrument)).toEqual([inst]);
      const [top] = (await catalog.sql(`select count(*)::int as n, arg_min(bid_px_1, ts_ms) as first_bid, min(bid_px_1) as lo from book_top where instrument = '${inst}'`)).toRows() as Array<{ n: number; first_bid: number; lo: number }>;
      expect(top.n).toBe(books.length);
      expect(top.first_bid).toBe(bestBid);
      expect(top.lo).toBeGreaterThan(bestBid * 0.9);
      const [tr] = (await catalog.sql(`select count(*)::int as n from trades where instrument = '${inst}'`)).toRows() as Array<{ n: number }>;
      expect(tr.n).toBe(trades);
      expect(report.notes.some((n) => n.includes('other instruments') && n.includes('UNI-USD-SWAP') && n.includes('BTC-USDT'))).toBe(true);
    } finally {
      await catalog.close();
    }

    const other = await CatalogWriter.create(join(tempDir('asmm-catalog-inst-'), 'catalog'));
    await expect(importIntoCatalog(other, capture, { venue: 'okx', inst: 'ETH-USDT' })).rejects.toThrow(/holds the instruments .*BTC-USDT.*, not ETH-USDT: --inst selects one of them/);
    other.close();
  });

  // The contract note advised every swap and future to give --contract-value, "OKX's ctVal ... base currency"; for
  // the inverse contracts of the capture ctVal is a face value in USD (OKX.0, the instruments the capture's
  // client pulled, says ctType inverse, ctVal 100, ctValCcy USD for BTC-USD-220527), so following it filed
  // 100 as base currency per contract in instrument.json. Found by the Python cross-check of units.
  it('an inverse contract: no advice to give a contract value, and --contract-value refused', async () => {
    const rest = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.0');
    const meta = /\{[^{}]*"instId":"BTC-USD-220527"[^{}]*\}/.exec(readFileSync(rest, 'utf8'));
    expect(meta).not.toBeNull();
    expect(JSON.parse(meta![0])).toMatchObject({ ctType: 'inverse', ctVal: '100', ctValCcy: 'USD' });

    const root = join(tempDir('asmm-catalog-inverse-'), 'catalog');
    const writer = await CatalogWriter.create(root);
    const [report] = await importIntoCatalog(writer, capture, { venue: 'okx' });
    const inverse = report.notes.filter((n) => n.startsWith('BTC-USD-220527') || n.startsWith('UNI-USD-SWAP'));
    expect(inverse).toHaveLength(2);
    for (const n of inverse) expect(n).toMatch(/an inverse contract: sizes stay in contracts of a face value in USD/);
    expect(report.notes.some((n) => n.includes('--contract-value'))).toBe(false);
    await expect(importIntoCatalog(writer, capture, { venue: 'okx', inst: 'BTC-USD-220527', contractValue: 100, replace: true })).rejects.toThrow(/BTC-USD-220527 is an inverse contract: .*face value in USD, not base currency per contract/);
    writer.close();
    const catalog = await openCatalog(root);
    try {
      expect(catalog.instruments().find((i) => i.instrument === 'BTC-USD-220527')?.meta?.contractValue).toBeUndefined();
    } finally {
      await catalog.close();
    }
  });
});
