import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, expandGrid, parseGridSpec, unreadGridAxes } from '../../src/calibrate/index.js';
import { STRATEGIES } from '../../src/backtest/strategies.js';

// A grid axis none of its sets reads (gamma with symmetric quotes) gave identical rows and a walk-forward "choice"
// that was a tie settled by the first value, exit 0 and no word. Which strategy reads what comes from the registry.
const unread = (grid: string, strategy: 'as' | 'symmetric' = 'as') => {
  const spec = parseGridSpec(grid);
  return unreadGridAxes(spec, expandGrid(spec, { ...DEFAULT_PARAMS, strategy }));
};

describe('unreadGridAxes', () => {
  it('a strategy parameter no strategy of the grid reads', () => {
    expect(STRATEGIES.symmetric.reads).not.toContain('gamma'); // the registry's word, which the check follows
    expect(unread('gamma=0.1,1', 'symmetric')).toEqual([expect.stringMatching(/^gamma=0\.1,1: symmetric reads no gamma \(symmetric reads half-spread\)/)]);
    expect(unread('half-spread=0.02,0.05')).toEqual([expect.stringMatching(/^half-spread=0\.02,0\.05: as reads no half-spread/)]);
    // read by one strategy of the grid: an axis that changes something
    expect(unread('strategy=as,symmetric;gamma=0.1,1')).toEqual([]);
    expect(unread('gamma=0.1,1')).toEqual([]);
  });

  it('level-spacing where every set has one order a side; inventory-target where no strategy reads the inventory', () => {
    expect(unread('level-spacing=1,2')).toEqual([expect.stringMatching(/^level-spacing=1,2: every set quotes one order a side/)]);
    expect(unread('levels=1,3;level-spacing=1,2')).toEqual([]);
    expect(unread('inventory-target=0,0.05', 'symmetric')).toEqual([expect.stringMatching(/^inventory-target=0,0\.05: symmetric quotes without reading the inventory/)]);
    expect(unread('inventory-target=0,0.05')).toEqual([]);
  });

  it('a single value is no sweep, and says nothing', () => {
    expect(unread('gamma=0.5', 'symmetric')).toEqual([]);
  });
});
