import { mergeMasks, spansMask } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { EstimationError } from './errors.js';
import { bookMasksToNextRow, marketOrderColumns, type MarketOrders } from './marketOrders.js';

/**
 * Market orders INFERRED from book snapshots alone (no trades recorded). Label every estimate made from
 * these "inferred": they are an approximation whose biases are listed on `marketOrdersFromBook`.
 * The trade counts of `OrderPairing` are 0 (there are no trades); `droppedInMask` counts the row pairs skipped
 * because they overlap a masked interval of the book, and `observedMs` is the span net of the masked time.
 */
export interface InferredMarketOrders extends MarketOrders {
  readonly inferred: true;
  /** Consecutive row pairs compared (rows − 1). */
  /** Quantity each inferred order took: the touch's decrease, or the sizes of the levels it consumed (base units). */
  readonly qty: Float64Array;
  readonly rowPairs: number;
  /** Row pairs skipped on a side because its best price was missing in either row. */
  readonly sidesSkipped: number;
  /** Seconds from the first to the last book row net of the masked time (observedMs / 1000): the T to give `fitArrivalMle`. */
  readonly durationSec: number;
}

/**
 * Infers market orders from the depletion of the touch and from price moves between consecutive book rows,
 * for books without trades (such as the reference system's books5 CSV). At most one order per side per
 * row pair. For rows i − 1 → i, on the ask side (buy orders; the bid side is the mirror image, sells):
 * - the best ask rose: the old levels below the new best ask were consumed, so one buy reached the highest
 *   old level below the new best ask. When every visible old level lies below it (the sweep went past the
 *   visible depth, and all `depth` levels were shown), the reach is the new best ask − 1 tick, assuming a
 *   level on every tick;
 * - the best ask is unchanged and its size fell: one buy at the touch;
 * - otherwise (the best ask fell, or its size held or grew): nothing.
 * Each order is stamped with the later row's ts (it happened in between), its mid is the previous row's
 * (bid + ask)/2 and depthPx is counted from that mid; ticksBeyondTouch counts from the previous row's best
 * price exactly as `marketOrdersFromTrades` does (−1 at the touch).
 *
 * An approximation, to be labelled "inferred" wherever its A and k are shown. Its biases:
 * - cancellations at the touch are counted as executions (a size decrease, or a whole touch cancelled, looks
 *   like a buy or sell at the touch): Â biased UP, by about the cancellation rate (Â ≈ A + C, so × (1 + C/A));
 *   k̂ barely moves, since these false orders stop at the touch and k̂ only uses orders past it;
 * - several orders on one side between two rows become one, and an execution followed within the interval by
 *   replenishment (limit orders joining the touch, a level posted back inside the spread) is missed or looks
 *   shallower: Â biased DOWN, by at least the merge factor (1 − e^{−x})/x, x = A·Δ for a snapshot interval Δ,
 *   and more with fast replenishment; k̂ biased either way: merged orders look like one deeper order (k̂ down),
 *   replenished levels make reaches look shallower (k̂ up);
 * - price moves that come from quote changes (a whole touch cancelled, a quote withdrawn) are counted as
 *   sweeps, and hidden levels beyond the visible depth are assumed to exist on every tick: the reach, and so
 *   k̂, is biased either way;
 * - depth is counted from the previous row's mid, which may be stale by up to one interval.
 * Masked intervals of the book (`book.masked`): a row pair that overlaps one (either row inside it, or the
 * interval between them: the later row is the book rebuilt after it) is skipped and counted in
 * `droppedInMask`; the masked time, to the first row stamped at or after each interval's end, is left out
 * of `observedMs` and `durationSec`.
 * Measured on `generateDepletingMarket` (seed 1, 1 h, A = 1 /s and k = 50 /USDT = 0.5 per tick per side,
 * replenishment 5 /s per side; test/estimate/bookInferred.test.ts prints them), inferred / MLE on the true
 * orders, pooled:
 *
 * | snapshots | confounder | Â ratio | k̂ ratio |
 * | --- | --- | --- | --- |
 * | 10 ms | none | 0.982 | 0.996 |
 * | 100 ms | none | 0.844 | 0.987 |
 * | 1000 ms | none | 0.394 | 0.955 |
 * | 10 ms | cancellations 0.5 /s | 1.452 | 0.997 |
 * | 100 ms | cancellations 0.5 /s | 1.199 | 0.985 |
 * | 100 ms | touch additions 2 /s | 0.823 | 0.984 |
 *
 * Keep the snapshot interval short relative to 1/A and to the replenishment time: at 1 s (the reference CSV's
 * resolution) Â can be less than half of A. These numbers hold for that model only; where cancellations at the
 * touch outnumber executions, Â from books alone can be several times A.
 * @throws EstimationError when the tick size is not positive or the book has fewer than 2 rows.
 * @example
 * // asks 100.01 → 100.03 (two old levels consumed), bids unchanged except the touch size 2 → 1.5:
 * // one buy reaching 100.02 (ticksBeyondTouch 0) and one sell at the touch 100.00 (ticksBeyondTouch −1)
 */
export function marketOrdersFromBook(book: BookTable, tickSize: number): InferredMarketOrders {
  if (!(tickSize > 0)) throw new EstimationError(`tick size must be positive, got ${tickSize}`);
  const rows = book.tsMs.length;
  if (rows < 2) throw new EstimationError(`inferring market orders needs at least 2 book rows, got ${rows}`);
  const toTicks = (px: number) => Math.round(px / tickSize);
  const ts: number[] = [];
  const side: number[] = [];
  const reach: number[] = [];
  const mid: number[] = [];
  const beyond: number[] = [];
  const qty: number[] = [];
  let skipped = 0;
  let inMask = 0;
  const depth = book.depth;
  const masks = mergeMasks(book.masked);
  for (let i = 1; i < rows; i++) {
    if (masks.length && spansMask(masks, book.tsMs[i - 1], book.tsMs[i])) {
      inMask++;
      continue;
    }
    const midPrev = 0.5 * (book.bidPx[0][i - 1] + book.askPx[0][i - 1]);
    for (const s of [1, -1] as const) {
      const px = s > 0 ? book.askPx : book.bidPx;
      const sz = s > 0 ? book.askSz : book.bidSz;
      const oldBest = px[0][i - 1];
      const newBest = px[0][i];
      if (Number.isNaN(oldBest) || Number.isNaN(newBest)) {
        skipped++;
        continue;
      }
      const o = toTicks(oldBest);
      const nw = toTicks(newBest);
      let reachTicks: number;
      let reachPrice = oldBest;
      let executed = 0;
      if ((nw - o) * s > 0) {
        // the best moved outward: old levels strictly inside the new best were consumed
        reachTicks = o;
        let all = true;
        for (let l = 0; l < depth; l++) {
          const v = px[l][i - 1];
          if (Number.isNaN(v)) {
            all = false;
            break;
          }
          const t = toTicks(v);
          if ((nw - t) * s > 0) {
            reachTicks = t;
            reachPrice = v;
            executed += sz[l][i - 1];
          } else {
            all = false;
            break;
          }
        }
        if (all) {
          reachTicks = nw - s;
          reachPrice = Number((newBest - s * tickSize).toPrecision(15));
        }
      } else if (nw === o && sz[0][i] < sz[0][i - 1]) {
        reachTicks = o;
        executed = sz[0][i - 1] - sz[0][i];
      } else continue;
      qty.push(executed);
      ts.push(book.tsMs[i]);
      side.push(s);
      reach.push(reachPrice);
      mid.push(midPrev);
      beyond.push((reachTicks - o) * s - 1);
    }
  }
  const firstMs = book.tsMs[0];
  const lastMs = book.tsMs[rows - 1];
  const excluded = bookMasksToNextRow(book)
    .map((m) => ({ fromMs: Math.max(m.fromMs, firstMs), toMs: Math.min(m.toMs, lastMs), reason: m.reason }))
    .filter((m) => m.toMs > m.fromMs);
  let maskedMs = 0;
  for (const m of excluded) maskedMs += m.toMs - m.fromMs;
  const spanMs = lastMs - firstMs;
  return {
    inferred: true,
    qty: Float64Array.from(qty),
    ...marketOrderColumns(ts, side, reach, mid, beyond, tickSize),
    tradesWithoutBook: 0,
    tradesAfterBook: 0,
    tradesStale: 0,
    maxStalenessMs: Infinity,
    droppedInMask: inMask,
    tradesMerged: 0,
    spanMs,
    maskedMs,
    staleMs: 0,
    tradelessMs: 0,
    observedMs: spanMs - maskedMs,
    excluded,
    rowPairs: rows - 1,
    sidesSkipped: skipped,
    durationSec: (spanMs - maskedMs) / 1000,
  };
}

/**
 * Inferred market orders as a trade table for the backtester's `tradeThrough` and `queue` fill models on
 * books-only data: one trade per inferred order at its reach price with its inferred quantity, stamped 1 µs
 * before the book row that revealed it (the execution happened between the two rows, so it is replayed
 * before the row that already shows its effect). An approximation: see `marketOrdersFromBook`.
 */
export function inferredTradeTable(orders: InferredMarketOrders): TradeTable {
  const n = orders.tsMs.length;
  return {
    kind: 'trades',
    tsMs: orders.tsMs.map((t) => t - 0.001),
    id: Float64Array.from({ length: n }, (_, i) => i + 1),
    side: orders.side.slice(),
    px: orders.reachPx.slice(),
    sz: orders.qty.slice(),
    meta: { source: 'executions inferred from the book (no trades recorded)' },
  };
}
