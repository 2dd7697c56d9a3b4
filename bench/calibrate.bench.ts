import { availableParallelism } from 'node:os';
import { expandGrid, runCalibration } from '../src/calibrate/index.js';
import { marketOrdersFromTrades, rollingCalibration } from '../src/estimate/index.js';
import { generateSampleMarket } from '../src/sample/index.js';
import { printTable } from './util.js';

/**
 * A calibration grid of 20 parameter sets (AS infinite horizon: 5 γ × 2 sizes × 2 refresh intervals) over 4
 * windows of a 24-hour sample (864,000 snapshots; enough work per backtest that the pool's start-up, about half a second, does not hide the scaling), queue fills: wall time in this thread, on 1 worker and on
 * as many workers as cores; the speed-up is relative to 1 worker (same pool overhead).
 */
export async function run(): Promise<void> {
  const m = generateSampleMarket({ durationSec: 24 * 3600, seed: 4 });
  const calibration = rollingCalibration(m.book, marketOrdersFromTrades(m.book, m.trades, 0.01), { windowSec: 300, stepSec: 1 });
  const sets = expandGrid({ strategy: ['as-infinite'], gamma: [0.05, 0.1, 0.5, 1, 5], orderSize: [0.01, 0.05], refreshMs: [0, 1000] });
  const settings = { fill: 'queue' as const, tickSize: 0.01, lotSize: 0.0001, feedLatencyMs: 10, entryLatencyMs: 20, makerFee: 0, takerFee: 0, maxPosition: Infinity };
  const cores = availableParallelism();
  const rows: Array<Array<string | number>> = [];
  let oneWorker = NaN;
  for (const workers of [0, 1, ...(cores > 1 ? [cores] : [])]) {
    const r = await runCalibration({ book: m.book, trades: m.trades, calibration, settings, sets, windows: 4, workers });
    if (workers === 1) oneWorker = r.seconds;
    rows.push([workers === 0 ? 'main thread' : `${workers} worker thread(s)`, sets.length * 4, r.seconds.toFixed(2), workers === 0 ? '-' : `${(oneWorker / r.seconds).toFixed(2)}x`]);
  }
  printTable(['20-set grid × 4 windows, 24 h sample', 'backtests', 'seconds', 'speed-up vs 1 worker'], rows);
  process.stdout.write(`${cores} core(s) available\n`);
}
