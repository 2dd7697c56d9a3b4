import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestConfig, type Strategy } from '../../src/backtest/index.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';

// An order marketable on arrival takes what the opposite touch shows; its remainder rests at its own price. The
// recorded book never saw our order, so the next row still shows the level we took, at or through our price:
// the queue model then filled the remainder as a book cross against that same liquidity, with no word.

describe('the remainder of an order marketable on arrival, crossed by the level it took', () => {
  // Tick 1, orders of 2, entry latency 5; the ask touch shows 0.5 at 101 on every row; our bid 102, ask 105.
  const cfg = (strategy: Strategy, fill: BacktestConfig['fill']): BacktestConfig => ({ ...base(strategy, fill), entryLatencyMs: 5 });
  const b = book([
    [0, 99, 3, 101, 0.5],
    [5, 99, 3, 101, 0.5],
    [10, 99, 3, 101, 0.5],
  ]);

  it('queue fills: each order takes 0.5 at 101 and its other 1.5 crosses at 102 at once (by hand), and the result says so', () => {
    // the order sent at 0 enters at 5: 0.5 at the touch 101 (taker), the rest rests at 102, where the row in
    // force still shows the ask it took at 101: a book cross of 1.5 at 102 at 5. Filled, it is sent again at 5
    // and enters at 10: the same again. Two orders, 3 of remainders crossed.
    const r = runBacktest(b, trades([]), cfg(fixed(102, 105), 'queue'));
    expect(Array.from(r.fills.tsMs)).toEqual([5, 5, 10, 10]);
    expect(Array.from(r.fills.px)).toEqual([101, 102, 101, 102]);
    expect(Array.from(r.fills.qty)).toEqual([0.5, 1.5, 0.5, 1.5]);
    const warning = r.notes.find((n) => n.startsWith('WARNING 2 order(s) marketable on arrival'));
    expect(warning, r.notes.join('\n')).toMatch(/its remainder \(3 in all\) then filled as a book cross/);
  });

  it('an order the touch covers leaves no remainder, and nothing is said', () => {
    const covered = book([
      [0, 99, 3, 101, 5],
      [5, 99, 3, 101, 5],
      [10, 99, 3, 101, 5],
    ]);
    const r = runBacktest(covered, trades([]), cfg(fixed(102, 105), 'queue'));
    expect(Array.from(r.fills.qty)).toEqual([2, 2]);
    expect(r.notes.some((n) => /order\(s\) marketable on arrival/.test(n))).toBe(false);
  });
});

const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
if (!existsSync(capture)) process.stderr.write(`test/backtest/remainderCrosses.test.ts: the shared-capture case skipped: ${capture} is absent (../shared/data)\n`);

describe.skipIf(!existsSync(capture))('on the shared Binance capture (needs ../shared/data)', () => {
  it('GLFT with orders of 0.5 BTC: both replays say how many remainders crossed, as the fills by cause count them', () => {
    const args = ['backtest', '--data', capture, '--strategy', 'glft', '--gamma', '0.01', '--size', '0.5', '--fill', 'queue', '--window', '60s', '--tick', '0.01', '--json'];
    for (const depth of [[], ['--depth', 'full']]) {
      const r = runAsmm([...args, ...depth, '--report', join(projectRootForTests, 'reports', `remainder-crosses${depth.length ? '-depth' : ''}.html`)]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { notes: string[]; metrics?: { fillsByCause: Record<string, number> }; fillsByCause?: Record<string, number> };
      const byCause = j.metrics?.fillsByCause ?? j.fillsByCause!;
      const warning = j.notes.find((n) => /order\(s\) marketable on arrival with more than the opposite touch showed/.test(n));
      expect(warning, `${depth.join(' ')}: ${j.notes.join('\n')}`).toBeDefined();
      const crossed = Number(/^WARNING (\d+) order/.exec(warning!)![1]);
      expect(crossed).toBeGreaterThan(0);
      expect(crossed).toBeLessThanOrEqual(byCause.bookCross);
      expect(crossed).toBeLessThanOrEqual(byCause.marketable);
    }
  });
});

