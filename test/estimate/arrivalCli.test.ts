import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookArrow, writeTradeArrow } from '../../src/data/arrow.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { captureLike, generateReachMarket } from './reachMarket.js';

// asmm estimate on a generated market shaped like the real Binance capture (mass at the touch, a step one
// tick past it, a flat tail; see reachMarket.ts): the per-depth table, the check and the WARNING lines.
const dir = tempDir('asmm-arrival-cli-');
const market = generateReachMarket(captureLike, 346, 8);
writeBookArrow(join(dir, 'books.arrow'), market.book);
writeTradeArrow(join(dir, 'trades.arrow'), market.trades);
const args = ['estimate', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow')];

describe('asmm estimate: λ(δ) observed against fitted per depth', () => {
  it('--depths 1..10 (over the step one tick past the touch): the check fails and WARNING lines name side, fit and depths; exit 0', () => {
    const r = runAsmm([...args, '--depths', '1..10']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^depth\s+ask n\s+ask obs\/s\s+ask MLE\/s\s+ask WLS\/s\s+bid n/m);
    expect(r.stdout).toMatch(/^touch\s+\d+/m);
    expect(r.stdout).toMatch(/^\+10 \*\s+\d+/m);
    for (const side of ['ask', 'bid']) expect(r.stdout).toMatch(new RegExp(`^WARNING arrival ${side}: the MLE fit misses the observed arrival rates over 1\\.\\.10 ticks past the touch \\(Pearson χ² `, 'm'));
  });

  it('--json: the depths, each side\'s per-depth rows and checks, and the warnings', () => {
    const r = runAsmm([...args, '--depths', '1..10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout).arrival;
    expect(a.depths).toMatchObject({ fromTicks: 1, toTicks: 10 });
    expect(a.bySide.ask.mleCheck.rows).toHaveLength(11);
    expect(a.bySide.ask.mleCheck.rows[0]).toMatchObject({ depthTicks: 0, inRange: false });
    expect(a.bySide.ask.mleCheck.gof.passes).toBe(false);
    expect(a.mle.ask.ordersUsed).toBe(a.bySide.ask.mleCheck.rows[1].reaching);
    expect(a.warnings.length).toBeGreaterThanOrEqual(2);
  });

  it('the default depths 5..50, where the tail is one exponential: no warning, and a note that the touch is not described', () => {
    const r = runAsmm(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/both fits use the orders reaching 5 and depths 5\.\.50 ticks past the touch/);
    // (the fixture's book never moves its prices: σ is 0 and said to be no estimate; nothing warns about arrival)
    expect(r.stdout).not.toMatch(/WARNING arrival/);
    expect(r.stdout).toMatch(/WARNING +σ is 0: the price did not move/);
    expect(r.stdout).toMatch(/^note {8}ask: outside the fitted depths the MLE's λ is 0\.\d+× the observed rate at the touch/m);
  });

  it('too few depth bins for a χ² test (a 20 s market: one bin of ≥ 5 expected; --depths 1..2: two) is said in text and --json, never a statistic on 0 or fewer df, never a pass', () => {
    const shortDir = tempDir('asmm-arrival-cli-short-');
    const short = generateReachMarket(captureLike, 20, 8);
    writeBookArrow(join(shortDir, 'books.arrow'), short.book);
    writeTradeArrow(join(shortDir, 'trades.arrow'), short.trades);
    const shortArgs = ['estimate', '--data', join(shortDir, 'books.arrow'), '--trades', join(shortDir, 'trades.arrow')];
    for (const run of [shortArgs, [...args, '--depths', '1..2']]) {
      const text = runAsmm(run);
      expect(text.code, text.stderr).toBe(0);
      const gofLines = text.stdout.split('\n').filter((l) => /^ {2}(ask|bid|pooled) +MLE/.test(l));
      expect(gofLines).toHaveLength(3);
      for (const line of gofLines) {
        expect(line).not.toMatch(/ on (0|-\d+) df/);
        expect(line).not.toMatch(/passes|FAILS/);
        expect(line).toMatch(/(MLE|WLS) not tested: too few depth bins for a χ² test \([12] of ≥ 5 expected orders; 3 needed\)/);
      }
      expect(text.stdout).toMatch(/^WARNING arrival bid: the MLE fit is not checked against the observed arrival rates: too few depth bins for a χ² test \([12] bins? of ≥ 5 expected orders over/m);
      const json = JSON.parse(runAsmm([...run, '--json']).stdout).arrival;
      for (const side of ['ask', 'bid', 'pooled']) {
        const gof = json.bySide[side].mleCheck?.gof;
        if (!gof) continue;
        expect(gof).toMatchObject({ tested: false, passes: null, pValue: null, df: null, statistic: null });
        expect(gof.reason).toMatch(/^too few depth bins for a χ² test/);
        expect(json.warnings).toContain(`${side}: the MLE fit is not checked against the observed arrival rates: ${gof.reason}`);
      }
    }
  });

  it('a bad --depths is a usage error (exit 2)', () => {
    const r = runAsmm([...args, '--depths', '10..3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^asmm estimate: --depths: depth range 10\.\.3: needs whole ticks 0 ≤ d0 < d1/);
  });
});
