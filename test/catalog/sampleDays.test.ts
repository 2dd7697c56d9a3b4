import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../src/catalog/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('asmm sample --days N --catalog DIR', () => {
  it('writes one continuous sample market day by day into the catalog, equal to the market generated at once', async () => {
    const root = join(tempDir('asmm-sample-days-'), 'catalog');
    const run = runAsmm(['sample', '--days', '2', '--interval-ms', '10000', '--seed', '3', '--arrival-rate', '0.5', '--catalog', root, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { venue: string; instrument: string; days: Array<{ date: string; snapshots: number; trades: number }> };
    // --arrival-rate is A, market orders per second on each side: a day holds Poisson(2 · A · 86,400) of them
    // (each order one trade print, or more when it walks past the touch), so at least that many and not many more
    for (const day of summary.days) expect(day.trades).toBeGreaterThan(2 * 0.5 * 86_400 - 4 * Math.sqrt(2 * 0.5 * 86_400));
    for (const day of summary.days) expect(day.trades).toBeLessThan(1.2 * 2 * 0.5 * 86_400);
    expect(summary.days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02']);
    const whole = generateSampleMarket({ durationSec: 2 * 86_400, seed: 3, snapshotIntervalMs: 10_000, arrivalRatePerSec: 0.5 });
    const catalog = await openCatalog(root);
    try {
      const ts: number[] = [];
      const bid1: number[] = [];
      for await (const day of catalog.readBookTopDays(summary.venue, summary.instrument)) {
        for (let i = 0; i < day.tsMs.length; i++) {
          ts.push(day.tsMs[i]);
          bid1.push(day.bidPx[0][i]);
        }
      }
      expect(ts).toEqual(Array.from(whole.book.tsMs));
      expect(bid1).toEqual(Array.from(whole.book.bidPx[0]));
      const tradeIds: number[] = [];
      for await (const day of catalog.readTradesDays(summary.venue, summary.instrument)) for (const id of day.id) tradeIds.push(id);
      expect(tradeIds).toEqual(Array.from(whole.trades.id));
    } finally {
      catalog.close();
    }
    // the same days again are refused in one line, and replaced when asked
    const again = runAsmm(['sample', '--days', '2', '--interval-ms', '10000', '--seed', '3', '--arrival-rate', '0.5', '--catalog', root]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/overlapping.*--replace/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    // a refused run leaves the instrument's metadata as it was (another seed's run must not claim the days)
    const instrumentJson = join(root, 'sample', 'ETH-USDT', 'instrument.json');
    const before = readFileSync(instrumentJson, 'utf8');
    expect(before).toContain('asmm sample market (seed 3)');
    const otherSeed = runAsmm(['sample', '--days', '2', '--interval-ms', '10000', '--seed', '4', '--arrival-rate', '0.5', '--catalog', root]);
    expect(otherSeed.code).toBe(2);
    expect(readFileSync(instrumentJson, 'utf8')).toBe(before);
    expect(runAsmm(['sample', '--days', '2', '--interval-ms', '10000', '--seed', '3', '--arrival-rate', '0.5', '--catalog', root, '--replace', '--json']).code).toBe(0);
    // all days or none: with the first day gone from the catalog, the run writes it, is refused on the second,
    // and takes the first out again (saying so), so that the catalog is as it was
    for (const table of ['book_top', 'trades']) rmSync(join(root, 'sample', 'ETH-USDT', table, 'date=2026-01-01'), { recursive: true });
    const partly = runAsmm(['sample', '--days', '2', '--interval-ms', '10000', '--seed', '3', '--arrival-rate', '0.5', '--catalog', root, '--json']);
    expect(partly.code).toBe(2);
    expect(partly.stderr.trim().split('\n')).toHaveLength(1);
    expect(partly.stderr).toMatch(/overlapping.*--replace.*; nothing of the run was kept: the 2 part file\(s\) it had added were taken out again \(sample\/ETH-USDT\/book_top\/date=2026-01-01\/\S+\.parquet, sample\/ETH-USDT\/trades\/date=2026-01-01\/\S+\.parquet\)/);
    for (const table of ['book_top', 'trades']) expect(existsSync(join(root, 'sample', 'ETH-USDT', table, 'date=2026-01-01')), table).toBe(false);
  });
});
