import { describe, expect, it } from 'vitest';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { maskedDurationMs, mergeMasks } from '../../src/data/masks.js';
import { midPrices } from '../../src/data/tables.js';
import { DEFAULT_MAX_STALENESS_MS, fitArrivalMle, marketOrdersFromTrades, previousTickGrid, realizedVolatility, staleStretches, rollingCalibration, type RollingCalibration } from '../../src/estimate/index.js';
import { estimateStream, StreamedEstimate } from '../../src/estimate/streamedEstimate.js';
import { pairingWarning, StreamedMarketOrders, type MarketOrderColumns } from '../../src/estimate/streamedMarketOrders.js';
import { StreamedRollingCalibration } from '../../src/estimate/streamedRolling.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { cutAtMs, expectSameNumbers, splitTables, type Chunk, type Cut } from '../backtest/streamedHelpers.js';

// Streamed estimators (issue 15 item 5) against the one-shot ones on the concatenated tables, which never
// split anything: the market orders and their pairing, the rolling calibration and σ bit for bit; A and k
// field for field (integer statistics).

const m = generateSampleMarket({ durationSec: 900, seed: 33 });
const t0 = m.book.tsMs[0];
// the book without rows for 8 s (stale past the 5 s limit) and starting after the first trades; masks in
// the book and in the trades, one crossing a cut
const keep = (i: number) => m.book.tsMs[i] >= t0 + 1_500 && !(m.book.tsMs[i] > t0 + 400_000 && m.book.tsMs[i] < t0 + 408_000);
const rowsKept = Array.from(m.book.tsMs.keys()).filter(keep);
const pick = (c: Float64Array) => Float64Array.from(rowsKept, (i) => c[i]);
const book: BookTable = {
  ...m.book,
  tsMs: pick(m.book.tsMs),
  bidPx: m.book.bidPx.map(pick),
  bidSz: m.book.bidSz.map(pick),
  askPx: m.book.askPx.map(pick),
  askSz: m.book.askSz.map(pick),
  masked: [
    { fromMs: t0 + 120_333, toMs: t0 + 125_050, reason: 'sequence gap' },
    { fromMs: t0 + 598_000, toMs: t0 + 603_020, reason: 'checksum mismatch' },
  ],
};
const trades: TradeTable = { ...m.trades, masked: [{ fromMs: t0 + 700_000, toMs: t0 + 702_500, reason: 'trade stream down' }] };
const tick = m.params.tickSize;

const cutSets: Record<string, Cut[]> = {
  'three parts': [t0 + 300_000, t0 + 600_000].map((t) => cutAtMs(book, trades, t)),
  'odd times: inside masks, inside the stale stretch, mid-second': [t0 + 1_000, t0 + 122_222.5, t0 + 404_000, t0 + 600_050, t0 + 701_000, t0 + 899_999].map((t) => cutAtMs(book, trades, t)),
  'forty random cuts': (() => {
    let s = 11;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    return Array.from({ length: 40 }, () => t0 + rand() * 900_000)
      .sort((a, b) => a - b)
      .map((t) => cutAtMs(book, trades, t));
  })(),
};
// also a cut between a book row and a trade stamped the same ms
for (let j = 0; j < trades.tsMs.length; j++) {
  const r = book.tsMs.indexOf(trades.tsMs[j]);
  if (r > 0 && trades.tsMs[j] > t0 + 200_000) {
    cutSets['equal stamps straddling'] = [{ bookRow: r + 1, tradeRow: j }];
    break;
  }
}

function concatOrders(parts: MarketOrderColumns[]) {
  const cat = (k: 'tsMs' | 'side' | 'reachPx' | 'midPx' | 'depthPx' | 'ticksBeyondTouch') => parts.flatMap((p) => Array.from(p[k] as ArrayLike<number>));
  return { tsMs: cat('tsMs'), side: cat('side'), reachPx: cat('reachPx'), midPx: cat('midPx'), depthPx: cat('depthPx'), ticksBeyondTouch: cat('ticksBeyondTouch') };
}

function concatRolling(parts: RollingCalibration[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(parts[0])) if (ArrayBuffer.isView(v)) out[k] = parts.flatMap((p) => Array.from((p as unknown as Record<string, ArrayLike<number>>)[k]));
  return out;
}

describe('streamed market orders = marketOrdersFromTrades on the whole tables', () => {
  const whole = marketOrdersFromTrades(book, trades, tick);
  it('the data exercise every rule (before the book, stale, masked, merged)', () => {
    expect(whole.tradesWithoutBook).toBeGreaterThan(0);
    expect(whole.tradesStale).toBeGreaterThan(0);
    expect(whole.droppedInMask).toBeGreaterThan(0);
    expect(whole.tradesMerged).toBeGreaterThan(0);
    expect(whole.staleMs).toBeGreaterThan(0);
  });
  for (const [name, cuts] of Object.entries(cutSets)) {
    it(name, () => {
      const s = new StreamedMarketOrders(tick);
      const soFar: Array<ReturnType<StreamedMarketOrders['soFar']>> = [];
      const parts = splitTables(book, trades, cuts).map((c) => {
        const out = s.feed(c.book, c.trades);
        soFar.push(s.soFar());
        return out;
      });
      const { orders, pairing } = s.finish();
      // the counts so far only grow, and after finish they are the whole pairing's
      const last = s.soFar();
      for (const [i, c] of soFar.entries()) for (const k of ['trades', 'unpaired', 'outsideMasks'] as const) expect(c[k], `chunk ${i} ${k}`).toBeLessThanOrEqual((soFar[i + 1] ?? last)[k]);
      expect(last).toEqual({
        trades: trades.tsMs.length,
        unpaired: whole.tradesWithoutBook + whole.tradesAfterBook + whole.tradesStale,
        unpairedAfterRows: whole.tradesAfterBook + whole.tradesStale,
        outsideMasks: trades.tsMs.length - whole.droppedInMask,
        maxStalenessMs: 5000,
        mostUnpaired: false,
      });
      const got = concatOrders([...parts, orders]);
      for (const k of ['tsMs', 'side', 'reachPx', 'midPx', 'depthPx', 'ticksBeyondTouch'] as const) expectSameNumbers(`orders.${k}`, Array.from(whole[k] as ArrayLike<number>), got[k]);
      const { tsMs: _t, side: _s, reachPx: _r, midPx: _m, depthPx: _d, ticksBeyondTouch: _b, tickSize: _k, ...summary } = whole;
      expect(pairing).toEqual(summary);
    });
  }
});

describe('the streamed pairing\'s counts so far (progress warnings)', () => {
  // ten days of a trade a minute and book rows every second, in day chunks
  const DAY = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  const day = (d: number, bookFromMs: number, bookToMs: number, withTrades = true) => {
    const ts = Float64Array.from({ length: Math.max(0, Math.floor((bookToMs - bookFromMs) / 1000)) }, (_, i) => start + d * DAY + bookFromMs + i * 1000);
    const col = (v: number) => new Float64Array(ts.length).fill(v);
    const b: BookTable = { kind: 'book', depth: 1, tsMs: ts, bidPx: [col(99.99)], bidSz: [col(1)], askPx: [col(100.01)], askSz: [col(1)], meta: {} };
    const tt = Float64Array.from({ length: withTrades ? 1440 : 0 }, (_, i) => start + d * DAY + i * 60_000 + 500);
    const t: TradeTable = { kind: 'trades', tsMs: tt, id: Float64Array.from(tt, (_, i) => d * 10_000 + i), side: new Int8Array(tt.length).fill(1), px: new Float64Array(tt.length).fill(100.01), sz: new Float64Array(tt.length).fill(0.1), meta: {} };
    return { book: b, trades: t, throughMs: start + (d + 1) * DAY };
  };

  it('a book that starts at 13:00 on the first day: the trades before it are unpaired but no warning (later days dilute them), and the range ends without the error', () => {
    const s = new StreamedMarketOrders(0.01);
    const seen: boolean[] = [];
    for (let d = 0; d < 10; d++) {
      const c = day(d, d === 0 ? 13 * 3_600_000 : 0, DAY);
      s.feed(c.book, c.trades, c.throughMs);
      seen.push(s.soFar().mostUnpaired);
    }
    expect(s.soFar().unpaired).toBeGreaterThan(700);
    expect(seen.every((x) => !x)).toBe(true);
    expect(() => s.finish()).not.toThrow();
  });

  it('a book that stops after the second day while trades go on (days of trades only): the warning comes with the day it shows, the error at the end', () => {
    const s = new StreamedMarketOrders(0.01);
    const warned: number[] = [];
    for (let d = 0; d < 10; d++) {
      const c = d < 2 ? day(d, 0, DAY) : day(d, 0, 0);
      s.feed(c.book, c.trades, c.throughMs);
      if (s.soFar().mostUnpaired) warned.push(d);
    }
    // after day 4: 3 days of stale trades (days 2-4) against 2 paired: most are unpaired from then on
    expect(warned[0]).toBe(4);
    expect(pairingWarning(s.soFar(), 'stop.')).toMatch(/^WARNING \d+ of \d+ trades so far \(\d+ %\) came more than 5000 ms after the book's row in force: they cannot be paired with the book \(did it stop\?\), and unless later days make up for it, the run will end in that error\. stop\.$/);
    // without the days' ends the trades after the last row wait, uncounted: no warning until the end
    const blind = new StreamedMarketOrders(0.01);
    for (let d = 0; d < 10; d++) {
      const c = d < 2 ? day(d, 0, DAY) : day(d, 0, 0);
      blind.feed(c.book, c.trades);
      expect(blind.soFar().mostUnpaired).toBe(false);
    }
    expect(() => s.finish()).toThrow(/cannot be paired with the book/);
  });

  it('a later chunk with a row before the bound an earlier one gave: the waiting trades are no longer projected', () => {
    const s = new StreamedMarketOrders(0.01);
    // the book stops at 01:00 on day 0; the bound says no row comes before day 1, yet the next chunk starts at 12:00 of day 0
    const first = day(0, 0, 3_600_000);
    s.feed(first.book, first.trades, first.throughMs);
    expect(s.soFar().mostUnpaired).toBe(true);
    const wrong = day(0, 12 * 3_600_000, 13 * 3_600_000, false);
    s.feed(wrong.book, wrong.trades, first.throughMs);
    // only what pair() counted is left: the trades from 01:01 to 11:59 (stale; 01:00:00.5 is within 5 s of the last
    // row), none after 13:00 projected
    const c = s.soFar();
    expect(c.unpairedAfterRows).toBe(659);
    expect(c.trades).toBe(780);
  });
});

describe('streamed rolling calibration = rollingCalibration on the whole tables, bit for bit', () => {
  const options = { windowSec: 60, stepSec: 1, gridMs: 100 };
  const wholeOrders = marketOrdersFromTrades(book, trades, tick);
  const withOrders = rollingCalibration(book, wholeOrders, options);
  const booksOnly = rollingCalibration(book, undefined, { ...options, stepSec: 0.7, gridMs: 250 });
  const run = (chunks: Chunk[], orders: boolean, opts: typeof options) => {
    const pairing = new StreamedMarketOrders(tick);
    const rolling = orders ? new StreamedRollingCalibration(opts, tick) : new StreamedRollingCalibration(opts);
    const parts = chunks.map((c) => (orders ? rolling.feed(c.book, pairing.feed(c.book, c.trades), pairing.excludedSoFar()) : rolling.feed(c.book)));
    parts.push(rolling.finish());
    return { parts, rows: concatRolling(parts) };
  };
  for (const [name, cuts] of Object.entries(cutSets)) {
    it(`${name}: with orders (σ, EWMA σ, A and k per side, observed time)`, () => {
      const { rows, parts } = run(splitTables(book, trades, cuts), true, options);
      for (const [k, col] of Object.entries(rows)) expectSameNumbers(k, (withOrders as unknown as Record<string, ArrayLike<number>>)[k], col);
      // each chunk's rows are those in force by its last book row
      expect(parts.at(-1)!.tMs.length).toBe(0);
    });
    it(`${name}: books only, another grid and step`, () => {
      const { rows } = run(splitTables(book, trades, cuts), false, { ...options, stepSec: 0.7, gridMs: 250 });
      for (const [k, col] of Object.entries(rows)) expectSameNumbers(k, (booksOnly as unknown as Record<string, ArrayLike<number>>)[k], col);
    });
  }
  it('chunks longer than a slice (65,536 grid points: 65.5 s on a 1 ms grid): the same rows, one chunk or three', () => {
    const fine = { ...options, gridMs: 1 };
    const whole = rollingCalibration(book, wholeOrders, fine);
    for (const cuts of [[], cutSets['three parts']]) {
      const { rows, parts } = run(splitTables(book, trades, cuts), true, fine);
      // one chunk of 900 s is 14 slices or more; its rows come back from the one feed
      expect(parts[0].tMs.length).toBeGreaterThan(cuts.length === 0 ? 800 : 200);
      for (const [k, col] of Object.entries(rows)) expectSameNumbers(k, (whole as unknown as Record<string, ArrayLike<number>>)[k], col);
    }
  });
  it('the window moves through the stale stretch and the masks (values NaN, observed time short)', () => {
    expect(withOrders.sigmaPricePerSqrtSec.some(Number.isNaN)).toBe(false);
    expect(Math.min(...withOrders.observedSec)).toBeLessThan(55);
    expect(withOrders.kPooledPerPrice.filter(Number.isFinite).length).toBeGreaterThan(600);
  });
  it('the comparison can fail: the middle chunk\'s mids half a tick lower changes the rows', () => {
    const chunks = splitTables(book, trades, cutSets['three parts']);
    expect(() => {
      const rolling = new StreamedRollingCalibration(options);
      const parts = [rolling.feed(chunks[0].book), rolling.feed({ ...chunks[1].book, bidPx: chunks[1].book.bidPx.map((c) => c.map((v) => v - 0.01)) }), rolling.feed(chunks[2].book), rolling.finish()];
      const rows = concatRolling(parts);
      expectSameNumbers('sigmaPricePerSqrtSec', rollingCalibration(book, undefined, options).sigmaPricePerSqrtSec, rows.sigmaPricePerSqrtSec);
    }).toThrow();
  });
  it('a mask of a later chunk reaching back into rows already fed is an error', () => {
    const chunks = splitTables(book, trades, cutSets['three parts']);
    const rolling = new StreamedRollingCalibration(options);
    rolling.feed(chunks[0].book);
    expect(() => rolling.feed({ ...chunks[1].book, masked: [{ fromMs: t0 + 250_000, toMs: t0 + 320_000, reason: 'late' }] })).toThrow(/starts before .*previous chunk's last row/);
  });
});

describe('streamed estimate = realizedVolatility and fitArrivalMle on the whole tables', () => {
  const orders = marketOrdersFromTrades(book, trades, tick);
  const mid = midPrices(book);
  // as asmm estimate --data: no increment across the book's masks nor across its stale stretch (see staleStretches)
  const stale = staleStretches(book.tsMs, DEFAULT_MAX_STALENESS_MS);
  const sigmaMasks = mergeMasks(book.masked, stale);
  const price = realizedVolatility(previousTickGrid(book.tsMs, mid, 100, sigmaMasks));
  const log = realizedVolatility(previousTickGrid(book.tsMs, mid.map(Math.log), 100, sigmaMasks));
  const depths = { fromTicks: 1, toTicks: 20 };
  for (const [name, cuts] of Object.entries(cutSets)) {
    it(name, () => {
      const est = new StreamedEstimate(tick, { depths });
      for (const c of splitTables(book, trades, cuts)) est.feed(c.book, c.trades);
      const r = est.finish();
      expect(stale).toHaveLength(1);
      expect(r.bookStale).toEqual({ stretches: 1, ms: maskedDurationMs(stale), maxStalenessMs: DEFAULT_MAX_STALENESS_MS, rowsWithoutPrice: 0 });
      expect(r.realized.price).toEqual(price);
      expect(r.realized.log).toEqual(log);
      expect(Object.is(r.realized.price.sigmaPerSqrtSec, price.sigmaPerSqrtSec)).toBe(true);
      for (const side of ['ask', 'bid', 'pooled'] as const) expect(r.arrival![side]).toEqual(fitArrivalMle(orders, orders.observedMs / 1000, side, { depths }));
    });
  }
  it('estimateStream over an async iterable; books only gives σ and no arrival', async () => {
    async function* gen() {
      for (const c of splitTables(book, trades, cutSets['three parts'])) yield c;
    }
    const r = await estimateStream(gen(), tick, { depths });
    expect(r.realized.price).toEqual(price);
    expect(r.arrival!.pooled).toEqual(fitArrivalMle(orders, orders.observedMs / 1000, 'pooled', { depths }));
    const booksOnly = await estimateStream(splitTables(book, trades, cutSets['three parts']).map((c) => ({ book: c.book })), tick);
    expect(booksOnly.realized.log).toEqual(log);
    expect(booksOnly.arrival).toBeUndefined();
  });
  it('recovers the generator (σ 0.3 per √s, k 10 per USDT) as the one-shot estimate does', () => {
    const est = new StreamedEstimate(tick, { depths });
    for (const c of splitTables(book, trades, cutSets['three parts'])) est.feed(c.book, c.trades);
    const r = est.finish();
    expect(r.realized.price.sigmaPerSqrtSec).toBeGreaterThan(0.25);
    expect(r.realized.price.sigmaPerSqrtSec).toBeLessThan(0.35);
    const pooled = r.arrival!.pooled;
    expect(typeof pooled).toBe('object');
  });
});
