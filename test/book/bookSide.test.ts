import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BookSide } from '../../src/book/bookSide.js';
import { okxBookChecksum } from '../../src/okx/checksum.js';

/** The levels of a side, best first, as [price, size, price string, size string, count]. */
function levels(side: BookSide): Array<[number, number, string, string, number]> {
  return side.prices.map((p, i) => [p, side.sizes[i], side.priceText(i), side.sizeText(i), side.counts[i]]);
}

describe('BookSide keeps each level\'s strings with its numbers', () => {
  it('agrees with a plain model (a map by price, sorted at the end) over 50,000 random changes, strings given or not', () => {
    let s = 7;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (const isBid of [true, false]) {
      const side = new BookSide(isBid);
      const model = new Map<number, [number, number, string, string, number]>();
      for (let k = 0; k < 50_000; k++) {
        const price = 100 + Math.floor(rnd() * 300) / 4;
        const size = rnd() < 0.3 ? 0 : Math.floor(rnd() * 50) / 8;
        // strings as an exchange might send them (trailing zeros the number does not keep): both, one or none
        const strings = rnd();
        const priceText = strings < 0.6 || strings > 0.9 ? price.toFixed(3) : undefined;
        const sizeText = strings < 0.6 || (strings > 0.7 && strings <= 0.8) ? size.toFixed(4) : undefined;
        const count = rnd() < 0.5 ? Math.floor(rnd() * 9) : NaN;
        side.set(price, size, priceText, sizeText, count);
        if (size === 0) model.delete(price);
        else model.set(price, [price, size, priceText ?? String(price), sizeText ?? String(size), count]);
      }
      const expected = [...model.values()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
      expect(levels(side)).toEqual(expected);
      expect(expected.some((l) => l[2] !== String(l[0]))).toBe(true);
      expect(side.topTexts(3)).toEqual(expected.slice(0, 3).map((l) => ({ px: l[2], sz: l[3] })));
    }
  });

  it('a level updated without strings reads as its numbers; removed and set again, as set; cleared, nothing', () => {
    const side = new BookSide(false);
    side.set(2.5, 1, '2.50', '1.000');
    expect([side.priceText(0), side.sizeText(0)]).toEqual(['2.50', '1.000']);
    side.set(2.5, 2);
    expect([side.priceText(0), side.sizeText(0)]).toEqual(['2.5', '2']);
    side.set(2.5, 0, '2.50', '0');
    side.set(2.5, 3, '2.500', '3.0');
    expect([side.priceText(0), side.sizeText(0)]).toEqual(['2.500', '3.0']);
    side.clear();
    side.set(2.5, 4);
    expect([side.length, side.priceText(0), side.sizeText(0)]).toEqual([1, '2.5', '4']);
  });

  it('the OKX checksum is over the strings as sent: the documentation\'s example, and the same levels sent as "3366.0"', () => {
    const book = (texts: [string, string]) => {
      const bids = new BookSide(true);
      const asks = new BookSide(false);
      bids.set(3366.1, 7, '3366.1', '7');
      bids.set(3366, 6, texts[0], '6');
      asks.set(3366.8, 9, '3366.8', '9');
      asks.set(3368, 8, texts[1], '8');
      return okxBookChecksum(bids, asks);
    };
    // OKX's worked example: bids 3366.1×7, 3366×6; asks 3366.8×9, 3368×8 → -1881014294
    expect(book(['3366', '3368'])).toBe(-1881014294);
    expect(book(['3366.0', '3368.0'])).toBe(crc32('3366.1:7:3366.8:9:3366.0:6:3368.0:8') | 0);
  });
});
