import { describe, expect, it } from 'vitest';
import { BOOK_SIDE_ASK, BOOK_SIDE_BID, FullDepthBook } from '../../src/formats/okxHistoryBookState.js';
import { createRng } from '../../src/random/rng.js';

/** Every level of a side, best first, as [px, sz, count] (read through the book's public accessors and arrays). */
function levels(book: FullDepthBook, side: number): number[][] {
  const s = side === BOOK_SIDE_BID ? book.bids : book.asks;
  const out: number[][] = [];
  for (let l = 0; l < s.n; l++) out.push([side === BOOK_SIDE_BID ? book.bidPx(l) : book.askPx(l), side === BOOK_SIDE_BID ? book.bidSz(l) : book.askSz(l), s.count[s.n - 1 - l]]);
  return out;
}

describe('FullDepthBook.applyLevels: the levels of a line applied in one loop', () => {
  // an independent book: a Map per side (price → [size, count]), sorted when read; size 0 deletes
  function mapLevels(map: Map<number, [number, number]>, side: number): number[][] {
    return [...map].sort((a, b) => (side === BOOK_SIDE_BID ? b[0] - a[0] : a[0] - b[0])).map(([px, [sz, count]]) => [px, sz, count]);
  }

  it('equals a Map replay and level-by-level set, deletes of absent levels counted, on shifts short and long and past the first capacity', () => {
    const rng = createRng(15);
    const viaApply = new FullDepthBook();
    const viaSet = new FullDepthBook();
    const maps = new Map<number, Map<number, [number, number]>>([
      [BOOK_SIDE_BID, new Map()],
      [BOOK_SIDE_ASK, new Map()],
    ]);
    let absentApply = 0;
    let absentSet = 0;
    let absentMap = 0;
    const px = new Float64Array(64);
    const sz = new Float64Array(64);
    const count = new Float64Array(64);
    for (let line = 0; line < 4000; line++) {
      const side = rng.next() < 0.5 ? BOOK_SIDE_BID : BOOK_SIDE_ASK;
      const n = Math.floor(rng.next() * 40);
      // prices on a 0.1 grid over 3000 ticks (books up to ~1500 levels a side: past the 1024 first capacity);
      // near the touch most of the time (short shifts, by the loop), anywhere otherwise (long ones, copyWithin)
      const map = maps.get(side)!;
      for (let k = 0; k < n; k++) {
        const near = rng.next() < 0.7;
        const tick = near ? (side === BOOK_SIDE_BID ? 1500 - Math.floor(rng.next() * 30) : 1501 + Math.floor(rng.next() * 30)) : Math.floor(rng.next() * 3000);
        px[k] = Math.round(tick) / 10 + 1000;
        sz[k] = rng.next() < 0.3 ? 0 : Math.round(rng.next() * 1e5) / 1e3;
        count[k] = Math.floor(rng.next() * 50);
        if (sz[k] === 0) {
          if (!map.delete(px[k])) absentMap++;
        } else map.set(px[k], [sz[k], count[k]]);
        if (!viaSet.set(side, px[k], sz[k], count[k])) absentSet++;
      }
      absentApply += viaApply.applyLevels(side, px, sz, count, n);
    }
    for (const side of [BOOK_SIDE_BID, BOOK_SIDE_ASK]) {
      const expected = mapLevels(maps.get(side)!, side);
      expect(expected.length).toBeGreaterThan(1024);
      expect(levels(viaApply, side)).toEqual(expected);
      expect(levels(viaSet, side)).toEqual(expected);
    }
    expect(absentApply).toBe(absentMap);
    expect(absentSet).toBe(absentMap);
    expect(absentMap).toBeGreaterThan(100);
  });

  it('repeated prices within one call: the last size wins, a delete after an insert removes it (as set would)', () => {
    const book = new FullDepthBook();
    const absent = book.applyLevels(BOOK_SIDE_BID, Float64Array.of(10, 11, 10, 12, 12, 13), Float64Array.of(1, 2, 3, 4, 0, 0), Float64Array.of(1, 1, 2, 1, 0, 0), 6);
    expect(levels(book, BOOK_SIDE_BID)).toEqual([
      [11, 2, 1],
      [10, 3, 2],
    ]);
    // 13: a delete of a level the book never held
    expect(absent).toBe(1);
  });
});
