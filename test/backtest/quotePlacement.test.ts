import { describe, expect, it } from 'vitest';
import { quotePlacement, runBacktest, type Strategy } from '../../src/backtest/index.js';
import type { BookTable } from '../../src/data/tables.js';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { join } from 'node:path';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** One-level book, one row per 100 ms, bid 99.5 / ask 100.5 (mid 100) until 500 ms, then bid 101.5 / ask 102.5 (mid 102). */
const rows = 10;
const ts = Float64Array.from({ length: rows }, (_, i) => i * 100);
const bid = Float64Array.from(ts, (t) => (t < 500 ? 99.5 : 101.5));
const flatBook: BookTable = { kind: 'book', depth: 1, tsMs: ts, bidPx: [bid], bidSz: [new Float64Array(rows).fill(1)], askPx: [bid.map((b) => b + 1)], askSz: [new Float64Array(rows).fill(1)], meta: {} };

describe('quotePlacement', () => {
  it('counts the decisions with each quote and gives the median distance from the mid in ticks', () => {
    // no bid for the first 300 ms; the bid 1 below the mid, the ask at 100.5 whatever the mid
    const strategy: Strategy = { name: 'test', requires: [], quote: (c) => ({ reservationPx: c.midPx, bidPx: c.elapsedSec < 0.3 ? NaN : c.midPx - 1, askPx: 103 }) };
    const r = runBacktest(flatBook, undefined, { strategy, fill: 'midCross', orderSize: 1, tickSize: 0.5, refreshMs: 0 });
    const q = quotePlacement(r, 0.5);
    expect(q.decisions).toBe(10);
    // bids at decisions 3..9, each 2 ticks (1.0) below the mid
    expect(q.bidQuoted).toBe(7);
    expect(q.bidMedianTicksFromMid).toBe(2);
    // asks at every decision: 6 ticks above mid 100 (five rows), 2 ticks above mid 102 (five rows): median (6 + 2) / 2
    expect(q.askQuoted).toBe(10);
    expect(q.askMedianTicksFromMid).toBe(4);
    expect(q.firstQuoteMs).toBe(0);
  });

  it('says NaN when a side is never quoted', () => {
    const none: Strategy = { name: 'none', requires: [], quote: () => ({ reservationPx: NaN, bidPx: NaN, askPx: NaN }) };
    const q = quotePlacement(runBacktest(flatBook, undefined, { strategy: none, fill: 'midCross', orderSize: 1, tickSize: 0.5, refreshMs: 0 }), 0.5);
    expect([q.bidQuoted, q.askQuoted]).toEqual([0, 0]);
    expect([q.bidMedianTicksFromMid, q.askMedianTicksFromMid, q.firstQuoteMs]).toEqual([NaN, NaN, NaN]);
  });

  it('asmm backtest prints where the quotes sat, and gives it in --json', () => {
    const dir = tempDir('asmm-quotes-');
    writeSampleMarket(dir, generateSampleMarket({ durationSec: 600, seed: 2 }));
    const args = ['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.03', '--report', join(dir, 'r.html')];
    const json = runAsmm([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const q = (JSON.parse(json.stdout) as { quotes: { bidQuoted: number; decisions: number; bidMedianTicksFromMid: number } }).quotes;
    expect(q.bidQuoted).toBe(q.decisions);
    // ±0.03 around the mid, rounded outward to the 0.01 tick: 3 ticks, or 3.5 when the mid sits on a half tick
    expect(q.bidMedianTicksFromMid).toBeGreaterThanOrEqual(3);
    expect(q.bidMedianTicksFromMid).toBeLessThanOrEqual(3.5);
    const text = runAsmm(args);
    // (printed to 4 significant digits: prices in binary floating point put the distance a hair off 3.5)
    expect(text.stdout).toContain(`quotes: bid at ${q.decisions} of ${q.decisions} decisions, a median ${Number(q.bidMedianTicksFromMid.toPrecision(4))} ticks below the mid`);
  });
});
