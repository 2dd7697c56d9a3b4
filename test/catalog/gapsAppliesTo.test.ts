import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, openCatalog } from '../../src/catalog/index.js';
import { writeBookCsv, writeTradeCsv } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A recorder gap of the trades channel masks the trades, not the book, in the files it came from; through the
// catalog it masked the book as well (the gaps table did not say which table a mask was of), so estimate
// --catalog dropped σ increments that estimate --data keeps. Reference: the same files estimated directly.
describe('a gap of one table stays a gap of that table through the catalog', () => {
  const dir = tempDir('asmm-gaps-applies-');
  const start = Date.UTC(2026, 0, 1, 1);
  const market = generateSampleMarket({ startMs: start, durationSec: 1800, snapshotIntervalMs: 100, seed: 7 });
  const tradesGap = { fromMs: start + 600_000, toMs: start + 900_000, reason: 'recorder gap (trades channel)' };

  it('estimate --catalog gives estimate --data\'s σ on files whose trades have a 5-minute gap; the days carry the mask on the trades only', async () => {
    const books = join(dir, 'books.csv');
    const trades = join(dir, 'trades.csv');
    writeBookCsv(books, market.book);
    writeTradeCsv(trades, { ...market.trades, masked: [tradesGap] });
    const root = join(dir, 'catalog');
    const imported = runAsmm(['catalog', 'import', dir, '--catalog', root, '--venue', 'sample', '--inst', 'ETH-USDT']);
    expect(imported.code, imported.stderr).toBe(0);
    const fromFiles = JSON.parse(runAsmm(['estimate', '--data', books, '--trades', trades, '--json']).stdout) as { sigma: { realized: { price: { increments: number; sigmaPerSqrtSec: number } } } };
    const fromCatalog = runAsmm(['estimate', '--catalog', root, '--inst', 'ETH-USDT', '--venue', 'sample', '--json']);
    expect(fromCatalog.code, fromCatalog.stderr).toBe(0);
    const c = JSON.parse(fromCatalog.stdout) as typeof fromFiles;
    // the book is not masked in the files: every increment counts, from the catalog too
    expect(fromFiles.sigma.realized.price.increments).toBeGreaterThan(17_000);
    expect(c.sigma.realized.price.increments).toBe(fromFiles.sigma.realized.price.increments);
    expect(c.sigma.realized.price.sigmaPerSqrtSec).toBe(fromFiles.sigma.realized.price.sigmaPerSqrtSec);
    // and the catalog's days carry the mask on the trades only
    const catalog = await openCatalog(root);
    try {
      for await (const d of catalog.readBookTopDays('sample', 'ETH-USDT')) expect(d.masked ?? []).toEqual([]);
      for await (const d of catalog.readTradesDays('sample', 'ETH-USDT')) expect(d.masked).toEqual([tradesGap]);
    } finally {
      catalog.close();
    }
  });

  it('a gaps part written before applies_to existed masks both tables, as it did', async () => {
    const root = join(dir, 'old-catalog');
    const writer = await CatalogWriter.create(root);
    try {
      await writer.writeBookTop('sample', market.book, 'ETH-USDT');
      await writer.writeTrades('sample', market.trades, 'ETH-USDT');
    } finally {
      writer.close();
    }
    // a part of the old layout (from_ms, to_ms, reason), written by DuckDB itself (not through the catalog)
    const gapsDir = join(root, 'sample', 'ETH-USDT', 'gaps', 'date=2026-01-01');
    mkdirSync(gapsDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`copy (select ${tradesGap.fromMs}::double as from_ms, ${tradesGap.toMs}::double as to_ms, 'old gap' as reason) to '${gapsDir}/${tradesGap.fromMs}-${tradesGap.toMs}.parquet' (format parquet)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const reopened = await openCatalog(root);
    try {
      const old = { ...tradesGap, reason: 'old gap' };
      for await (const d of reopened.readBookTopDays('sample', 'ETH-USDT')) expect(d.masked).toEqual([old]);
      for await (const d of reopened.readTradesDays('sample', 'ETH-USDT')) expect(d.masked).toEqual([old]);
    } finally {
      reopened.close();
    }
  });
});
