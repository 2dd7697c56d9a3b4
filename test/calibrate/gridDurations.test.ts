import { describe, expect, it } from 'vitest';
import { parseGridSpec } from '../../src/calibrate/index.js';

// The grid's duration axes take the CLI's duration units, so that a value copied from `asmm backtest --refresh 1s`
// or `--horizon 60s` means the same in `--grid`; a bare number keeps the axis's own unit (refresh and
// max-order-age ms, horizon s), as docs/backtest.md states. Expected values: the units converted by hand.
describe('parseGridSpec: durations with units', () => {
  it('converts ms, s, m and h to the axis unit, and keeps bare numbers in it', () => {
    const spec = parseGridSpec('refresh=0,250ms,1s,1000;horizon=60,90s,2m;max-order-age=30s,0');
    expect(spec.refreshMs).toEqual([0, 250, 1000, 1000]);
    expect(spec.horizonSec).toEqual([60, 90, 120]);
    expect(spec.maxOrderAgeMs).toEqual([30_000, 0]);
    expect(parseGridSpec('horizon=1h').horizonSec).toEqual([3600]);
  });

  it('refuses units on axes that are no durations, and a bad duration, naming the axis', () => {
    expect(() => parseGridSpec('gamma=1s')).toThrow(/"gamma": "1s" is not a number/);
    expect(() => parseGridSpec('refresh=1x')).toThrow(/"refresh": "1x" is not a number or a duration/);
    expect(() => parseGridSpec('horizon=0s')).toThrow(/"horizon": 0s is out of range/);
  });
});
