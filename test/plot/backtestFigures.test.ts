import { describe, expect, it } from 'vitest';
import { runBacktest, runSeedCompat, runSeedCompatRows, SeedCompatSummarizer, seedCompatSummary, symmetricStrategy } from '../../src/backtest/index.js';
import { onReferenceClock } from '../../src/formats/index.js';
import { backtestFigures, backtestQuotesFigure, seedCompatComparisonFigure, SeedCompatFigureRows, seedCompatView, type PlotlyFigure } from '../../src/plot/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// 10 minutes of the sample market (100 ms books)
const market = generateSampleMarket({ durationSec: 600, seed: 5 });
const { book, trades } = market;
const result = runBacktest(book, trades, { strategy: symmetricStrategy(0.05), fill: 'tradeThrough', orderSize: 0.01, tickSize: 0.01, refreshMs: 0 });
const referenceBook = onReferenceClock(book);
const seed = runSeedCompat(referenceBook, { gamma: 0.0001 });

const trace = (figure: PlotlyFigure, name: string) => {
  const t = figure.data.find((d) => d.name === name || String(d.name).startsWith(name));
  if (!t) throw new Error(`no trace ${name}`);
  return { x: (t.x ?? []).map(Number), y: (t.y ?? []).map((v) => (v === null ? NaN : Number(v))), yaxis: t.yaxis };
};

describe('onReferenceClock', () => {
  it('truncates timestamps to the second, as the reference system records them, and marks the resolution', () => {
    expect(referenceBook.tsMs).toHaveLength(book.tsMs.length);
    for (const i of [0, 7, 1234]) {
      expect(referenceBook.tsMs[i] % 1000).toBe(0);
      expect(book.tsMs[i] - referenceBook.tsMs[i]).toBeGreaterThanOrEqual(0);
      expect(book.tsMs[i] - referenceBook.tsMs[i]).toBeLessThan(1000);
    }
    expect(referenceBook.bidPx[0]).toBe(book.bidPx[0]);
    expect(referenceBook.meta.extra?.['asmm.ts_resolution_ms']).toBe('1000');
    // a recording: the reference stamps rows with its receive clock, not the exchange's
    const received = onReferenceClock({ ...book, localTsMs: book.tsMs.map((t) => t + 1500) });
    expect(received.tsMs[7]).toBe(Math.floor((book.tsMs[7] + 1500) / 1000) * 1000);
    expect(received.localTsMs).toBeUndefined();
  });
});

describe('backtest figures', () => {
  it('the quotes figure plots the series and every fill at its price, bought and sold apart', () => {
    const f = backtestQuotesFigure(result);
    expect(trace(f, 'mid').y).toEqual(Array.from(result.series.midPx));
    const bought = trace(f, 'bought');
    const sold = trace(f, 'sold');
    expect(bought.x.length + sold.x.length).toBe(result.fills.tsMs.length);
    expect(bought.x.length).toBeGreaterThan(0);
    const firstBuy = result.fills.side.indexOf(1);
    expect(bought.y[0]).toBe(result.fills.px[firstBuy]);
  });

  it('the seed-compatible comparison shows the reference quotes and fills and both PnLs from zero', () => {
    expect(seed.fills.side.length).toBeGreaterThan(0);
    const f = seedCompatComparisonFigure(seed, result);
    expect(trace(f, 'reference bid').y).toEqual(Array.from(seed.bidPx));
    expect(trace(f, 'reference bought').x.length + trace(f, 'reference sold').x.length).toBe(seed.fills.side.length);
    const refPnl = trace(f, 'reference PnL');
    expect(refPnl.yaxis).toBe('y2');
    // from the start: the initial cash and inventory (here none) marked at the first traded row
    expect(refPnl.y[refPnl.y.length - 1]).toBeCloseTo(seed.pnl[seed.pnl.length - 1], 9);
    const withInventory = runSeedCompat(referenceBook, { gamma: 0.0001, initialInventory: 2, initialCash: 100 });
    const g = trace(seedCompatComparisonFigure(withInventory, result), 'reference PnL');
    expect(g.y[g.y.length - 1]).toBeCloseTo(withInventory.pnl[withInventory.pnl.length - 1] - (100 + 2 * withInventory.midPx[0]), 9);
    const ours = trace(f, 'asmm PnL');
    expect(ours.y[ours.y.length - 1]).toBeCloseTo(result.series.equity[result.series.equity.length - 1] - result.series.equity[0], 9);
  });
});

describe('a seed-compatible run streamed into its summary and plot lines (what asmm backtest --seed-compat does)', () => {
  it('gives the summary and the figures of the stored run, number for number', () => {
    // 20 minutes at 100 ms: more rows traded than the 6,000 points a line keeps, so the lines are decimated
    const longBook = onReferenceClock(generateSampleMarket({ durationSec: 1200, seed: 6 }).book);
    for (const gamma of [0.0001, 10]) {
      const stored = runSeedCompat(longBook, { gamma, windowRows: 50 });
      expect(stored.tsMs.length).toBeGreaterThan(6_000);
      const summarizer = new SeedCompatSummarizer();
      const figureRows = new SeedCompatFigureRows();
      const run = runSeedCompatRows(longBook, { gamma, windowRows: 50 }, {
        start: (m) => figureRows.start(m),
        rows: (block) => {
          summarizer.rows(block);
          figureRows.rows(block);
        },
      });
      expect(summarizer.summary(run.fills)).toEqual(seedCompatSummary(stored));
      const streamedFigures = backtestFigures(figureRows.view(run.fills));
      const storedFigures = backtestFigures(seedCompatView(stored));
      expect(JSON.stringify(streamedFigures)).toBe(JSON.stringify(storedFigures));
      expect(trace(storedFigures[0], 'mid').x.length).toBeLessThan(stored.tsMs.length);
    }
  });
});
