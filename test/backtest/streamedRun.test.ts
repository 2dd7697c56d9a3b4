import { describe, expect, it } from 'vitest';
import { asStrategy, backtestMetrics, glftStrategy, runBacktest, runBacktestStream, symmetricStrategy, type BacktestConfig } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { cutAtMs, expectSameNumbers, expectSameResult, splitTables, type Chunk } from './streamedHelpers.js';

// runBacktestStream, the API the catalog commands call: chunks from an async iterable, the rolling
// calibration computed as the chunks come, the series streamed through the metrics. Against the in-memory
// path the CLI takes today: rollingCalibration over the whole tables, runBacktest, backtestMetrics.

const m = generateSampleMarket({ durationSec: 1200, seed: 5 });
const t0 = m.book.tsMs[0];
const book: BookTable = { ...m.book, masked: [{ fromMs: t0 + 400_100, toMs: t0 + 401_900, reason: 'sequence gap' }] };
const trades: TradeTable = m.trades;
const calibrationOptions = { windowSec: 120, stepSec: 1 };
const calibration = rollingCalibration(book, marketOrdersFromTrades(book, trades, m.params.tickSize), calibrationOptions);
// "days": four of 5 minutes, one cut at an odd time
const chunks = splitTables(book, trades, [t0 + 300_000, t0 + 400_777.5, t0 + 600_000, t0 + 900_000].map((t) => cutAtMs(book, trades, t)));

async function* days(list: readonly Chunk[]): AsyncGenerator<Chunk> {
  for (const c of list) {
    await new Promise((resolve) => setImmediate(resolve));
    yield c;
  }
}

const common = { orderSize: 0.05, tickSize: m.params.tickSize, lotSize: m.params.lotSize, makerFee: 0.0002, maxPosition: 0.5 };
const configs: Array<[string, BacktestConfig]> = [
  ['AS, queue, feed 20 ms, entry 40 ms', { ...common, strategy: asStrategy(0.1, 60), fill: 'queue', refreshMs: 250, feedLatencyMs: 20, entryLatencyMs: 40 }],
  ['GLFT, tradeThrough, sampled latencies', { ...common, strategy: glftStrategy(0.1, 5), fill: 'tradeThrough', refreshMs: 0, feedLatencyMs: { samplesMs: [10, 300], seed: 2 }, entryLatencyMs: { samplesMs: [20, 500], seed: 9 } }],
];

describe('runBacktestStream = rollingCalibration + runBacktest + backtestMetrics on the whole tables', () => {
  for (const [name, config] of configs) {
    it(`${name}: fills, PnL and every metric bit for bit; the series kept only thinned`, async () => {
      const whole = runBacktest(book, trades, { ...config, calibration });
      const wholeMetrics = backtestMetrics(whole);
      const seen: number[] = [];
      const states: Array<{ fills: number; equity: number; lastEventMs: number }> = [];
      const s = await runBacktestStream(days(chunks), config, { calibration: calibrationOptions, onChunk: (c) => (seen.push(c.rows), states.push(c.state)) });
      expect(seen).toEqual(chunks.map((c) => c.book.tsMs.length));
      // after each chunk: the fills and the account of the in-memory run up to the last event replayed
      for (const st of states) {
        const fills = whole.fills.tsMs.filter((t) => t <= st.lastEventMs).length;
        expect(st.fills).toBe(fills);
        expect(st.lastEventMs).toBeLessThan(st === states.at(-1) ? Infinity : t0 + 1_200_000);
      }
      expect(s.seriesThinned).toBe(true);
      expectSameResult(whole, s.result, false);
      for (const [k, v] of Object.entries(wholeMetrics)) {
        if (typeof v === 'number') expect(Object.is(v, (s.metrics as unknown as Record<string, number>)[k]), `${k}: ${(s.metrics as unknown as Record<string, number>)[k]} vs ${v}`).toBe(true);
      }
      expect(s.metrics.fillsByCause).toEqual(wholeMetrics.fillsByCause);
      expect(whole.fills.tsMs.length).toBeGreaterThan(20);
      expect(Number.isFinite(wholeMetrics.sharpePerDay)).toBe(true);
      // thinned: one decision per minute, each one of the whole series'
      expect(s.result.series.tMs.length).toBe(20);
      for (let i = 0; i < s.result.series.tMs.length; i++) {
        const at = whole.series.tMs.indexOf(s.result.series.tMs[i]);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(Object.is(s.result.series.equity[i], whole.series.equity[at])).toBe(true);
      }
    });
  }

  it('keepSeries: the whole series, equal to the in-memory one', async () => {
    const config = configs[0][1];
    const whole = runBacktest(book, trades, { ...config, calibration });
    const s = await runBacktestStream(chunks, config, { calibration: calibrationOptions, keepSeries: true });
    expectSameResult(whole, s.result);
    expectSameNumbers('equity', whole.series.equity, s.result.series.equity);
  });

  it('books only: midCross streams; tradeThrough says why it cannot', async () => {
    const booksOnly = chunks.map((c) => ({ book: c.book }));
    const config: BacktestConfig = { ...common, strategy: symmetricStrategy(0.02), fill: 'midCross', refreshMs: 500, feedLatencyMs: 15 };
    const wholeCal = rollingCalibration(book, undefined, calibrationOptions);
    const whole = runBacktest(book, undefined, { ...config, calibration: wholeCal });
    const s = await runBacktestStream(booksOnly, config, { calibration: calibrationOptions });
    expectSameResult(whole, s.result, false);
    await expect(runBacktestStream(booksOnly, { ...config, fill: 'tradeThrough' })).rejects.toThrow(/has no trades: tradeThrough would fill on executions inferred/);
  });
});
