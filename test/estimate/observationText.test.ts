import { describe, expect, it } from 'vitest';
import { secondsText } from '../../src/estimate/observation.js';

describe('the observed time printed beside the arrival rates', () => {
  it('keeps the digits a rate needs: count / printed seconds is the rate printed from the exact time, within 1 %', () => {
    for (const ms of [50, 149, 950, 1234, 9_876, 61_000, 3_599_900]) {
      const printed = Number(/^(\S+) s$/.exec(secondsText(ms))![1]);
      // one order over the printed time against one over the exact time
      expect(Math.abs(1 / printed - 1000 / ms) / (1000 / ms), `${ms} ms printed as ${secondsText(ms)}`).toBeLessThan(0.01);
    }
    expect(secondsText(0)).toBe('0 s');
  });
});
