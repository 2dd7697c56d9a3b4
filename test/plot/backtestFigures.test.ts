import { describe, expect, it } from 'vitest';
import { runBacktest, runSeedCompat, runSeedCompatRows, SeedCompatSummarizer, seedCompatSummary, symmetricStrategy } from '../../src/backtest/index.js';
import { onReferenceClock } from '../../src/formats/index.js';
import { backtestFigures, backtestQuotesFigure, fillMarkers, seedCompatComparisonFigure, SeedCompatFigureRows, seedCompatView, type PlotlyFigure } from '../../src/plot/index.js';
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

describe('fillMarkers: a marker per fill, thinned past a limit and said so', () => {
  it('keeps every fill up to the limit; past it, the highest and lowest fill of each time span (checked by brute force), and the legend says how many of how many', () => {
    const n = 50_000;
    const tsMs = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 37 + (i % 7));
    const side = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const px = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 50) + (i === 31_337 ? 9 : 0));
    const fills = { tsMs, side, px };
    // under the limit: all of the side's fills, in order
    const all = fillMarkers(fills, -1, 20_000);
    expect(all.total).toBe(side.filter((s) => s === -1).length);
    expect(all.x.length).toBe(all.total);
    // past it: per span the lowest and highest, in time order
    const limit = 2_000;
    const thin = fillMarkers(fills, 1, limit);
    const bought = tsMs.map((_, i) => i).filter((i) => side[i] === 1);
    expect(thin.total).toBe(bought.length);
    const spans = limit / 2;
    expect(thin.spans).toBe(spans);
    const from = tsMs[bought[0]];
    const to = tsMs[bought[bought.length - 1]];
    const expected: number[] = [];
    for (let b = 0; b < spans; b++) {
      const perMs = spans / (to - from);
      const members = bought.filter((i) => Math.min(spans - 1, Math.floor((tsMs[i] - from) * perMs)) === b);
      if (!members.length) continue;
      const lo = members.reduce((a, i) => (px[i] < px[a] ? i : a));
      const hi = members.reduce((a, i) => (px[i] > px[a] ? i : a));
      expected.push(...(lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]));
    }
    expect(thin.x).toEqual(expected.map((i) => tsMs[i]));
    expect(thin.y).toEqual(expected.map((i) => px[i]));
    expect(thin.x.length).toBeLessThanOrEqual(limit);
    expect(thin.y).toContain(109 + Math.sin(31_337 / 50)); // the outlier is kept
    // in a figure, the legend says it
    const figure = backtestQuotesFigure({ series: { tMs: Float64Array.of(tsMs[0], tsMs[n - 1]), midPx: Float64Array.of(100, 100), reservationPx: Float64Array.of(100, 100), bidPx: Float64Array.of(99, 99), askPx: Float64Array.of(101, 101), inventory: Float64Array.of(0, 0), cash: Float64Array.of(0, 0), equity: Float64Array.of(0, 0) }, fills, config: { strategy: 'test', fill: 'queue' } }, 'Quotes', 400);
    const names = figure.data.map((t) => (t as { name: string }).name);
    // (400 points a line: 2,000 markers a side at most, in 1,000 spans, as above)
    expect(names).toContain(`bought (${thin.x.length} of ${bought.length}: the highest and lowest of each of 1000 time spans)`);
    expect(names.find((nm) => nm.startsWith('sold'))).toMatch(/^sold \(\d+ of \d+: the highest and lowest/);
  });
});
