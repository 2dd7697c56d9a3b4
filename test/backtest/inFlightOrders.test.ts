import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { expectOneTakerFillInBothReplays } from '../helpers/fallingAskCapture.js';

// An order on its way to the exchange cannot be withdrawn before it arrives: hftbacktest refuses a cancel while
// the order's request is in process (local.rs: OrderRequestInProcess), and an exchange receives what was sent.
// Both replays replaced an order still in flight by the next quote, as if it had never been sent: an order sent
// just before the market moved through it never filled as a taker (0 marketable fills on the shared capture at
// 300 ms: now 89 of 311).
const dir = tempDir('asmm-in-flight-');

describe('an order in flight reaches the exchange', () => {
  it('the bid sent at 0.5 s (100 ms away) arrives at 0.6 s into the ask fallen to 99.99: a taker fill, in both replays', () => {
    // by hand: at 0.5 s (mid 100.01) bid 100.00 and ask 100.02 are sent; at 0.55 s the strategy wants 99.97 / 100.00
    // but both orders are on their way; at 0.6 s the bid meets the ask of 99.99: bought 1 at 99.99 as a taker (fee
    // 0.0005 · 99.99). The sell at 99.99 at 1.9 s does not reach the bid re-quoted at 99.97 (the ask 100.02 is not
    // reached either). Marked at the last mid 99.985.
    expectOneTakerFillInBothReplays(dir);
  });

  const shared = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  it.skipIf(!existsSync(shared))('on the shared Binance capture at 300 ms, orders overtaken by the market on their way fill as takers, alike in both replays (needs ../shared/data)', () => {
    const args = ['backtest', '--data', shared, '--fill', 'queue', '--strategy', 'symmetric', '--half-spread', '0.01', '--size', '0.01', '--entry-latency', '300ms', '--cancel-latency', '300ms', '--json'];
    const top = JSON.parse(runAsmm([...args, '--report', join(dir, 'shared-top.html')]).stdout).metrics;
    const full = JSON.parse(runAsmm([...args, '--depth', 'full', '--report', join(dir, 'shared-full.html')]).stdout);
    // rows every 100 ms, quotes re-priced at most rows: most orders are overtaken by a new quote on their way
    expect(top.fillsByCause.marketable).toBeGreaterThan(50);
    expect([full.fills, full.fillsByCause.marketable]).toEqual([top.fills, top.fillsByCause.marketable]);
    expect(full.pnl).toBeCloseTo(top.pnl, 9);
  });
});
