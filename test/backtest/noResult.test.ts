import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asStrategy, glftStrategy, noResultWarning, runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { projectRootForTests } from '../helpers/cli.js';

// 5 minutes of the sample market (A = 2/s per side, k = 10 /USDT, tick 0.01): orders reach well past 5 ticks
const market = generateSampleMarket({ durationSec: 300, seed: 5 });
const tick = market.params.tickSize;
const orders = marketOrdersFromTrades(market.book, market.trades, tick);
const base = { orderSize: 0.01, tickSize: tick, refreshMs: 0 } as const;

describe('noResultWarning: a run that never quoted or never filled says why (a PnL of 0 is no result)', () => {
  it('an AS run whose k was never estimated (no market orders in the calibration) never quoted: said with the input and the windows', () => {
    const calibration = rollingCalibration(market.book, undefined, { windowSec: 60, stepSec: 1 });
    const as = asStrategy(0.1, 60);
    const r = runBacktest(market.book, market.trades, { ...base, strategy: as, fill: 'queue', calibration });
    expect(r.fills.tsMs.length).toBe(0);
    // 300 s of data less one 60 s window, evaluated every second: 240 windows (the last row sits just before 300 s)
    expect(noResultWarning(r, as, calibration, orders)).toBe(
      `${as.name} never quoted: k was not estimated in any of the ${calibration.tMs.length} rolling 60 s windows (k needs 2 market orders in a window reaching 5..50 ticks past the touch, some of them short of 50: asmm estimate shows where the orders stop)`,
    );
  });

  it('a run that quoted out of every order\'s reach never filled: where the quotes sat against the deepest order', () => {
    const far = symmetricStrategy(50);
    const r = runBacktest(market.book, market.trades, { ...base, strategy: far, fill: 'queue' });
    let deepest = 0;
    for (const d of orders.depthPx) deepest = Math.max(deepest, d / tick);
    // ±50 USDT around the mid, rounded outward to the tick: 5000 ticks, or 5000.5 on a half-tick mid
    expect(noResultWarning(r, far, undefined, orders)).toMatch(
      new RegExp(`^no fill in ${r.decisions} decisions: the quotes sat a median 500[01](\\.5)? ticks from the mid, farther than any of the ${orders.depthPx.length} market orders reached \\(the deepest: ${Number(deepest.toPrecision(4))} ticks from the mid\\)$`),
    );
  });

  it('a GLFT run out of reach names γ as the likely cause; a run with fills gives nothing', () => {
    const calibration = rollingCalibration(market.book, orders, { windowSec: 60, stepSec: 1 });
    // γ 1000 per unit of price: the inventory term puts every quote far from the mid
    const glft = glftStrategy(1000, 10);
    const far = runBacktest(market.book, market.trades, { ...base, strategy: glft, fill: 'queue', calibration });
    expect(far.fills.tsMs.length).toBe(0);
    expect(noResultWarning(far, glft, calibration, orders)).toMatch(/^no fill in \d+ decisions: the quotes sat a median [\d.]+ ticks from the mid, farther than any .*; GLFT sets its spread from γ per unit of price/);
    const as = asStrategy(0.1, 60);
    const filled = runBacktest(market.book, market.trades, { ...base, strategy: as, fill: 'queue', calibration });
    expect(filled.fills.tsMs.length).toBeGreaterThan(0);
    expect(noResultWarning(filled, as, calibration, orders)).toBeUndefined();
  });

  it('notebook 05 prints it after every backtest on the notebook\'s data (on your own data a run of 0 fills showed PnL 0 and NaN, no word)', () => {
    const nb = JSON.parse(readFileSync(join(projectRootForTests, 'notebooks', '05_backtest.ipynb'), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    // each run on the notebook's market (book, trades), not on the shared captures', has its warning in its cell
    // (the run beside the reference market maker, 0.1 orders, is compared with it in a table of fills)
    const runsOf = (c: string) => c.split('\n').filter((l) => /runBacktest\(book, trades/.test(l) && !/orderSize: 0\.1/.test(l)).length;
    const cells = code.filter((c) => runsOf(c) > 0);
    expect(cells.length).toBe(3);
    for (const c of cells) expect((c.match(/warnNoResult\(/g) ?? []).length, c).toBe(runsOf(c));
    // the cell that runs four strategies on one fill rule labels each warning with its strategy: 'WARNING queue:
    // no fill in …' four times over could not be told apart (that cause names no strategy)
    const strategiesCell = cells.find((c) => /strategies\.map\(\(strategy\)/.test(c))!;
    expect(strategiesCell).toMatch(/warnNoResult\(`\$\{strategy\.name\}, queue`, r, strategy,/);
  });
});
