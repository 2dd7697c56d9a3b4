import { describe, expect, it } from 'vitest';
import { parseDecimalBytes } from '../../src/data/index.js';
import { exponentPlace } from '../../src/data/decimal.js';
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

describe('exponentPlace', () => {
  const place = (text: string) => exponentPlace(Buffer.from(text), 0, text.length);
  it('is the value of the last digit written before the exponent (what a spreadsheet rounded a 13-digit time to)', () => {
    // by hand: 1.76723E+12 writes 5 digits after the point, so its last stands for 10^(12 − 5)
    expect(place('1.76723E+12')).toBe(1e7);
    expect(place('1.7672256e+12')).toBe(1e5);
    expect(place('17672256E5')).toBe(1e5);
    expect(place('1.767225600102e+12')).toBe(1);
    expect(place('1.767225600102000e+12')).toBe(1e-3);
    expect(place('2.5e-1')).toBe(1e-2);
  });
  it('is 0 for a number without an exponent (its digits say nothing of rounding)', () => {
    for (const text of ['1767225600102', '1767225600102.5', '3000.01', '-2']) expect(place(text), text).toBe(0);
  });
});
