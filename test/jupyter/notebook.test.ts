import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { midPrices, writeBookCsv, writeTradeCsv, type BookTable } from '../../src/data/index.js';
import { marketOrdersFromTrades, realizedVolatility } from '../../src/estimate/index.js';
import {
  NotebookCheckError, NotebookDataError, SHARED_CAPTURES, arrivalSeconds, expectBetween, expectNear, expectThat, findingsHtml, loadSharedCapture, maskedGrid,
  notebookMarket, rollingWindowSec, referenceStdOnRows,
} from '../../src/jupyter/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('notebook checks: a number the prose states fails the notebook when it changes', () => {
  it('expectNear holds within the tolerance (inclusive) and throws beyond it, naming the quantity', () => {
    expect(expectNear(6.35, 6.3, 0.05 + 1e-12, 'σ')).toBe(6.35);
    expect(() => expectNear(6.41, 6.3, 0.1, 'σ at 100 ms')).toThrow(NotebookCheckError);
    expect(() => expectNear(6.41, 6.3, 0.1, 'σ at 100 ms')).toThrow(/σ at 100 ms: 6\.41, not within ±0\.1 of 6\.3/);
    expect(() => expectNear(NaN, 6.3, 1, 'σ')).toThrow(NotebookCheckError);
    expect(() => expectNear(1, 1, -1, 'σ')).toThrow(/tolerance/);
  });

  it('expectBetween holds on the closed range and throws outside it or on NaN', () => {
    expect(expectBetween(0.75, 0.75, 0.8, 'share')).toBe(0.75);
    expect(expectBetween(0.8, 0.75, 0.8, 'share')).toBe(0.8);
    expect(() => expectBetween(0.81, 0.75, 0.8, 'share at the touch')).toThrow(/share at the touch: 0\.81, outside \[0\.75, 0\.8\]/);
    expect(() => expectBetween(NaN, 0, 1, 'share')).toThrow(NotebookCheckError);
    expect(() => expectBetween(0.5, 1, 0, 'share')).toThrow(/empty/);
  });

  it('expectThat throws the statement that no longer holds', () => {
    expect(() => expectThat(true, 'x')).not.toThrow();
    expect(() => expectThat(false, 'queue fills more often than tradeThrough')).toThrow(/no longer true: queue fills more often than tradeThrough/);
  });
});

describe('findings: the closing "What we found" list', () => {
  it('escapes HTML, renders `code` and **bold**, and leaves out empty lines', () => {
    const html = findingsHtml(['**σ̂** = `0.3` < 1 & more', '', undefined, false, 'second']);
    expect(html).toBe('<div class="asmm-findings"><h3>What we found</h3><ul><li><b>σ̂</b> = <code>0.3</code> &lt; 1 &amp; more</li><li>second</li></ul></div>');
  });
});

/** A short sample book whose mid jumps by `jumpPx` at `jumpMs`, with a masked interval around the jump. */
function jumpingMarket(jumpMs: number, jumpPx: number, mask: { fromMs: number; toMs: number }) {
  const market = generateSampleMarket({ durationSec: 120, seed: 7 });
  const t0 = market.book.tsMs[0];
  const shift = (levels: readonly Float64Array[]) => levels.map((px) => px.map((p, i) => (market.book.tsMs[i] - t0 >= jumpMs ? p + jumpPx : p)));
  const book: BookTable = {
    ...market.book,
    bidPx: shift(market.book.bidPx),
    askPx: shift(market.book.askPx),
    masked: [{ fromMs: t0 + mask.fromMs, toMs: t0 + mask.toMs, reason: 'sequence gap (test)' }],
  };
  // trades keep their prices: the test looks only at how many there are and the time they are counted over
  return { book, trades: market.trades, t0, tick: market.params.tickSize };
}

describe('notebookMarket: the data a notebook works on', () => {
  it('without ASMM_BOOKS: the sample market with its parameters, nothing masked, and says so', async () => {
    const lines: string[] = [];
    const m = await notebookMarket({ env: {}, sampleDir: join(dir, 'sample'), sampleOverrides: { durationSec: 60 }, print: (l) => lines.push(l) });
    expect(m.source).toBe('sample');
    expect(m.sample?.durationSec).toBe(60);
    // 60 s of snapshots every 100 ms (the sample's documented interval)
    expect(m.book.tsMs.length).toBe(600);
    expect(m.tickSize).toBe(m.sample!.tickSize);
    expect(m.trades!.tsMs.length).toBeGreaterThan(0);
    expect(m.masked.count).toBe(0);
    expect(lines[0]).toMatch(/^data: the sample market \(seed \d+/);
    expect(lines.join('\n')).toContain('masked: none');
    expect(m.lines).toEqual(lines);
  });

  it('with ASMM_BOOKS and ASMM_TRADES: the user\'s files, their masked intervals printed and given to the estimators', async () => {
    const mask = { fromMs: 30_000, toMs: 40_000 };
    const { book, trades, t0, tick } = jumpingMarket(35_000, 100, mask);
    const bookPath = join(dir, 'mine.books.csv');
    const tradesPath = join(dir, 'mine.trades.csv');
    writeBookCsv(bookPath, book);
    writeTradeCsv(tradesPath, trades);
    const lines: string[] = [];
    const m = await notebookMarket({ env: { ASMM_BOOKS: bookPath, ASMM_TRADES: tradesPath }, print: (l) => lines.push(l) });
    expect(m.source).toBe('files');
    expect(m.sample).toBeUndefined();
    expect(lines[0]).toBe(`data: your files (ASMM_BOOKS, ASMM_TRADES): ${bookPath} with trades ${tradesPath}`);
    expect(m.book.tsMs.length).toBe(book.tsMs.length);
    expect(m.trades!.tsMs.length).toBe(trades.tsMs.length);
    expect(m.masked.count).toBe(1);
    expect(m.masked.totalMs).toBe(10_000);
    expect(lines.join('\n')).toMatch(/masked: 1 interval\(s\), 10\.0 s in total/);
    expect(lines.join('\n')).toContain('sequence gap (test)');

    // σ: the 100 USDT jump lies inside the mask, so the masked grid leaves it out; without the mask it dominates.
    // Reference: the sample's σ (0.3 USDT/√s by default) against √(100² / 120 s) ≈ 9.1 USDT/√s for the jump alone.
    const mid = midPrices(m.book);
    const masked = realizedVolatility(maskedGrid(m.book, mid, 100));
    expect(masked.droppedIncrements).toBeGreaterThanOrEqual(100); // 10 s of 100 ms increments
    expect(masked.sigmaPerSqrtSec).toBeLessThan(0.5);
    const naive = realizedVolatility(maskedGrid({ ...m.book, masked: undefined }, mid, 100));
    expect(naive.sigmaPerSqrtSec).toBeGreaterThan(8);

    // A = N/T: T is the observed time, the span net of the mask (to the first book row at or after its end:
    // rows every 100 ms, so exactly its end), not the span
    const orders = marketOrdersFromTrades(m.book, m.trades!, tick);
    const spanMs = m.book.tsMs[m.book.tsMs.length - 1] - m.book.tsMs[0];
    const firstRowAfter = m.book.tsMs.find((t) => t >= t0 + mask.toMs)!;
    expect(arrivalSeconds(orders)).toBeCloseTo((spanMs - (firstRowAfter - (t0 + mask.fromMs))) / 1000, 9);
    expect(arrivalSeconds(orders)).toBeLessThan(spanMs / 1000 - 9.9);
  });

  it('refuses ASMM_TRADES without ASMM_BOOKS, and a missing file, naming the variable', async () => {
    await expect(notebookMarket({ env: { ASMM_TRADES: 'x.csv' }, print: () => {} })).rejects.toThrow(NotebookDataError);
    await expect(notebookMarket({ env: { ASMM_TRADES: 'x.csv' }, print: () => {} })).rejects.toThrow(/ASMM_TRADES=x\.csv is set but ASMM_BOOKS is not/);
    await expect(notebookMarket({ env: { ASMM_BOOKS: join(dir, 'absent.csv') }, print: () => {} })).rejects.toThrow(/ASMM_BOOKS=.*absent\.csv: no such file/);
    const bookPath = join(dir, 'only.books.csv');
    writeBookCsv(bookPath, generateSampleMarket({ durationSec: 10 }).book);
    await expect(notebookMarket({ env: { ASMM_BOOKS: bookPath, ASMM_TRADES: bookPath }, print: () => {} })).rejects.toThrow(/ASMM_TRADES=.*holds no trade table/);
  });

  it('ASMM_BOOKS alone on a book file: no trades; the tick inferred when the file has none', async () => {
    const market = generateSampleMarket({ durationSec: 10 });
    const bookPath = join(dir, 'alone.books.csv');
    writeBookCsv(bookPath, { ...market.book, meta: { ...market.book.meta, tickSize: undefined } });
    const m = await notebookMarket({ env: { ASMM_BOOKS: bookPath }, print: () => {} });
    expect(m.trades).toBeUndefined();
    expect(m.lines[0]).toContain('(no trades)');
    expect(m.tickSource).toBe('inferred from the book');
    expect(m.tickSize).toBeCloseTo(market.params.tickSize, 12);
  });

  const binance = SHARED_CAPTURES.binanceBtcusdt;
  it.skipIf(!existsSync(binance))('ASMM_BOOKS on a raw capture: its own trades, and the replay notes printed (needs ../shared/data)', async () => {
    const lines: string[] = [];
    const m = await notebookMarket({ env: { ASMM_BOOKS: binance }, print: (l) => lines.push(l) });
    expect(m.book.meta.instrument).toBe('BTCUSDT');
    expect(m.tradesPath).toBe(binance);
    // the capture's PROVENANCE: 9757 trades from the @trade stream
    expect(m.trades!.tsMs.length).toBe(9757);
    expect(lines[0]).toContain('(books and trades)');
    expect(lines.some((l) => /depth diffs/.test(l))).toBe(true);
  });
});

describe('referenceStdOnRows: the reference system\'s std of 200 mids on a resampled book', () => {
  const book = generateSampleMarket({ durationSec: 150, seed: 4 }).book;
  it('is the mean of the sample std of each full 200-row window (computed here naively, ddof 1)', () => {
    const r = referenceStdOnRows(book, 100, 200);
    const grid = maskedGrid(book, midPrices(book), 100).values;
    let sum = 0;
    let count = 0;
    for (let end = 200; end <= grid.length; end++) {
      const w = Array.from(grid.subarray(end - 200, end));
      const mean = w.reduce((a, b) => a + b, 0) / 200;
      sum += Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 199);
      count++;
    }
    expect(r.rows).toBe(grid.length);
    expect(r.meanStdPx).toBeCloseTo(sum / count, 9);
    expect(r.note).toBeUndefined();
  });
  it('on data shorter than 200 rows at the interval (150 s at 1 s rows) is NaN and says why (notebook 02 printed "grows NaNx")', () => {
    const r = referenceStdOnRows(book, 1000, 200);
    expect(r.rows).toBeLessThan(200);
    expect(r.meanStdPx).toBeNaN();
    expect(r.note).toBe(`at one row every 1000 ms the book has ${r.rows} rows, fewer than the 200 of one reference window: its std is not defined there`);
  });
  it('notebook 02 prints that note instead of a NaN growth', () => {
    const nb = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'notebooks', '02_volatility.ipynb'), 'utf8')) as { cells: Array<{ source: string[] }> };
    const cell = nb.cells.map((c) => c.source.join('')).find((c) => c.includes('the reference std'))!;
    expect(cell).toMatch(/referenceStdOnRows\(book, rowMs, 200\)/);
    expect(cell).toMatch(/is not compared: \$\{referenceNotes\.join/);
  });
});

describe('shared captures and windows', () => {
  it('loadSharedCapture returns undefined and says the section is skipped when the capture is absent', async () => {
    const lines: string[] = [];
    expect(await loadSharedCapture(join(dir, 'no-such-capture.gz'), undefined, (l) => lines.push(l))).toBeUndefined();
    expect(lines).toEqual([`${join(dir, 'no-such-capture.gz')} is absent (no ../shared/data): this section is skipped`]);
  });

  it('rollingWindowSec: 300 s on 30 min of data or more, 60 s below', () => {
    const book = (spanMs: number) => ({ tsMs: Float64Array.from([0, spanMs]) }) as BookTable;
    expect(rollingWindowSec(book(1_800_000))).toBe(300);
    expect(rollingWindowSec(book(1_799_999))).toBe(60);
  });
});

describe('notebookMarket({ maskTradelessEnds }) for the backtest notebooks', () => {
  // the user's trades stop halfway through the book (OKX's books and trades files of one date: UTC against UTC+8
  // days): asmm backtest masks the rest of the book, and the backtest notebooks must see the same data
  it('masks the book past the last trade, with a WARNING naming the trades file; without the option nothing is masked', async () => {
    const m = generateSampleMarket({ durationSec: 600, seed: 4 });
    const half = m.book.tsMs[0] + 300_000;
    const keep = Array.from(m.trades.tsMs.keys()).filter((i) => m.trades.tsMs[i] < half);
    const pick = <A extends Float64Array | Int8Array>(a: A) => a.constructor === Int8Array ? Int8Array.from(keep, (i) => a[i]) : Float64Array.from(keep, (i) => a[i]);
    const trades = { ...m.trades, tsMs: pick(m.trades.tsMs), side: pick(m.trades.side), px: pick(m.trades.px), sz: pick(m.trades.sz), id: pick(m.trades.id) };
    const bookPath = join(dir, 'half.books.csv');
    const tradesPath = join(dir, 'half.trades.csv');
    writeBookCsv(bookPath, m.book);
    writeTradeCsv(tradesPath, trades as typeof m.trades);
    const env = { ASMM_BOOKS: bookPath, ASMM_TRADES: tradesPath };
    const plain = await notebookMarket({ env, print: () => {} });
    expect(plain.masked.count).toBe(0);
    const lines: string[] = [];
    const masked = await notebookMarket({ env, print: (l) => lines.push(l), maskTradelessEnds: true });
    expect(masked.masked.count).toBe(1);
    const lastTrade = trades.tsMs[trades.tsMs.length - 1];
    // the mask runs from just after the last trade to the book's end: about the book's second half
    expect(masked.book.masked![0].fromMs).toBe(lastTrade + 1);
    expect(masked.masked.totalMs).toBeGreaterThan(290_000);
    expect(lines.join('\n')).toMatch(/WARNING \S*half\.trades\.csv: no trade for .* masked for the backtests/);
  });
});
