/**
 * Binance market-data streams as the hftbacktest collector records them (combined streams
 * `{"stream": "<symbol>@<name>", "data": {...}}`), and the depth-diff sequencing rule of each market.
 *
 * Diff depth streams (full book diffs):
 * - spot: `<symbol>@depth` (1000 ms) and `<symbol>@depth@100ms`;
 * - USD-M and COIN-M futures: `<symbol>@depth` (250 ms), `@depth@500ms`, `@depth@100ms`, and `@depth@0ms`
 *   (hftbacktest's futures collector). The spot API also accepts `@depth@1000ms`.
 * Partial book depth streams (`<symbol>@depth5`, `@depth10@100ms`, `@depth20@500ms`, …) are NOT diffs: they
 * carry the top levels only and are not recognised here (a capture holding only those has no diff stream).
 *
 * The stream name does not tell spot from futures (both have `@depth@100ms`); the messages do: a futures diff
 * carries `pu`, the final update id of the previous diff.
 * @see Binance Spot API, "WebSocket Streams": Diff. Depth Stream; "How to manage a local order book correctly".
 * @see Binance USD-M / COIN-M Futures API, "Diff. Book Depth Streams"; "How to manage a local order book correctly".
 */

/** What a recognised stream carries. */
export type BinanceStreamKind = 'depthDiff' | 'trade' | 'aggTrade' | 'bookTicker';

export interface BinanceStream {
  /** The stream's full name, e.g. `btcusdt@depth@0ms`. */
  readonly name: string;
  /** Symbol as in the stream name (lower case), e.g. `btcusdt`, `btcusd_perp`. */
  readonly symbol: string;
  readonly kind: BinanceStreamKind;
}

const DIFF_STREAM = /^([a-z0-9_.-]+)@depth(?:@(?:0|100|250|500|1000)ms)?$/;
const OTHER_STREAM = /^([a-z0-9_.-]+)@(trade|aggTrade|bookTicker)$/;

/**
 * The kind of a combined-stream name, or undefined when asmm does not read it (partial depth `@depth5`,
 * `@markPrice@1s`, `@kline_1m`, …: the caller counts and reports those).
 * @example classifyBinanceStream('btcusdt@depth@0ms') // { name: 'btcusdt@depth@0ms', symbol: 'btcusdt', kind: 'depthDiff' }
 * @example classifyBinanceStream('btcusdt@depth5@100ms') // undefined
 */
export function classifyBinanceStream(name: string): BinanceStream | undefined {
  const diff = DIFF_STREAM.exec(name);
  if (diff) return { name, symbol: diff[1], kind: 'depthDiff' };
  const other = OTHER_STREAM.exec(name);
  if (other) return { name, symbol: other[1], kind: other[2] as BinanceStreamKind };
  return undefined;
}

export type BinanceMarket = 'spot' | 'futures';

/** Update ids of one depth diff: first `U`, final `u`, and (futures) the previous diff's final `pu`. */
export interface DiffIds {
  readonly U: number;
  readonly u: number;
  readonly pu?: number;
}

/**
 * A market's rule for rebuilding a book from a REST snapshot (`lastUpdateId` L) and the diff stream:
 * 1. drop buffered diffs older than the snapshot (`isStale`);
 * 2. the first diff kept must straddle the snapshot (`connects`);
 * 3. each later diff must follow the previous one applied (`follows`); otherwise the book is broken (a gap)
 *    until the next snapshot.
 */
export interface SequenceRule {
  readonly market: BinanceMarket;
  /** The rule in words, for notes and stats. */
  readonly description: string;
  isStale(diff: DiffIds, lastUpdateId: number): boolean;
  connects(diff: DiffIds, lastUpdateId: number): boolean;
  follows(diff: DiffIds, previousU: number): boolean;
  /** Why `diff` does not follow: "U 1203 after u 1190" (spot), "pu 1190 after u 1185" (futures). */
  breakDetail(diff: DiffIds, previousU: number): string;
}

/**
 * Spot: drop diffs with u ≤ L; the first applied has U ≤ L + 1 ≤ u; then each U = previous u + 1.
 * @example SPOT_RULE.connects({ U: 10, u: 15 }, 9) // true (U ≤ 10 ≤ u)
 * @example SPOT_RULE.isStale({ U: 5, u: 9 }, 9) // true (u ≤ L)
 */
export const SPOT_RULE: SequenceRule = {
  market: 'spot',
  description: 'spot: drop diffs with u <= lastUpdateId; first applied has U <= lastUpdateId+1 <= u; then U = previous u + 1',
  isStale: (d, L) => d.u <= L,
  connects: (d, L) => d.U <= L + 1 && L + 1 <= d.u,
  follows: (d, prev) => d.U === prev + 1,
  breakDetail: (d, prev) => `U ${d.U} after u ${prev}`,
};

/**
 * USD-M and COIN-M futures: drop diffs with u < L; the first applied has U ≤ L ≤ u; then each pu = previous u.
 * Update ids are not contiguous (U of a diff is usually far above the previous u), which is why the spot rule
 * would report a gap at almost every futures diff.
 * One addition to the documented rule: a first diff whose `pu` equals L also connects (the snapshot is then
 * the book after the diff that ended at L, the very state this diff was computed from), e.g. when the diff
 * with u = L was not recorded; the documented test alone would call that a break.
 * @example FUTURES_RULE.connects({ U: 10, u: 15, pu: 8 }, 15) // true (U ≤ 15 ≤ u)
 * @example FUTURES_RULE.connects({ U: 17, u: 20, pu: 15 }, 15) // true (pu = L)
 * @example FUTURES_RULE.follows({ U: 40, u: 52, pu: 15 }, 15) // true (pu = previous u, though U ≠ 16)
 */
export const FUTURES_RULE: SequenceRule = {
  market: 'futures',
  description: 'futures (USD-M/COIN-M): drop diffs with u < lastUpdateId; first applied has U <= lastUpdateId <= u (or pu = lastUpdateId); then pu = previous u',
  isStale: (d, L) => d.u < L,
  connects: (d, L) => (d.U <= L && L <= d.u) || d.pu === L,
  follows: (d, prev) => d.pu === prev,
  breakDetail: (d, prev) => `pu ${d.pu} after u ${prev}`,
};

/** The rule for a diff message: futures when it carries `pu`, spot otherwise. */
export function sequenceRuleOf(data: Readonly<Record<string, unknown>>): SequenceRule {
  return data.pu !== undefined ? FUTURES_RULE : SPOT_RULE;
}
