import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hourlySummary, MAX_SIGMA_INCREMENT_MS } from '../../src/catalog/hourlySummary.js';
import { openCatalog } from '../../src/catalog/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('hourlySummary (SQL over the catalog)', () => {
  it('equals the same per-hour sums computed in TypeScript from the days read back as tables', async () => {
    const root = join(tempDir('asmm-hourly-'), 'catalog');
    expect(runAsmm(['sample', '--days', '2', '--interval-ms', '5000', '--arrival-rate', '0.25', '--seed', '3', '--catalog', root, '--json']).code).toBe(0);
    const catalog = await openCatalog(root);
    try {
      const hours = await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT' });
      // independent: loop over the BookTable/TradeTable of each day
      const ref = new Map<number, { rows: number; spread: number; depth: number; trades: number; volume: number; sq: number; inc: number; dropped: number }>();
      const at = (ts: number) => {
        const h = Math.floor(ts / 3_600_000) * 3_600_000;
        if (!ref.has(h)) ref.set(h, { rows: 0, spread: 0, depth: 0, trades: 0, volume: 0, sq: 0, inc: 0, dropped: 0 });
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
        expect(h.sigmaPricePerSqrtSec / Math.sqrt(r.sq / 3600)).toBeCloseTo(1, 9);
      }
      // a range of one day gives its 24 hours
      expect(await hourlySummary(catalog, { venue: 'sample', instrument: 'ETH-USDT', fromDate: '2026-01-02', toDate: '2026-01-02' })).toHaveLength(24);
    } finally {
      catalog.close();
    }
  });
});
