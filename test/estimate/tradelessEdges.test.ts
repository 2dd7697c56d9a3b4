import { describe, expect, it } from 'vitest';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { marketOrdersFromTrades } from '../../src/estimate/index.js';
import { StreamedMarketOrders } from '../../src/estimate/streamedMarketOrders.js';

// A trade record shorter than its book (the trades of half a day against the whole day's book) once left the
// trade-less half in the observed time: Â = N/T came out at half the true rate, with "nothing dropped". The
// record's ends with no trade for improbably long at the rate elsewhere are now left out, and said.

const SPAN_MS = 900_000;
const RATE_PER_SEC = 2;

/** A book row every 100 ms for 900 s at a fixed one-tick spread. */
function book(): BookTable {
  const n = SPAN_MS / 100 + 1;
  const col = (v: number) => new Float64Array(n).fill(v);
  return { kind: 'book', depth: 1, tsMs: Float64Array.from({ length: n }, (_, i) => 100 * i), bidPx: [col(100)], bidSz: [col(1)], askPx: [col(100.01)], askSz: [col(1)], meta: {} };
}

/** Poisson buys at RATE_PER_SEC between fromMs and toMs (seeded), whole ms, at the ask. */
function trades(fromMs: number, toMs: number, seed = 5): TradeTable {
  let s = seed;
  const uniform = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const ts: number[] = [];
  for (let t = fromMs - (Math.log(uniform()) / RATE_PER_SEC) * 1000; t < toMs; t -= (Math.log(uniform()) / RATE_PER_SEC) * 1000) {
    const ms = Math.floor(t);
    if (ts.length === 0 || ms > ts[ts.length - 1]) ts.push(ms);
  }
  const n = ts.length;
  return { kind: 'trades', tsMs: Float64Array.from(ts), id: Float64Array.from(ts, (_, i) => i), side: new Int8Array(n).fill(1), px: new Float64Array(n).fill(100.01), sz: new Float64Array(n).fill(0.1), meta: {} };
}

const ratePerSec = (p: { tsMs: Float64Array; observedMs: number }) => p.tsMs.length / (p.observedMs / 1000);

describe('a trade record shorter than the book', () => {
  it('the whole record: nothing left out, the rate recovered', () => {
    const o = marketOrdersFromTrades(book(), trades(0, SPAN_MS), 0.01);
    expect(o.tradelessMs).toBe(0);
    expect(o.observedMs).toBe(SPAN_MS);
    expect(Math.abs(ratePerSec(o) - RATE_PER_SEC) / RATE_PER_SEC).toBeLessThan(0.06); // 1,800 orders: 2.4 % s.e.
  });

  it('trades of the second half only: the first half is left out, named, and the rate is the true one, not half', () => {
    const o = marketOrdersFromTrades(book(), trades(SPAN_MS / 2, SPAN_MS), 0.01);
    expect(o.tradelessMs).toBeGreaterThan(SPAN_MS / 2 - 5_000);
    expect(o.tradelessMs).toBeLessThanOrEqual(SPAN_MS / 2 + 15_000); // the first trade's own wait after the cut
    expect(Math.abs(ratePerSec(o) - RATE_PER_SEC) / RATE_PER_SEC).toBeLessThan(0.09);
    expect(o.excluded[0].fromMs).toBe(0);
    expect(o.excluded[0].reason).toMatch(/trade record starts later than the book/);
  });

  it('trades of the first third only: the end is left out', () => {
    const o = marketOrdersFromTrades(book(), trades(0, SPAN_MS / 3), 0.01);
    expect(o.tradelessMs).toBeGreaterThan((2 * SPAN_MS) / 3 - 5_000);
    expect(Math.abs(ratePerSec(o) - RATE_PER_SEC) / RATE_PER_SEC).toBeLessThan(0.1);
    expect(o.excluded.at(-1)!.reason).toMatch(/ends earlier than the book/);
  });

  it('a quiet start of a few mean gaps is a quiet market, not a missing record', () => {
    // no trade in the first 4-6 s: at 2 orders/s, P(no order for 6 s) = e^-12 ≈ 6e-6, above the 1e-6 bar
    const all = trades(0, SPAN_MS);
    const from = all.tsMs.findIndex((x) => x >= 4_000);
    const t: TradeTable = { ...all, tsMs: all.tsMs.subarray(from), id: all.id.subarray(from), side: all.side.subarray(from), px: all.px.subarray(from), sz: all.sz.subarray(from) };
    expect(t.tsMs[0]).toBeLessThan(6_000);
    const o = marketOrdersFromTrades(book(), t, 0.01);
    expect(o.tradelessMs).toBe(0);
  });

  it('the streamed pairing (catalog runs) leaves out the same time', () => {
    const b = book();
    const t = trades(SPAN_MS / 2, SPAN_MS);
    const whole = marketOrdersFromTrades(b, t, 0.01);
    const s = new StreamedMarketOrders(0.01);
    const half = (b.tsMs.length - 1) / 2;
    const cut = (from: number, to: number): BookTable => ({ ...b, tsMs: b.tsMs.subarray(from, to), bidPx: [b.bidPx[0].subarray(from, to)], bidSz: [b.bidSz[0].subarray(from, to)], askPx: [b.askPx[0].subarray(from, to)], askSz: [b.askSz[0].subarray(from, to)] });
    s.feed(cut(0, half));
    s.feed(cut(half, b.tsMs.length), t);
    const { pairing } = s.finish();
    expect(pairing.tradelessMs).toBe(whole.tradelessMs);
    expect(pairing.observedMs).toBe(whole.observedMs);
  });
});
