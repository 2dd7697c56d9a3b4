import { describe, expect, it } from 'vitest';
import { runBacktest, symmetricStrategy, type BacktestConfig, type FillModel } from '../../src/backtest/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { book, trades } from '../helpers/handBuilt.js';

// Several order levels per side (a grid): level l rests l spacings behind the quote, with a queue, fills and
// refresh of its own.

const market = generateSampleMarket({ seed: 21, durationSec: 1800 });
const tick = market.params.tickSize;
const base = (fill: FillModel, halfSpreadPx: number, over: Partial<BacktestConfig> = {}): BacktestConfig => ({
  strategy: symmetricStrategy(halfSpreadPx),
  fill,
  orderSize: 0.01,
  tickSize: tick,
  lotSize: 0,
  refreshMs: 0,
  feedLatencyMs: 5,
  entryLatencyMs: 10,
  ...over,
});
/** Fills as sortable keys: time, side, price in ticks, quantity. */
const keys = (r: ReturnType<typeof runBacktest>) => Array.from(r.fills.tsMs, (t, i) => `${t}|${r.fills.side[i]}|${Math.round(r.fills.px[i] / tick)}|${r.fills.qty[i].toFixed(9)}`).sort();

describe('an order grid (several levels per side)', () => {
  for (const fill of ['queue', 'tradeThrough', 'midCross'] as const) {
    it(`${fill}: quotes that do not depend on inventory fill each level as a one-level run with its quote moved by l spacings would (the independent reference)`, () => {
      const half = 3 * tick;
      const levels = 3;
      const spacingTicks = 2;
      const grid = runBacktest(market.book, market.trades, base(fill, half, { orderLevels: levels, levelSpacingTicks: spacingTicks }));
      const single = Array.from({ length: levels }, (_, l) => runBacktest(market.book, market.trades, base(fill, half + l * spacingTicks * tick)));
      const union = single.flatMap(keys).sort();
      expect(single.every((r) => r.fills.tsMs.length > 5)).toBe(true);
      if (fill === 'tradeThrough') {
        // a trade's size is shared by the levels it reaches, nearest first: the nearest level fills as alone, the
        // grid as a whole at most as the runs together
        const total = (r: ReturnType<typeof runBacktest>) => r.fills.qty.reduce((a, q) => a + q, 0);
        const nearestTicks = new Set(Array.from(single[0].fills.px, (p) => Math.round(p / tick)));
        const nearest = keys(grid).filter((k) => nearestTicks.has(Number(k.split('|')[2])));
        expect(nearest.length).toBeGreaterThanOrEqual(keys(single[0]).length);
        expect(total(grid)).toBeLessThanOrEqual(single.reduce((a, r) => a + total(r), 0) + 1e-9);
        expect(total(grid)).toBeGreaterThan(total(single[0]));
      } else expect(keys(grid)).toEqual(union);
      // the deeper levels filled less often than the first
      expect(single[2].fills.tsMs.length).toBeLessThan(single[0].fills.tsMs.length);
    });
  }

  it('a sell through two of our bid levels fills those two, not the third; the maximum position leaves out the levels it would pass', () => {
    // symmetric, half-spread 1, mid 100: bids 99, 98, 97 (spacing 1); a sell of 5 prints at 97.5 at t 20
    const b = book([[0, 99.5, 1, 100.5, 1], [30, 99.5, 1, 100.5, 1]]);
    const t = trades([[20, -1, 97.5, 5]]);
    const config = (over: Partial<BacktestConfig>): BacktestConfig => ({ strategy: symmetricStrategy(1), fill: 'queue', orderSize: 1, tickSize: 0.5, lotSize: 0, refreshMs: 0, feedLatencyMs: 0, entryLatencyMs: 0, ...over });
    const r = runBacktest(b, t, config({ orderLevels: 3, levelSpacingTicks: 2 }));
    expect(Array.from(r.fills.px)).toEqual([99, 98]);
    expect(Array.from(r.fills.side)).toEqual([1, 1]);
    // at most 2 either way, from flat: the third level of each side is never sent
    const capped = runBacktest(b, t, config({ orderLevels: 3, levelSpacingTicks: 2, maxPosition: 2, recordOrders: true }));
    const prices = (side: number) => capped.orders!.side.reduce<number[]>((out, s, i) => (s === side ? [...out, capped.orders!.px[i]] : out), []).sort((x, y) => x - y);
    expect(prices(1)).toEqual([98, 99]);
    expect(prices(-1)).toEqual([101, 102]);
    expect(Array.from(capped.fills.px)).toEqual([99, 98]);
    // tradeThrough: one sell of 1 through three bid levels of 1 fills 1 in all, the nearest level first
    const through = runBacktest(b, trades([[20, -1, 96, 1]]), config({ orderLevels: 3, levelSpacingTicks: 2, fill: 'tradeThrough' }));
    expect(Array.from(through.fills.qty)).toEqual([1]);
    expect(Array.from(through.fills.px)).toEqual([99]);
    // one level is the run as it was
    expect(Array.from(runBacktest(b, t, config({})).fills.px)).toEqual([99]);
    expect(() => runBacktest(b, t, config({ orderLevels: 0 }))).toThrow(/orderLevels must be a whole number >= 1/);
    expect(() => runBacktest(b, t, config({ orderLevels: 2, levelSpacingTicks: 0 }))).toThrow(/levelSpacingTicks must be a whole number >= 1/);
  });
});

describe('no bid at a price of 0 or less (top of book)', () => {
  // A quote below 0 (AS at a γ far too large for the price level) rested as a bid at a negative price. A book
  // at 99.99 / 100.01 (mid 100, tick 0.01): symmetric quotes ±150 put the bid at −50, and ±99.985 at 0.01, so a
  // grid's second and third levels fall on 0 and −0.01. Reference: that arithmetic.
  const flat = book(Array.from({ length: 60 }, (_, i) => [1_767_225_600_000 + i * 1000, 99.99, 5, 100.01, 5]));
  const run = (halfSpreadPx: number, orderLevels = 1) =>
    runBacktest(flat, trades([]), { strategy: symmetricStrategy(halfSpreadPx), fill: 'midCross', orderSize: 1, tickSize: 0.01, lotSize: 0, refreshMs: 0, feedLatencyMs: 0, entryLatencyMs: 0, orderLevels, levelSpacingTicks: 1, recordOrders: true });

  it('a quote at −50: the ask rests, no bid; the series has no bid', () => {
    const r = run(150);
    const sides = Array.from(r.orders!.side);
    expect(sides.filter((s) => s < 0).length).toBeGreaterThan(0);
    expect(sides.filter((s) => s > 0)).toEqual([]);
    expect(Array.from(r.series.bidPx).every(Number.isNaN)).toBe(true);
  });

  it('a grid of 3 from a bid at 0.01: its levels at 0 and −0.01 are not sent', () => {
    const r = run(99.985, 3);
    const bids = Array.from(r.orders!.px).filter((_, o) => r.orders!.side[o] > 0);
    expect(bids.length).toBeGreaterThan(0);
    expect(Math.min(...bids)).toBeCloseTo(0.01, 12);
  });
});
