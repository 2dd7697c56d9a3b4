import { describe, expect, it } from 'vitest';
import { runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { gradeFillModels, gradeFillModelsOverSeeds, type FillGrade } from '../../src/grading/index.js';
import { generateOrderBookMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';

const byLabel = (grades: readonly FillGrade[], label: string) => grades.find((g) => g.label === label)!;

describe('fill models graded against a market whose queue is known', () => {
  it('without cancellations every queue model is exact: the queue ahead moves only by trades, which the feed shows', () => {
    // no cancels; more market orders than CST's so that the price moves and orders rest and fill
    const market = generateOrderBookMarket({ seed: 11, durationSec: 1800, cancelRatePerSec: 0, marketRatePerSec: 3 });
    const grades = gradeFillModels(market);
    for (const g of grades.filter((x) => x.label.startsWith('queue'))) {
      expect(g.trueFills, g.label).toBeGreaterThan(20);
      expect([g.label, g.early, g.missed, g.modelFills]).toEqual([g.label, 0, 0, g.trueFills]);
      expect(g.medianDelayErrorMs).toBe(0);
      // and its estimate of the queue ahead is the true one at every trade at our price
      expect(g.queueSamples, g.label).toBeGreaterThan(20);
      expect(g.queueErrorUnits, g.label).toBeLessThan(1e-9);
    }
    // trading through the queue is not: tradeThrough fills on any trade at our price
    expect(byLabel(grades, 'tradeThrough').early).toBeGreaterThan(0);
  });

  it('with cancellations the truth lies between the two bounds of the queue family, and the default model between them', () => {
    const grades = gradeFillModels(generateOrderBookMarket({ seed: 12, durationSec: 900 }));
    const averse = byLabel(grades, 'queue riskAverse');
    const optimistic = byLabel(grades, 'queue optimistic');
    expect(averse.trueFills).toBeGreaterThan(300);
    // riskAverse (every cancel behind us) never fills before the truth; optimistic (every cancel ahead) never after
    expect(averse.early).toBe(0);
    expect(averse.missed).toBeGreaterThan(0);
    expect(optimistic.missed).toBe(0);
    expect(optimistic.early).toBeGreaterThan(0);
    // the same in the queue estimates: riskAverse never puts us nearer the front than we are (every error ≥ 0,
    // so its mean error is its mean |error|), optimistic never further back
    expect(averse.queueErrorUnits).toBeGreaterThan(0);
    expect(averse.queueBiasUnits).toBeCloseTo(averse.queueErrorUnits, 12);
    expect(optimistic.queueBiasUnits).toBeCloseTo(-optimistic.queueErrorUnits, 12);
    const power2 = byLabel(grades, 'queue power:2');
    expect(power2.fillRateBias).toBeGreaterThan(averse.fillRateBias);
    expect(power2.fillRateBias).toBeLessThan(optimistic.fillRateBias);
    // midCross and tradeThrough miss the queue altogether: further from the truth than any queue model
    for (const label of ['midCross', 'tradeThrough']) expect(Math.abs(byLabel(grades, label).fillRateBias)).toBeGreaterThan(Math.abs(power2.fillRateBias));
  });

  it('a depth row stamped with its trade\'s time does not count the trade twice: the bounds hold there too', () => {
    // (with book rows taken before trades at equal times, riskAverse filled 11 % of true fills early here)
    const grades = gradeFillModels(generateOrderBookMarket({ seed: 12, durationSec: 900, bookDelayMs: 0 }));
    expect(byLabel(grades, 'queue riskAverse').early).toBe(0);
    expect(byLabel(grades, 'queue optimistic').missed).toBe(0);
    expect(byLabel(grades, 'queue riskAverse').trueFills).toBeGreaterThan(300);
  });

  it('a trade that takes exactly the queue ahead fills nothing (binary rounding of decimal sizes is not a fill)', () => {
    const market = generateOrderBookMarket({ seed: 12, durationSec: 600 });
    const r = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.5 * market.tickSize), fill: 'queue', orderSize: market.unitQty / 100, tickSize: market.tickSize, lotSize: 0, refreshMs: 0, refreshToleranceTicks: 1 });
    expect(r.fills.qty.length).toBeGreaterThan(50);
    expect(Math.min(...r.fills.qty)).toBeGreaterThan(1e-9 * market.unitQty);
  });

  it('summarises several seeds with an interval per model', () => {
    const rows = gradeFillModelsOverSeeds([21, 22, 23], { durationSec: 300 }, { models: [{ label: 'queue riskAverse', fill: 'queue', queueModel: { name: 'riskAverse' } }] });
    expect(rows).toHaveLength(1);
    const [mean, low, high] = rows[0].fillRateBias;
    expect(rows[0].grades.map((g) => g.fillRateBias).reduce((a, b) => a + b, 0) / 3).toBeCloseTo(mean, 12);
    expect(low).toBeLessThanOrEqual(mean);
    expect(high).toBeGreaterThanOrEqual(mean);
    expect(rows[0].grades.every((g) => g.early === 0)).toBe(true);
  });

  it('asmm grade-fills --json gives the table: every model, its interval over the seeds, the bounds holding on each seed', () => {
    const r = runAsmm(['grade-fills', '--seeds', '5,6', '--duration', '5m', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { seeds: number[]; models: Array<{ model: string; fillRateBias: number[]; perSeed: Array<{ early: number; missed: number; trueFills: number }> }> };
    expect(out.seeds).toEqual([5, 6]);
    expect(out.models.map((m) => m.model)).toEqual(['midCross', 'tradeThrough', 'queue riskAverse', 'queue power:3', 'queue power:2', 'queue power:1', 'queue log', 'queue orderCount', 'queue optimistic']);
    const model = (name: string) => out.models.find((m) => m.model === name)!;
    expect(model('queue riskAverse').perSeed.map((g) => g.early)).toEqual([0, 0]);
    expect(model('queue optimistic').perSeed.map((g) => g.missed)).toEqual([0, 0]);
    for (const m of out.models) expect(m.fillRateBias[1]).toBeLessThanOrEqual(m.fillRateBias[2]);
    // the text table's true fills are the sum over the seeds, and its header says so (the footnote's "mean over
    // seeds" read as covering them)
    const text = runAsmm(['grade-fills', '--seeds', '5,6', '--duration', '5m']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/true fills \(all seeds\)/);
    const line = text.stdout.split('\n').find((l) => l.startsWith('queue optimistic'))!;
    expect(Number(line.trim().split(/\s+/).at(-1))).toBe(model('queue optimistic').perSeed.reduce((a, g) => a + g.trueFills, 0));
  });
});
