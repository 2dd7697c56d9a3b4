import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, type ImportReport } from '../../src/catalog/index.js';
import { writeBookCsv, writeTradeCsv } from '../../src/data/index.js';
import { generateSampleMarket, OKX_HISTORY_PRESETS, writeOkxHistoryDay, writeSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { generate, writeCapture } from '../formats/binanceSynthetic.js';

// The venue of `asmm catalog import` comes from the data where its format says it, is `sample` for an asmm
// sample folder (the venue `asmm sample --catalog` writes), and must be given (--venue) for files that name
// none. Until this was changed every file went under `okx` unless --venue said otherwise: a Binance capture,
// a Tardis file of Binance and the sample market were filed as OKX data.

const dir = tempDir('asmm-catalog-venue-');
const market = generateSampleMarket({ durationSec: 20, snapshotIntervalMs: 1000, instrument: 'ETH-USDT' });

/** Tardis trades CSV (docs.tardis.dev/downloadable-csv-files#trades) of the sample's trades, times in µs. */
function tardisTrades(name: string, exchange: string, symbol: string): string {
  const t = market.trades;
  const rows = Array.from(t.tsMs, (ms, i) => `${exchange},${symbol},${ms * 1000},${ms * 1000 + 2000},${t.id[i]},${t.side[i] === 1 ? 'buy' : 'sell'},${t.px[i]},${t.sz[i]}`);
  const path = join(dir, name);
  writeFileSync(path, ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount', ...rows].join('\n') + '\n');
  return path;
}

/** Imports `path` into a fresh catalog; its reports and the venue folders the catalog then holds. */
async function importInto(name: string, path: string, options: { venue?: string; inst?: string } = {}): Promise<{ reports: ImportReport[]; venues: string[]; root: string }> {
  const root = join(dir, name);
  const writer = await CatalogWriter.create(root);
  try {
    const reports = await importIntoCatalog(writer, path, options);
    return { reports, venues: venuesIn(root), root };
  } finally {
    writer.close();
  }
}

/** The venue folders of a catalog (none when nothing was written). */
const venuesIn = (root: string) => (existsSync(root) ? readdirSync(root).filter((n) => !n.startsWith('.')).sort() : []);

const imported = (reports: readonly ImportReport[]) => reports.filter((r) => r.parts.length > 0);

describe('catalog import: the venue', () => {
  it('is the data\'s where its format names it: OKX formats okx, a Binance capture binance or binance-futures by its market, a Tardis file its exchange column (okex ids mapped to okx)', async () => {
    const okxDir = join(dir, 'okx-in');
    const okxDay = await writeOkxHistoryDay({ dir: okxDir, date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 120, seed: 5, kind: 'trades' });
    const okx = await importInto('cat-okx', okxDay.path);
    expect(okx.venues).toEqual(['okx']);
    expect(imported(okx.reports)[0]).toMatchObject({ venue: 'okx', venueFrom: expect.stringMatching(/OKX's daily trade history/) });

    // the same symbol on Binance spot and USD-M futures (BTCUSDT): two venues, as Tardis names them
    const spot = writeCapture(dir, 'spot.gz', generate({ market: 'spot', n: 60, snapshots: [{ stateAfter: 5, receivedAfter: 8 }] }).lines);
    const futures = writeCapture(dir, 'futures.gz', generate({ market: 'futures', n: 60, snapshots: [{ stateAfter: 5, receivedAfter: 8 }] }).lines);
    const s = await importInto('cat-binance-spot', spot);
    expect(s.venues).toEqual(['binance']);
    expect(s.reports[0].venueFrom).toMatch(/Binance spot capture/);
    const f = await importInto('cat-binance-futures', futures);
    expect(f.venues).toEqual(['binance-futures']);
    expect(f.reports[0].venueFrom).toMatch(/Binance futures capture/);
    expect(existsSync(join(f.root, 'binance-futures', 'BTCUSDT', 'book_deltas'))).toBe(true);

    // Tardis: OKX's ids (okex, okex-swap, ...) are asmm's okx; other ids are the venue as they are
    for (const [exchange, symbol, venue] of [['okex', 'ETH-USDT', 'okx'], ['okex-swap', 'ETH-USDT-SWAP', 'okx'], ['binance-futures', 'ETHUSDT', 'binance-futures'], ['binance-delivery', 'ETHUSD_PERP', 'binance-futures'], ['bybit', 'ETHUSDT', 'bybit']] as const) {
      const t = await importInto(`cat-tardis-${exchange}`, tardisTrades(`${exchange}_trades.csv`, exchange, symbol));
      expect(t.venues, exchange).toEqual([venue]);
      expect(readdirSync(join(t.root, venue)), exchange).toEqual([symbol]);
      expect(t.reports[0].venueFrom).toBe(`the data: the Tardis exchange column, "${exchange}"`);
    }
  }, 60_000);

  it('--venue always overrides', async () => {
    const t = await importInto('cat-given', tardisTrades('given_trades.csv', 'binance', 'ETHUSDT'), { venue: 'mine' });
    expect(t.venues).toEqual(['mine']);
    expect(t.reports[0]).toMatchObject({ venue: 'mine', venueFrom: 'given (--venue)' });
  });

  it('an asmm sample folder, or one of its files, is venue sample: where asmm sample --catalog writes it', async () => {
    const sampleDir = join(dir, 'sample-in');
    writeSampleMarket(sampleDir, market);
    const folder = await importInto('cat-sample-folder', sampleDir);
    const one = await importInto('cat-sample-file', join(sampleDir, 'books.csv'));
    // the venue `asmm sample --days 1 --catalog` files its market under, asked of the command itself
    const bySample = join(dir, 'cat-by-sample');
    const r = runAsmm(['sample', '--days', '1', '--interval-ms', '600000', '--arrival-rate', '0.01', '--catalog', bySample, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { venue } = JSON.parse(r.stdout) as { venue: string };
    expect(venuesIn(bySample)).toEqual([venue]);
    expect(folder.venues).toEqual([venue]);
    expect(one.venues).toEqual([venue]);
    for (const report of [...imported(folder.reports), ...one.reports]) expect(report.venueFrom).toMatch(/asmm sample folder .*params\.json/);
    // the single file's instrument from the folder's params.json too (it has none of its own)
    expect(readdirSync(join(one.root, venue))).toEqual(['ETH-USDT']);
  }, 60_000);

  it('a file that names no venue is refused, naming it and --venue, before anything is written; a folder holding one imports none of its files', async () => {
    const plain = join(dir, 'plain');
    mkdirSync(plain);
    writeBookCsv(join(plain, 'eth-books.csv'), market.book);
    const root = join(dir, 'cat-plain');
    const writer = await CatalogWriter.create(root);
    try {
      await expect(importIntoCatalog(writer, join(plain, 'eth-books.csv'), { inst: 'ETH-USDT' })).rejects.toThrow(/eth-books\.csv: a file of format asmm-book-csv, which names no venue: give --venue/);
      // a Tardis file whose exchange column is empty names none either
      await expect(importIntoCatalog(writer, tardisTrades('no-exchange_trades.csv', '', 'ETH-USDT'), {})).rejects.toThrow(/no-exchange_trades\.csv: the Tardis exchange column is empty: give --venue/);
      // a folder with an OKX file (its own venue) and an asmm CSV: refused whole, the OKX file not imported either
      const okx = await writeOkxHistoryDay({ dir: plain, date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 120, seed: 6, kind: 'trades' });
      writeTradeCsv(join(plain, 'eth-trades.csv'), market.trades);
      await expect(importIntoCatalog(writer, plain, { inst: 'ETH-USDT' })).rejects.toThrow(/eth-books\.csv, .*eth-trades\.csv: 2 files of a format that names no venue .*give --venue.*no file of .*plain was imported/);
      expect(venuesIn(root)).toEqual([]);
      // with --venue the folder goes in whole, under it
      const reports = await importIntoCatalog(writer, plain, { venue: 'elsewhere', inst: 'ETH-USDT' });
      expect(imported(reports).map((r) => r.venue)).toEqual(['elsewhere', 'elsewhere', 'elsewhere']);
      expect(imported(reports).map((r) => r.file).sort()).toEqual([join(plain, 'eth-books.csv'), join(plain, 'eth-trades.csv'), okx.path].sort());
    } finally {
      writer.close();
    }
  }, 60_000);

  it('the command: exit 2 naming the file for a file without a venue; the venue and its source in the table and in --json', () => {
    const plain = join(dir, 'cli-plain');
    mkdirSync(plain);
    writeBookCsv(join(plain, 'books.csv'), market.book);
    const root = join(dir, 'cat-cli');
    const refused = runAsmm(['catalog', 'import', join(plain, 'books.csv'), '--catalog', root, '--inst', 'ETH-USDT']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`asmm catalog: ${join(plain, 'books.csv')}: a file of format asmm-book-csv, which names no venue: give --venue`);
    expect(existsSync(join(root, 'okx'))).toBe(false);

    const tardis = tardisTrades('cli_trades.csv', 'okex', 'ETH-USDT');
    const text = runAsmm(['catalog', 'import', tardis, '--catalog', root]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^file +venue +table +date +rows +partition$/m);
    expect(text.stdout).toMatch(new RegExp(`^${tardis} +okx +trades +`, 'm'));
    expect(text.stdout).toContain('venue okx: the data: the Tardis exchange column, "okex"\n');
    const copy = join(dir, 'cli_trades_binance.csv');
    copyFileSync(tardisTrades('cli_trades_b.csv', 'binance', 'ETHUSDT'), copy);
    const json = runAsmm(['catalog', 'import', copy, '--catalog', root, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { imports: ImportReport[] };
    expect(out.imports[0]).toMatchObject({ venue: 'binance', venueFrom: 'the data: the Tardis exchange column, "binance"' });
    const bad = runAsmm(['catalog', 'import', copy, '--catalog', root, '--venue', '../x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--venue "\.\.\/x": not a valid folder name/);
  });
});
