import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBookArrow, writeTradeArrow } from '../data/arrow.js';
import { writeBookCsv, writeTradeCsv } from '../data/csv.js';
import { DEFAULT_SAMPLE_PARAMS, type SampleMarketParams } from './params.js';
import { generateSampleMarket, type SampleMarket } from './sampleMarket.js';

/** File names of a sample market directory. */
export const SAMPLE_FILES = {
  booksCsv: 'books.csv',
  tradesCsv: 'trades.csv',
  booksArrow: 'books.arrow',
  tradesArrow: 'trades.arrow',
  params: 'params.json',
} as const;

/**
 * The catalog venue of the sample market: `asmm sample --days N --catalog` writes under it, and `asmm catalog
 * import` files an asmm sample folder's files under it.
 */
export const SAMPLE_VENUE = 'sample';

/** Default location of the project's sample market, relative to the project root. */
export const DEFAULT_SAMPLE_DIR = join('data', 'sample');

/**
 * Writes a sample market to `dir` in both formats (CSV and Arrow IPC) plus `params.json` (the model
 * parameters with units). `params.json` is written last, so its presence marks a complete sample.
 */
export function writeSampleMarket(dir: string, market: SampleMarket): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = [
    join(dir, SAMPLE_FILES.booksCsv),
    join(dir, SAMPLE_FILES.tradesCsv),
    join(dir, SAMPLE_FILES.booksArrow),
    join(dir, SAMPLE_FILES.tradesArrow),
    join(dir, SAMPLE_FILES.params),
  ];
  writeBookCsv(paths[0], market.book);
  writeTradeCsv(paths[1], market.trades);
  writeBookArrow(paths[2], market.book);
  writeTradeArrow(paths[3], market.trades);
  writeFileSync(paths[4], JSON.stringify({ model: 'asmm sample market', units: PARAM_UNITS, params: market.params }, null, 2) + '\n');
  return paths;
}

const PARAM_UNITS: Record<keyof SampleMarketParams, string> = {
  seed: 'integer',
  startMs: 'ms since epoch',
  durationSec: 's',
  snapshotIntervalMs: 'ms',
  instrument: 'id',
  mid0: 'USDT',
  sigmaPerSqrtSec: 'USDT/sqrt(s)',
  tickSize: 'USDT',
  lotSize: 'ETH',
  depth: 'levels per side',
  arrivalRatePerSec: 'market orders per s per side (A)',
  kPerPrice: 'per USDT (k)',
  touchSizeMean: 'ETH',
  levelSizeGrowth: 'fraction per level',
  sizeLogStd: 'log units',
  sizePersistence: 'AR(1) coefficient per snapshot',
  tradeSizeMean: 'ETH',
};

/** Parameters of the sample in `dir`, or undefined when it has none (absent or incomplete). */
export function readSampleParams(dir: string): SampleMarketParams | undefined {
  const path = join(dir, SAMPLE_FILES.params);
  if (!existsSync(path)) return undefined;
  return (JSON.parse(readFileSync(path, 'utf8')) as { params: SampleMarketParams }).params;
}

/**
 * Makes sure `dir` holds a sample market with these parameters; generates and writes it when absent or
 * different. Returns true when it (re)generated.
 */
export function ensureSampleMarket(dir: string = DEFAULT_SAMPLE_DIR, overrides: Partial<SampleMarketParams> = {}): boolean {
  const wanted = { ...DEFAULT_SAMPLE_PARAMS, ...overrides };
  const existing = readSampleParams(dir);
  if (existing && JSON.stringify(existing) === JSON.stringify(wanted)) return false;
  writeSampleMarket(dir, generateSampleMarket(wanted));
  return true;
}
