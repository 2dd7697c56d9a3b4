import { describe, expect, it } from 'vitest';
import { evaluateTask, expandGrid, parseGridSpec, DEFAULT_PARAMS, type EvaluationSettings } from '../../src/calibrate/index.js';
import { book, trades } from '../helpers/handBuilt.js';

describe('quoting features as calibration grid axes', () => {
  it('parse with their ranges, expand, and reach the engine: the refresh tolerance decides the fill of a hand-built market', () => {
    const spec = parseGridSpec('refresh-tolerance=0,1;min-spread=0,6;max-order-age=0,5;inventory-target=0,2;half-spread=1');
    expect(spec).toMatchObject({ refreshToleranceTicks: [0, 1], minSpreadPx: [0, 6], maxOrderAgeMs: [0, 5], inventoryTarget: [0, 2] });
    expect(() => parseGridSpec('refresh-tolerance=-1')).toThrow(/refresh-tolerance must be a whole number >= 0/);
    // quotes differ by whole ticks: a tolerance of 0.5 ran as 0 and 1.5 as 1, with no word
    expect(() => parseGridSpec('refresh-tolerance=0.5')).toThrow(/refresh-tolerance must be a whole number >= 0 \(ticks/);
    expect(() => parseGridSpec('refresh-tolerance=1.5')).toThrow(/refresh-tolerance/);
    expect(() => parseGridSpec('min-spread=-0.1')).toThrow(/min-spread/);
    expect(parseGridSpec('levels=1,3;level-spacing=1,2')).toEqual({ orderLevels: [1, 3], levelSpacingTicks: [1, 2] });
    expect(() => parseGridSpec('levels=0')).toThrow(/levels/);
    expect(() => parseGridSpec('levels=1.5')).toThrow(/levels/);
    expect(() => parseGridSpec('level-spacing=0')).toThrow(/level-spacing/);
    expect(() => parseGridSpec('level-spacing=1.5')).toThrow(/level-spacing/);
    const sets = expandGrid(spec, { ...DEFAULT_PARAMS, strategy: 'symmetric', orderSize: 2 });
    expect(sets).toHaveLength(16);
    // symmetric, half-spread 1: bid 99 at mid 100, then 98 at mid 99 (t 10); a sell of 2 prints at 99 (t 15). Kept
    // within 1 tick, our 99 is the best bid alone and is filled; replaced by 98 (or widened by a 6 minimum spread), not
    const b = book([[0, 99, 1, 101, 4], [10, 98, 5, 100, 4], [20, 98, 5, 100, 4]]);
    const t = trades([[15, -1, 99, 2]]);
    const settings: EvaluationSettings = { fill: 'queue', tickSize: 1, lotSize: 0, feedLatencyMs: 0, entryLatencyMs: 0, makerFee: 0, takerFee: 0, maxPosition: Infinity };
    const fills = (over: Partial<(typeof sets)[number]>) => {
      const params = { ...sets[0], ...over };
      return evaluateTask(b, t, undefined, settings, { id: 0, setIndex: 0, windowIndex: 0, params, fromMs: 0, toMs: 30 }).metrics.fills;
    };
    expect(fills({ refreshToleranceTicks: 0, minSpreadPx: 0, maxOrderAgeMs: 0 })).toBe(0);
    expect(fills({ refreshToleranceTicks: 1, minSpreadPx: 0, maxOrderAgeMs: 0 })).toBe(1);
    expect(fills({ refreshToleranceTicks: 1, minSpreadPx: 6, maxOrderAgeMs: 0 })).toBe(0);
    // the grid reaches the engine through the parameter set: a sell of 5 through 97 takes our bid at 99 and, with
    // a second level a tick behind it, that one too
    const deep = trades([[15, -1, 97, 5]]);
    const gridFills = (orderLevels: number) =>
      evaluateTask(b, deep, undefined, settings, { id: 0, setIndex: 0, windowIndex: 0, params: { ...sets[0], refreshToleranceTicks: 1, minSpreadPx: 0, maxOrderAgeMs: 0, orderLevels, levelSpacingTicks: 1 }, fromMs: 0, toMs: 30 }).metrics.fills;
    expect(gridFills(1)).toBe(1);
    expect(gridFills(2)).toBe(2);
  });
});
