import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BookSide, TickBook } from '../../src/book/index.js';
import { replayBinanceCapture } from '../../src/formats/binanceCapture.js';
import { createRng } from '../../src/random/index.js';
import { projectRootForTests } from '../helpers/cli.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
const present = existsSync(capture);

describe('TickBook: a full-depth book in integer ticks', () => {
  it('agrees with the sorted-array book (BookSide) level for level over 100,000 random changes, far levels and a moving market included', () => {
    const rng = createRng(7);
    const tick = 0.01;
    const book = new TickBook(tick);
    const bids = new BookSide(true);
    const asks = new BookSide(false);
    const ticks = new Float64Array(10);
    const sizes = new Float64Array(10);
    let previousWrong = 0;
    let centre = 6_000_000;
    for (let n = 0; n < 100_000; n++) {
      const bid = rng.next() < 0.5;
      // mostly near a centre that drifts (by 200,000 ticks over the run: the window moves), 1 % up to 300,000
      // ticks away (outside the window: the far levels)
      if (n % 1000 === 0) centre += 2000;
      const far = rng.next() < 0.01 ? Math.floor(rng.next() * 300_000) : Math.floor(rng.next() * 300);
      const t = bid ? centre - 1 - far : centre + far;
      const size = rng.next() < 0.4 ? 0 : Math.round(rng.next() * 1000) / 100;
      const previous = (bid ? book.bids : book.asks).set(t, size);
      const side = bid ? bids : asks;
      const px = book.toPrice(t);
      const at = side.prices.indexOf(px);
      if (previous !== (at >= 0 ? side.sizes[at] : 0)) previousWrong++;
      side.set(px, size);
      if (n % 997 === 0 || n > 99_000) {
        for (const [tb, reference] of [[book.bids, bids], [book.asks, asks]] as const) {
          expect(tb.levels).toBe(reference.length);
          const found = tb.top(10, ticks, sizes);
          expect(Array.from(ticks.subarray(0, found), (x) => book.toPrice(x))).toEqual(reference.prices.slice(0, 10));
          expect(Array.from(sizes.subarray(0, found))).toEqual(reference.sizes.slice(0, 10));
        }
      }
    }
    expect(previousWrong).toBe(0);
  });

  it('maps prices to ticks exactly and refuses prices off the grid', () => {
    const book = new TickBook(0.01);
    expect(book.toTick(60123.45)).toBe(6012345);
    expect(book.toPrice(6012345)).toBe(60123.45);
    expect(book.toTick(60123.455)).toBeNaN();
    expect(new TickBook(0.5).toTick(101.5)).toBe(203);
    expect(() => new TickBook(0)).toThrow(/tick size must be a positive number/);
    book.bids.set(100, 1);
    book.asks.set(101, 1);
    expect(book.isCrossed()).toBe(false);
    book.bids.set(101, 2);
    expect(book.isCrossed()).toBe(true);
    book.bids.set(101, 0);
    expect([book.bids.best, book.isCrossed()]).toEqual([100, false]);
  });

  it.skipIf(!present)(`replays the shared Binance capture's native level changes to the loader's top-5 rows, row for row${present ? '' : ' (skipped: ../shared/data is absent)'}`, async () => {
    const replay = await replayBinanceCapture(capture, 5, { native: true });
    const native = replay.native!;
    const rows = replay.book.tsMs.length;
    expect(native.eventsBeforeRow.length).toBe(rows);
    expect(native.tsMs.length).toBeGreaterThan(100_000); // every level change, not the 3,449 folded rows
    const book = new TickBook(0.01);
    const ticks = new Float64Array(5);
    const sizes = new Float64Array(5);
    // mismatches counted, not asserted one by one (3,449 rows × 20 values), and the first shown
    const wrong: string[] = [];
    let e = 0;
    for (let r = 0; r < rows; r++) {
      for (; e < native.eventsBeforeRow[r]; e++) {
        const side = native.side[e];
        if (side === 0) book.clear();
        else {
          const t = book.toTick(native.px[e]);
          if (Number.isNaN(t)) wrong.push(`event ${e}: price ${native.px[e]} off the 0.01 grid`);
          (side > 0 ? book.bids : book.asks).set(t, native.qty[e]);
        }
      }
      for (const [tb, px, sz] of [[book.bids, replay.book.bidPx, replay.book.bidSz], [book.asks, replay.book.askPx, replay.book.askSz]] as const) {
        tb.top(5, ticks, sizes);
        for (let l = 0; l < 5; l++) {
          const same = Number.isNaN(px[l][r]) ? Number.isNaN(ticks[l]) : book.toPrice(ticks[l]) === px[l][r] && sizes[l] === sz[l][r];
          if (!same) wrong.push(`row ${r} ${tb === book.bids ? 'bid' : 'ask'} ${l + 1}: ${book.toPrice(ticks[l])} × ${sizes[l]}, the loader ${px[l][r]} × ${sz[l][r]}`);
        }
      }
      if (native.tsMs[e - 1] !== replay.book.tsMs[r]) wrong.push(`row ${r}: time ${replay.book.tsMs[r]}, its last change ${native.tsMs[e - 1]}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
