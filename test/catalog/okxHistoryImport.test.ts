import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, openCatalog } from '../../src/catalog/index.js';
import { openOkxBooks } from '../../src/formats/okxHistoryBooks.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';

// Independent reference: a plain Map replay of the stored book_deltas (snapshot start clears the book)
// must give the same best levels as the stored book_top rows, and the row counts the generator states.
const dir = mkdtempSync(join(tmpdir(), 'asmm-catalog-okx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalog import of OKX history days', () => {
  it('--replace of one UTC+8 trades day replaces its own rows and keeps the neighbour file\'s rows of the UTC day they share', async () => {
    // day 2025-11-01 (UTC+8) from 23:30 UTC the day before, one hour across UTC midnight; day 2025-11-02 (UTC+8)
    // from 16:00 UTC: both have rows in the UTC day 2025-11-01
    const dayFiles = join(dir, 'utc8');
    const a = await writeOkxHistoryDay({ dir: dayFiles, kind: 'trades', date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, startOffsetSec: 7.5 * 3600, durationSec: 3600, seed: 1 });
    const b = await writeOkxHistoryDay({ dir: dayFiles, kind: 'trades', date: '2025-11-02', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 3600, seed: 1 });
    const root = join(dir, 'cat-utc8');
    const w = await CatalogWriter.create(root);
    const first = (await importIntoCatalog(w, a.path, { venue: 'okx' }))[0].parts;
    const second = (await importIntoCatalog(w, b.path, { venue: 'okx' }))[0].parts;
    const shared = first.find((p) => p.date === '2025-11-01')!;
    expect(second.map((p) => p.date)).toEqual(['2025-11-01']);
    const counts = async () => {
      const c = await openCatalog(root);
      try {
        const r = await c.sql(`select date, count(*) as n from read_parquet('${join(root, 'okx', 'ETH-USDT', 'trades', '*', '*.parquet')}', hive_partitioning = true) group by date order by date`);
        return Object.fromEntries(r.column('date').map((d, i) => [String(d), Number(r.column('n')[i])]));
      } finally {
        c.close();
      }
    };
    const before = await counts();
    expect(before['2025-11-01']).toBe(shared.rows + second[0].rows);
    // the second file again, replacing: its part of the shared day is replaced, the first file's part kept
    const again = (await importIntoCatalog(w, b.path, { venue: 'okx', replace: true }))[0].parts;
    w.close();
    expect(again).toEqual([expect.objectContaining({ date: '2025-11-01', rows: second[0].rows, replaced: true, replacedParts: 1, keptParts: 1 })]);
    expect(await counts()).toEqual(before);
    // a corrected download of the second day (other trades, other times: another part name): the old part goes, the
    // first file's stays, nothing doubles
    const corrected = await writeOkxHistoryDay({ dir: join(dir, 'utc8-corrected'), kind: 'trades', date: '2025-11-02', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 3000, seed: 2 });
    const w2 = await CatalogWriter.create(root);
    const fixed = (await importIntoCatalog(w2, corrected.path, { venue: 'okx', replace: true }))[0].parts;
    w2.close();
    expect(fixed).toEqual([expect.objectContaining({ date: '2025-11-01', replaced: true, replacedParts: 1, keptParts: 1 })]);
    expect(fixed[0].path).not.toBe(again[0].path);
    expect(await counts()).toEqual({ ...before, '2025-11-01': shared.rows + fixed[0].rows });
  });

  it('--replace of a books day by a clean copy takes out the gaps the faulty one left, and says so', async () => {
    const day = { kind: 'books', date: '2025-11-03', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 300, seed: 5 } as const;
    // the opening snapshot lost: the changes before the next snapshot are a gap
    const faulty = await writeOkxHistoryDay({ ...day, dir: join(dir, 'gaps-faulty'), faults: { dropLines: [1] } });
    const clean = await writeOkxHistoryDay({ ...day, dir: join(dir, 'gaps-clean') });
    const root = join(dir, 'cat-gaps');
    const w = await CatalogWriter.create(root);
    const first = (await importIntoCatalog(w, faulty.path, { venue: 'okx' }))[0].parts;
    expect(first.filter((p) => p.table === 'gaps').map((p) => p.rows)).toEqual([1]);
    const gapsNow = async () => {
      const c = await openCatalog(root);
      try {
        return (await c.gapsOf('okx', 'ETH-USDT')).length;
      } finally {
        c.close();
      }
    };
    expect(await gapsNow()).toBe(1);
    const again = (await importIntoCatalog(w, clean.path, { venue: 'okx', replace: true }))[0].parts;
    w.close();
    expect(again.filter((p) => p.table === 'gaps')).toEqual([expect.objectContaining({ date: '2025-11-03', rows: 0, replaced: true, replacedParts: 1, keptParts: 0 })]);
    expect(await gapsNow()).toBe(0);
  });

  it('book_deltas replayed equal book_top; trades land on their UTC dates; re-import is refused, --replace keeps one copy', async () => {
    const books = await writeOkxHistoryDay({ dir: join(dir, 'in'), kind: 'books', date: '2025-11-01', ...OKX_HISTORY_PRESETS.small, durationSec: 120 });
    const trades = await writeOkxHistoryDay({ dir: join(dir, 'in'), kind: 'trades', date: '2025-11-01', ...OKX_HISTORY_PRESETS.small, durationSec: 120 });
    const root = join(dir, 'cat');
    const w = await CatalogWriter.create(root);
    const reports = await importIntoCatalog(w, join(dir, 'in'), { venue: 'okx', spillValues: 100_000 }); // several parts a day
    const parts = reports.flatMap((r) => r.parts);
    expect(parts.filter((p) => p.table === 'book_top').reduce((a, p) => a + p.rows, 0)).toBe(books.lines);
    expect(parts.filter((p) => p.table === 'book_deltas').length).toBeGreaterThan(2);
    expect(parts.find((p) => p.table === 'trades')!.rows).toBe(trades.trades);
    await expect(importIntoCatalog(w, books.path, { venue: 'okx' })).rejects.toThrow(/overlapping/);
    await importIntoCatalog(w, books.path, { venue: 'okx', replace: true, spillValues: 100_000 });
    w.close();
    // the refused import's staging (book_top's parts, written before book_deltas' day was refused) went with the writer
    const staging = (table: string) => readdirSync(join(root, 'okx', 'ETH-USDT', table)).filter((n) => n.startsWith('.'));
    expect([...staging('book_top'), ...staging('book_deltas')]).toEqual([]);

    const c = await openCatalog(root);
    const inst = c.instruments()[0].instrument;
    // file order: parts by start time, rows by file_row_number (rows of one message share ts_ms)
    const deltas = [];
    for (const day of c.days('okx', inst, 'book_deltas')) {
      for (const part of day.parts) deltas.push(...(await c.sql(`select ts_ms, side, px, qty, flags from read_parquet('${part}', file_row_number = true) order by file_row_number`)).toRows());
    }
    const tops = (await c.sql('select ts_ms, bid_px_1, bid_sz_1, ask_px_1, ask_sz_1 from book_top order by ts_ms')).toRows();
    expect(tops.length).toBe(books.lines);
    const bid = new Map<number, number>();
    const ask = new Map<number, number>();
    let t = 0;
    const check = (ts: number) => {
      while (t < tops.length && (tops[t].ts_ms as number) < ts) t++;
    };
    for (const d of deltas) {
      if ((d.flags as number) & 2) {
        bid.clear();
        ask.clear();
      }
      const book = d.side === 1 ? bid : ask;
      if (d.qty === 0) book.delete(d.px as number);
      else if (d.side !== 0) book.set(d.px as number, d.qty as number);
      check(d.ts_ms as number);
    }
    const bestBid = Math.max(...bid.keys());
    const bestAsk = Math.min(...ask.keys());
    const last = tops[tops.length - 1];
    expect(bestBid).toBe(last.bid_px_1);
    expect(bid.get(bestBid)).toBe(last.bid_sz_1);
    expect(bestAsk).toBe(last.ask_px_1);
    expect(ask.get(bestAsk)).toBe(last.ask_sz_1);
    // every row as the decoder gives it for the file (the import copies them through reused arrays and parts
    // written on two threads): rows that differ counted, for a message that stays short when many do
    const direct = { deltas: [] as number[][], tops: [] as number[][] };
    const read = await openOkxBooks(books.path);
    for await (const batch of read) {
      for (let i = 0; i < batch.length; i++) direct.deltas.push([batch.tsMs[i], batch.side[i], batch.px[i], batch.qty[i], batch.flags[i] & 3]);
      const t = batch.top!;
      for (let r = 0; r < t.tsMs.length; r++) direct.tops.push([t.tsMs[r], t.bidPx[0][r], t.bidSz[0][r], t.askPx[0][r], t.askSz[0][r], t.bidPx[4][r], t.askSz[4][r]]);
    }
    // book_top in file order too (rows of lines that share a time share ts_ms)
    const storedTops: number[][] = [];
    for (const day of c.days('okx', inst, 'book_top')) {
      for (const part of day.parts) {
        const rows = (await c.sql(`select ts_ms, bid_px_1, bid_sz_1, ask_px_1, ask_sz_1, bid_px_5, ask_sz_5 from read_parquet('${part}', file_row_number = true) order by file_row_number`)).toRows();
        storedTops.push(...rows.map((r) => Object.values(r).map((v) => (v === null ? NaN : v)) as number[]));
      }
    }
    const stored = { deltas: deltas.map((d) => [d.ts_ms, d.side, d.px, d.qty, d.flags] as number[]), tops: storedTops };
    const differing = (a: number[][], b: number[][]) => a.filter((row, i) => !b[i] || row.some((v, k) => !Object.is(v, b[i][k]))).length + Math.abs(a.length - b.length);
    expect([stored.deltas.length, differing(stored.deltas, direct.deltas), stored.tops.length, differing(stored.tops, direct.tops)]).toEqual([direct.deltas.length, 0, direct.tops.length, 0]);
    const dates = (await c.sql(`select distinct cast(date as varchar) as d from trades where instrument = '${inst}' order by d`)).column('d');
    expect(dates).toEqual([new Date(trades.firstTsMs).toISOString().slice(0, 10)]);
    c.close();
  });
});
