import { describe, expect, it } from 'vitest';
import { backtestMetrics, runBacktest, symmetricStrategy, type BacktestConfig, type Strategy } from '../../src/backtest/index.js';
import type { BookTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';

// Book: bid 99 (size 3) / ask 101 (size 4), then unchanged, then the mid drops to 98.5 (bid 98, ask 99).
const scenarioBook = book([
  [0, 99, 3, 101, 4],
  [10, 99, 3, 101, 4],
  [20, 99, 2, 101, 4],
  [40, 98, 5, 99, 1],
]);
// Trades: a sell of 1 at 99 (t 15), a sell of 2 at 99 (t 25), a buy of 1 at 101 (t 30).
const scenarioTrades = trades([
  [15, -1, 99, 1],
  [25, -1, 99, 2],
  [30, 1, 101, 1],
]);

describe('hand-built scenario: our bid 99 and ask 101, size 2, no latency', () => {
  it('midCross: only the mid at or through our price fills, completely, at our price', () => {
    const r = runBacktest(scenarioBook, scenarioTrades, base(fixed(99, 101), 'midCross'));
    // mid 100 until t 40, then 98.5 ≤ 99: the bid fills 2 at 99; the ask never
    expect(Array.from(r.fills.tsMs)).toEqual([40]);
    expect(Array.from(r.fills.qty)).toEqual([2]);
    expect(r.finalInventory).toBe(2);
    expect(r.finalCash).toBe(-198);
  });

  it('tradeThrough: each trade at or through our price fills up to its size', () => {
    const r = runBacktest(scenarioBook, scenarioTrades, base(fixed(99, 101), 'tradeThrough'));
    // t 15: sell 1 at 99 → bid fills 1 (1 left); t 25: sell 2 → fills the last 1; the bid is re-sent after t 25
    // (the decision at the next book row, t 40, sends a new bid); t 30: buy 1 at 101 → ask fills 1
    expect(Array.from(r.fills.tsMs)).toEqual([15, 25, 30]);
    expect(Array.from(r.fills.side)).toEqual([1, 1, -1]);
    expect(Array.from(r.fills.qty)).toEqual([1, 1, 1]);
    expect(r.finalInventory).toBe(1);
    expect(r.finalCash).toBe(-99 - 99 + 101);
  });

  it('queue: we wait behind the 3 shown at 99; a cancellation is taken from ahead by the power rule; the rest fills us', () => {
    const r = runBacktest(scenarioBook, scenarioTrades, base(fixed(99, 101), 'queue'));
    // joined at t 0 behind 3. t 15: sell 1 → ahead 2, no fill; shown 3 → 2 after the trade.
    // t 20: shown 2 (= 3 − the traded 1): no cancellation. t 25: sell 2 → ahead 0, nothing beyond: no fill.
    // t 30: buy 1 at 101 consumes the 4 ahead of our ask partly: no fill. t 40: the ask falls to 99 = our bid:
    // the opposite side reached our price → the bid fills its 2.
    expect(Array.from(r.fills.tsMs)).toEqual([40]);
    expect(Array.from(r.fills.qty)).toEqual([2]);
    expect(Array.from(r.fills.px)).toEqual([99]);
  });

  it('queue: partial fill when a trade at our price is larger than the queue ahead', () => {
    const b = book([
      [0, 99, 1, 101, 4],
      [50, 99, 1, 101, 4],
    ]);
    const r = runBacktest(b, trades([[10, -1, 99, 2]]), base(fixed(99, 101), 'queue'));
    // 1 ahead, trade of 2: 1 for the queue, 1 for us (of our 2)
    expect(Array.from(r.fills.qty)).toEqual([1]);
    expect(r.finalInventory).toBe(1);
  });

  it('queue: a cancellation ahead of us moves us up by ahead²/(ahead² + behind²) of it', () => {
    const b = book([
      [0, 99, 4, 101, 4], // we join behind 4
      [10, 99, 6, 101, 4], // 2 join behind us
      [20, 99, 3, 101, 4], // 3 cancelled: ahead 4, behind 2 → 3·16/20 = 2.4 from ahead → 1.6 ahead
      [30, 99, 3, 101, 4],
    ]);
    const r = runBacktest(b, trades([[25, -1, 99, 2]]), base(fixed(99, 101), 'queue'));
    // trade 2 at 99: 1.6 to the queue, 0.4 to us
    expect(r.fills.qty[0]).toBeCloseTo(0.4, 12);
  });

  it('fees are charged exactly (maker rebate negative)', () => {
    const cfg = { ...base(fixed(99, 101), 'tradeThrough'), makerFee: -0.0001 };
    const r = runBacktest(scenarioBook, scenarioTrades, cfg);
    const expectedFees = -0.0001 * (99 + 99 + 101);
    expect(Array.from(r.fills.fee).reduce((a, b) => a + b, 0)).toBeCloseTo(expectedFees, 12);
    expect(r.finalCash).toBeCloseTo(-99 - 99 + 101 - expectedFees, 12);
    expect(backtestMetrics(r).fees).toBeCloseTo(expectedFees, 12);
    // bought 1, bought 1, sold 1: the position peaked at 2
    expect(backtestMetrics(r).maxAbsInventory).toBe(2);
  });
});

describe('input', () => {
  it('refuses tables out of time order, naming the table and the row', () => {
    const unordered = book([
      [0, 99, 3, 101, 4],
      [20, 99, 3, 101, 4],
      [10, 99, 3, 101, 4],
    ]);
    expect(() => runBacktest(unordered, scenarioTrades, base(fixed(99, 101), 'queue'))).toThrow(/book tsMs must be in time order: row 2 is 10, after 20/);
    const lateTrade = trades([
      [15, -1, 99, 1],
      [5, -1, 99, 1],
    ]);
    expect(() => runBacktest(scenarioBook, lateTrade, base(fixed(99, 101), 'queue'))).toThrow(/trades tsMs must be in time order: row 1 is 5, after 15/);
  });

  it('refuses times that are not finite, and a tick size that is not positive', () => {
    expect(() => runBacktest(scenarioBook, trades([[Number.NaN, -1, 99, 1]]), base(fixed(99, 101), 'queue'))).toThrow(/trades tsMs must be finite: row 0 is NaN/);
    expect(() => runBacktest(scenarioBook, trades([[15, -1, 99, 1], [Infinity, -1, 99, 1]]), base(fixed(99, 101), 'queue'))).toThrow(/must be finite: row 1 is Infinity/);
    expect(() => runBacktest(scenarioBook, scenarioTrades, { ...base(fixed(99, 101), 'queue'), tickSize: 0 })).toThrow(/tickSize must be a positive number/);
  });
});

describe('edges of the replay', () => {
  it('trades after the last book row still fill (tradeThrough: a sell at our bid at t 30, the book ends at t 10)', () => {
    const shortBook = book([
      [0, 99, 3, 101, 4],
      [10, 99, 3, 101, 4],
    ]);
    const r = runBacktest(shortBook, trades([[30, -1, 99, 1]]), base(fixed(99, 101), 'tradeThrough'));
    expect(Array.from(r.fills.tsMs)).toEqual([30]);
    expect(Array.from(r.fills.qty)).toEqual([1]);
    expect(r.finalInventory).toBe(1);
  });

  it('queue: a level just past our price by a rounding step is a gap, not our level (check order of the level scan)', () => {
    // bids 6 and 4.999999, our bid 5 (tick 1, so eps = 1e-6): |4.999999 − 5| is a hair over eps in floating
    // point, so that level is below our price, a gap: nobody is ahead of us and a sell of 1 at 5 fills us
    const offGrid: BookTable = {
      kind: 'book',
      depth: 2,
      tsMs: Float64Array.of(0),
      bidPx: [Float64Array.of(6), Float64Array.of(4.999999)],
      bidSz: [Float64Array.of(3), Float64Array.of(10)],
      askPx: [Float64Array.of(7), Float64Array.of(8)],
      askSz: [Float64Array.of(4), Float64Array.of(10)],
      meta: {},
    };
    expect(Math.abs(4.999999 - 5) > 1e-6).toBe(true);
    const r = runBacktest(offGrid, trades([[15, -1, 5, 1]]), base(fixed(5, 20), 'queue'));
    expect(Array.from(r.fills.qty)).toEqual([1]);
  });
});

describe('latency', () => {
  const m = generateSampleMarket({ durationSec: 600, seed: 9 });
  for (const fill of ['tradeThrough', 'queue', 'midCross'] as const) {
    it(`${fill}: no fill happens before its order's send time + entry latency`, () => {
      const L = 250;
      const r = runBacktest(m.book, m.trades, { ...base(symmetricStrategy(0.02), fill), orderSize: 0.01, tickSize: 0.01, refreshMs: 1000, entryLatencyMs: L, feedLatencyMs: 50 });
      expect(r.fills.tsMs.length).toBeGreaterThan(20);
      for (let i = 0; i < r.fills.tsMs.length; i++) expect(r.fills.tsMs[i]).toBeGreaterThanOrEqual(r.fills.sentMs[i] + L);
      // and the latency matters: with none, fills come sooner after sending
      const r0 = runBacktest(m.book, m.trades, { ...base(symmetricStrategy(0.02), fill), orderSize: 0.01, tickSize: 0.01, refreshMs: 1000 });
      const minGap = (x: typeof r) => Math.min(...Array.from(x.fills.tsMs, (t, i) => t - x.fills.sentMs[i]));
      expect(minGap(r0)).toBeLessThan(L);
    });
  }
});

describe('sampled and recorded latency', () => {
  const m = generateSampleMarket({ durationSec: 600, seed: 19 });
  /** A strategy that records what it saw: decision time and the mid of the newest book row it had. */
  const spy = () => {
    const seen: Array<{ t: number; mid: number }> = [];
    const strategy: Strategy = { name: 'spy', requires: [], quote: (c) => (seen.push({ t: c.tMs, mid: c.midPx }), { reservationPx: c.midPx, bidPx: c.midPx - 0.02, askPx: c.midPx + 0.02 }) };
    return { seen, strategy };
  };
  const mid = (r: number) => 0.5 * (m.book.bidPx[0][r] + m.book.askPx[0][r]);
  /** Index of the last book row stamped at or before t (−1 if none). */
  const lastRowAtOrBefore = (t: number) => {
    let lo = 0;
    let hi = m.book.tsMs.length;
    while (lo < hi) {
      const h = (lo + hi) >> 1;
      if (m.book.tsMs[h] <= t) lo = h + 1;
      else hi = h;
    }
    return lo - 1;
  };

  it('sampled feed latency: each decision sees a row at least the smallest latency old, and never older than the largest allows', () => {
    const { seen, strategy } = spy();
    runBacktest(m.book, m.trades, { ...base(strategy, 'queue'), orderSize: 0.01, tickSize: 0.01, refreshMs: 250, feedLatencyMs: { samplesMs: [10, 400], seed: 3 } });
    expect(seen.length).toBeGreaterThan(1000);
    let lagged = 0;
    for (const { t, mid: seenMid } of seen) {
      const newestPossible = lastRowAtOrBefore(t - 10);
      const oldestPossible = lastRowAtOrBefore(t - 400);
      // the mid seen is that of a row in [oldestPossible, newestPossible]
      let found = false;
      for (let r = Math.max(0, oldestPossible); r <= newestPossible && !found; r++) found = mid(r) === seenMid;
      expect(found, `decision at ${t}`).toBe(true);
      if (seenMid !== mid(newestPossible)) lagged++;
    }
    // the latency really varies: many decisions see an older row than a constant 10 ms would show
    expect(lagged).toBeGreaterThan(seen.length / 10);
  });

  it('sampled entry latency: every fill comes at least the smallest latency after its order was sent; reproducible by seed', () => {
    const cfg = { ...base(symmetricStrategy(0.02), 'tradeThrough'), orderSize: 0.01, tickSize: 0.01, refreshMs: 1000, entryLatencyMs: { samplesMs: [150, 600], seed: 5 } };
    const r = runBacktest(m.book, m.trades, cfg);
    expect(r.fills.tsMs.length).toBeGreaterThan(20);
    const gaps = Array.from(r.fills.tsMs, (t, i) => t - r.fills.sentMs[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
    // some order took the long latency: a fill 600 ms or more after sending
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(600);
    expect(runBacktest(m.book, m.trades, cfg).fills.tsMs).toEqual(r.fills.tsMs);
    const otherSeed = runBacktest(m.book, m.trades, { ...cfg, entryLatencyMs: { samplesMs: [150, 600], seed: 6 } });
    expect(otherSeed.fills.tsMs).not.toEqual(r.fills.tsMs);
  });

  it('the strategy learns of its fills only after the feed latency: its inventory is the fills noticed by then', () => {
    // fill notices drawn from {100, 700} ms: at a decision at t the strategy's q counts a prefix of the fills
    // (they are noticed in order) holding every fill stamped ≤ t − 700 and none stamped > t − 100
    const seenQ: Array<{ t: number; q: number }> = [];
    const strategy: Strategy = { name: 'q spy', requires: [], quote: (c) => (seenQ.push({ t: c.tMs, q: c.q }), { reservationPx: c.midPx, bidPx: c.midPx - 0.01, askPx: c.midPx + 0.01 }) };
    const r = runBacktest(m.book, m.trades, { ...base(strategy, 'tradeThrough'), orderSize: 0.01, tickSize: 0.01, refreshMs: 100, feedLatencyMs: { samplesMs: [100, 700], seed: 2 } });
    const f = r.fills;
    expect(f.tsMs.length).toBeGreaterThan(50);
    const prefix = [0];
    for (let i = 0; i < f.tsMs.length; i++) prefix.push(prefix[i] + f.side[i] * f.qty[i]);
    let lagging = 0;
    for (const { t, q } of seenQ) {
      const lo = f.tsMs.filter((ts) => ts <= t - 700).length; // fills surely noticed (a prefix: fills are in time order)
      const hi = f.tsMs.filter((ts) => ts <= t - 100).length; // fills possibly noticed
      const candidates = prefix.slice(lo, hi + 1).map((v) => v / 0.01);
      expect(candidates.some((v) => Math.abs(v - q) < 1e-9), `decision at ${t}: q ${q}`).toBe(true);
      if (hi > lo && Math.abs(prefix[hi] / 0.01 - q) > 1e-9) lagging++;
    }
    expect(lagging).toBeGreaterThan(0);
  });

  it('an order filled but not yet noticed is not sent again: a position limit holds under feed latency', () => {
    // one level; the mid falls through our bid at t = 1000 and stays there. With 500 ms of feed latency the
    // strategy hears of the fill at 1500; until then it believes its bid still rests, so it sends nothing
    const rows: number[][] = [];
    for (let t = 0; t <= 3000; t += 100) rows.push(t < 1000 ? [t, 99.5, 5, 100.5, 5] : [t, 98.5, 5, 99, 5]);
    const b = book(rows);
    const cfg = { ...base(symmetricStrategy(1), 'midCross'), orderSize: 1, tickSize: 0.5, maxPosition: 1, feedLatencyMs: 500 };
    const r = runBacktest(b, undefined, cfg);
    expect(Array.from(r.fills.side)).toEqual([1]);
    expect(r.finalInventory).toBe(1);
    expect(Math.max(...Array.from(r.series.inventory))).toBe(1);
  });

  it('the calibration in force never includes a row still in flight (recorded latency with a stall)', () => {
    // rows every 100 ms; row 5 (stamped 500) is received only at 1500, so rows 5.. all arrive from 1500 on.
    // A calibration value stamped c uses data strictly before c; here σ = c itself, so the σ a decision sees
    // tells which value was in force. Before 1500 it must be ≤ 500, the stamp of the first row not yet arrived.
    const rows: number[][] = [];
    for (let t = 0; t <= 2000; t += 100) rows.push([t, 99, 5, 101, 5]);
    const localTsMs = Float64Array.from(rows, (r) => (r[0] === 500 ? 1500 : r[0] + 5));
    const b = { ...book(rows), localTsMs };
    const tMs = Float64Array.from({ length: 41 }, (_, i) => i * 50);
    const calibration = { tMs, sigmaPricePerSqrtSec: tMs, aPooledPerSec: tMs.map(() => 1), kPooledPerPrice: tMs.map(() => 1) } as unknown as NonNullable<BacktestConfig['calibration']>;
    const seen: Array<{ t: number; sigma: number }> = [];
    const strategy: Strategy = { name: 'σ spy', requires: ['sigma'], quote: (c) => (seen.push({ t: c.tMs, sigma: c.sigmaPerSqrtSec }), { reservationPx: 100, bidPx: 90, askPx: 110 }) };
    runBacktest(b, undefined, { ...base(strategy, 'queue'), refreshMs: 50, feedLatencyMs: 'recorded', calibration });
    const stalled = seen.filter((x) => x.t >= 600 && x.t < 1500);
    expect(stalled.length).toBeGreaterThan(10);
    for (const { t, sigma } of stalled) expect(sigma, `decision at ${t}`).toBeLessThanOrEqual(500);
    // and once the rows have arrived, it moves on
    expect(Math.max(...seen.filter((x) => x.t >= 1600).map((x) => x.sigma))).toBeGreaterThan(1000);
  });

  it('a single-valued sample is the constant latency, result for result', () => {
    const cfg = { ...base(symmetricStrategy(0.02), 'queue'), orderSize: 0.01, tickSize: 0.01, refreshMs: 0 };
    const constant = runBacktest(m.book, m.trades, { ...cfg, feedLatencyMs: 30, entryLatencyMs: 45 });
    const sampled = runBacktest(m.book, m.trades, { ...cfg, feedLatencyMs: { samplesMs: [30] }, entryLatencyMs: { samplesMs: [45] } });
    expect(sampled.fills).toEqual(constant.fills);
    expect(sampled.series).toEqual(constant.series);
  });

  it('"recorded" feed latency: each decision happens when a row was received and sees exactly the rows received by then', () => {
    // receive times: exchange time + 5..95 ms, varying
    const localTsMs = m.book.tsMs.map((t, i) => t + 5 + ((i * 37) % 91));
    const recorded = { ...m.book, localTsMs };
    const { seen, strategy } = spy();
    runBacktest(recorded, m.trades, { ...base(strategy, 'queue'), orderSize: 0.01, tickSize: 0.01, refreshMs: 0, feedLatencyMs: 'recorded' });
    expect(seen.length).toBeGreaterThan(1000);
    let received = -1;
    let maxLocal = -Infinity;
    for (const { t, mid: seenMid } of seen) {
      // rows received by t, in order (a later row received earlier waits for the one before it)
      while (received + 1 < localTsMs.length && Math.max(maxLocal, localTsMs[received + 1]) <= t) maxLocal = Math.max(maxLocal, localTsMs[++received]);
      expect(seenMid, `decision at ${t}`).toBe(mid(received));
    }
    expect(() => runBacktest(m.book, m.trades, { ...base(strategy, 'queue'), feedLatencyMs: 'recorded' })).toThrow(/local receive times/);
  });
});

describe('accounting and look-ahead on the sample market', () => {
  const m = generateSampleMarket({ durationSec: 1200, seed: 12 });
  const orders = marketOrdersFromTrades(m.book, m.trades, m.params.tickSize);
  const calibration = rollingCalibration(m.book, orders, { windowSec: 120, stepSec: 1 });
  const cfg = (fill: BacktestConfig['fill']): BacktestConfig => ({
    strategy: symmetricStrategy(0.03),
    fill,
    orderSize: 0.05,
    tickSize: 0.01,
    lotSize: 0.0001,
    refreshMs: 500,
    feedLatencyMs: 20,
    entryLatencyMs: 40,
    makerFee: 0.0002,
    calibration,
  });

  for (const fill of ['midCross', 'tradeThrough', 'queue'] as const) {
    it(`${fill}: cash and inventory follow the fills exactly, and equity = cash + inventory × mid at every step`, () => {
      const r = runBacktest(m.book, m.trades, cfg(fill));
      expect(r.fills.tsMs.length).toBeGreaterThan(10);
      let cash = 0;
      let inv = 0;
      let k = 0;
      for (let i = 0; i < r.series.tMs.length; i++) {
        while (k < r.fills.tsMs.length && r.fills.tsMs[k] <= r.series.tMs[i]) {
          const notional = r.fills.px[k] * r.fills.qty[k];
          expect(r.fills.fee[k]).toBeCloseTo(notional * 0.0002, 12);
          cash += r.fills.side[k] > 0 ? -notional - r.fills.fee[k] : notional - r.fills.fee[k];
          inv += r.fills.side[k] * r.fills.qty[k];
          k++;
        }
        expect(r.series.cash[i]).toBeCloseTo(cash, 8);
        expect(r.series.inventory[i]).toBeCloseTo(inv, 10);
        expect(r.series.equity[i]).toBeCloseTo(r.series.cash[i] + r.series.inventory[i] * r.series.midPx[i], 8);
      }
    });

    it(`${fill}: changing every book row and trade after t leaves every decision and fill before t unchanged`, () => {
      const cut = m.book.tsMs[0] + 700_000;
      const shift = (cols: readonly Float64Array[]) => cols.map((c) => c.map((v, i) => (m.book.tsMs[i] > cut ? v + 0.5 : v)));
      const book2 = { ...m.book, bidPx: shift(m.book.bidPx), askPx: shift(m.book.askPx), bidSz: m.book.bidSz.map((c) => c.map((v, i) => (m.book.tsMs[i] > cut ? v * 3 : v))) };
      const trades2 = { ...m.trades, px: m.trades.px.map((v, i) => (m.trades.tsMs[i] > cut ? v + 0.5 : v)), sz: m.trades.sz.map((v, i) => (m.trades.tsMs[i] > cut ? v * 2 : v)) };
      const cal2 = rollingCalibration(book2, marketOrdersFromTrades(book2, trades2, 0.01), { windowSec: 120, stepSec: 1 });
      const a = runBacktest(m.book, m.trades, cfg(fill));
      const b = runBacktest(book2, trades2, { ...cfg(fill), calibration: cal2 });
      const before = (x: typeof a) => {
        const n = x.series.tMs.findIndex((t) => t > cut);
        const f = x.fills.tsMs.findIndex((t) => t > cut);
        return {
          decisions: [x.series.bidPx.slice(0, n), x.series.askPx.slice(0, n), x.series.inventory.slice(0, n)].map((v) => Array.from(v)),
          fills: [x.fills.tsMs, x.fills.px, x.fills.qty].map((v) => Array.from(v.slice(0, f < 0 ? v.length : f))),
        };
      };
      expect(before(b)).toEqual(before(a));
      expect(Array.from(b.series.bidPx)).not.toEqual(Array.from(a.series.bidPx));
    });
  }
});
