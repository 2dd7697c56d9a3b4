import { describe, expect, it } from 'vitest';
import { distributedShard } from '../../src/cli/distributedCalibration.js';

// `asmm calibrate --redis` hands each worker the rolling window of σ, A and k the local run uses: --window read
// as every duration option of the CLI (5m = 300,000 ms, 500ms = 500 ms, a bare 90 = 90 s), 300 s when absent.
describe('asmm calibrate --redis: the workers\' rolling window', () => {
  it.each([
    ['5m', 300_000],
    ['500ms', 500],
    ['90', 90_000],
    ['120s', 120_000],
    [undefined, 300_000],
  ])('--window %s → %d ms', (window, ms) => {
    expect(distributedShard({ data: 'b.csv', ...(window !== undefined ? { window } : {}) }).windowMs).toBe(ms);
  });

  it('--contract-value reaches the workers as a number, and is absent when not given', () => {
    expect(distributedShard({ data: 'b.csv', 'contract-value': '0.01' }).contractValue).toBe(0.01);
    expect('contractValue' in distributedShard({ data: 'b.csv' })).toBe(false);
  });

  it('a window that is no duration is a usage error naming --window', () => {
    expect(() => distributedShard({ data: 'b.csv', window: 'five' })).toThrow(/--window must be a positive duration/);
  });
});
