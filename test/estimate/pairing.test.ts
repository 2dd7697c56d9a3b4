import { describe, expect, it } from 'vitest';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { EstimationError, marketOrdersFromTrades, UnpairedTradesError } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// Pairing trades with the book in force (issue 14, defects 4 and 9): trades outside the book's time range or
// more than a stated staleness after the row in force are dropped, counted and taken out of the observation
// time; when they are most of the trades, it is an error. Trades with the same ms and taker side are one
// market order, even when the other side's trades at that ms come between them.

/** A one-level book with the same touch on every row: rows at `ts`, best bid `bid`, best ask `ask`. */
function flatBook(ts: number[], bid: number, ask: number): BookTable {
  const col = (v: number) => Float64Array.from(ts, () => v);
  return { kind: 'book', depth: 1, tsMs: Float64Array.from(ts), bidPx: [col(bid)], bidSz: [col(1)], askPx: [col(ask)], askSz: [col(1)], meta: {} };
}

/** Trades from [ts, taker side, px]. */
function trades(rows: Array<[number, number, number]>): TradeTable {
  return {
    kind: 'trades',
    tsMs: Float64Array.from(rows, (r) => r[0]),
    id: Float64Array.from(rows, (_, i) => i + 1),
    side: Int8Array.from(rows, (r) => r[1]),
    px: Float64Array.from(rows, (r) => r[2]),
    sz: Float64Array.from(rows, () => 1),
    meta: {},
  };
}

const DAY_MS = 86_400_000;

describe('merge rule: same ms and same taker side is one market order (README)', () => {
  it('trades of one side at one ms are merged even when the other side trades in between', () => {
    // tick 1, touch 99 / 101. At ms 500: buy 101, sell 99, buy 103, sell 97, buy 102 → one buy reaching 103
    // (2 ticks past the touch: ticksBeyondTouch 1) and one sell reaching 97 (ticksBeyondTouch 1); at ms 600 a
    // buy at 101 is a new order (another ms); at ms 700 a buy then a sell: two orders, nothing merged.
    const orders = marketOrdersFromTrades(
      flatBook([0, 1000], 99, 101),
      trades([
        [500, 1, 101],
        [500, -1, 99],
        [500, 1, 103],
        [500, -1, 97],
        [500, 1, 102],
        [600, 1, 101],
        [700, 1, 101],
        [700, -1, 99],
      ]),
      1,
    );
    expect(Array.from(orders.tsMs)).toEqual([500, 500, 600, 700, 700]);
    expect(Array.from(orders.side)).toEqual([1, -1, 1, 1, -1]);
    expect(Array.from(orders.reachPx)).toEqual([103, 97, 101, 101, 99]);
    expect(Array.from(orders.ticksBeyondTouch)).toEqual([1, 1, -1, -1, -1]);
    expect(orders.tradesMerged).toBe(3);
  });
});

describe('pairing with a stale book (defect 4)', () => {
  // Rows at 0, 1, 2 s, then none until 20 s (a hole in the book), then 21 s. With a staleness limit of 5 s the
  // book is unobserved from 2 + 5 = 7 s to 20 s: 13 s of the 21 s span. Worked out by hand:
  const book = flatBook([0, 1000, 2000, 20_000, 21_000], 99, 101);
  const tr = trades([
    [-500, 1, 101], // before the first row
    [500, 1, 102],
    [1500, -1, 99],
    [2500, 1, 101],
    [6900, -1, 98], // 4.9 s after the row in force: kept
    [8000, 1, 101], // 6 s after: stale
    [9000, -1, 99], // 7 s after: stale
    [20_500, 1, 103],
    [21_000, -1, 99], // at the last row: kept
    [22_000, 1, 101], // after the last row
  ]);

  it('drops and counts trades before or after the book and more than maxStalenessMs after their row; T excludes the unobserved time', () => {
    const orders = marketOrdersFromTrades(book, tr, 1, { maxStalenessMs: 5000 });
    expect(Array.from(orders.tsMs)).toEqual([500, 1500, 2500, 6900, 20_500, 21_000]);
    expect(orders.tradesWithoutBook).toBe(1);
    expect(orders.tradesAfterBook).toBe(1);
    expect(orders.tradesStale).toBe(2);
    expect(orders.maxStalenessMs).toBe(5000);
    expect(orders.droppedInMask).toBe(0);
    expect(orders.spanMs).toBe(21_000);
    expect(orders.staleMs).toBe(13_000);
    expect(orders.maskedMs).toBe(0);
    // the T of Â = N/T: 21 s − 13 s unobserved
    expect(orders.observedMs).toBe(8000);
    expect(orders.excluded.map((m) => [m.fromMs, m.toMs])).toEqual([[7000, 20_000]]);
  });

  it('the limit is an option: at 10 s nothing in the hole is stale', () => {
    const orders = marketOrdersFromTrades(book, tr, 1, { maxStalenessMs: 10_000 });
    expect(orders.tradesStale).toBe(0);
    expect(orders.staleMs).toBe(8000);
    expect(orders.observedMs).toBe(13_000);
  });

  it('the default limit is 5 s', () => {
    expect(marketOrdersFromTrades(book, tr, 1).maxStalenessMs).toBe(5000);
  });
});

describe('trades of another day (defect 4, as found: A = 1.08, k = 1.45 and exit 0)', () => {
  const market = generateSampleMarket({ durationSec: 600, seed: 5 });
  const tick = market.params.tickSize;
  const shifted = (by: (t: number, i: number) => number): TradeTable => ({ ...market.trades, tsMs: market.trades.tsMs.map(by) });

  it('every trade shifted by one day: an error naming what was paired, with the counts and both time ranges', () => {
    for (const sign of [1, -1]) {
      let error: unknown;
      try {
        marketOrdersFromTrades(market.book, shifted((t) => t + sign * DAY_MS), tick, { label: 'trades t.csv against book b.csv' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnpairedTradesError);
      expect((error as Error).name).toBe('EstimationError');
      const message = (error as Error).message;
      expect(message).toMatch(/^trades t\.csv against book b\.csv: /);
      expect(message).toContain(`${market.trades.tsMs.length} of ${market.trades.tsMs.length} trades`);
      expect(message).toContain(new Date(market.book.tsMs[0]).toISOString());
      expect(message).not.toContain('\n');
    }
  });

  it('fewer than 10 unpaired trades are no error, even when they are all there is: dropped and counted', () => {
    const few = { ...market.trades, tsMs: market.trades.tsMs.subarray(0, 9).map((t) => t + DAY_MS), id: market.trades.id.subarray(0, 9), side: market.trades.side.subarray(0, 9), px: market.trades.px.subarray(0, 9), sz: market.trades.sz.subarray(0, 9) };
    let error: unknown;
    try {
      marketOrdersFromTrades(market.book, few, tick);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstimationError);
    expect(error).not.toBeInstanceOf(UnpairedTradesError);
    expect((error as Error).message).toMatch(/none of the 9 trades can be paired with the book \(0 before its first row, 9 after its last/);
    // ten are
    const ten = { ...few, tsMs: market.trades.tsMs.subarray(0, 10).map((t) => t + DAY_MS), id: market.trades.id.subarray(0, 10), side: market.trades.side.subarray(0, 10), px: market.trades.px.subarray(0, 10), sz: market.trades.sz.subarray(0, 10) };
    expect(() => marketOrdersFromTrades(market.book, ten, tick)).toThrow(UnpairedTradesError);
  });

  it('a few trades shifted: counted and dropped, A and k fitted on the rest', () => {
    const n = market.trades.tsMs.length;
    // the first 3 a day earlier, the last 4 a day later (the order stays non-decreasing)
    const tr = shifted((t, i) => (i < 3 ? t - DAY_MS : i >= n - 4 ? t + DAY_MS : t));
    const orders = marketOrdersFromTrades(market.book, tr, tick);
    expect(orders.tradesWithoutBook).toBe(3);
    expect(orders.tradesAfterBook).toBeGreaterThanOrEqual(4);
    // the same market orders as the rest on its own
    const keep = (t: TradeTable): TradeTable => {
      const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i >= 3 && i < n - 4);
      return { ...t, tsMs: Float64Array.from(idx, (i) => market.trades.tsMs[i]), id: Float64Array.from(idx, (i) => t.id[i]), side: Int8Array.from(idx, (i) => t.side[i]), px: Float64Array.from(idx, (i) => t.px[i]), sz: Float64Array.from(idx, (i) => t.sz[i]) };
    };
    const rest = marketOrdersFromTrades(market.book, keep(market.trades), tick);
    expect(Array.from(orders.tsMs)).toEqual(Array.from(rest.tsMs));
    expect(Array.from(orders.reachPx)).toEqual(Array.from(rest.reachPx));
    expect(orders.observedMs).toBe(rest.observedMs);
  });
});

describe('a book masked to the end of the data (a gap with no resync)', () => {
  it('the trades after its last row are masked, not unpaired: counted as such, no error', () => {
    // rows 0..1000 ms; a sequence gap at 1000 that no snapshot repairs: masked [1000, 5001); 20 trades after
    // the last row (1100..3000 ms) and 2 before the gap
    const book: BookTable = { ...flatBook([0, 500, 1000], 99, 101), masked: [{ fromMs: 1000, toMs: 5001, reason: 'sequence gap; no later snapshot' }] };
    const rows: Array<[number, number, number]> = [[200, 1, 101], [700, -1, 99]];
    for (let k = 0; k < 20; k++) rows.push([1100 + 100 * k, k % 2 ? 1 : -1, k % 2 ? 101 : 99]);
    const orders = marketOrdersFromTrades(book, trades(rows), 1);
    expect(orders.tsMs.length).toBe(2);
    expect(orders.droppedInMask).toBe(20);
    expect(orders.tradesAfterBook).toBe(0);
    // the same trades against an unmasked book that stops at 1000: most are after its last row, an error
    expect(() => marketOrdersFromTrades(flatBook([0, 500, 1000], 99, 101), trades(rows), 1)).toThrow(UnpairedTradesError);
  });
});
