import { describe, expect, it } from 'vitest';
import {
  asAverageSpread,
  asInfiniteQuotes,
  asQuotes,
  asSpread,
  glftCoefficients,
  glftQuotes,
  referenceSystemQuotes,
  roundQuotesToTick,
  spreadConstantTerm,
} from '../../src/model/index.js';

const paper = { gamma: 0.1, sigma: 2, k: 1.5 };

describe('finite-horizon Avellaneda–Stoikov quotes', () => {
  it('match values computed by hand from r = s − qγσ²(T−t), spread = γσ²(T−t) + (2/γ)ln(1+γ/k)', () => {
    // s = 100, q = 2, T − t = 1: r = 100 − 2·0.1·4 = 99.2; ln(1 + 0.1/1.5) = 0.0645385211375712;
    // spread = 0.4 + 20·0.0645385211375712 = 1.690770422751424.
    const quotes = asQuotes(100, 2, 1, paper);
    expect(quotes.reservationPx).toBeCloseTo(99.2, 12);
    expect(quotes.askPx - quotes.bidPx).toBeCloseTo(1.690770422751424, 12);
    expect(quotes.bidPx).toBeCloseTo(99.2 - 0.845385211375712, 12);
    expect(quotes.askPx).toBeCloseTo(99.2 + 0.845385211375712, 12);
  });

  it('reproduces the spread columns of both published tables (closed form)', () => {
    // journal: time average of the full spread; preprint: the constant term only.
    const journal: Array<[number, number]> = [[0.1, 1.49], [0.01, 1.35], [1, 3.02]];
    for (const [gamma, spread] of journal) expect(asAverageSpread(1, { gamma, sigma: 2, k: 1.5 })).toBeCloseTo(spread, 2);
    const preprint: Array<[number, number]> = [[0.1, 1.29], [0.01, 1.33], [0.5, 1.15]];
    for (const [gamma, spread] of preprint) expect(spreadConstantTerm(gamma, 1.5)).toBeCloseTo(spread, 2);
  });

  it('q → −q mirrors bid and ask around the mid', () => {
    for (const q of [1, 3, 7.5]) {
      const long = asQuotes(250, q, 0.6, paper);
      const short = asQuotes(250, -q, 0.6, paper);
      expect(long.bidPx - 250).toBeCloseTo(250 - short.askPx, 10);
      expect(long.askPx - 250).toBeCloseTo(250 - short.bidPx, 10);
    }
  });

  it('the spread tends to 2/k as γ → 0', () => {
    for (const k of [0.5, 1.5, 10]) {
      expect(asSpread(1, { gamma: 1e-8, sigma: 2, k })).toBeCloseTo(2 / k, 6);
      expect(Math.abs(asSpread(1, { gamma: 1e-3, sigma: 2, k }) - 2 / k)).toBeLessThan(Math.abs(asSpread(1, { gamma: 1e-1, sigma: 2, k }) - 2 / k));
    }
  });

  it('the inventory skew vanishes as t → T', () => {
    const atHorizon = asQuotes(100, 5, 0, paper);
    expect(atHorizon.reservationPx).toBe(100);
    expect(atHorizon.askPx - atHorizon.bidPx).toBeCloseTo(spreadConstantTerm(0.1, 1.5), 12);
    const skews = [1, 0.1, 0.01, 0.001].map((left) => 100 - asQuotes(100, 5, left, paper).reservationPx);
    for (let i = 1; i < skews.length; i++) expect(skews[i]).toBeLessThan(skews[i - 1]);
    expect(skews[3]).toBeCloseTo(5 * 0.1 * 4 * 0.001, 12);
  });

  it('returns NaN quotes outside its domain', () => {
    expect(asQuotes(100, 0, -1, paper).bidPx).toBeNaN();
    expect(asQuotes(100, 0, 1, { ...paper, gamma: 0 }).askPx).toBeNaN();
  });
});

describe('infinite-horizon Avellaneda–Stoikov quotes', () => {
  const params = { ...paper, qMax: 10 };
  it('match the reservation prices of AS §2.3 computed by hand', () => {
    // γ²σ² = 0.04; ω = ½·0.04·121 = 2.42; at q = 1: denominator = 4.84 − 0.04 = 4.8;
    // r^a = s + 10·ln(1 + (−1)(0.04)/4.8), r^b = s + 10·ln(1 + (−3)(0.04)/4.8); liquidity term 10·ln(1 + 0.1/1.5).
    const quotes = asInfiniteQuotes(100, 1, params);
    const liquidity = 10 * Math.log(1 + 0.1 / 1.5);
    expect(quotes.askPx).toBeCloseTo(100 + 10 * Math.log(1 - 0.04 / 4.8) + liquidity, 12);
    expect(quotes.bidPx).toBeCloseTo(100 + 10 * Math.log(1 - 0.12 / 4.8) - liquidity, 12);
  });

  it('is symmetric at q = 0 only to second order, skews against inventory, and is undefined beyond qMax', () => {
    // At q = 0 with x = γ²σ²/(2ω) = 0.04/4.84: (ask − s) − (s − bid) = (1/γ)·[ln(1 + x) + ln(1 − x)] = 10·ln(1 − x²).
    const x = 0.04 / 4.84;
    const flat = asInfiniteQuotes(100, 0, params);
    expect(flat.askPx - 100 - (100 - flat.bidPx)).toBeCloseTo(10 * Math.log(1 - x * x), 12);
    const reservations = [-4, -1, 0, 1, 4].map((q) => asInfiniteQuotes(100, q, params).reservationPx);
    for (let i = 1; i < reservations.length; i++) expect(reservations[i]).toBeLessThan(reservations[i - 1]);
    expect(asInfiniteQuotes(100, 11, params).bidPx).toBeNaN();
    expect(asInfiniteQuotes(100, -11, params).askPx).toBeNaN();
  });

  it('at the edge q = ±qMax the diverging side is not quoted (NaN, never ±Infinity), the other side is', () => {
    for (const qMax of [3, 10]) {
      const edge = asInfiniteQuotes(100, qMax, { ...paper, qMax });
      expect(edge.bidPx).toBeNaN();
      expect(Number.isFinite(edge.askPx)).toBe(true);
      const below = asInfiniteQuotes(100, -qMax, { ...paper, qMax });
      for (const value of [below.bidPx, below.askPx, below.reservationPx]) expect(value === Infinity || value === -Infinity).toBe(false);
    }
  });
});

describe('GLFT closed-form approximation', () => {
  const params = { gamma: 0.1, sigma: 2, A: 140, k: 1.5, qMax: 5 };
  it('matches hand-computed values of δ^b = (1/γ)ln(1+γ/k) + (2q+1)/2·√(σ²γ/(2kA)·(1+γ/k)^(1+k/γ))', () => {
    // (1 + 1/15)^16 = e^(16·0.0645385) = 2.80841, σ²γ/(2kA) = 0.4/420 = 0.000952381; √(0.00267468) = 0.0517172
    const x = 1 + 0.1 / 1.5;
    const root = Math.sqrt(((4 * 0.1) / (2 * 1.5 * 140)) * Math.pow(x, 1 + 1.5 / 0.1));
    const base = Math.log(x) / 0.1;
    expect(root).toBeCloseTo(0.0517172, 6);
    for (const q of [-2, 0, 3]) {
      const quotes = glftQuotes(100, q, params);
      expect(100 - quotes.bidPx).toBeCloseTo(base + ((2 * q + 1) / 2) * root, 12);
      expect(quotes.askPx - 100).toBeCloseTo(base - ((2 * q - 1) / 2) * root, 12);
    }
    const { c1, c2 } = glftCoefficients(params);
    expect(c1).toBeCloseTo(base, 12);
    expect(2 * c2).toBeCloseTo(root, 12);
  });

  it('stops quoting the side whose fill would breach the inventory bound, counting the order size', () => {
    expect(glftQuotes(100, 5, params).bidPx).toBeNaN();
    expect(glftQuotes(100, 5, params).askPx).not.toBeNaN();
    expect(glftQuotes(100, -5, params).askPx).toBeNaN();
    expect(glftQuotes(100, 4, params).bidPx).not.toBeNaN();
    expect(glftQuotes(100, 4.5, params).bidPx).toBeNaN();
    expect(glftQuotes(100, 4, { ...params, orderSize: 2 }).bidPx).toBeNaN();
    expect(glftQuotes(100, 3, { ...params, orderSize: 2 }).bidPx).not.toBeNaN();
  });

  it('q → −q mirrors the quotes', () => {
    const long = glftQuotes(100, 2, params);
    const short = glftQuotes(100, -2, params);
    expect(long.bidPx - 100).toBeCloseTo(100 - short.askPx, 12);
  });
});

describe('tick rounding', () => {
  it('rounds the bid down and the ask up, never tighter than the model, and leaves unquoted sides NaN', () => {
    expect(roundQuotesToTick({ reservationPx: 100, bidPx: 99.987, askPx: 100.012 }, 0.01)).toEqual({ reservationPx: 100, bidPx: 99.98, askPx: 100.02 });
    expect(roundQuotesToTick({ reservationPx: 100, bidPx: 99.99, askPx: 100.01 }, 0.01)).toMatchObject({ bidPx: 99.99, askPx: 100.01 });
    expect(roundQuotesToTick({ reservationPx: 100, bidPx: 0.1 + 0.2, askPx: NaN }, 0.1)).toMatchObject({ bidPx: 0.3, askPx: NaN });
    expect(roundQuotesToTick({ reservationPx: 3000, bidPx: 2999.955, askPx: 3000.045 }, 0.05)).toMatchObject({ bidPx: 2999.95, askPx: 3000.05 });
  });
});

describe('reference-system quotes', () => {
  it('are the AS formula with time normalised over the file and σ as a price level', () => {
    const inputs = { midPx: 3000, inventory: 2, tsMs: 2500, firstTsMs: 1000, lastTsMs: 4000, sigmaPriceLevel: 0.8, gamma: 0.1, k: 1.5 };
    expect(referenceSystemQuotes(inputs)).toEqual(asQuotes(3000, 2, 0.5, { gamma: 0.1, sigma: 0.8, k: 1.5 }));
    expect(referenceSystemQuotes({ ...inputs, tsMs: 4000 }).reservationPx).toBe(3000);
  });
});
