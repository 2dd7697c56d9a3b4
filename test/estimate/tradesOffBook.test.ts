import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import { tradesOffBook } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Trades priced ten times the book (another instrument, other units) once filled every bid of a tradeThrough
// backtest: PnL 164 against 2.3, exit 0, no word (found by review). They are now refused when many, and
// warned about when a few.

const dir = tempDir('asmm-trades-off-book-');
const market = generateSampleMarket({ durationSec: 600, seed: 8 });
const books = join(dir, 'books.csv');
writeBookCsv(books, market.book);
const tradesAt = (name: string, px: (p: number, i: number) => number) => {
  const path = join(dir, name);
  writeTradeCsv(path, { ...market.trades, px: market.trades.px.map(px) });
  return path;
};
const clean = tradesAt('trades.csv', (p) => p);
const tenfold = tradesAt('trades-x10.csv', (p) => 10 * p);
const threeBad = tradesAt('trades-3-bad.csv', (p, i) => (i === 100 || i === 200 || i === 300 ? 2 * p : p));

describe('trades priced far from the book', () => {
  it('the sample market: every trade within 10 % of the mid in force', () => {
    const r = tradesOffBook(market.book, market.trades);
    expect(r.off).toBe(0);
    expect(r.wrongSide).toBe(0);
    expect(r.checked).toBeGreaterThan(0.99 * market.trades.tsMs.length);
  });

  it('ten times the price: refused by backtest and estimate, naming the file, the field and the first trade', () => {
    for (const command of ['backtest', 'estimate']) {
      const r = runAsmm([command, '--data', books, '--trades', tenfold]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/trades-x10\.csv price: \d+ of \d+ trades are priced more than 10 % from the book's mid \(the first: trade row 1, /);
    }
  });

  it('three bad prints: a WARNING naming them, and the run goes on', () => {
    const r = runAsmm(['backtest', '--data', books, '--trades', threeBad, '--strategy', 'symmetric', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/WARNING .*trades-3-bad\.csv: 3 of \d+ trades are priced more than 10 % from the book's mid \(the first: trade row 101,/);
    expect(runAsmm(['backtest', '--data', books, '--trades', clean, '--strategy', 'symmetric', '--json']).stderr).not.toMatch(/WARNING/);
  });
});

// Trades a minute out of step with their book (another clock, a time zone, a shifted export) pair with the
// wrong rows: near the touch in price, so the off-book check does not see them, but half of them print on the
// wrong side of the book in force (a buy at or below the best bid), which a taker cannot do.
describe('trades out of step with their book', () => {
  it('a minute late: half on the wrong side, a WARNING with the share; in step: none', () => {
    const shifted = join(dir, 'trades-late.csv');
    writeTradeCsv(shifted, { ...market.trades, tsMs: market.trades.tsMs.map((t) => t + 60_000) });
    const late = { ...market.trades, tsMs: market.trades.tsMs.map((t) => t + 60_000) };
    const r = tradesOffBook(market.book, late);
    expect(r.off).toBe(0);
    expect(r.wrongSide / r.checked).toBeGreaterThan(0.3);
    const run = runAsmm(['backtest', '--data', books, '--trades', shifted, '--strategy', 'symmetric', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`WARNING .*trades-late\\.csv: ${r.wrongSide} of ${r.checked} trades \\(\\d+ %\\) printed on the wrong side of the book row in force .*out of step in time`));
  });
});
