import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/index.js';
import { hourlySummary, notebookCatalog } from '../../src/jupyter/catalogNotebook.js';
import { NotebookDataError } from '../../src/jupyter/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

// Notebook 07 reads a catalog. The README says every notebook runs on your data when ASMM_BOOKS (ASMM_TRADES)
// or ASMM_CATALOG is set: so it summarises the files named by ASMM_BOOKS too, and refuses what notebookMarket
// refuses (files and a catalog both named, range variables without ASMM_CATALOG) instead of running the sample.
const dir = tempDir();
// 2 h of the sample at 1 s from 10:00 UTC: rows and trades per hour counted here from the tables themselves
const params = { durationSec: 2 * 3600, seed: 3, snapshotIntervalMs: 1000, startMs: Date.UTC(2026, 2, 1, 10) };
const market = generateSampleMarket(params);
const bookPath = join(dir, 'mine.books.csv');
const tradesPath = join(dir, 'mine.trades.csv');
writeBookCsv(bookPath, market.book);
writeTradeCsv(tradesPath, market.trades);
const perHour = (ts: ArrayLike<number>) => {
  const counts = new Map<number, number>();
  for (const t of Array.from(ts)) counts.set(Math.floor(t / 3_600_000) * 3_600_000, (counts.get(Math.floor(t / 3_600_000) * 3_600_000) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
};

describe('notebookCatalog (notebook 07): the data it summarises', () => {
  it('with ASMM_BOOKS and ASMM_TRADES: the user\'s files, hour by hour, not the sample', async () => {
    const nb = await notebookCatalog({ ASMM_BOOKS: bookPath, ASMM_TRADES: tradesPath });
    try {
      expect(nb.source).toBe('files');
      expect(nb.description).toContain(bookPath);
      const hours = await hourlySummary(nb.catalog, nb.range);
      expect(hours.map((h) => [h.hourMs, h.bookRows])).toEqual(perHour(market.book.tsMs));
      expect(hours.map((h) => [h.hourMs, h.trades])).toEqual(perHour(market.trades.tsMs));
    } finally {
      nb.close();
    }
  });

  it('a gap of the trades file masks the trades, not the book: the book\'s σ keeps its increments there', async () => {
    // a 10-minute recorder gap in the trades' sidecar (mine.trades-gap.masked.csv); it was written as a gap of
    // both tables, so the hour's σ dropped the book's increments inside it (the book was fine)
    const t0 = params.startMs;
    const gapTrades = join(dir, 'mine.trades-gap.csv');
    writeTradeCsv(gapTrades, market.trades);
    writeFileSync(join(dir, 'mine.trades-gap.masked.csv'), `from_ts_ms,to_ts_ms,reason\n${t0 + 600_000},${t0 + 1_200_000},"recorder gap (trades channel)"\n`);
    const nb = await notebookCatalog({ ASMM_BOOKS: bookPath, ASMM_TRADES: gapTrades });
    try {
      const hours = await hourlySummary(nb.catalog, nb.range);
      expect(hours[0].tradesMaskedSec).toBe(600);
      expect(hours[0].sigmaDropped).toBe(0);
      expect(hours[1].tradesMaskedSec).toBe(0);
    } finally {
      nb.close();
    }
  });

  it('refuses files and a catalog named together, and range variables without ASMM_CATALOG, naming the variables', async () => {
    await expect(notebookCatalog({ ASMM_BOOKS: bookPath, ASMM_CATALOG: dir })).rejects.toThrow(NotebookDataError);
    await expect(notebookCatalog({ ASMM_BOOKS: bookPath, ASMM_CATALOG: dir })).rejects.toThrow(/ASMM_CATALOG=.*ASMM_BOOKS are both set/);
    await expect(notebookCatalog({ ASMM_INST: 'ETH-USDT' })).rejects.toThrow(/ASMM_INST is set but ASMM_CATALOG is not/);
    await expect(notebookCatalog({ ASMM_TRADES: tradesPath })).rejects.toThrow(/ASMM_TRADES=.* is set but ASMM_BOOKS is not/);
  });
});

describe('notebookCatalog with ASMM_BOOKS: a gap of the book is no gap of the trades', () => {
  // A Binance capture of 10 minutes: a diff every second, a trade every 5 s (120), and a sequence gap of the depth
  // stream at 100.5 s (no snapshot after it: the book is masked to the end). The masks were all written as gaps of
  // both streams, so the hour read 500 s of its trades record missing (tradesMaskedSec) though every trade is there.
  it('tradesMaskedSec 0 and all 120 trades; the book still masked', async () => {
    const { writeFileSync } = await import('node:fs');
    const { gzipSync } = await import('node:zlib');
    const T0 = Date.UTC(2026, 0, 1);
    const lines: [number, string][] = [];
    const put = (ms: number, obj: unknown) => lines.push([(ms + 1) * 1e6, JSON.stringify(obj)]);
    let uid = 100;
    put(T0 + 400, { lastUpdateId: uid, bids: [['100.00', '10']], asks: [['100.02', '50']] });
    for (let ms = 500; ms < 600_000; ms += 1000) {
      uid += ms === 100_500 ? 6 : 1; // five updates lost at 100.5 s
      put(T0 + ms, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: T0 + ms, s: 'BTCUSDT', U: uid, u: uid, b: [['99.99', String(1 + (ms % 7))]], a: [] } });
    }
    for (let ms = 1000; ms < 600_000; ms += 5000) put(T0 + ms, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + ms, s: 'BTCUSDT', t: ms, p: '100.01', q: '0.001', T: T0 + ms, m: true, M: true } });
    lines.sort((a, b) => a[0] - b[0]);
    const capture = join(dir, 'seq-gap.gz');
    writeFileSync(capture, gzipSync(lines.map(([ns, json]) => `${ns} ${json}`).join('\n') + '\n'));
    const nb = await notebookCatalog({ ASMM_BOOKS: capture });
    try {
      const hours = await hourlySummary(nb.catalog, nb.range);
      expect(hours.map((h) => [h.trades, h.tradesMaskedSec])).toEqual([[120, 0]]);
      const bookGaps = await nb.catalog.gapsOf(nb.range.venue, nb.range.instrument, undefined, undefined, 'book');
      expect(bookGaps.map((g) => g.fromMs - T0)).toEqual([99_500]);
    } finally {
      nb.close();
    }
  });
});
