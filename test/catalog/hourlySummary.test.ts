import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hourlySummary, MAX_SIGMA_INCREMENT_MS } from '../../src/catalog/hourlySummary.js';
import { openCatalog } from '../../src/catalog/index.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import type { CatalogGap } from '../../src/catalog/schema.js';

describe('hourlySummary (SQL over the catalog)', () => {
  it('equals the same per-hour sums computed in TypeScript from the days read back as tables', async () => {
    const root = join(tempDir('asmm-hourly-'), 'catalog');
    expect(runAsmm(['sample', '--days', '2', '--interval-ms', '5000', '--arrival-rate', '0.25', '--seed', '3', '--catalog', root, '--json']).code).toBe(0);
    const catalog = await openCatalog(root);
    try {
      const hours = await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT' });
      // independent: loop over the BookTable/TradeTable of each day
      const ref = new Map<number, { rows: number; spread: number; depth: number; trades: number; volume: number; sq: number; dtMs: number; inc: number; dropped: number }>();
      const at = (ts: number) => {
        const h = Math.floor(ts / 3_600_000) * 3_600_000;
        if (!ref.has(h)) ref.set(h, { rows: 0, spread: 0, depth: 0, trades: 0, volume: 0, sq: 0, dtMs: 0, inc: 0, dropped: 0 });
        return ref.get(h)!;
      };
      let prevTs = NaN;
      let prevMid = NaN;
      for await (const book of catalog.readBookTopDays('sample', 'ETH-USDT')) {
        for (let i = 0; i < book.tsMs.length; i++) {
          const r = at(book.tsMs[i]);
          const bid = book.bidPx[0][i];
          const ask = book.askPx[0][i];
          r.rows++;
          r.spread += ask - bid;
          r.depth += book.bidSz[0][i] + book.askSz[0][i];
          const mid = (bid + ask) / 2;
          if (!Number.isNaN(prevTs)) {
            if (book.tsMs[i] - prevTs <= MAX_SIGMA_INCREMENT_MS) {
              r.sq += (mid - prevMid) ** 2;
              r.dtMs += book.tsMs[i] - prevTs;
              r.inc++;
            } else r.dropped++;
          }
          prevTs = book.tsMs[i];
          prevMid = mid;
        }
      }
      for await (const t of catalog.readTradesDays('sample', 'ETH-USDT')) {
        for (let i = 0; i < t.tsMs.length; i++) {
          const r = at(t.tsMs[i]);
          r.trades++;
          r.volume += t.sz[i];
        }
      }
      expect(hours.map((h) => h.hourMs)).toEqual([...ref.keys()].sort((a, b) => a - b));
      expect(hours).toHaveLength(48);
      for (const h of hours) {
        const r = ref.get(h.hourMs)!;
        expect(h.bookRows).toBe(r.rows);
        expect(h.trades).toBe(r.trades);
        expect(h.sigmaIncrements).toBe(r.inc);
        expect(h.sigmaDropped).toBe(r.dropped);
        // sums in another order: equal to 1e-9 relative
        expect(h.spreadMeanPx).toBeCloseTo(r.spread / r.rows, 9);
        expect(h.touchDepthMean / (r.depth / r.rows)).toBeCloseTo(1, 9);
        expect(h.volume / r.volume).toBeCloseTo(1, 9);
        expect(h.sigmaObservedSec).toBe(r.dtMs / 1000);
        expect(h.sigmaPricePerSqrtSec / Math.sqrt(r.sq / (r.dtMs / 1000))).toBeCloseTo(1, 9);
      }
      // a range of one day gives its 24 hours
      expect(await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT', fromDate: '2026-01-02', toDate: '2026-01-02' })).toHaveLength(24);
    } finally {
      catalog.close();
    }
  });

  it('takes σ over the time its increments span: an hour the data cover in part, with a dropped gap, is not read as a quiet hour', async () => {
    // 12 minutes of one hour: a mid moving ±0.05 each second for 299 s, a 120 s hole with a jump of 1 (dropped: longer
    // than MAX_SIGMA_INCREMENT_MS), then 300 s more: σ = 0.05 per √s exactly, over 599 increments of 1 s. Over 3600 s
    // it read 0.0204 (√(599 · 0.05² / 3600)).
    const dir = tempDir('asmm-hourly-partial-');
    const t0 = Date.UTC(2026, 0, 1, 1, 40);
    const lines = ['ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1'];
    let ts = t0;
    let mid = 100;
    for (let i = 0; i <= 600; i++) {
      if (i === 300) {
        ts += 120_000;
        mid += 1;
      } else if (i > 0) {
        ts += 1000;
        mid += i % 2 ? 0.05 : -0.05;
      }
      lines.push(`${ts},${(mid - 0.005).toFixed(3)},1,${(mid + 0.005).toFixed(3)},1`);
    }
    writeFileSync(join(dir, 'books.csv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'trades.csv'), `ts_ms,id,side,px,sz\n${t0 + 500},1,buy,100.01,0.5\n`);
    const root = join(dir, 'catalog');
    for (const f of ['books.csv', 'trades.csv']) expect(runAsmm(['catalog', 'import', join(dir, f), '--venue', 'test', '--inst', 'X-USDT', '--catalog', root, '--json']).code).toBe(0);
    const catalog = await openCatalog(root);
    try {
      const [h, ...rest] = await hourlySummary(catalog, { venue: 'test', instrument: 'X-USDT' });
      expect(rest).toHaveLength(0);
      expect(h.sigmaIncrements).toBe(599);
      expect(h.sigmaDropped).toBe(1);
      expect(h.sigmaPricePerSqrtSec).toBeCloseTo(0.05, 9);
      expect(h.sigmaObservedSec).toBe(599);
    } finally {
      catalog.close();
    }
  });

  it('a book-only import has no trade count (NaN, not recorded), alone in its catalog or beside an instrument with trades', async () => {
    const dir = tempDir('asmm-hourly-books-only-');
    const t0 = Date.UTC(2026, 0, 1, 1, 40);
    writeFileSync(join(dir, 'books.csv'), `ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1\n${t0},99.99,1,100.01,1\n${t0 + 1000},100,1,100.02,1\n`);
    writeFileSync(join(dir, 'trades.csv'), `ts_ms,id,side,px,sz\n${t0 + 500},1,buy,100.01,0.5\n`);
    const root = join(dir, 'catalog');
    const imp = (args: string[]) => expect(runAsmm(['catalog', 'import', ...args, '--catalog', root, '--json']).code).toBe(0);
    imp([join(dir, 'books.csv'), '--venue', 'test', '--inst', 'B-USDT']);
    let catalog = await openCatalog(root);
    try {
      // alone: the query named a trades view that does not exist (DuckDB: "Table with name trades does not exist")
      const [h] = await hourlySummary(catalog, { venue: 'test', instrument: 'B-USDT' });
      expect(h.bookRows).toBe(2);
      expect(h.trades).toBeNaN();
      expect(h.volume).toBeNaN();
    } finally {
      catalog.close();
    }
    imp([join(dir, 'books.csv'), '--venue', 'test', '--inst', 'A-USDT']);
    imp([join(dir, 'trades.csv'), '--venue', 'test', '--inst', 'A-USDT']);
    catalog = await openCatalog(root);
    try {
      // beside an instrument with trades, B-USDT read 0 trades
      const [b] = await hourlySummary(catalog, { venue: 'test', instrument: 'B-USDT' });
      expect(b.trades).toBeNaN();
      const [a] = await hourlySummary(catalog, { venue: 'test', instrument: 'A-USDT' });
      expect([a.trades, a.volume]).toEqual([1, 0.5]);
    } finally {
      catalog.close();
    }
  });

  it('leaves a masked interval of the book out: the jump across it is no move, its frozen rows no spread', async () => {
    // rows every second, the mid moving ±0.05; the catalog's gaps mask the book over [300 s, 330 s), where the rows are a
    // frozen, wide book (spread 1) and the mid jumps by 5 at the first row after: σ = 0.05 exactly over the 570
    // increments outside, as asmm estimate gives on the same file. The jump counted gave σ 0.208.
    const dir = tempDir('asmm-hourly-masked-');
    const t0 = Date.UTC(2026, 0, 1, 1, 40);
    const lines = ['ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1'];
    let mid = 100;
    for (let i = 0; i <= 600; i++) {
      const inMask = i >= 300 && i < 330;
      if (i > 0 && !(i > 300 && i < 330)) mid += i % 2 ? 0.05 : -0.05;
      if (i === 330) mid += 5;
      const half = inMask ? 0.5 : 0.005;
      lines.push(`${t0 + i * 1000},${(mid - half).toFixed(3)},1,${(mid + half).toFixed(3)},1`);
    }
    writeFileSync(join(dir, 'books.csv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'books.masked.csv'), `from_ts_ms,to_ts_ms,reason\n${t0 + 300_000},${t0 + 330_000},sequence gap\n`);
    writeFileSync(join(dir, 'trades.csv'), `ts_ms,id,side,px,sz\n${t0 + 500},1,buy,100.01,0.5\n`);
    const root = join(dir, 'catalog');
    for (const f of ['books.csv', 'trades.csv']) expect(runAsmm(['catalog', 'import', join(dir, f), '--venue', 'test', '--inst', 'X-USDT', '--catalog', root, '--json']).code).toBe(0);
    const catalog = await openCatalog(root);
    try {
      const [h] = await hourlySummary(catalog, { venue: 'test', instrument: 'X-USDT' });
      expect(h.sigmaPricePerSqrtSec).toBeCloseTo(0.05, 9);
      expect([h.sigmaIncrements, h.sigmaDropped, h.sigmaObservedSec]).toEqual([570, 30, 570]);
      expect(h.bookRows).toBe(601);
      expect(h.spreadMeanPx).toBeCloseTo(0.01, 9);
    } finally {
      catalog.close();
    }
    const est = runAsmm(['estimate', '--data', join(dir, 'books.csv'), '--trades', join(dir, 'trades.csv'), '--grid', '1s', '--depths', '0..1', '--json']);
    expect(JSON.parse(est.stdout).sigma.realized.price.sigmaPerSqrtSec).toBeCloseTo(0.05, 9);
  });

  const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  it.skipIf(!existsSync(capture))('on the shared Binance capture (346 s of one hour) equals pandas over the same Parquet files (needs ../shared/data)', async () => {
    const root = join(tempDir('asmm-hourly-binance-'), 'catalog');
    expect(runAsmm(['catalog', 'import', capture, '--catalog', root, '--json']).code).toBe(0);
    const catalog = await openCatalog(root);
    try {
      const hours = await hourlySummary(catalog, { venue: 'binance', instrument: 'BTCUSDT' });
      // bench/crosscheck/hourly_summary.py (pandas.read_parquet of book_top and trades) on this catalog:
      // 2024-08-08T23: 3437 rows, 9738 trades, 3436 increments over 344.565 s, σ 6.347430564380763 (the old 3600 s: 1.9637)
      expect(hours.map((h) => h.hourMs)).toEqual([Date.UTC(2024, 7, 8, 23), Date.UTC(2024, 7, 9, 0)]);
      const h = hours[0];
      expect([h.bookRows, h.trades, h.sigmaIncrements, h.sigmaDropped]).toEqual([3437, 9738, 3436, 0]);
      expect(h.sigmaPricePerSqrtSec).toBeCloseTo(6.347430564380763, 9);
      expect(h.sigmaObservedSec).toBeCloseTo(344.565, 9);
      expect(h.spreadMeanPx).toBeCloseTo(0.02989816700622489, 12);
      expect(h.touchDepthMean).toBeCloseTo(4.544381591504219, 9);
      expect(h.volume).toBeCloseTo(211.86101, 9);
    } finally {
      catalog.close();
    }
  });
});

/**
 * A catalog (venue sample, ETH-USDT) of the sample market at 1 s for `durationSec` from an hour's start, with its
 * trades (or those `keepTrade` keeps) and `gaps` given as they start from that hour (`t0`); opened, with `t0`.
 */
async function sampleHoursCatalog(name: string, durationSec: number, seed: number, gaps: (t0: number) => CatalogGap[], keepTrade: (tsMs: number, t0: number) => boolean = () => true) {
  const { CatalogWriter } = await import('../../src/catalog/index.js');
  const { generateSampleMarket } = await import('../../src/sample/index.js');
  const m = generateSampleMarket({ durationSec, seed, snapshotIntervalMs: 1000 });
  const t0 = Math.floor(m.book.tsMs[0] / 3_600_000) * 3_600_000;
  const keep = Array.from(m.trades.tsMs.keys()).filter((i) => keepTrade(m.trades.tsMs[i], t0));
  const f64 = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const trades = { ...m.trades, tsMs: f64(m.trades.tsMs), px: f64(m.trades.px), sz: f64(m.trades.sz), id: f64(m.trades.id), side: Int8Array.from(keep, (i) => m.trades.side[i]) };
  const root = join(tempDir(`asmm-hourly-${name}-`), 'catalog');
  const writer = await CatalogWriter.create(root);
  try {
    await writer.writeBookTop('sample', m.book, 'ETH-USDT');
    await writer.writeTrades('sample', trades, 'ETH-USDT');
    await writer.writeGaps('sample', 'ETH-USDT', gaps(t0));
  } finally {
    writer.close();
  }
  return { catalog: await openCatalog(root), t0, bookStartMs: m.book.tsMs[0], tradesKept: keep.length };
}

describe('hourlySummary: hours whose trades were not recorded', () => {
  // Two hours of book, trades imported for the first hour only (as an OKX trades file of UTC+8 days leaves the
  // end of a UTC day), and a 10-minute recorder gap of the trades channel in the first hour. The second hour
  // read 0 trades and 0 volume (no word), the first a count short of 10 minutes with nothing to say so.
  it('an hour past the trades recorded is NaN (not 0); an hour with a trades gap says how much of it', async () => {
    const { catalog, t0, bookStartMs, tradesKept } = await sampleHoursCatalog('unrecorded', 7200, 11, (t) => [{ fromMs: t + 600_000, toMs: t + 1_200_000, reason: 'recorder gap (trades channel)', appliesTo: 'trades' }], (ts, t) => ts < t + 3_600_000);
    expect(bookStartMs).toBe(t0); // the sample starts on the hour
    try {
      const hours = await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT' });
      expect(hours.map((h) => h.hourMs)).toEqual([t0, t0 + 3_600_000]);
      expect(hours[0].trades).toBe(tradesKept);
      expect(hours[0].tradesMaskedSec).toBe(600);
      expect(hours[1].bookRows).toBeGreaterThan(3000);
      expect(hours[1].trades).toBeNaN();
      expect(hours[1].volume).toBeNaN();
      // the book's σ is untouched by the trades' gap
      expect(hours[0].sigmaDropped).toBe(0);
    } finally {
      catalog.close();
    }
  });
});

describe('hourlySummary: overlapping gaps of the trades record', () => {
  // A lost connection (a gap of both streams) and a recorder gap of the trades channel over the same 10 minutes,
  // and half of it again: the hour has 10 minutes of trades missing, not the sum of the gaps (20 + 5 minutes).
  it('tradesMaskedSec counts the time once', async () => {
    const { catalog } = await sampleHoursCatalog('overlap', 3600, 12, (t0) => [
      { fromMs: t0 + 600_000, toMs: t0 + 1_200_000, reason: 'lost connection', appliesTo: 'both' },
      { fromMs: t0 + 600_000, toMs: t0 + 1_200_000, reason: 'recorder gap (trades channel)', appliesTo: 'trades' },
      { fromMs: t0 + 900_000, toMs: t0 + 1_200_000, reason: 'recorder gap (trades channel)', appliesTo: 'trades' },
    ]);
    try {
      const hours = await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT' });
      expect(hours[0].tradesMaskedSec).toBe(600);
    } finally {
      catalog.close();
    }
  });
});
