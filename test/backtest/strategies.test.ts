import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asInfiniteStrategy, asStrategy, createStrategy, glftStrategy, isStrategyName, STRATEGIES, STRATEGY_NAMES, symmetricStrategy, type QuoteContext, type StrategyParams } from '../../src/backtest/index.js';
import { DEFAULT_PARAMS, parseGridSpec, strategyFor } from '../../src/calibrate/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const contexts: QuoteContext[] = [];
for (const q of [-3, 0, 1, 2]) {
  for (const elapsedSec of [1, 45, 700]) contexts.push({ tMs: 1000, midPx: 3000.005, bestBidPx: 3000, bestAskPx: 3000.01, q, sigmaPerSqrtSec: 0.05, aPerSec: 1.5, kPerPrice: 30, elapsedSec });
}
const quotesOf = (s: ReturnType<typeof createStrategy>) => contexts.map((c) => s.quote(c));
const base: StrategyParams = { gamma: 0.1, horizonSec: 600, qMax: 2, halfSpreadPx: 0.02 };
const changed: StrategyParams = { gamma: 0.7, horizonSec: 30, qMax: 1, halfSpreadPx: 0.05 };

describe('the strategy registry', () => {
  it('names the four strategies the CLI documents, in order', () => {
    expect(STRATEGY_NAMES).toEqual(['as', 'as-infinite', 'glft', 'symmetric']);
    expect(STRATEGY_NAMES.every(isStrategyName)).toBe(true);
    expect(['AS', 'glft ', 'constructor', 'toString', ''].some(isStrategyName)).toBe(false);
  });

  it('each entry builds the same strategy as its factory', () => {
    const direct = { as: asStrategy(0.1, 600), 'as-infinite': asInfiniteStrategy(0.1, 2), glft: glftStrategy(0.1, 2), symmetric: symmetricStrategy(0.02) };
    for (const name of STRATEGY_NAMES) {
      const s = createStrategy(name, base);
      expect(s.name).toBe(direct[name].name);
      expect(quotesOf(s)).toEqual(quotesOf(direct[name]));
    }
  });

  it("each entry's `reads` is exactly the parameters that change its quotes", () => {
    for (const name of STRATEGY_NAMES) {
      for (const key of Object.keys(base) as Array<keyof StrategyParams>) {
        const moved = quotesOf(createStrategy(name, { ...base, [key]: changed[key] }));
        const same = JSON.stringify(moved) === JSON.stringify(quotesOf(createStrategy(name, base)));
        expect(same, `${name}: ${key} ${STRATEGIES[name].reads.includes(key) ? 'is read but changes nothing' : 'is not listed but changes the quotes'}`).toBe(!STRATEGIES[name].reads.includes(key));
      }
    }
  });

  it('calibration parameter sets and grids use it', () => {
    for (const name of STRATEGY_NAMES) expect(strategyFor({ ...DEFAULT_PARAMS, strategy: name }).name).toBe(createStrategy(name, DEFAULT_PARAMS).name);
    expect(parseGridSpec(`strategy=${STRATEGY_NAMES.join(',')}`).strategy).toEqual(STRATEGY_NAMES);
    expect(() => parseGridSpec('strategy=as,foo')).toThrow('unknown strategy "foo"');
  });

  it('asmm backtest and asmm calibrate refuse an unregistered --strategy, listing the registered ones', () => {
    const data = join(tempDir(), 'books.csv');
    writeFileSync(data, 'ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1\n');
    const backtest = runAsmm(['backtest', '--data', data, '--strategy', 'foo']);
    const calibrate = runAsmm(['calibrate', '--data', data, '--grid', 'gamma=0.1', '--strategy', 'foo']);
    expect([backtest.code, calibrate.code]).toEqual([2, 2]);
    expect(backtest.stderr).toContain('--strategy must be one of as, as-infinite, glft, symmetric');
    expect(calibrate.stderr).toContain('--strategy must be as, as-infinite, glft or symmetric');
  });
});
