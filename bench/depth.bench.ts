import { existsSync } from 'node:fs';
import { replayDepth, runBacktest, symmetricStrategy, type DepthEvents } from '../src/backtest/index.js';
import type { BookTable, TradeTable } from '../src/data/tables.js';
import { replayBinanceCapture } from '../src/formats/binanceCapture.js';
import { projectPath } from '../src/project/index.js';
import { depthEventsOf, generateOrderBookMarket } from '../src/sample/index.js';
import { medianMs, printTable } from './util.js';

/** hftbacktest 1.8.4 (numba) on the shared Binance capture, as issue 16 measured it: native events per second. */
const HFTBACKTEST_NATIVE_PER_SEC = 0.75e6;
const TARGET_NATIVE_PER_SEC = 5e6;
const RUNS = 15;
/**
 * Hours of the generated order-by-order market: 6 (0.86 M native events; generating it takes about 7 s and
 * 0.7 GB, a day four times that, too much for a bench everyone runs).
 */
const GENERATED_HOURS = 6;

/**
 * The full-depth replay (`replayDepth`: every level change the venue sent, in integer ticks, queue fills with
 * power 2, symmetric quotes, 10 ms latencies, as issue 16's comparison with hftbacktest) against the top-5
 * replay (`runBacktest` over the rows the loader folds the same changes into), in one run, on:
 * 1. the shared Binance spot capture (../shared/data: 346 s, 126,074 level changes and 9,757 trades);
 * 2. six generated hours of the order-by-order market (src/sample/orderBookMarket.ts) at full depth.
 * Replay time only (loading excluded, as hftbacktest's 0.18 s): the median of 15 runs after 5 warm-up runs (the
 * replay is over in milliseconds, so the JIT's first runs would dominate a single one). Printed: native events
 * per second of each, against the 5 M/s target and hftbacktest's 0.75 M/s; and what the full depth costs
 * against the folded rows (the price of realism).
 */
export async function run(): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  const capture = projectPath('..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  if (existsSync(capture)) {
    const r = await replayBinanceCapture(capture, 5, { native: true });
    const n = r.native!;
    rows.push(...compare('shared Binance capture', { tsMs: n.tsMs, side: n.side, px: n.px, qty: n.qty }, r.book, r.trades, 0.01, 1, 0.001));
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

/** Median ms of RUNS runs after 5 warm-up runs (the JIT settles over the first few). */
function timed(work: () => void): number {
  for (let k = 0; k < 4; k++) work();
  return medianMs(work, RUNS);
}
