import { describe, expect, it } from 'vitest';
import { formatInventory, lotMultiple, roundInventory, snapInventoryToLot } from '../../src/backtest/index.js';

/**
 * The float noise of an inventory (a running sum of fill quantities) removed for display, and for JSON only when
 * it is noise of a lot multiple. The sums are made by the same floating-point additions as the engine's; the
 * reference is the position counted in integer lots, written as a decimal string by hand (no float product).
 */
const sum = (qtys: readonly number[]) => qtys.reduce((q, x) => q + x, 0);
/** n lots of 10^−decimals, as the decimal it is. */
const decimal = (n: number, decimals: number) => {
  const digits = String(Math.abs(n)).padStart(decimals + 1, '0');
  const text = `${digits.slice(0, digits.length - decimals)}.${digits.slice(digits.length - decimals)}`.replace(/\.?0+$/, '');
  return n < 0 && text !== '0' ? `-${text}` : text === '' ? '0' : text;
};

describe('inventory display', () => {
  // buys and sells of 0.01 (lot 0.01), 0.1 (lot 0.1) and 0.0001-lot partial fills, as fills come
  const cases = [
    { lot: 0.01, size: 0.01, lots: [1, 1, 1, -1, -1, -1], what: 'three buys, three sells: 0' },
    { lot: 0.01, size: 0.01, lots: [-1, -1, -1], what: 'three sells: −0.03' },
    { lot: 0.1, size: 0.1, lots: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 1, 1], what: '20 fills of 0.1 and 3 more: 0.3' },
    { lot: 0.0001, size: 0.05, lots: [500, -137, -363, 21, 500, -1, -500, -20], what: 'partial fills of a 0.0001 lot: 0' },
  ];

  it('a sum of fills that carries noise prints as the lot multiple it is, with or without the lot known', () => {
    let noisy = 0;
    for (const c of cases) {
      const q = sum(c.lots.map((n) => n * c.lot));
      const decimals = Math.round(-Math.log10(c.lot));
      const exact = decimal(c.lots.reduce((a, b) => a + b, 0), decimals);
      if (String(q) !== exact) noisy++;
      expect(formatInventory(q, c.lot, c.size), c.what).toBe(exact);
      // no lot: 12 significant digits at the scale of the order size remove the same noise
      expect(formatInventory(q, 0, c.size), c.what).toBe(exact);
      expect(Object.is(roundInventory(q, c.lot, c.size), -0)).toBe(false);
      // JSON: the multiple when the lot is known, the float as summed otherwise
      expect(snapInventoryToLot(q, c.lot)).toBe(Number(exact));
      expect(Object.is(snapInventoryToLot(q, 0), q)).toBe(true);
    }
    // the cases do produce the noise (−0.030000000000000002, 1.0000000000000002e-17, …)
    expect(noisy).toBeGreaterThanOrEqual(3);
  });

  it('a position that is not a lot multiple (a fraction of a lot) is not rounded to the lot: 12 significant digits', () => {
    const q = sum([0.01, 0.01, 0.005]); // half a lot of 0.01 filled
    expect(lotMultiple(q, 0.01)).toBeUndefined();
    expect(formatInventory(q, 0.01, 0.01)).toBe('0.025');
    expect(snapInventoryToLot(q, 0.01)).toBe(q);
    // 12 significant digits keep a real difference of a millionth of an order
    expect(roundInventory(1.000001, 0, 1)).toBe(1.000001);
    expect(roundInventory(123456.789012345, 0.001, 1)).toBe(123456.789012);
  });

  it('non-finite values stay as they are', () => {
    for (const x of [NaN, Infinity, -Infinity]) expect(Object.is(roundInventory(x, 0.01, 0.01), x)).toBe(true);
  });
});
