import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import { deadBookStretches, DeadBookTracker, mergeMasks, type BookTable, type TradeTable } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A book whose rows keep coming with the same levels while the market trades (a feed stuck on one snapshot,
// a file forward-filled over a hole) was taken as a quiet market: σ came out too low (no move for five of
// fifteen minutes) and the backtest filled its quotes around the frozen mid against trades at the prices the
// market had moved to, with exit 0 and no word. Such stretches, and a book that stopped while trades printed,
// are now masked by every command that loads a book with trades, with a WARNING naming the file.

const dir = tempDir('asmm-dead-book-');
const market = generateSampleMarket({ durationSec: 900, seed: 21 }); // σ = 0.3 price units per √s
const t0 = market.book.tsMs[0];
const FREEZE_FROM_MS = t0 + 300_000;
const FREEZE_TO_MS = t0 + 600_000;

/** The book with every row in [from, to) showing the levels of the first row at or after `from`. */
function frozen(book: BookTable, fromMs: number, toMs: number): BookTable {
  const first = book.tsMs.findIndex((t) => t >= fromMs);
  const copy = (cols: readonly Float64Array[]) =>
    cols.map((c) => {
      const out = Float64Array.from(c);
      for (let r = first; r < book.tsMs.length && book.tsMs[r] < toMs; r++) out[r] = c[first];
      return out;
    });
  return { ...book, bidPx: copy(book.bidPx), bidSz: copy(book.bidSz), askPx: copy(book.askPx), askSz: copy(book.askSz) };
}

const frozenBook = frozen(market.book, FREEZE_FROM_MS, FREEZE_TO_MS);
const freezeStartMs = market.book.tsMs[market.book.tsMs.findIndex((t) => t >= FREEZE_FROM_MS)];
const thawMs = market.book.tsMs[market.book.tsMs.findIndex((t) => t >= FREEZE_TO_MS)];
const booksPath = join(dir, 'books-frozen.csv');
const tradesPath = join(dir, 'trades.csv');
writeBookCsv(booksPath, frozenBook);
writeTradeCsv(tradesPath, market.trades);
const tradesIn = (from: number, to: number) => market.trades.tsMs.filter((t) => t >= from && t < to).length;

describe('deadBookStretches', () => {
  it('finds nothing in a live book', () => {
    expect(deadBookStretches(market.book, market.trades, 5000)).toEqual([]);
  });

  it('finds the frozen stretch, from the staleness limit after the last change to the first change after it', () => {
    const dead = deadBookStretches(frozenBook, market.trades, 5000);
    expect(dead).toHaveLength(1);
    expect(dead[0].fromMs).toBe(freezeStartMs + 5000);
    expect(dead[0].toMs).toBe(thawMs);
    expect(dead[0].reason).toBe('book frozen: the same levels for more than 5.0 s while trades printed');
  });

  it('finds a book that stopped while trades printed, and not one that stopped while nothing traded', () => {
    const rows = market.book.tsMs.map((t, i) => i).filter((i) => market.book.tsMs[i] < FREEZE_FROM_MS || market.book.tsMs[i] >= FREEZE_TO_MS);
    const pick = (cols: readonly Float64Array[]) => cols.map((c) => Float64Array.from(rows, (i) => c[i]));
    const b = market.book;
    const holed: BookTable = { ...b, tsMs: Float64Array.from(rows, (i) => b.tsMs[i]), bidPx: pick(b.bidPx), bidSz: pick(b.bidSz), askPx: pick(b.askPx), askSz: pick(b.askSz) };
    const lastBefore = b.tsMs[rows[rows.findIndex((i) => b.tsMs[i] >= FREEZE_TO_MS) - 1]];
    const dead = deadBookStretches(holed, market.trades, 5000);
    expect(dead).toEqual([{ fromMs: lastBefore + 5000, toMs: thawMs, reason: 'book stopped: no row for more than 5.0 s while trades printed' }]);
    const quiet = { ...market.trades, tsMs: market.trades.tsMs.filter((t) => t < lastBefore || t >= thawMs) };
    expect(deadBookStretches(holed, { ...market.trades, tsMs: quiet.tsMs }, 5000)).toEqual([]);
  });

  it('needs three trades inside: a stretch with two is no evidence', () => {
    const few = { ...market.trades, tsMs: Float64Array.from([freezeStartMs + 6000, freezeStartMs + 7000]) };
    expect(deadBookStretches(frozenBook, few, 5000)).toEqual([]);
    const three = { ...market.trades, tsMs: Float64Array.from([freezeStartMs + 6000, freezeStartMs + 7000, freezeStartMs + 8000]) };
    expect(deadBookStretches(frozenBook, three, 5000)).toHaveLength(1);
  });
});

describe('DeadBookTracker over chunks', () => {
  /** Rows (and trades) of [fromMs, toMs). */
  const cut = (fromMs: number, toMs: number) => {
    const rows = (ts: Float64Array) => [ts.findIndex((t) => t >= fromMs), ts.findIndex((t) => t >= toMs)].map((i) => (i < 0 ? ts.length : i));
    const [a, b] = rows(frozenBook.tsMs);
    const [c, d] = rows(market.trades.tsMs);
    const levels = (cols: readonly Float64Array[]) => cols.map((col) => col.subarray(a, b));
    const book: BookTable = { ...frozenBook, tsMs: frozenBook.tsMs.subarray(a, b), bidPx: levels(frozenBook.bidPx), bidSz: levels(frozenBook.bidSz), askPx: levels(frozenBook.askPx), askSz: levels(frozenBook.askSz) };
    const trades: TradeTable = { ...market.trades, tsMs: market.trades.tsMs.subarray(c, d), id: market.trades.id.subarray(c, d), side: market.trades.side.subarray(c, d), px: market.trades.px.subarray(c, d), sz: market.trades.sz.subarray(c, d) };
    return { book, trades };
  };

  it('gives, chunk by chunk, what the whole book gives: cuts inside the frozen stretch and inside a row gap', () => {
    const whole = deadBookStretches(frozenBook, market.trades, 5000);
    for (const cuts of [[t0 + 450_000], [freezeStartMs + 2500, t0 + 700_000], [t0 + 200_000, freezeStartMs + 60_000, freezeStartMs + 120_000 + 50]]) {
      const bounds = [-Infinity, ...cuts, Infinity];
      // each chunk closed at its last row, or at its end (a day's end) when another follows
      for (const atEnd of [false, true]) {
        const tracker = new DeadBookTracker(5000);
        const parts = bounds.slice(1).map((to, i) => tracker.feed(cut(bounds[i], to).book, cut(bounds[i], to).trades, atEnd && to !== Infinity ? to : undefined));
        expect(mergeMasks(...parts), `cuts ${cuts.map((c) => c - t0)}${atEnd ? ', closed at their ends' : ''}`).toEqual(whole);
      }
    }
  });
});

type BacktestJson = { masked: { count: number; intervals: Array<{ fromMs: number; toMs: number; reason: string }>; tradesIgnored: number }; metrics: { fills: number } };
type EstimateJson = { sigma: { realized: { price: { sigmaPerSqrtSec: number; ci95: [number, number] } } } };

describe('commands on a frozen book', () => {
  it('backtest masks the stretch, ignores its trades and warns', () => {
    const r = runAsmm(['backtest', '--data', booksPath, '--trades', tradesPath, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`WARNING ${booksPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the book did not change for more than 5\\.0 s while trades printed, in 1 stretch, 4\\.9 min in all .*masked: no quote, no fill and no estimate there`));
    const out = JSON.parse(r.stdout) as BacktestJson;
    expect(out.masked.count).toBe(1);
    expect(out.masked.intervals[0]).toMatchObject({ fromMs: freezeStartMs + 5000, toMs: thawMs });
    expect(out.masked.tradesIgnored).toBe(tradesIn(freezeStartMs + 5000, thawMs));
  });

  it('estimate gives the market σ again (a frozen third once read as no move)', () => {
    const r = runAsmm(['estimate', '--data', booksPath, '--trades', tradesPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ci = (JSON.parse(r.stdout) as EstimateJson).sigma.realized.price.ci95;
    expect(ci[0]).toBeLessThan(0.3);
    expect(ci[1]).toBeGreaterThan(0.3);
  });
});
