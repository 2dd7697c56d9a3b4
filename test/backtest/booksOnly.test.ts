import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestExecutions, INFERRED_ARRIVALS_NOTE, inferredFillsNote, runBacktest, symmetricStrategy, type BacktestConfig, type FillModel, type Strategy } from '../../src/backtest/index.js';
import { expandGrid, runCalibration, type EvaluationSettings } from '../../src/calibrate/index.js';
import { inferredTradeTable, marketOrdersFromBook, marketOrdersFromTrades } from '../../src/estimate/index.js';
import { generateDepletingMarket, generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// a book that reacts to market orders, so that the executions inferred from it are close to the true ones
const market = generateDepletingMarket({ durationSec: 600, seed: 11 });
const tick = market.params.tickSize;
const inferredTrades = inferredTradeTable(marketOrdersFromBook(market.book, tick));
const config = (fill: FillModel): BacktestConfig => ({ strategy: symmetricStrategy(tick), fill, orderSize: 0.1, tickSize: tick, lotSize: market.params.lotSize, refreshMs: 0, feedLatencyMs: 10, entryLatencyMs: 20 });

describe('runBacktest on books only', () => {
  for (const fill of ['tradeThrough', 'queue'] as const) {
    it(`${fill} fills on the executions inferred from the book, exactly as with those executions passed as trades, and says so`, () => {
      const booksOnly = runBacktest(market.book, undefined, config(fill));
      const explicit = runBacktest(market.book, inferredTrades, config(fill));
      expect(booksOnly.fills.tsMs.length).toBeGreaterThan(10);
      expect(booksOnly.fills).toEqual(explicit.fills);
      expect(booksOnly.finalCash).toBe(explicit.finalCash);
      expect(booksOnly.notes).toContain(inferredFillsNote(fill));
      expect(explicit.notes).not.toContain(inferredFillsNote(fill));
    });
  }

  it('midCross needs no trades: nothing is inferred', () => {
    const r = runBacktest(market.book, undefined, config('midCross'));
    expect(r.fills.tsMs.length).toBeGreaterThan(0);
    expect(r.notes.join(' ')).not.toMatch(/inferred/);
  });

  it('an empty trade table is not books only: nothing is inferred, only book-driven fills happen, and the notes say so', () => {
    const empty = { ...inferredTrades, tsMs: new Float64Array(0), id: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), sz: new Float64Array(0) };
    // a bid at the best ask: marketable on arrival unless the ask moves up first
    const lift: Strategy = { name: 'lift the ask', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx: c.bestAskPx, askPx: NaN }) };
    const tradeThrough = runBacktest(market.book, empty, { ...config('tradeThrough'), strategy: lift });
    expect(tradeThrough.fills.tsMs.length).toBeGreaterThan(0);
    expect([...tradeThrough.fills.maker]).toEqual(new Array(tradeThrough.fills.tsMs.length).fill(0));
    expect(tradeThrough.notes).toEqual(['no trade in the data: tradeThrough fills only orders marketable on arrival']);
    const queue = runBacktest(market.book, empty, config('queue'));
    expect(queue.notes).toEqual(['no trade in the data: queue fills only orders the opposite side of the book reaches, or marketable on arrival']);
    expect(queue.fills.tsMs.length).toBeLessThan(runBacktest(market.book, inferredTrades, config('queue')).fills.tsMs.length);
  });
});

describe('backtestExecutions', () => {
  it('with recorded trades: those trades, the market orders they show, no note', () => {
    const e = backtestExecutions(market.book, market.trades, 'queue', tick);
    expect(e.trades).toBe(market.trades);
    expect(e.marketOrders).toEqual(marketOrdersFromTrades(market.book, market.trades, tick));
    expect(e.notes).toEqual([]);
  });

  it('on books only: A and k from the inferred market orders; the trades to fill on only where the fill model needs them', () => {
    const inferredOrders = marketOrdersFromBook(market.book, tick);
    const queue = backtestExecutions(market.book, undefined, 'queue', tick);
    expect(queue.marketOrders).toEqual(inferredOrders);
    expect(queue.trades).toEqual(inferredTrades);
    expect(queue.notes).toEqual([inferredFillsNote('queue'), INFERRED_ARRIVALS_NOTE]);
    const midCross = backtestExecutions(market.book, undefined, 'midCross', tick);
    expect(midCross.trades).toBeUndefined();
    expect(midCross.marketOrders).toEqual(inferredOrders);
    expect(midCross.notes).toEqual([INFERRED_ARRIVALS_NOTE]);
  });
});

describe('calibration on books only', () => {
  const settings: EvaluationSettings = { fill: 'queue', tickSize: tick, lotSize: market.params.lotSize, feedLatencyMs: 10, entryLatencyMs: 20, makerFee: 0, takerFee: 0, maxPosition: Infinity };
  const sets = expandGrid({ strategy: ['symmetric'], halfSpreadPx: [tick, 2 * tick] });

  it('runCalibration infers the executions once and gives the results of a run on them, with the note', async () => {
    const booksOnly = await runCalibration({ book: market.book, settings, sets, windows: 3, workers: 0 });
    const explicit = await runCalibration({ book: market.book, trades: inferredTrades, settings, sets, windows: 3, workers: 0 });
    expect(booksOnly.metrics).toEqual(explicit.metrics);
    expect(booksOnly.metrics.flat().some((m) => m.fills > 0)).toBe(true);
    expect(booksOnly.notes).toEqual([inferredFillsNote('queue')]);
    expect(explicit.notes).toEqual([]);
  });

  it('asmm calibrate runs on books only (queue fills by default) and says what it inferred', () => {
    const dir = tempDir('asmm-books-only-');
    writeSampleMarket(dir, generateSampleMarket({ durationSec: 1200, seed: 3 }));
    const r = runAsmm(['calibrate', '--data', join(dir, 'books.csv'), '--grid', 'half-spread=0.01,0.02', '--strategy', 'symmetric', '--windows', '2', '--window', '60s', '--workers', '0', '--report', join(dir, 'calibration.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { fill: string; notes: string[]; table: Array<{ fillsMeanPerWindow: number }> };
    expect(out.fill).toBe('queue');
    expect(out.notes).toEqual([inferredFillsNote('queue'), INFERRED_ARRIVALS_NOTE]);
    expect(out.table.some((row) => row.fillsMeanPerWindow > 0)).toBe(true);
  });
});
