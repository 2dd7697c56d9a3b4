import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hourlySummary, type HourRow } from '../catalog/hourlySummary.js';
import { CatalogRangeError, catalogRange, type CatalogRange } from '../catalog/marketRange.js';
import type { Catalog } from '../catalog/catalog.js';
import type { PlotlyFigure } from '../plot/figure.js';
import { sampleMarketDays } from '../sample/index.js';
import { MARKET_ENV, NotebookDataError, notebookMarket } from './notebookData.js';

/** The generated month of notebook 07: days, snapshot interval and seed (trades at full rate). */
export const CATALOG_NOTEBOOK_SAMPLE = { days: 30, snapshotIntervalMs: 60_000, seed: 1 } as const;

/** A catalog range for notebook 07 and where it came from. */
export interface NotebookCatalog {
  readonly catalog: Catalog;
  readonly range: CatalogRange;
  readonly source: 'sample' | 'files' | 'catalog';
  readonly description: string;
  /** Closes the catalog; the generated sample's temporary catalog is deleted. */
  close(): void;
}

/**
 * The user's catalog range when `ASMM_CATALOG` is set (`ASMM_INST`, optionally `ASMM_VENUE`, `ASMM_FROM`,
 * `ASMM_TO`); the user's files when `ASMM_BOOKS` (and `ASMM_TRADES`) are set, read as notebookMarket reads them
 * and written into a new catalog in the temp directory (venue `files`, their masked intervals as `gaps`); else
 * the sample market written into a new catalog in the temp directory, one UTC day at a time
 * (`CATALOG_NOTEBOOK_SAMPLE`: 30 days, a book snapshot a minute, every trade), as `asmm sample --days 30
 * --interval-ms 60000 --catalog DIR` writes it.
 * @throws NotebookDataError when the range does not fit the catalog, or the variables are the ones notebookMarket
 *   refuses (files and a catalog both named, ASMM_TRADES without ASMM_BOOKS, range variables without
 *   ASMM_CATALOG); the message names the variable.
 */
export async function notebookCatalog(env: NodeJS.ProcessEnv = process.env): Promise<NotebookCatalog> {
  const { CatalogWriter, openCatalog } = await import('../catalog/index.js');
  const root = env[MARKET_ENV.catalog] || undefined;
  const files = env[MARKET_ENV.books] || env[MARKET_ENV.trades];
  const range = [MARKET_ENV.inst, MARKET_ENV.venue, MARKET_ENV.from, MARKET_ENV.to].some((name) => env[name]);
  if (files && root) throw new NotebookDataError(`${MARKET_ENV.catalog}=${root} and ${env[MARKET_ENV.books] ? MARKET_ENV.books : MARKET_ENV.trades} are both set: choose files or a catalog range`);
  if (!root && (files || range)) {
    // the same reading and the same refusals as every other notebook's; then a catalog of those files
    const market = await notebookMarket({ env, print: () => {} });
    const tempRoot = mkdtempSync(join(tmpdir(), 'asmm-notebook-catalog-'));
    const dir = join(tempRoot, 'catalog');
    const instrument = market.book.meta.instrument ?? 'UNKNOWN';
    const writer = await CatalogWriter.create(dir);
    try {
      writer.writeInstrument({ venue: 'files', instrument, tickSize: market.tickSize, ...(market.lotSize ? { lotSize: market.lotSize } : {}), ...(market.tickSource === 'inferred from the book' ? { inferred: ['tickSize'] } : {}), source: market.description });
      await writer.writeBookTop('files', market.book, instrument);
      if (market.trades && market.trades.tsMs.length > 0) await writer.writeTrades('files', market.trades, instrument);
      // each table's masks as gaps of that table (a recorder gap of the trades channel masks the trades, not the book)
      const gaps = [...(market.book.masked ?? []).map((m) => ({ ...m, appliesTo: 'book' as const })), ...(market.trades?.masked ?? []).map((m) => ({ ...m, appliesTo: 'trades' as const }))];
      if (gaps.length > 0) await writer.writeGaps('files', instrument, gaps);
    } catch (error) {
      writer.close();
      rmSync(tempRoot, { recursive: true, force: true });
      throw error;
    }
    writer.close();
    const catalog = await openCatalog(dir);
    const close = () => {
      catalog.close();
      rmSync(tempRoot, { recursive: true, force: true });
    };
    return { catalog, range: { root: dir, venue: 'files', instrument }, source: 'files', close, description: `${market.description}, written into ${dir}` };
  }
  if (root) {
    const catalog = await openCatalog(root);
    try {
      const names = { catalog: MARKET_ENV.catalog, inst: MARKET_ENV.inst, venue: MARKET_ENV.venue, from: MARKET_ENV.from, to: MARKET_ENV.to };
      const range = catalogRange(catalog, { inst: env[MARKET_ENV.inst], venue: env[MARKET_ENV.venue], from: env[MARKET_ENV.from], to: env[MARKET_ENV.to] }, names);
      return { catalog, range, source: 'catalog', close: () => catalog.close(), description: `your catalog ${root}: ${range.instrument} (${range.venue}) ${range.fromDate ?? 'first day'}..${range.toDate ?? 'last day'}` };
    } catch (error) {
      catalog.close();
      if (error instanceof CatalogRangeError) throw new NotebookDataError(error.message);
      throw error;
    }
  }
  const tempRoot = mkdtempSync(join(tmpdir(), 'asmm-notebook-catalog-'));
  const dir = join(tempRoot, 'catalog');
  const s = CATALOG_NOTEBOOK_SAMPLE;
  const writer = await CatalogWriter.create(dir);
  let instrument = '';
  try {
    for (const day of sampleMarketDays({ durationSec: s.days * 86_400, seed: s.seed, snapshotIntervalMs: s.snapshotIntervalMs })) {
      if (!instrument) {
        instrument = day.params.instrument;
        writer.writeInstrument({ venue: 'sample', instrument, tickSize: day.params.tickSize, lotSize: day.params.lotSize, source: `asmm sample market (seed ${s.seed})` });
      }
      await writer.writeBookTop('sample', day.book, instrument);
      await writer.writeTrades('sample', day.trades, instrument);
    }
  } finally {
    writer.close();
  }
  const catalog = await openCatalog(dir);
  const close = () => {
    catalog.close();
    rmSync(tempRoot, { recursive: true, force: true });
  };
  return { catalog, range: { root: dir, venue: 'sample', instrument }, source: 'sample', close, description: `the sample market (seed ${s.seed}), ${s.days} days at a book snapshot every ${s.snapshotIntervalMs / 1000} s and every trade, written into ${dir}` };
}

export { hourlySummary, type HourRow };

/** Four panels over the hours of the range: mean spread, mean touch depth, trades and realized σ per hour. */
export function hourlyFigure(hours: readonly HourRow[], title: string): PlotlyFigure {
  const x = hours.map((h) => new Date(h.hourMs).toISOString());
  const panel = (y: number[], name: string, axis: number) => ({ type: 'scatter', mode: 'lines', name, x, y, xaxis: 'x', yaxis: axis === 1 ? 'y' : `y${axis}`, line: { width: 1 } });
  return {
    data: [
      panel(hours.map((h) => h.spreadMeanPx), 'mean spread (quote)', 1),
      panel(hours.map((h) => h.touchDepthMean), 'mean touch depth (bid + ask, size unit)', 2),
      panel(hours.map((h) => h.trades), 'trades per hour', 3),
      panel(hours.map((h) => h.sigmaPricePerSqrtSec), 'realized σ of the mid (price/√s)', 4),
    ],
    layout: {
      title: { text: title },
      grid: { rows: 4, columns: 1, pattern: 'coupled' },
      yaxis: { title: { text: 'spread' } },
      yaxis2: { title: { text: 'depth' } },
      yaxis3: { title: { text: 'trades' } },
      yaxis4: { title: { text: 'σ /√s' } },
      height: 800,
      margin: { t: 50 },
    },
  };
}

/** Mean of each hour-of-day (0..23 UTC) of a per-hour value over the days: the intraday profile. */
export function hourOfDayProfile(hours: readonly HourRow[], value: (h: HourRow) => number): number[] {
  const sum = new Array<number>(24).fill(0);
  const n = new Array<number>(24).fill(0);
  for (const h of hours) {
    const v = value(h);
    if (Number.isNaN(v)) continue;
    const k = new Date(h.hourMs).getUTCHours();
    sum[k] += v;
    n[k]++;
  }
  return sum.map((s, k) => (n[k] ? s / n[k] : NaN));
}
