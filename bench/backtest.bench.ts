import { asStrategy, runBacktest } from '../src/backtest/index.js';
import { marketOrdersFromTrades, rollingCalibration } from '../src/estimate/index.js';
import { generateSampleMarket } from '../src/sample/index.js';
import { medianMs, printTable } from './util.js';

/**
 * Replay of 1,000,000 book snapshots (sample market, 100 ms) with their trades through the AS strategy,
 * quotes refreshed on every snapshot, `queue` fills, σ/A/k from a rolling calibration; beside a bare loop that
 * merges the same two event streams in time order and reads the same columns. Single thread. Targets:
 * ≥ 2,000,000 events/s and within 3× of the bare loop.
 */
export async function run(): Promise<void> {
  const rows = 1_000_000;
  const m = generateSampleMarket({ durationSec: rows / 10, seed: 1 });
  const { book, trades } = m;
  const calibration = rollingCalibration(book, marketOrdersFromTrades(book, trades, m.params.tickSize), { windowSec: 300, stepSec: 1 });
  const events = book.tsMs.length + trades.tsMs.length;
  let sink = 0;
  const bareMs = medianMs(() => {
    const nb = book.tsMs.length;
    const nt = trades.tsMs.length;
    const bt = book.tsMs;
    const tt = trades.tsMs;
    const b0 = book.bidPx[0];
    const a0 = book.askPx[0];
    const bs = book.bidSz[0];
    const as = book.askSz[0];
    let i = 0;
    let j = 0;
    let acc = 0;
    while (i < nb || j < nt) {
      if (i < nb && (j >= nt || bt[i] <= tt[j])) {
        acc += b0[i] + a0[i] + bs[i] - as[i];
        i++;
      } else {
        acc += trades.px[j] * trades.side[j] + trades.sz[j];
        j++;
      }
    }
    sink += acc;
  }, 3);
  const strategy = asStrategy(0.1, 600);
  let decisions = 0;
  const runMs = medianMs(() => {
    const r = runBacktest(book, trades, { strategy, fill: 'queue', orderSize: 0.01, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, feedLatencyMs: 10, entryLatencyMs: 20, calibration, recordSeries: true });
    decisions = r.decisions;
    sink += r.finalCash;
  }, 3);
  const rate = (ms: number) => Math.round(events / (ms / 1000));
  printTable(
    [`${rows.toLocaleString('en')} snapshots + ${trades.tsMs.length.toLocaleString('en')} trades`, 'median ms', 'events/s', 'vs bare'],
    [
      ['bare merged loop over the same columns', bareMs.toFixed(0), rate(bareMs), '1.0x'],
      [`AS, queue fills, ${decisions.toLocaleString('en')} decisions`, runMs.toFixed(0), rate(runMs), `${(runMs / bareMs).toFixed(1)}x`],
    ],
  );
  process.stdout.write(
    `backtest ${rate(runMs) >= 2_000_000 ? 'meets' : 'MISSES'} the 2,000,000 events/s target; ${runMs / bareMs <= 3 ? 'within' : 'NOT within'} 3x of the bare loop (${(runMs / bareMs).toFixed(1)}x)${sink === 0 ? '' : ''}\n`,
  );
}
