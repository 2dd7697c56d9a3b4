import { describe, expect, it } from 'vitest';
import { evaluateTask, expandGrid, parseGridSpec, DEFAULT_PARAMS, type EvaluationSettings } from '../../src/calibrate/index.js';
import { book, trades } from '../helpers/handBuilt.js';

// The hand-built queue of test/backtest/queueModels.test.ts (10 ahead of our bid 99, 10 behind, 6 cancelled, a sell
// of 9 at 99): as a calibration grid axis, the queue model decides the fill of each cell.
describe('queue-model as a calibration grid axis', () => {
  it('parses, expands and runs each model on the same window: power 2 fills our 2, power3 nothing, log2 0.27', () => {
    const spec = parseGridSpec('queue-model=power:2,power3,log2;half-spread=1');
    expect(spec.queueModel).toEqual(['power:2', 'power3', 'log2']);
    expect(() => parseGridSpec('queue-model=fifo')).toThrow(/power, power2, power3, log, log2/);
    const sets = expandGrid(spec, { ...DEFAULT_PARAMS, strategy: 'symmetric', orderSize: 2 });
    expect(sets.map((s) => s.queueModel)).toEqual(['power:2', 'power3', 'log2']);
    const b = book([[0, 99, 10, 101, 4], [10, 99, 20, 101, 4], [20, 99, 14, 101, 4], [40, 99, 14, 101, 4]]);
    const t = trades([[30, -1, 99, 9]]);
    const settings: EvaluationSettings = { fill: 'queue', tickSize: 1, lotSize: 0, feedLatencyMs: 0, entryLatencyMs: 0, makerFee: 0, takerFee: 0, maxPosition: Infinity };
    const bought = sets.map((params, i) => {
      const r = evaluateTask(b, t, undefined, settings, { id: i, setIndex: i, windowIndex: 0, params, fromMs: 0, toMs: 50 });
      return r.metrics.fills === 0 ? 0 : r.metrics.bidFills;
    });
    expect(bought).toEqual([1, 0, 1]); // one bid fill for power 2 and log2, none for power3
  });
});
