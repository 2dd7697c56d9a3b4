import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateTask, expandGrid, parseGridSpec, DEFAULT_PARAMS, type EvaluationSettings } from '../../src/calibrate/index.js';
import { book, trades } from '../helpers/handBuilt.js';
import { tempDir } from '../helpers/tmp.js';

// Our bid of 99 is sent at t = 0 (the first book row); a sell at 98 trades through it at t = 30. Whether it fills
// depends only on whether the bid rests by then: on the entry latency of the cell.
describe('entry-latency as a calibration grid axis', () => {
  it('parses constants and measured series (files), and each cell runs with its own latency', () => {
    const dir = tempDir('asmm-latency-grid-');
    const fast = join(dir, 'fast.csv');
    const slow = join(dir, 'slow.csv');
    writeFileSync(fast, 'ts_ms,latency_ms\n0,5\n100,5\n');
    // 45 ms at t = 0 falling to 5 ms at t = 100: 45 ms when our order is sent, so it rests only at 45, after the
    // trade (a latency taken anywhere later in the series, 25 ms at t = 50 say, would have filled it)
    writeFileSync(slow, 'ts_ms,latency_ms\n0,45\n100,5\n');
    const spec = parseGridSpec(`entry-latency=0,20ms,0.05s,file:${fast},file:${slow};half-spread=1`);
    expect(spec.entryLatency).toEqual(['0', '20ms', '0.05s', `file:${fast}`, `file:${slow}`]);
    expect(() => parseGridSpec('entry-latency=50')).toThrow(/grid parameter "entry-latency": "50" is not 0, a duration with its unit/);
    expect(() => parseGridSpec(`entry-latency=file:${join(dir, 'none.csv')}`)).toThrow(/no such file/);
    const sets = expandGrid(spec, { ...DEFAULT_PARAMS, strategy: 'symmetric', orderSize: 1 });
    const b = book([[0, 99, 10, 101, 4], [10, 99, 10, 101, 4], [50, 99, 10, 101, 4]]);
    const t = trades([[30, -1, 98, 1]]);
    const settings: EvaluationSettings = { fill: 'tradeThrough', tickSize: 1, lotSize: 0, feedLatencyMs: 0, entryLatencyMs: 1000, makerFee: 0, takerFee: 0, maxPosition: Infinity };
    const bidFills = sets.map((params, i) => evaluateTask(b, t, undefined, settings, { id: i, setIndex: i, windowIndex: 0, params, fromMs: 0, toMs: 60 }).metrics.bidFills);
    // resting from 0, 20, 50, 5 and 45 ms: the sell at 30 fills the first, the second and the fourth
    expect(bidFills).toEqual([1, 1, 0, 1, 0]);
    // without the axis, the sweep's own latency (1 s: nothing rests in time)
    const plain = evaluateTask(b, t, undefined, settings, { id: 9, setIndex: 0, windowIndex: 0, params: { ...DEFAULT_PARAMS, strategy: 'symmetric', orderSize: 1, halfSpreadPx: 1 }, fromMs: 0, toMs: 60 });
    expect(plain.metrics.bidFills).toBe(0);
  });
});
