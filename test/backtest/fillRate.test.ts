import { describe, expect, it } from 'vitest';
import { runBacktest, type Strategy } from '../../src/backtest/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

describe('tradeThrough fill rate on the sample market (known A = 2 /s, k = 10 /USDT)', () => {
  it('a quote held δ = 5 ticks from the mid is hit at A·exp(−k·(S − p)) summed over the true mid path, within 3 standard errors', () => {
    const m = generateSampleMarket({ durationSec: 3600, seed: 31 });
    const { arrivalRatePerSec: A, kPerPrice: k, tickSize: tick } = m.params;
    const delta = 5 * tick;
    const held: Strategy = { name: 'held at δ', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx: c.midPx - delta, askPx: c.midPx + delta }) };
    // an order too large to be used up: every trade through it is one fill event
    const r = runBacktest(m.book, m.trades, { strategy: held, fill: 'tradeThrough', orderSize: 1e12, tickSize: tick, refreshMs: 0, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    // Expected hits per side from the model: trades in [t_i, t_i + 1 ms) still meet the previous decision's
    // quote (decisions follow the events of their ms), the rest of the 100 ms meet decision i's quote.
    const n = m.book.tsMs.length;
    const dtSec = m.params.snapshotIntervalMs / 1000;
    const firstMs = 0.001;
    let expectedBid = 0;
    let expectedAsk = 0;
    const hit = (distance: number, atOrInsideTouch: boolean) => (atOrInsideTouch ? A : A * Math.exp(-k * Math.max(0, distance)));
    for (let i = 1; i < n; i++) {
      const S = m.trueMid[i];
      const bestBid = m.book.bidPx[0][i];
      const bestAsk = m.book.askPx[0][i];
      const quotes = [
        [r.series.bidPx[i - 1], firstMs],
        [r.series.bidPx[i], dtSec - firstMs],
      ] as const;
      for (const [p, span] of quotes) expectedBid += span * hit(S - p, p >= bestBid - 1e-9);
      for (const [p, span] of [
        [r.series.askPx[i - 1], firstMs],
        [r.series.askPx[i], dtSec - firstMs],
      ] as const) {
        expectedAsk += span * hit(p - S, p <= bestAsk + 1e-9);
      }
    }
    const firstRowEnd = m.book.tsMs[1];
    let bidHits = 0;
    let askHits = 0;
    for (let f = 0; f < r.fills.tsMs.length; f++) {
      if (r.fills.tsMs[f] < firstRowEnd) continue; // the first interval has no previous quote in the sum
      if (r.fills.side[f] > 0) bidHits++;
      else askHits++;
    }
    const z = (observed: number, expected: number) => (observed - expected) / Math.sqrt(expected);
    console.log(`fills at δ = 5 ticks over 1 h: bid ${bidHits} (model ${expectedBid.toFixed(0)}), ask ${askHits} (model ${expectedAsk.toFixed(0)}); A·exp(−kδ)·3600 = ${(A * Math.exp(-k * delta) * 3600).toFixed(0)}`);
    expect(bidHits).toBeGreaterThan(2000);
    expect(Math.abs(z(bidHits, expectedBid))).toBeLessThan(3);
    expect(Math.abs(z(askHits, expectedAsk))).toBeLessThan(3);
  });
});
