import { describe, expect, it } from 'vitest';
import { BacktestReplay, asStrategy, glftStrategy, runBacktest, symmetricStrategy, type BacktestConfig, type BacktestResult } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration, type RollingCalibration } from '../../src/estimate/index.js';
import { generateOrderBookMarket, generateSampleMarket } from '../../src/sample/index.js';
import { cutAtMs, expectSameResult, splitTables, type Chunk, type Cut, type MaskMode } from './streamedHelpers.js';

// The streamed replay (issue 15 item 5): the sample market cut into chunks at awkward places gives the
// in-memory run's result on the whole tables bit for bit (Object.is on every number). The reference is the
// in-memory replay, an independent path through the data: it never drops or carries a row.

const m = generateSampleMarket({ durationSec: 600, seed: 21 });
const t0 = m.book.tsMs[0];
// two masked intervals: one inside a chunk, one crossing the cut at t0 + 300.05 s
const masks = [
  { fromMs: t0 + 101_230, toMs: t0 + 104_000, reason: 'sequence gap' },
  { fromMs: t0 + 299_120, toMs: t0 + 301_555, reason: 'connection dropped' },
];
const book: BookTable = { ...m.book, masked: masks, localTsMs: m.book.tsMs.map((t, i) => t + 5 + ((i * 37) % 90) + (i % 97 === 0 ? 1500 : 0)) };
const trades: TradeTable = m.trades;
const calibration = rollingCalibration(book, marketOrdersFromTrades(book, trades, m.params.tickSize), { windowSec: 60, stepSec: 1 });

/** A trade stamped at the same ms as a book row (the cut between them: equal times straddle the boundary). */
function sharedStamp(after: number): { ts: number; bookRow: number; tradeRow: number } {
  for (let j = 0; j < trades.tsMs.length; j++) {
    if (trades.tsMs[j] < after) continue;
    const r = book.tsMs.indexOf(trades.tsMs[j]);
    if (r >= 0) return { ts: trades.tsMs[j], bookRow: r, tradeRow: j };
  }
  throw new Error('no trade shares a book row stamp');
}

const shared = sharedStamp(t0 + 200_000);
const shared2 = sharedStamp(t0 + 400_000);
const cutSets: Record<string, Cut[]> = {
  // 'days': five equal parts
  'five equal parts': [1, 2, 3, 4].map((k) => cutAtMs(book, trades, t0 + k * 120_000)),
  // mid-second, mid-interval, inside both masks and a rolling window, one at a chunk with a single row
  'odd times (mid-second, inside a mask, one-row chunk)': [t0 + 1_234.5, t0 + 102_001, t0 + 250_050, t0 + 300_050, t0 + 300_150, t0 + 455_555].map((t) => cutAtMs(book, trades, t)),
  // the book row at a shared stamp in one chunk and the trade at that stamp in the next, and the reverse
  'equal stamps straddling': [
    { bookRow: shared.bookRow + 1, tradeRow: shared.tradeRow },
    { bookRow: shared2.bookRow, tradeRow: shared2.tradeRow + 1 },
  ],
  // 60 seeded random cuts, some chunks empty of rows or trades
  'sixty random cuts': (() => {
    let s = 7;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    return Array.from({ length: 60 }, () => t0 + rand() * 600_000)
      .sort((a, b) => a - b)
      .map((t) => cutAtMs(book, trades, t));
  })(),
};

type Setting = { name: string; config: BacktestConfig };
const common = { orderSize: 0.05, tickSize: m.params.tickSize, lotSize: m.params.lotSize, makerFee: 0.0002, takerFee: 0.0005, maxPosition: 0.5 };
const settings: Setting[] = [
  { name: 'AS, queue, refresh 250 ms, feed 20 ms, entry 40 ms, calibrated', config: { ...common, strategy: asStrategy(0.1, 60), fill: 'queue', refreshMs: 250, feedLatencyMs: 20, entryLatencyMs: 40, calibration } },
  { name: 'GLFT, tradeThrough, every row, sampled feed/entry/cancel latencies', config: { ...common, strategy: glftStrategy(0.1, 5), fill: 'tradeThrough', refreshMs: 0, feedLatencyMs: { samplesMs: [10, 400], seed: 3 }, entryLatencyMs: { samplesMs: [30, 900], seed: 4 }, cancelLatencyMs: { samplesMs: [5, 50], seed: 5 }, calibration } },
  { name: 'symmetric, midCross, refresh 1 s, feed 3 s (many rows in flight)', config: { ...common, strategy: symmetricStrategy(0.02), fill: 'midCross', refreshMs: 1000, feedLatencyMs: 3000, entryLatencyMs: 700 } },
  { name: 'symmetric, queue, every row, recorded feed latency (stalls of 1.5 s)', config: { ...common, strategy: symmetricStrategy(0.03), fill: 'queue', refreshMs: 0, feedLatencyMs: 'recorded', entryLatencyMs: 15, queueModel: { name: 'log2' } } },
  { name: 'AS, tradeThrough, refresh 100 ms, no latency, fallback before the first window', config: { ...common, strategy: asStrategy(0.05, 30), fill: 'tradeThrough', refreshMs: 100, calibration, fallback: { sigmaPerSqrtSec: 0.3, aPerSec: 2, kPerPrice: 10 } } },
];

function streamed(chunks: readonly Chunk[], config: BacktestConfig, calibrationRows?: RollingCalibration, bridgeRows?: number): BacktestResult {
  const replay = new BacktestReplay(calibrationRows ? { ...config, calibration: undefined } : config, { bridgeRows });
  let from = 0;
  for (const c of chunks) {
    let rows;
    if (calibrationRows) {
      // the calibration rows in force up to the chunk's last book row
      const last = c.book.tsMs.length ? c.book.tsMs[c.book.tsMs.length - 1] : -Infinity;
      let to = from;
      while (to < calibrationRows.tMs.length && calibrationRows.tMs[to] <= last) to++;
      rows = { tMs: calibrationRows.tMs.slice(from, to), sigmaPricePerSqrtSec: calibrationRows.sigmaPricePerSqrtSec.slice(from, to), aPooledPerSec: calibrationRows.aPooledPerSec.slice(from, to), kPooledPerPrice: calibrationRows.kPooledPerPrice.slice(from, to) };
      from = to;
    }
    replay.feed(c.book, c.trades, rows);
  }
  return replay.finish();
}

describe('streamed replay = in-memory replay, bit for bit', () => {
  for (const s of settings) {
    describe(s.name, () => {
      const whole = runBacktest(book, trades, s.config);
      it('the in-memory run does something worth comparing (fills, masked decisions)', () => {
        expect(whole.fills.tsMs.length).toBeGreaterThan(20);
        expect(whole.maskedEvents.decisions).toBeGreaterThan(0);
      });
      for (const [name, cuts] of Object.entries(cutSets)) {
        it(`${name}`, () => {
          // bridgeRows: chunks replayed whole (default, 8192 > these chunks); in two parts with the rest as views
          // of the chunk (50); in two parts where rows before the head are still needed, so the rest is copied (10)
          for (const bridgeRows of [undefined, 50, 10]) expectSameResult(whole, streamed(splitTables(book, trades, cuts), s.config, undefined, bridgeRows));
        });
      }
    });
  }

  it('masks carried whole in each chunk they overlap, or only in the chunk they start in, give the same', () => {
    const s = settings[0];
    const whole = runBacktest(book, trades, s.config);
    for (const mode of ['overlap', 'start'] as MaskMode[]) expectSameResult(whole, streamed(splitTables(book, trades, cutSets['odd times (mid-second, inside a mask, one-row chunk)'], mode), s.config));
  });

  it('a calibration streamed chunk by chunk (rows in force by each chunk\'s last row) gives the same as a whole one', () => {
    for (const s of [settings[0], settings[1], settings[4]]) {
      const whole = runBacktest(book, trades, s.config);
      expectSameResult(whole, streamed(splitTables(book, trades, cutSets['sixty random cuts']), s.config, calibration));
      expectSameResult(whole, streamed(splitTables(book, trades, cutSets['five equal parts']), s.config, calibration, 40));
    }
  });

  it('chunks without trades (undefined, not empty) between chunks with trades carry the trades not yet replayed', () => {
    for (const s of [settings[0], settings[2]]) {
      const whole = runBacktest(book, trades, s.config);
      // chunks of a single book row and no trade, given without a trade table
      const single = [100_050, 250_020, 300_100, 470_030].flatMap((dt) => {
        const c = cutAtMs(book, trades, t0 + dt);
        return [c, { bookRow: c.bookRow + 1, tradeRow: c.tradeRow }];
      });
      const cuts = [...cutSets['five equal parts'], ...single].sort((a, b) => a.bookRow - b.bookRow);
      const chunks = splitTables(book, trades, cuts).map((c) => (c.trades.tsMs.length === 0 ? { book: c.book, trades: undefined } : c));
      const replay = new BacktestReplay(s.config);
      for (const c of chunks) replay.feed(c.book, c.trades);
      expect(chunks.filter((c) => c.trades === undefined).length).toBe(4);
      expectSameResult(whole, replay.finish());
    }
  });

  it('one chunk is runBacktest itself; the series streamed to a sink are the in-memory series', () => {
    const s = settings[1];
    const whole = runBacktest(book, trades, s.config);
    const pieces: Float64Array[][] = [];
    const replay = new BacktestReplay(s.config, { seriesSink: (p) => pieces.push([p.tMs.slice(), p.equity.slice(), p.inventory.slice(), p.bidPx.slice()]) });
    for (const c of splitTables(book, trades, cutSets['five equal parts'])) replay.feed(c.book, c.trades);
    const r = replay.finish();
    expect(r.series.tMs.length).toBe(0);
    expectSameResult(whole, r, false);
    expect(pieces.length).toBeGreaterThan(4);
    const cat = (k: number) => Float64Array.from(pieces.flatMap((p) => Array.from(p[k])));
    expect(Array.from(cat(0))).toEqual(Array.from(whole.series.tMs));
    expect(Array.from(cat(1))).toEqual(Array.from(whole.series.equity));
    expect(Array.from(cat(2))).toEqual(Array.from(whole.series.inventory));
    expect(Array.from(cat(3))).toEqual(Array.from(whole.series.bidPx));
  });

  it('the comparison can fail: a chunk of the trades dropped, or a cut moved by one row, changes the result', () => {
    const s = settings[0];
    const whole = runBacktest(book, trades, s.config);
    const chunks = splitTables(book, trades, cutSets['five equal parts']);
    const dropped = chunks.map((c, k) => (k === 2 ? { book: c.book, trades: { ...c.trades, tsMs: c.trades.tsMs.subarray(0, 0), id: c.trades.id.subarray(0, 0), side: c.trades.side.subarray(0, 0), px: c.trades.px.subarray(0, 0), sz: c.trades.sz.subarray(0, 0) } } : c));
    expect(() => expectSameResult(whole, streamed(dropped, s.config))).toThrow();
    // the same rows, with ten book rows' best bids a tick lower
    const bid0 = book.bidPx[0].slice();
    for (let r = 2000; r < 2010; r++) bid0[r] -= 0.01;
    const touched = runBacktest({ ...book, bidPx: [bid0, ...book.bidPx.slice(1)] }, trades, s.config);
    expect(() => expectSameResult(whole, touched)).toThrow();
  });
});

describe('streamed replay: chunks that cannot be replayed in order are errors', () => {
  const chunks = splitTables(book, trades, [cutAtMs(book, trades, t0 + 200_000), cutAtMs(book, trades, t0 + 400_000)]);
  const cfg = settings[2].config;

  it('chunks out of time order', () => {
    const replay = new BacktestReplay(cfg);
    replay.feed(chunks[1].book, chunks[1].trades);
    expect(() => replay.feed(chunks[0].book, chunks[0].trades)).toThrow(/book \(chunk 1\) row 0 is .*before the previous chunk's last row/);
  });

  it('a trade stamped before the previous chunk\'s last book row (it would have been replayed already)', () => {
    const replay = new BacktestReplay(cfg);
    replay.feed(chunks[0].book, chunks[0].trades.tsMs.length ? { ...chunks[0].trades, tsMs: chunks[0].trades.tsMs.subarray(0, 10), id: chunks[0].trades.id.subarray(0, 10), side: chunks[0].trades.side.subarray(0, 10), px: chunks[0].trades.px.subarray(0, 10), sz: chunks[0].trades.sz.subarray(0, 10) } : undefined);
    expect(() => replay.feed(chunks[1].book, chunks[0].trades)).toThrow(/trades \(chunk 1\) row 0 is .*before/);
  });

  it('a masked interval that starts in the time already replayed, or rewrites one passed', () => {
    const replay = new BacktestReplay(cfg);
    replay.feed(chunks[0].book, chunks[0].trades);
    const late = { ...chunks[1].book, masked: [{ fromMs: t0 + 150_000, toMs: t0 + 210_000, reason: 'late' }] };
    expect(() => replay.feed(late, chunks[1].trades)).toThrow(/starts at or before .*the time already replayed/);
  });

  it('feed after finish, and an empty run', () => {
    const replay = new BacktestReplay(cfg);
    replay.feed(chunks[0].book, chunks[0].trades);
    replay.finish();
    expect(() => replay.feed(chunks[1].book, chunks[1].trades)).toThrow(/feed after finish/);
    expect(() => new BacktestReplay(cfg).finish()).toThrow(/empty book/);
  });
});

describe('streamed replay with the orderCount queue model: the order counts follow their rows across chunks', () => {
  // a market simulated order by order, so the book carries counts per level; the orderCount model reads them at
  // the row of each fill, so a chunk (or a bridged head and rest) holding counts of other rows changes fills
  const om = generateOrderBookMarket({ seed: 3, durationSec: 300, bookDelayMs: 1 });
  const ot0 = om.book.tsMs[0];
  const config: BacktestConfig = { orderSize: om.unitQty, tickSize: om.tickSize, lotSize: om.unitQty, strategy: symmetricStrategy(1.5 * om.tickSize), fill: 'queue', queueModel: { name: 'orderCount' }, refreshMs: 0 };
  const whole = runBacktest(om.book, om.trades, config);
  it('the in-memory run fills enough to tell counts apart', () => {
    expect(om.book.bidCount).toBeDefined();
    expect(whole.fills.tsMs.length).toBeGreaterThan(20);
  });
  it('five equal parts, each replayed whole, as a bridged head and rest, and with the rest copied', () => {
    const cuts = [1, 2, 3, 4].map((k) => cutAtMs(om.book, om.trades, ot0 + k * 60_000));
    for (const bridgeRows of [undefined, 50, 10]) expectSameResult(whole, streamed(splitTables(om.book, om.trades, cuts), config, undefined, bridgeRows));
  });
});
