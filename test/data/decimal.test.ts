import { describe, expect, it } from 'vitest';
import { parseDecimalBytes } from '../../src/data/index.js';
import { createRng } from '../../src/random/index.js';

const parse = (text: string) => {
  const bytes = Buffer.from(text);
  return parseDecimalBytes(bytes, 0, bytes.length);
};

describe('parseDecimalBytes', () => {
  it('agrees bit for bit with Number() on 50,000 random decimals (the independent reference)', () => {
    const rng = createRng(3);
    for (let i = 0; i < 50_000; i++) {
      const intDigits = 1 + Math.floor(rng.next() * 8);
      const fracDigits = Math.floor(rng.next() * 10);
      let text = rng.next() < 0.1 ? '-' : '';
      for (let d = 0; d < intDigits; d++) text += Math.floor(rng.next() * 10);
      if (fracDigits > 0) {
        text += '.';
        for (let d = 0; d < fracDigits; d++) text += Math.floor(rng.next() * 10);
      }
      expect(Object.is(parse(text), Number(text)), text).toBe(true);
    }
  });

  it('handles exponents, long mantissas and signs through the slow path', () => {
    for (const text of ['1e-3', '2.5E+4', '12345678901234567890', '0.1234567890123456789012345', '+7', '.5', '5.']) {
      expect(parse(text)).toBe(Number(text));
    }
  });

  it('returns NaN for what is not a number, including the empty field', () => {
    for (const text of ['', '-', 'abc', '1.2.3', '1,5', 'NaN', '0x10', ' 1', '1e']) expect(parse(text), text).toBeNaN();
  });
});
