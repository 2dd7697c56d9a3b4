import { describe, expect, it } from 'vitest';
import { asStrategy, backtestMetrics, glftStrategy, runBacktest, type BacktestConfig, type BacktestResult, type Strategy } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';

// Rules of the replay (src/backtest/engine.ts) checked on hand-built books and trades, each expected number
// worked out by hand in the comment beside it. Decisions happen at each book row's arrival (refreshMs 0); an
// order sent at decision d enters the book at the first event or decision at or after d + entry latency.

/** The fills as one row per fill: [tsMs, side, px, qty, fee, maker]. */
const fillRows = (r: BacktestResult) => Array.from(r.fills.tsMs, (t, i) => [t, r.fills.side[i], r.fills.px[i], r.fills.qty[i], r.fills.fee[i], r.fills.maker[i]]);
/** Expects fill rows equal to `expected` (fees to 12 decimals, the rest exactly). */
function expectFills(r: BacktestResult, expected: number[][]): void {
  const got = fillRows(r);
  expect(got.map(([t, side, px, qty, , maker]) => [t, side, px, qty, maker])).toEqual(expected.map(([t, side, px, qty, , maker]) => [t, side, px, qty, maker]));
  expected.forEach((row, i) => expect(got[i][4], `fee of fill ${i}`).toBeCloseTo(row[4], 12));
}
/** Index of the decision at tMs (fails if there is none). */
const decisionAt = (r: BacktestResult, tMs: number): number => {
  const i = Array.from(r.series.tMs).indexOf(tMs);
  expect(i, `a decision at ${tMs}`).toBeGreaterThanOrEqual(0);
  return i;
};

const MAKER_FEE = -0.0002; // a rebate
const TAKER_FEE = 0.001;

describe('an order marketable on arrival takes the opposite touch as a taker', () => {
  // Tick 1, orders of 2, entry latency 5: the decision at 0 sends our orders, which enter the book at 5 (the
  // row stamped 5 is an event then; rows 0 and 5 are the same, so either is the book the order meets).
  const cfg = (strategy: Strategy): BacktestConfig => ({ ...base(strategy, 'tradeThrough'), entryLatencyMs: 5, makerFee: MAKER_FEE, takerFee: TAKER_FEE });

  it('a bid above the best ask buys the ask touch up to its displayed size at the taker fee; cash and inventory follow', () => {
    // best ask 101 showing 0.5; our bid 102 ≥ 101 is marketable, our ask 105 is not (best bid 99)
    const b = book([
      [0, 99, 3, 101, 0.5],
      [5, 99, 3, 101, 0.5],
      [10, 99, 3, 101, 0.5],
    ]);
    const r = runBacktest(b, trades([]), cfg(fixed(102, 105)));
    // taker fill at t 5: price = the touch 101 (not our 102), qty = min(0.5 shown, 2) = 0.5,
    // fee = 101 × 0.5 × 0.001 = 0.0505 (the maker fee would be −0.0101)
    expectFills(r, [[5, 1, 101, 0.5, 0.0505, 0]]);
    // cash = −101 × 0.5 − 0.0505 = −50.5505; inventory 0.5 (seen by the decisions at 5 and 10)
    expect(r.finalCash).toBeCloseTo(-50.5505, 12);
    expect(r.finalInventory).toBe(0.5);
    const i5 = decisionAt(r, 5);
    expect(r.series.inventory[i5]).toBe(0.5);
    expect(r.series.cash[i5]).toBeCloseTo(-50.5505, 12);
    // the rest (1.5) still rests at our price: the bid is still quoted
    expect(r.series.bidPx[decisionAt(r, 10)]).toBe(102);
    expect(backtestMetrics(r).fees).toBeCloseTo(0.0505, 12);
  });

  it('an ask below the best bid sells to the bid touch up to its displayed size at the taker fee', () => {
    // best bid 99 showing 0.5; our ask 98 ≤ 99 is marketable, our bid 95 is not (best ask 101)
    const b = book([
      [0, 99, 0.5, 101, 3],
      [5, 99, 0.5, 101, 3],
      [10, 99, 0.5, 101, 3],
    ]);
    const r = runBacktest(b, trades([]), cfg(fixed(95, 98)));
    // taker fill: px 99, qty min(0.5, 2) = 0.5, fee 99 × 0.5 × 0.001 = 0.0495, side −1
    expectFills(r, [[5, -1, 99, 0.5, 0.0495, 0]]);
    // cash = 99 × 0.5 − 0.0495 = 49.4505; inventory −0.5
    expect(r.finalCash).toBeCloseTo(49.4505, 12);
    expect(r.finalInventory).toBe(-0.5);
  });

  it('the rest of the order rests at our price and fills later as a maker (bid and ask)', () => {
    // as above; then a sell of 3 at our bid 102 (t 15): tradeThrough fills what is left, 2 − 0.5 = 1.5, at 102
    const bidBook = book([
      [0, 99, 3, 101, 0.5],
      [5, 99, 3, 101, 0.5],
      [10, 99, 3, 101, 0.5],
      [20, 99, 3, 101, 0.5],
    ]);
    const rb = runBacktest(bidBook, trades([[15, -1, 102, 3]]), cfg(fixed(102, 105)));
    // maker fee 102 × 1.5 × −0.0002 = −0.0306
    expectFills(rb, [
      [5, 1, 101, 0.5, 0.0505, 0],
      [15, 1, 102, 1.5, -0.0306, 1],
    ]);
    // cash = −50.5505 − 153 + 0.0306 = −203.5199; inventory 0.5 + 1.5 = 2
    expect(rb.finalCash).toBeCloseTo(-203.5199, 12);
    expect(rb.finalInventory).toBe(2);

    // mirror: our ask 98 sells 0.5 to the bid touch 99, then a buy of 3 at 98 (t 15) takes the other 1.5 at 98
    const askBook = book([
      [0, 99, 0.5, 101, 3],
      [5, 99, 0.5, 101, 3],
      [10, 99, 0.5, 101, 3],
      [20, 99, 0.5, 101, 3],
    ]);
    const ra = runBacktest(askBook, trades([[15, 1, 98, 3]]), cfg(fixed(95, 98)));
    // maker fee 98 × 1.5 × −0.0002 = −0.0294; cash = 49.4505 + 147 + 0.0294 = 196.4799; inventory −2
    expectFills(ra, [
      [5, -1, 99, 0.5, 0.0495, 0],
      [15, -1, 98, 1.5, -0.0294, 1],
    ]);
    expect(ra.finalCash).toBeCloseTo(196.4799, 12);
    expect(ra.finalInventory).toBe(-2);
  });
});

describe('quotes are rounded outward to the tick, sizes down to the lot', () => {
  // tick 0.05, lot 0.5; the strategy quotes bid 99.037, ask 100.962 (inside the book 98.5 / 101.5)
  // bid: floor(99.037 / 0.05) = floor(1980.74) = 1980 ticks → 99.00 (nearest would be 99.05)
  // ask: ceil(100.962 / 0.05) = ceil(2019.24) = 2020 ticks → 101.00 (nearest would be 100.95)
  // size: floor(2.37 / 0.5) = 4 lots → 2.0
  const b = book([
    [0, 98.5, 5, 101.5, 5],
    [10, 98.5, 5, 101.5, 5],
    [20, 98.5, 5, 101.5, 5],
  ]);
  // a sell of 5 at 99.00 (t 5) and a buy of 5 at 101.00 (t 15): each fills a whole order (5 > 2) at our price
  const tr = trades([
    [5, -1, 99, 5],
    [15, 1, 101, 5],
  ]);
  const r = runBacktest(b, tr, { ...base(fixed(99.037, 100.962), 'tradeThrough'), tickSize: 0.05, lotSize: 0.5, orderSize: 2.37 });

  it('the bid is rounded down and the ask up (series and fill prices)', () => {
    expect(r.series.tMs[0]).toBe(0);
    expect(r.series.bidPx[0]).toBeCloseTo(99, 10);
    expect(r.series.askPx[0]).toBeCloseTo(101, 10);
    expect(Array.from(r.fills.side)).toEqual([1, -1]);
    expect(r.fills.px[0]).toBeCloseTo(99, 10);
    expect(r.fills.px[1]).toBeCloseTo(101, 10);
  });

  it('the order size is rounded down to the lot: 2.37 → 2', () => {
    expect(Array.from(r.fills.qty)).toEqual([2, 2]);
    // bought 2 at 99, sold 2 at 101, no fees: cash 202 − 198 = 4, flat
    expect(r.finalCash).toBeCloseTo(4, 10);
    expect(r.finalInventory).toBe(0);
  });
});

describe('the position limit stops quoting the side that would exceed it, on both sides', () => {
  // orders of 1, maxPosition 1, our bid 99 / ask 101 in a book 99 / 101 that does not change; tradeThrough.
  // Decisions at 0, 10, 20, 30; a fill at t is known to the strategy from the decision after it (no latency).
  const b = book([
    [0, 99, 3, 101, 4],
    [10, 99, 3, 101, 4],
    [20, 99, 3, 101, 4],
    [30, 99, 3, 101, 4],
  ]);
  const cfg: BacktestConfig = { ...base(fixed(99, 101), 'tradeThrough'), orderSize: 1, maxPosition: 1 };

  it('long at the limit: no bid (a second sell does not fill), the ask still quoted; the bid returns once flat', () => {
    // t 5 sell 1 at 99 → long 1; t 15 sell 1 at 99 finds no bid; t 25 buy 1 at 101 → flat
    const r = runBacktest(b, trades([[5, -1, 99, 1], [15, -1, 99, 1], [25, 1, 101, 1]]), cfg);
    expect(Array.from(r.series.tMs)).toEqual([0, 10, 20, 30]);
    // 1 + 1 > 1: no bid at 10 and 20; 0 − 1 ≥ −1: the ask stays
    expect(Array.from(r.series.bidPx)).toEqual([99, NaN, NaN, 99]);
    expect(Array.from(r.series.askPx)).toEqual([101, 101, 101, 101]);
    expect(Array.from(r.series.inventory)).toEqual([0, 1, 1, 0]);
    expect(Array.from(r.fills.side)).toEqual([1, -1]);
    expect(backtestMetrics(r).maxAbsInventory).toBe(1);
  });

  it('short at the limit: no ask (a second buy does not fill), the bid still quoted; the ask returns once flat', () => {
    // t 5 buy 1 at 101 → short 1; t 15 buy 1 at 101 finds no ask; t 25 sell 1 at 99 → flat
    const r = runBacktest(b, trades([[5, 1, 101, 1], [15, 1, 101, 1], [25, -1, 99, 1]]), cfg);
    expect(Array.from(r.series.tMs)).toEqual([0, 10, 20, 30]);
    // −1 − 1 < −1: no ask at 10 and 20; −1 + 1 ≤ 1: the bid stays
    expect(Array.from(r.series.askPx)).toEqual([101, NaN, NaN, 101]);
    expect(Array.from(r.series.bidPx)).toEqual([99, 99, 99, 99]);
    expect(Array.from(r.series.inventory)).toEqual([0, -1, -1, 0]);
    expect(Array.from(r.fills.side)).toEqual([-1, 1]);
    expect(backtestMetrics(r).maxAbsInventory).toBe(1);
  });
});

describe('PnL by hand under each fill model (our bid 99, ask 101, orders of 2, maker fee 0.001)', () => {
  const cfg = (fill: BacktestConfig['fill']): BacktestConfig => ({ ...base(fixed(99, 101), fill), makerFee: 0.001 });
  /** Expects the final account and pnl = cash + inventory × final mid. */
  function expectAccount(r: BacktestResult, cash: number, inventory: number, finalMidPx: number, pnl: number): void {
    expect(r.finalCash).toBeCloseTo(cash, 10);
    expect(r.finalInventory).toBeCloseTo(inventory, 12);
    expect(r.finalMidPx).toBe(finalMidPx);
    expect(backtestMetrics(r).pnl).toBeCloseTo(pnl, 10);
  }

  it('midCross: every book row whose mid reaches our price fills that order completely', () => {
    const b = book([
      [0, 99, 5, 101, 5], // mid 100: nothing
      [10, 97, 5, 100, 5], // mid 98.5 ≤ 99: bid fills 2 at 99 (and is sent again at 10)
      [20, 100, 5, 103, 5], // mid 101.5 ≥ 101: ask fills 2 at 101 (sent again); the new bid 99 < ask 100 was not marketable
      [30, 97, 5, 100, 5], // mid 98.5: the new bid fills 2 at 99; the new ask 101 > bid 100 was not marketable
      [40, 98, 5, 101, 5], // mid 99.5: nothing
    ]);
    const r = runBacktest(b, trades([]), cfg('midCross'));
    // fees: 99 × 2 × 0.001 = 0.198 per bid fill, 101 × 2 × 0.001 = 0.202 for the ask fill
    expectFills(r, [
      [10, 1, 99, 2, 0.198, 1],
      [20, -1, 101, 2, 0.202, 1],
      [30, 1, 99, 2, 0.198, 1],
    ]);
    // cash = −198.198 + 201.798 − 198.198 = −194.598; inventory 2 + 2 − 2 = 2; final mid 99.5
    // pnl = −194.598 + 2 × 99.5 = 4.402
    expectAccount(r, -194.598, 2, 99.5, 4.402);
  });

  it('tradeThrough: each trade at or through our price fills up to its size', () => {
    const b = book([
      [0, 99, 3, 101, 4],
      [10, 99, 3, 101, 4],
      [20, 99, 3, 101, 4],
      [30, 99, 3, 101, 4],
      [40, 98, 3, 100, 4], // final mid 99
    ]);
    const tr = trades([
      [5, -1, 99, 1], // at our bid: 1 of 2
      [15, -1, 98, 3], // through our bid: the last 1, at our 99
      [25, 1, 101, 1.5], // at our ask: 1.5 of 2
    ]);
    const r = runBacktest(b, tr, cfg('tradeThrough'));
    // fees 0.099, 0.099, 101 × 1.5 × 0.001 = 0.1515
    expectFills(r, [
      [5, 1, 99, 1, 0.099, 1],
      [15, 1, 99, 1, 0.099, 1],
      [25, -1, 101, 1.5, 0.1515, 1],
    ]);
    // cash = −99 − 99 + 151.5 − (0.099 + 0.099 + 0.1515) = −46.5 − 0.3495 = −46.8495; inventory 1 + 1 − 1.5 = 0.5
    // pnl = −46.8495 + 0.5 × 99 = 2.6505
    expectAccount(r, -46.8495, 0.5, 99, 2.6505);
  });

  it('queue: a trade at our price fills what it leaves after the queue ahead (partial fills)', () => {
    const b = book([
      [0, 99, 3, 101, 1], // our orders join behind 3 (bid) and 1 (ask) when they enter the book at t 5
      [10, 99, 3, 101, 1],
      [20, 99, 3, 101, 1],
      [30, 98, 5, 100, 5], // final mid 99; our bid 99 is now best alone, our ask 101 behind level 2 — no trade: no fill
    ]);
    const tr = trades([
      [5, -1, 99, 4], // 4 at our bid: 3 to the queue ahead, 1 to us (4 < 3 + 2: a partial fill)
      [15, 1, 101, 2.5], // 2.5 at our ask: 1 to the queue ahead, 1.5 to us (2.5 < 1 + 2)
    ]);
    const r = runBacktest(b, tr, cfg('queue'));
    // fees 99 × 1 × 0.001 = 0.099, 101 × 1.5 × 0.001 = 0.1515
    expectFills(r, [
      [5, 1, 99, 1, 0.099, 1],
      [15, -1, 101, 1.5, 0.1515, 1],
    ]);
    // cash = −99 + 151.5 − 0.2505 = 52.2495; inventory 1 − 1.5 = −0.5
    // pnl = 52.2495 − 0.5 × 99 = 2.7495
    expectAccount(r, 52.2495, -0.5, 99, 2.7495);
  });
});

describe('no look-ahead: AS and GLFT on a rolling calibration, the data changed after t', () => {
  // The sample market: book rows every 100 ms from t0, trades at whole ms. Feed latency F = 250 ms (more
  // than the row interval), entry latency E = 40 ms, a decision at every row's arrival (refreshMs 0).
  // What can depend on data stamped after t:
  // - a decision at d sees rows stamped ≤ d − F, fills notified by d (stamped ≤ d − F) and the calibration
  //   value stamped ≤ d − F (itself from data strictly before its stamp): its quotes are fixed by data
  //   stamped ≤ d − F, so every decision at d ≤ t + F must be identical (here the ones at t + 50, t + 150 and
  //   t + 250 too: the arrivals of the rows stamped t − 200, t − 100 and t);
  // - a fill at s comes from orders sent by s − E and events stamped ≤ s: every fill at s ≤ t is identical;
  // - the account at decision d (cash, inventory, marked to the mid in force at d) is identical for d ≤ t;
  // - the first decision after t + F, at t + 100 + F, sees the first changed row: it must differ.
  // t is a row time 200 ms before a calibration step (steps every 1 s from t0 + 60 s): a decision that took the
  // calibration at d instead of d − F would, at t + 250, take the step at t + 200, whose σ includes the changed
  // row at t + 100.
  const m = generateSampleMarket({ durationSec: 1200, seed: 7 });
  const tick = m.params.tickSize;
  const feedMs = 250;
  const entryMs = 40;
  const t0 = m.book.tsMs[0];
  const t = t0 + 600_800;
  const options = { windowSec: 60, stepSec: 1 };
  const calibration = rollingCalibration(m.book, marketOrdersFromTrades(m.book, m.trades, tick), options);

  // The changed market: every row and trade stamped after t shifted up 0.5 in price (50 ticks), sizes scaled;
  // from t + 300 every third row is stamped 40 ms later, and every other trade after t moves halfway to the
  // next trade (both keep the tables in time order, and nothing moves to or before t).
  const late = (ts: number) => ts > t;
  const shiftPx = (cols: readonly Float64Array[]) => cols.map((c) => c.map((v, i) => (late(m.book.tsMs[i]) ? v + 0.5 : v)));
  const scaleSz = (cols: readonly Float64Array[], factor: number) => cols.map((c) => c.map((v, i) => (late(m.book.tsMs[i]) ? v * factor : v)));
  const book2: BookTable = {
    ...m.book,
    tsMs: m.book.tsMs.map((ts, i) => (ts >= t + 300 && i % 3 === 0 ? ts + 40 : ts)),
    bidPx: shiftPx(m.book.bidPx),
    askPx: shiftPx(m.book.askPx),
    bidSz: scaleSz(m.book.bidSz, 3),
    askSz: scaleSz(m.book.askSz, 0.5),
  };
  const tt = m.trades.tsMs;
  const trades2: TradeTable = {
    ...m.trades,
    tsMs: tt.map((ts, j) => (late(ts) && j % 2 === 1 && j + 1 < tt.length ? (ts + tt[j + 1]) / 2 : ts)),
    px: m.trades.px.map((v, j) => (late(tt[j]) ? v + 0.5 : v)),
    sz: m.trades.sz.map((v, j) => (late(tt[j]) ? v * 2 : v)),
  };
  const calibration2 = rollingCalibration(book2, marketOrdersFromTrades(book2, trades2, tick), options);

  const count = (ts: ArrayLike<number>, tMax: number) => Array.from(ts).filter((x) => x <= tMax).length;
  const decisionsThrough = (r: BacktestResult, tMax: number) => {
    const n = count(r.series.tMs, tMax);
    return [r.series.tMs, r.series.reservationPx, r.series.bidPx, r.series.askPx].map((c) => Array.from(c.slice(0, n)));
  };
  const accountThrough = (r: BacktestResult, tMax: number) => {
    const n = count(r.series.tMs, tMax);
    return [r.series.midPx, r.series.inventory, r.series.cash, r.series.equity].map((c) => Array.from(c.slice(0, n)));
  };
  const fillsThrough = (r: BacktestResult, tMax: number) => {
    const n = count(r.fills.tsMs, tMax);
    const f = r.fills;
    return [f.tsMs, f.side, f.px, f.qty, f.fee, f.midPx, f.sentMs, f.maker].map((c) => Array.from(c.slice(0, n)));
  };

  it('the changed data differ only after t, and the calibration only after t', () => {
    expect(Array.from(m.book.tsMs)).toContain(t);
    expect(calibration.tMs).toContain(t + 200);
    for (const ts of [book2.tsMs, trades2.tsMs]) expect(ts.findIndex((x, i) => i > 0 && x < ts[i - 1])).toBe(-1);
    const nCal = count(calibration.tMs, t);
    for (const key of ['tMs', 'sigmaPricePerSqrtSec', 'aPooledPerSec', 'kPooledPerPrice'] as const) {
      expect(Array.from(calibration2[key].slice(0, nCal)), key).toEqual(Array.from(calibration[key].slice(0, nCal)));
    }
    // the step at t + 200 already holds the changed row at t + 100 (a jump of 0.5 in the mid)
    expect(calibration2.sigmaPricePerSqrtSec[nCal]).not.toBe(calibration.sigmaPricePerSqrtSec[nCal]);
  });

  const strategies: Array<[string, () => Strategy]> = [
    ['AS', () => asStrategy(0.1, 60)],
    ['GLFT', () => glftStrategy(0.1, 5)],
  ];
  for (const [name, strategy] of strategies) {
    for (const fill of ['midCross', 'tradeThrough', 'queue'] as const) {
      it(`${name}, ${fill}: decisions to t + F, fills and account to t identical; the first decision after t + F differs`, () => {
        const cfg = (cal: typeof calibration): BacktestConfig => ({
          strategy: strategy(),
          fill,
          orderSize: 0.05,
          tickSize: tick,
          lotSize: m.params.lotSize,
          refreshMs: 0,
          feedLatencyMs: feedMs,
          entryLatencyMs: entryMs,
          makerFee: -0.0001,
          takerFee: 0.0005,
          calibration: cal,
        });
        const a = runBacktest(m.book, m.trades, cfg(calibration));
        const b = runBacktest(book2, trades2, cfg(calibration2));
        // the comparison is not empty: the strategy quotes and fills well before t
        expect(count(a.fills.tsMs, t)).toBeGreaterThan(10);
        expect(Array.from(a.series.tMs).filter((d) => d > t && d <= t + feedMs)).toEqual([t + 50, t + 150, t + 250]);

        expect(decisionsThrough(b, t + feedMs)).toEqual(decisionsThrough(a, t + feedMs));
        expect(fillsThrough(b, t)).toEqual(fillsThrough(a, t));
        expect(accountThrough(b, t)).toEqual(accountThrough(a, t));

        // the next decision (arrival of the row stamped t + 100, which is not moved) sees the changed book
        const next = count(a.series.tMs, t + feedMs);
        expect(a.series.tMs[next]).toBe(t + 100 + feedMs);
        expect(b.series.tMs[next]).toBe(t + 100 + feedMs);
        expect(Number.isFinite(a.series.reservationPx[next])).toBe(true);
        expect(b.series.reservationPx[next]).not.toBe(a.series.reservationPx[next]);
      });
    }
  }
});
