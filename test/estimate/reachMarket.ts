import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { createRng, deriveSeed, exponential } from '../../src/random/index.js';

// A generated market for the arrival-by-depth tests: a book whose touch never moves (best bid 100.00, best
// ask 100.01, tick 0.01, a row every 100 ms) and, per side, market orders arriving as a Poisson process of
// rate λ(0) whose reach J (whole ticks past the touch they trade at) has P(J ≥ j) = λ(j)/λ(0). A buy reaching
// J trades at 100.01 + J·0.01, a sell at 100.00 − J·0.01. So the rate of orders reaching depth j is λ(j)
// exactly, whatever λ is: the truth the fits are checked against is the λ given, not an estimate.

export const TICK = 0.01;
const BID = 10_000; // in ticks
const ASK = 10_001;

/** λ(j), per second, for j = 0, 1, 2, …: non-increasing, λ(0) > 0. */
export type Lambda = (j: number) => number;

/** λ(j) = A·e^{−k·tick·j} for j ≥ d0; below d0 each depth j < d0 gets `extra[j]` more per second on top. */
export function exponentialAbove(aPerSec: number, kPerPrice: number, d0: number, extra: readonly number[] = []): Lambda {
  return (j) => {
    let add = 0;
    for (let i = j; i < d0; i++) add += extra[i] ?? 0; // extra orders stopping at depth i reach every j ≤ i
    return aPerSec * Math.exp(-kPerPrice * TICK * j) + (j < d0 ? add : 0);
  };
}

/**
 * Like the real Binance capture: most orders stop at the touch, a few more one tick past it, and the rest
 * spread over a long flat tail (an exponential with a small k from 2 ticks out).
 */
export const captureLike: Lambda = (j) => (j === 0 ? 4.8 : j === 1 ? 1.35 : 1.29 * Math.exp(-0.2 * TICK * (j - 2)));

/** Draws J with P(J ≥ j) = λ(j)/λ(0), by inversion (j up to 100 000 ticks). */
function drawReach(lambda: Lambda, u: number): number {
  const l0 = lambda(0);
  let j = 0;
  while (j < 100_000 && lambda(j + 1) / l0 > u) j++;
  return j;
}

export interface ReachMarket {
  readonly book: BookTable;
  readonly trades: TradeTable;
  readonly durationSec: number;
}

/** `durationSec` of the market above, both sides with the same λ, deterministic from `seed`. */
export function generateReachMarket(lambda: Lambda, durationSec: number, seed: number): ReachMarket {
  const rows = Math.floor(durationSec * 10) + 1;
  const tsMs = Float64Array.from({ length: rows }, (_, i) => i * 100);
  const col = (v: number) => new Float64Array(rows).fill(v);
  // the touch sizes change from row to row: a book that never changes while trades print is a frozen feed, which
  // the commands mask (see deadBookStretches); the depths of the trades do not depend on them
  const sizes = () => Float64Array.from({ length: rows }, (_, i) => 1 + (i % 2));
  const book: BookTable = { kind: 'book', depth: 1, tsMs, bidPx: [col(BID * TICK)], bidSz: [sizes()], askPx: [col(ASK * TICK)], askSz: [sizes()], meta: { tickSize: TICK } };
  const rate = lambda(0) / 1000; // per ms
  const events: Array<[number, number, number]> = [];
  for (const side of [1, -1]) {
    const arrivals = createRng(deriveSeed(seed, side > 0 ? 'buys' : 'sells'));
    const reaches = createRng(deriveSeed(seed, side > 0 ? 'buy-reach' : 'sell-reach'));
    let lastMs = -1;
    for (let t = exponential(arrivals, rate); t < durationSec * 1000; t += exponential(arrivals, rate)) {
      // whole ms, one order per ms and side (same ms and side would be merged into one order)
      const ms = Math.max(Math.floor(t), lastMs + 1);
      if (ms >= durationSec * 1000) break;
      lastMs = ms;
      const j = drawReach(lambda, reaches.next());
      events.push([ms, side, (side > 0 ? ASK + j : BID - j) * TICK]);
    }
  }
  events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const trades: TradeTable = {
    kind: 'trades',
    tsMs: Float64Array.from(events, (e) => e[0]),
    id: Float64Array.from(events, (_, i) => i + 1),
    side: Int8Array.from(events, (e) => e[1]),
    px: Float64Array.from(events, (e) => Math.round(e[2] * 100) / 100),
    sz: Float64Array.from(events, () => 1),
    meta: { tickSize: TICK },
  };
  return { book, trades, durationSec: (rows - 1) / 10 };
}
