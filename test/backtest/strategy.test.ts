import { describe, expect, it } from 'vitest';
import { asInfiniteStrategy, asStrategy, glftStrategy, symmetricStrategy, type MutableQuotes, type QuoteContext } from '../../src/backtest/index.js';

describe('Strategy.quoteInto', () => {
  it('writes exactly the numbers quote() returns, for every built-in strategy, as σ, A and k change', () => {
    const strategies = [asStrategy(0.1, 600), asStrategy(0.5, 30), asInfiniteStrategy(0.1, 3), glftStrategy(0.1, 5), symmetricStrategy(0.02)];
    const contexts: QuoteContext[] = [];
    for (const q of [-4, -1, 0, 0.5, 3, 6]) {
      for (const k of [30, 30, 0.5, 0, -1, NaN, 30]) {
        for (const [sigma, a] of [[0.05, 1], [0.05, 1], [0, 2], [0.2, 0], [NaN, 1]]) {
          contexts.push({ tMs: 1000, midPx: 3000.005, bestBidPx: 3000, bestAskPx: 3000.01, q, sigmaPerSqrtSec: sigma, aPerSec: a, kPerPrice: k, elapsedSec: 12.5 + q * 100 });
        }
      }
    }
    for (const s of strategies) {
      const out: MutableQuotes = { reservationPx: 1, bidPx: 2, askPx: 3 };
      for (const c of contexts) {
        const expected = s.quote(c);
        s.quoteInto!(c, out);
        expect([Object.is(out.reservationPx, expected.reservationPx), Object.is(out.bidPx, expected.bidPx), Object.is(out.askPx, expected.askPx)], `${s.name} ${JSON.stringify(c)}`).toEqual([true, true, true]);
      }
    }
  });
});
