import { describe, expect, it } from 'vitest';
import { runBacktest, type Strategy } from '../../src/backtest/index.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';

// Quoting features (issue 16 item 4), each on a hand-built market where it changes the outcome by a number worked
// out by hand. Orders of 2, tick 1, a decision at every book row, no latency, queue fills.
describe('quoting features', () => {
  it('refresh tolerance: a bid moved by one tick is kept within 1 tick (its queue place with it), replaced at 0', () => {
    // our bid 99 joins behind 1 (t 0); from t 10 the strategy wants 98; a sell of 2 prints at 99 (t 15)
    const b = book([[0, 99, 1, 101, 4], [10, 99, 1, 101, 4], [20, 99, 1, 101, 4]]);
    const t = trades([[15, -1, 99, 2]]);
    const moving: Strategy = { name: 'moving', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx: c.tMs < 10 ? 99 : 98, askPx: 101 }) };
    const replaced = runBacktest(b, t, { ...base(moving, 'queue') });
    const kept = runBacktest(b, t, { ...base(moving, 'queue'), refreshToleranceTicks: 1 });
    expect(replaced.finalInventory).toBe(0); // our bid went to 98: the sell at 99 does not reach it
    expect(kept.finalInventory).toBe(1); // still at 99 behind 1: the sell of 2 fills 1 of ours
  });

  it('max order age: an older order is re-sent at the same price to the back of the queue', () => {
    // our bid 99 joins behind 1 (t 0); 2 join behind us (t 10: 3 shown); a sell of 2 prints at 99 (t 15)
    const b = book([[0, 99, 1, 101, 4], [10, 99, 3, 101, 4], [20, 99, 3, 101, 4]]);
    const t = trades([[15, -1, 99, 2]]);
    expect(runBacktest(b, t, base(fixed(99, 101), 'queue')).finalInventory).toBe(1); // 1 ahead: 1 for us
    // re-sent at t 10 (10 ms old > 5): behind the 3 shown, the sell of 2 does not reach it
    expect(runBacktest(b, t, { ...base(fixed(99, 101), 'queue'), maxOrderAgeMs: 5 }).finalInventory).toBe(0);
    expect(runBacktest(b, t, { ...base(fixed(99, 101), 'queue'), maxOrderAgeMs: 50 }).finalInventory).toBe(1);
  });

  it('minimum spread: each quote at least half of it from the mid', () => {
    const b = book([[0, 99, 1, 101, 4], [10, 99, 1, 101, 4]]);
    const r = runBacktest(b, undefined, { ...base(fixed(99, 101), 'midCross'), minSpreadPx: 6 });
    expect(Array.from(r.series.bidPx)).toEqual([97, 97]); // mid 100 − 3
    expect(Array.from(r.series.askPx)).toEqual([103, 103]);
    const narrow = runBacktest(b, undefined, { ...base(fixed(99, 101), 'midCross'), minSpreadPx: 1 });
    expect(Array.from(narrow.series.bidPx)).toEqual([99, 99]); // already wider: unchanged
  });

  it('inventory target: the strategy sees q = (inventory − target) / order size', () => {
    const seen: number[] = [];
    const recording: Strategy = { name: 'recording', requires: [], quote: (c) => (seen.push(c.q), { reservationPx: c.midPx, bidPx: 90, askPx: 110 }) };
    runBacktest(book([[0, 99, 1, 101, 4], [10, 99, 1, 101, 4]]), undefined, { ...base(recording, 'midCross'), inventoryTarget: 4 });
    expect(seen).toEqual([-2, -2]); // flat, target 4, orders of 2
  });
});
