import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogWriter, importIntoCatalog, openCatalog, readCatalogDepth } from '../src/catalog/index.js';
import { replayDepth, runBacktest, symmetricStrategy, type DepthEvents } from '../src/backtest/index.js';
import type { BookTable, TradeTable } from '../src/data/tables.js';
import { replayBinanceCapture } from '../src/formats/binanceCapture.js';
import { projectPath } from '../src/project/index.js';
import { depthEventsOf, generateOrderBookMarket } from '../src/sample/index.js';
import { medianMs, printTable } from './util.js';

/** hftbacktest 1.8.4 (numba) on the shared Binance capture, as issue 16 measured it: native events per second. */
const HFTBACKTEST_NATIVE_PER_SEC = 0.75e6;
/** hftbacktest 1.8.4 on the shared capture once converted, as issue 16 measured it: 0.05 s load + 0.18 s replay. */
const HFTBACKTEST_LOAD_AND_REPLAY_MS = 230;
const TARGET_CATALOG_LOAD_AND_REPLAY_MS = 250;
const TARGET_NATIVE_PER_SEC = 5e6;
const RUNS = 15;
/**
 * Hours of the generated order-by-order market: a whole day by default (3.45 M native events; generating it
 * takes about 35 s and 2.1 GB peak RSS); `ASMM_DEPTH_BENCH_HOURS=6` for a quicker run.
 */
const GENERATED_HOURS = Number(process.env.ASMM_DEPTH_BENCH_HOURS ?? 24);

/**
 * The full-depth replay (`replayDepth`: every level change the venue sent, in integer ticks, queue fills with
 * power 2, symmetric quotes, 10 ms latencies, as issue 16's comparison with hftbacktest; a decision after every
 * group of changes the strategy receives, skipped when it sees the same touch and fills as the one before, which
 * a time-invariant strategy such as the symmetric one allows) against the top-5
 * replay (`runBacktest` over the rows the loader folds the same changes into), in one run, on:
 * 1. the shared Binance spot capture (../shared/data: 346 s, 126,074 level changes and 9,757 trades);
 * 2. a generated day (`ASMM_DEPTH_BENCH_HOURS`) of the order-by-order market (src/sample/orderBookMarket.ts) at full depth;
 * 3. the shared capture imported into a catalog, read back (DuckDB) and replayed: load + replay end to end.
 * Replay time only (loading excluded, as hftbacktest's 0.18 s): the median of 15 runs after 5 warm-up runs (the
 * replay is over in milliseconds, so the JIT's first runs would dominate a single one). Printed: native events
 * per second of each, against the 5 M/s target and hftbacktest's 0.75 M/s; and what the full depth costs
 * against the folded rows (the price of realism).
 */
export async function run(): Promise<void> {
  if (!(GENERATED_HOURS > 0 && GENERATED_HOURS <= 24)) throw new RangeError(`ASMM_DEPTH_BENCH_HOURS must be in (0, 24], got ${process.env.ASMM_DEPTH_BENCH_HOURS}`);
  const rows: Array<Array<string | number>> = [];
  const capture = projectPath('..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  if (existsSync(capture)) {
    const r = await replayBinanceCapture(capture, 5, { native: true });
    const n = r.native!;
    rows.push(...compare('shared Binance capture', { tsMs: n.tsMs, side: n.side, px: n.px, qty: n.qty }, r.book, r.trades, 0.01, 1, 0.001));
    rows.push(...await fromCatalog(capture, n.tsMs.length + r.trades.tsMs.length));
  } else process.stdout.write('../shared/data is absent: the shared Binance capture is not measured\n');
  const market = generateOrderBookMarket({ seed: 1, durationSec: GENERATED_HOURS * 3600 });
  rows.push(...compare(`generated ${GENERATED_HOURS} h (order by order)`, depthEventsOf(market), market.book, market.trades, market.tickSize, 1.5 * market.tickSize, market.unitQty / 100));
  printTable(['replay', 'native events', 'replayed as', 'ms (median)', 'M native events/s', 'fills', 'vs target 5 M/s', 'vs hftbacktest'], rows);
}

function compare(name: string, events: DepthEvents, book: BookTable, trades: TradeTable, tick: number, halfSpreadPx: number, size: number): Array<Array<string | number>> {
  const native = events.tsMs.length + trades.tsMs.length;
  const config = { strategy: symmetricStrategy(halfSpreadPx), orderSize: size, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10, queueModel: { name: 'power' as const, n: 2 } };
  let depthFills = 0;
  const depth = timed(() => {
    const r = replayDepth(events, trades, config);
    depthFills = r.fills.tsMs.length;
  });
  let topFills = 0;
  const top = timed(() => {
    const r = runBacktest(book, trades, { ...config, fill: 'queue', lotSize: 0, refreshMs: 0, recordSeries: false });
    topFills = r.fills.tsMs.length;
  });
  const rate = (ms: number) => native / (ms / 1000);
  return [
    [`${name}: full depth`, native, `${events.tsMs.length} level changes + ${trades.tsMs.length} trades`, depth.toFixed(1), (rate(depth) / 1e6).toFixed(2), depthFills, `${(rate(depth) / TARGET_NATIVE_PER_SEC).toFixed(2)}x`, `${(rate(depth) / HFTBACKTEST_NATIVE_PER_SEC).toFixed(1)}x`],
    [`${name}: top 5 (folded rows)`, native, `${book.tsMs.length} rows + ${trades.tsMs.length} trades`, top.toFixed(1), (rate(top) / 1e6).toFixed(2), topFills, `full depth costs ${(depth / top).toFixed(1)}x the time`, ''],
  ];
}

/**
 * The shared capture imported into a catalog (not timed), then read back and replayed: open the catalog, read
 * its `book_deltas`, `trades` and `gaps` (DuckDB, Parquet) into typed arrays, replay at full depth. The first
 * run (DuckDB and the JIT cold, as a one-off run in a fresh process) and the median of RUNS after it.
 */
async function fromCatalog(capture: string, native: number): Promise<Array<Array<string | number>>> {
  const root = mkdtempSync(join(tmpdir(), 'asmm-bench-depth-catalog-'));
  try {
    const writer = await CatalogWriter.create(root);
    await importIntoCatalog(writer, capture, { venue: 'binance' });
    writer.close();
    const config = { strategy: symmetricStrategy(1), orderSize: 0.001, tickSize: 0.01, feedLatencyMs: 10, entryLatencyMs: 10, queueModel: { name: 'power' as const, n: 2 } };
    let fills = 0;
    const once = async () => {
      const start = performance.now();
      const catalog = await openCatalog(root);
      const input = await readCatalogDepth(catalog, 'binance', 'BTCUSDT');
      const loaded = performance.now();
      fills = replayDepth(input.events, input.trades, { ...config, masked: input.masked }).fills.tsMs.length;
      const end = performance.now();
      catalog.close();
      return { load: loaded - start, replay: end - loaded, total: end - start };
    };
    const first = await once();
    const runs: Array<{ load: number; replay: number; total: number }> = [];
    for (let k = 0; k < RUNS; k++) runs.push(await once());
    const med = (pick: (r: { load: number; replay: number; total: number }) => number) => [...runs.map(pick)].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const row = (name: string, r: { load: number; replay: number; total: number }) => [
      name, native, `load ${r.load.toFixed(1)} ms + replay ${r.replay.toFixed(1)} ms`, r.total.toFixed(1), (native / (r.replay / 1000) / 1e6).toFixed(2), fills,
      `${(TARGET_CATALOG_LOAD_AND_REPLAY_MS / r.total).toFixed(1)}x under the 250 ms target`, `${(HFTBACKTEST_LOAD_AND_REPLAY_MS / r.total).toFixed(1)}x hftbacktest's 0.05 s + 0.18 s`,
    ];
    return [row('shared capture from the catalog: load + replay, first run', first), row(`shared capture from the catalog: load + replay (median of ${RUNS})`, { load: med((r) => r.load), replay: med((r) => r.replay), total: med((r) => r.total) })];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Median ms of RUNS runs after 5 warm-up runs (the JIT settles over the first few). */
function timed(work: () => void): number {
  for (let k = 0; k < 4; k++) work();
  return medianMs(work, RUNS);
}
