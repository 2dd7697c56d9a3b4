import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest, type Strategy } from '../../src/backtest/index.js';
import { base, book, trades } from '../helpers/handBuilt.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// An order filled completely needs no cancel: the order that replaces it rests from its own arrival, as the
// full-depth replay has it (depthReplay.ts: a filled order is reset with its cancel). The top-5 replay kept the
// filled order's cancel time and held its replacement back until that cancel "arrived" (cancel latency above the
// entry latency): here the replacement missed a book cross through it.

describe('the replacement of an order filled before its cancel arrives', () => {
  it('rests from its own arrival (by hand)', () => {
    // bid 100 until t 2, then 97; the ask 110 throughout. Entry latency 5, cancel latency 20, orders of 2.
    const strategy: Strategy = { name: 'steps', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx: c.tMs < 2 ? 100 : 97, askPx: 110 }) };
    const b = book([
      [0, 99, 3, 101, 10],
      [2, 99, 3, 100, 10],
      [5, 99, 3, 100, 10],
      [10, 96, 3, 97, 10],
      [12, 99, 3, 101, 10],
      [30, 99, 3, 101, 10],
    ]);
    const r = runBacktest(b, trades([]), { ...base(strategy, 'queue'), entryLatencyMs: 5, cancelLatencyMs: 20 });
    // by hand: the bid 100 sent at 0 is on its way at 2 when the strategy moves to 97 (sent at 2, arrives at 7);
    // the 100 arrives at 5 into the ask 100 (10 shown): bought 2 at 100 as a taker, filled, nothing left to cancel.
    // The 97 rests from 7; at 10 the ask falls to 97 through it: a book cross, 2 at 97. The 97 sent again then
    // meets the ask 101 of 12 on.
    expect(Array.from(r.fills.tsMs)).toEqual([5, 10]);
    expect(Array.from(r.fills.px)).toEqual([100, 97]);
    expect(Array.from(r.fills.qty)).toEqual([2, 2]);
  });
});

const shared = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
describe.skipIf(!existsSync(shared))('on the shared Binance capture (needs ../shared/data)', () => {
  it('entry 100 ms, cancel 300 ms: the top-5 replay gives the full-depth replay\'s fills and PnL', () => {
    const dir = tempDir('asmm-filled-before-cancel-');
    const args = ['backtest', '--data', shared, '--fill', 'queue', '--strategy', 'symmetric', '--half-spread', '0.01', '--size', '0.01', '--entry-latency', '100ms', '--cancel-latency', '300ms', '--json'];
    const top = JSON.parse(runAsmm([...args, '--report', join(dir, 'top.html')]).stdout).metrics;
    const full = JSON.parse(runAsmm([...args, '--depth', 'full', '--report', join(dir, 'full.html')]).stdout);
    // (the top-5 replay held replacements behind the cancels of filled orders: 329 fills against 346)
    expect(top.fills).toBe(full.fills);
    expect(top.fillsByCause.bookCross).toBe(full.fillsByCause.bookCross);
    expect(top.pnl).toBeCloseTo(full.pnl, 9);
  });
});
