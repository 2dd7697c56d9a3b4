import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOneTakerFillInBothReplays } from '../helpers/fallingAskCapture.js';

// With --refresh, the full-depth replay's first decision is when the first book reaches the strategy, then every
// refresh after it, as in the top-5 replay (it came one refresh after the data began, so a run quoted nothing in
// its first interval and decided on a shifted grid).
const dir = tempDir('asmm-depth-refresh-');


describe('--depth full --refresh decides from the first book on, as the top-5 replay', () => {
  it('a bid sent at the first book (100.00, 100 ms away) arrives into the ask fallen to 99.99: one taker fill in both replays', () => {
    // by hand: decisions at 0.5 s (mid 100.01: bid 100.00, ask 100.02) and 1.5 s; the bid rests at 0.6 s, marketable
    // against 99.99: bought 1 at 99.99, taker fee 0.0005 · 99.99, marked at the last mid 99.985
    const { full: f } = expectOneTakerFillInBothReplays(dir, ['--refresh', '1s']);
    expect(f.decisions).toBe(2);
  });

  const shared = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  it.skipIf(!existsSync(shared))('on the shared Binance capture, every 1 s and 5 s: the decisions, fills, position and PnL of the top-5 replay (needs ../shared/data)', () => {
    for (const refresh of ['1s', '5s']) {
      const args = ['backtest', '--data', shared, '--refresh', refresh, '--fill', 'queue', '--strategy', 'symmetric', '--half-spread', '0.01', '--size', '0.01', '--json'];
      const full = JSON.parse(runAsmm([...args, '--depth', 'full', '--report', join(dir, `shared-full-${refresh}.html`)]).stdout);
      const top = JSON.parse(runAsmm([...args, '--report', join(dir, `shared-top-${refresh}.html`)]).stdout);
      expect([full.decisions, full.fills, full.finalInventory], refresh).toEqual([top.decisions, top.metrics.fills, top.metrics.finalInventory]);
      expect(full.pnl).toBeCloseTo(top.metrics.pnl, 9);
    }
  });
});
