import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, expandGrid, gridEdgeNotes, parseGridSpec, type ParamSet } from '../../src/calibrate/index.js';

/** The grid's sets and a fold choosing each of `picks` (partial sets, on top of the defaults). */
function grid(text: string) {
  const spec = parseGridSpec(text);
  return { keys: Object.keys(spec) as Array<keyof ParamSet>, sets: expandGrid(spec, DEFAULT_PARAMS) };
}
const pick = (p: Partial<ParamSet>): ParamSet => ({ ...DEFAULT_PARAMS, ...p });

describe('gridEdgeNotes: a choice at the edge of a grid axis is said', () => {
  it('gamma chosen at the lowest of 3 values in 2 of 3 folds, at the highest in 1', () => {
    const g = grid('gamma=0.01,0.1,1');
    expect(gridEdgeNotes(g.keys, g.sets, [pick({ gamma: 0.01 }), pick({ gamma: 0.01 }), pick({ gamma: 0.1 })])).toEqual([
      "gamma: the chosen value is the grid's lowest (0.01) in 2 of 3 folds: the best may lie below the grid; widen it",
    ]);
    expect(gridEdgeNotes(g.keys, g.sets, [pick({ gamma: 0.01 }), pick({ gamma: 1 })])).toEqual([
      "gamma: the chosen value is the grid's lowest (0.01) in 1 of 2 folds and the grid's highest (1) in 1 of 2 folds: the best may lie beyond either end of the grid; widen it",
    ]);
  });

  it('an interior choice, an axis of 2 values and no fold say nothing', () => {
    const g = grid('gamma=0.01,0.1,1;size=0.01,0.05');
    expect(gridEdgeNotes(g.keys, g.sets, [pick({ gamma: 0.1, orderSize: 0.05 })])).toEqual([]);
    expect(gridEdgeNotes(g.keys, g.sets, [])).toEqual([]);
  });

  it("the parameter's own bound is no edge: refresh=0 and levels=1 chosen say nothing; their highest does", () => {
    const g = grid('refresh=0,500,1000;levels=1,2,3');
    expect(gridEdgeNotes(g.keys, g.sets, [pick({ refreshMs: 0, orderLevels: 1 })])).toEqual([]);
    expect(gridEdgeNotes(g.keys, g.sets, [pick({ refreshMs: 1000, orderLevels: 2 })])).toEqual([
      "refresh: the chosen value is the grid's highest (1000) in 1 of 1 fold: the best may lie above the grid; widen it",
    ]);
    // levels=2 as the lowest is no bound (1 lies below it)
    const h = grid('levels=2,3,4');
    expect(gridEdgeNotes(h.keys, h.sets, [pick({ orderLevels: 2 })])).toEqual(["levels: the chosen value is the grid's lowest (2) in 1 of 1 fold: the best may lie below the grid; widen it"]);
  });
});
