import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogWriter, openCatalog } from '../../src/catalog/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// Independent references: the generator's own tables (known values) and polars' Parquet reader (not ours).
const root = mkdtempSync(join(tmpdir(), 'asmm-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = 86_400_000;
const market = generateSampleMarket({ startMs: Date.UTC(2026, 0, 1) + DAY - 1800_000, durationSec: 3600, snapshotIntervalMs: 1000, instrument: 'BTC-USDT' });

describe('catalog', () => {
  it('splits at UTC midnight, round-trips book_top and trades, and polars reads the files', async () => {
    const w = await CatalogWriter.create(root);
    const parts = await w.writeBookTop('okx', market.book);
    await w.writeTrades('okx', market.trades);
    await w.writeGaps('okx', 'BTC-USDT', [{ fromMs: Date.UTC(2026, 0, 1, 23, 50), toMs: Date.UTC(2026, 0, 2, 0, 10), reason: 'test gap' }]);
    w.close();
    expect(parts.map((p) => p.date)).toEqual(['2026-01-01', '2026-01-02']);
    expect(parts[0].rows + parts[1].rows).toBe(market.book.tsMs.length);
    const c = await openCatalog(root);
    const days = [];
    for await (const d of c.readBookTopDays('okx', 'BTC-USDT')) days.push(d);
    const ts = Float64Array.from(days.flatMap((d) => [...d.tsMs]));
    expect(ts).toEqual(market.book.tsMs);
    expect(Float64Array.from(days.flatMap((d) => [...d.askSz[4]]))).toEqual(market.book.askSz[4]);
    expect(days[0].masked).toEqual([{ fromMs: Date.UTC(2026, 0, 1, 23, 50), toMs: Date.UTC(2026, 0, 2), reason: 'test gap' }]);
    let trades = 0;
    for await (const t of c.readTradesDays('okx', 'BTC-USDT')) trades += t.tsMs.length;
    expect(trades).toBe(market.trades.tsMs.length);
    const r = await c.sql("select date, count(*) as n, sum(sz) as vol from trades where instrument = 'BTC-USDT' group by date order by date");
    expect(r.rowCount).toBe(2);
    expect((r.column('n') as number[]).reduce((a, b) => a + b, 0)).toBe(market.trades.tsMs.length);
    // every column chunk of every table zstd-compressed (as the catalog's layout says), read from the files' own metadata
    const codecs = await c.sql(`select distinct compression from parquet_metadata('${join(root, 'okx', 'BTC-USDT')}/*/*/*.parquet')`);
    expect(codecs.column('compression')).toEqual(['ZSTD']);
    c.close();
    const dir = join(root, 'okx', 'BTC-USDT', 'book_top', 'date=2026-01-01');
    const df = pl.readParquet(join(dir, readdirSync(dir)[0]));
    expect(df.height).toBe(parts[0].rows);
    expect(Float64Array.from(df.getColumn('bid_px_1').toArray() as number[])).toEqual(market.book.bidPx[0].subarray(0, parts[0].rows));
  });

  it('refuses an overlapping part, and --replace swaps the day without duplicating rows', async () => {
    const w = await CatalogWriter.create(root);
    await expect(w.writeTrades('okx', market.trades)).rejects.toThrow(/overlapping/);
    await w.writeTrades('okx', market.trades, 'BTC-USDT', { replace: true });
    w.close();
    const c = await openCatalog(root);
    const r = await c.sql('select count(*) as n from trades');
    expect(r.column('n')[0]).toBe(market.trades.tsMs.length);
    c.close();
  });

  it('undo takes out the parts this writer added since beginUndoable and nothing else: another writer\'s part in a day it created stays, with the day', async () => {
    const own = mkdtempSync(join(tmpdir(), 'asmm-catalog-undo-'));
    try {
      const half = (from: number, to: number) => {
        const t = market.trades;
        const pick = <T extends Float64Array | Int8Array>(c: T) => c.slice(from, to) as T;
        return { ...t, tsMs: pick(t.tsMs), id: pick(t.id), side: pick(t.side), px: pick(t.px), sz: pick(t.sz) };
      };
      // the trades of 2026-01-02 (after midnight), in two disjoint halves
      const first = market.trades.tsMs.findIndex((x) => x >= Date.UTC(2026, 0, 2));
      const mid = first + Math.floor((market.trades.tsMs.length - first) / 2);
      const a = await CatalogWriter.create(own);
      a.beginUndoable();
      await a.writeTrades('okx', half(first, mid), 'BTC-USDT');
      // another writer adds its own part to the day a created, and keeps it
      const b = await CatalogWriter.create(own);
      await b.writeTrades('okx', half(mid, market.trades.tsMs.length), 'BTC-USDT');
      b.close();
      const day = join(own, 'okx', 'BTC-USDT', 'trades', 'date=2026-01-02');
      expect(readdirSync(day)).toHaveLength(2);
      const undone = a.undo();
      a.close();
      expect(undone.removed).toHaveLength(1);
      expect(undone.removed[0]).toMatch(/^okx\/BTC-USDT\/trades\/date=2026-01-02\/\d+-\d+\.parquet$/);
      expect(undone.notRemoved).toEqual([]);
      const left = readdirSync(day);
      expect(left).toHaveLength(1);
      expect(`okx/BTC-USDT/trades/date=2026-01-02/${left[0]}`).not.toBe(undone.removed[0]);
      // alone, the day it created goes with its part
      const c = await CatalogWriter.create(own);
      c.beginUndoable();
      await c.writeTrades('okx', half(0, first), 'BTC-USDT');
      expect(c.undo().removed).toHaveLength(1);
      c.close();
      expect(readdirSync(join(own, 'okx', 'BTC-USDT', 'trades'))).toEqual(['date=2026-01-02']);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
