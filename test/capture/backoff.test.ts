import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/capture/backoff.js';

describe('reconnect backoff', () => {
  const policy = { initialMs: 100, maxMs: 1000, factor: 2 };

  it('grows by the factor from initial/2 (no jitter drawn) and is capped at max', () => {
    const b = new Backoff(policy, () => 0);
    expect(Array.from({ length: 6 }, () => b.nextDelayMs())).toEqual([50, 100, 200, 400, 500, 500]);
    expect(b.attempts).toBe(6);
  });

  it('jitter spreads each delay over [scale/2, scale)', () => {
    const b = new Backoff(policy, () => 0.999);
    const delays = Array.from({ length: 5 }, () => b.nextDelayMs());
    const scales = [100, 200, 400, 800, 1000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(scales[i] / 2);
      expect(d).toBeLessThan(scales[i]);
      expect(d).toBeGreaterThan(scales[i] * 0.99);
    });
  });

  it('reset starts again from the first delay', () => {
    const b = new Backoff(policy, () => 0.5);
    b.nextDelayMs();
    b.nextDelayMs();
    b.reset();
    expect(b.nextDelayMs()).toBe(75);
  });
});
