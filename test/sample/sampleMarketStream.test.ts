import { describe, expect, it } from 'vitest';
import { generateSampleMarket, SampleMarketStream, sampleMarketDays, type SampleMarket } from '../../src/sample/index.js';

/** Pieces put end to end, column by column. */
function concat(pieces: readonly SampleMarket[]) {
  const cat = (arrays: ArrayLike<number>[]) => arrays.flatMap((a) => Array.from(a));
  const depth = pieces[0].book.depth;
  return {
    tsMs: cat(pieces.map((p) => p.book.tsMs)),
    trueMid: cat(pieces.map((p) => p.trueMid)),
    bidSz: Array.from({ length: depth }, (_, l) => cat(pieces.map((p) => p.book.bidSz[l]))),
    askPx: Array.from({ length: depth }, (_, l) => cat(pieces.map((p) => p.book.askPx[l]))),
    tradeTs: cat(pieces.map((p) => p.trades.tsMs)),
    tradeId: cat(pieces.map((p) => p.trades.id)),
    tradeSide: cat(pieces.map((p) => p.trades.side)),
    tradePx: cat(pieces.map((p) => p.trades.px)),
    tradeSz: cat(pieces.map((p) => p.trades.sz)),
    tradeDepth: cat(pieces.map((p) => p.tradeDepth)),
  };
}

describe('the sample market a piece at a time', () => {
  const params = { durationSec: 1800, seed: 11, snapshotIntervalMs: 100 };
  const whole = concat([generateSampleMarket(params)]);

  it('gives the whole market bit for bit however it is cut (odd piece sizes, one row, the rest)', () => {
    const stream = new SampleMarketStream(params);
    const pieces: SampleMarket[] = [];
    for (const rows of [1, 999, 4321, 7, 2500]) pieces.push(stream.next(rows));
    pieces.push(stream.next(stream.rowsLeft));
    expect(stream.rowsLeft).toBe(0);
    expect(stream.next(10).book.tsMs.length).toBe(0);
    const cut = concat(pieces);
    for (const key of Object.keys(whole) as Array<keyof typeof whole>) expect(cut[key], key).toEqual(whole[key]);
    // trade ids run on across pieces, from 1
    expect(cut.tradeId[0]).toBe(1);
    expect(cut.tradeId[cut.tradeId.length - 1]).toBe(cut.tradeId.length);
  });

  it('skipToEnd gives the last true mid and the trade count of the rows it does not make, from the start or after a piece', () => {
    const lastMid = whole.trueMid[whole.trueMid.length - 1];
    expect(whole.tradeTs.length).toBeGreaterThan(1000);
    const fresh = new SampleMarketStream(params);
    expect(fresh.skipToEnd()).toEqual({ lastTrueMid: lastMid, trades: whole.tradeTs.length });
    expect(fresh.rowsLeft).toBe(0);
    const cut = new SampleMarketStream(params);
    const first = cut.next(4321);
    expect(cut.skipToEnd()).toEqual({ lastTrueMid: lastMid, trades: whole.tradeTs.length });
    expect(first.trades.tsMs.length).toBeLessThan(whole.tradeTs.length);
    // other parameters: faster trading, a coarser step, both sides at another rate of depth
    const other = { durationSec: 900, seed: 3, snapshotIntervalMs: 250, arrivalRatePerSec: 7, kPerPrice: 2 };
    const otherWhole = generateSampleMarket(other);
    expect(new SampleMarketStream(other).skipToEnd()).toEqual({ lastTrueMid: otherWhole.trueMid[otherWhole.trueMid.length - 1], trades: otherWhole.trades.tsMs.length });
    // a market done: nothing more
    expect(fresh.skipToEnd()).toEqual({ lastTrueMid: lastMid, trades: whole.tradeTs.length });
  });

  it('cuts at UTC midnights, one piece a day, the same market as one run', () => {
    // 2.5 days at 5 s from 18:00 UTC: a partial first day, two whole days, a partial last (0.2 market orders/s a side)
    const days = { durationSec: 2.5 * 86_400, seed: 4, snapshotIntervalMs: 5000, arrivalRatePerSec: 0.2, startMs: Date.UTC(2026, 0, 1, 18) };
    const pieces = [...sampleMarketDays(days)];
    expect(pieces.map((p) => p.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(pieces.map((p) => p.book.tsMs.length)).toEqual([6 * 720, 17_280, 17_280, (2.5 * 86_400 - 6 * 3600 - 2 * 86_400) / 5]);
    for (const p of pieces) {
      const first = p.book.tsMs[0];
      const last = p.book.tsMs[p.book.tsMs.length - 1];
      expect(new Date(first).toISOString().slice(0, 10)).toBe(p.date);
      expect(new Date(last).toISOString().slice(0, 10)).toBe(p.date);
    }
    const all = concat([generateSampleMarket(days)]);
    const cut = concat(pieces);
    for (const key of Object.keys(all) as Array<keyof typeof all>) expect(cut[key], key).toEqual(all[key]);
  });
});
