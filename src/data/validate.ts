import { formatDurationMs, mergeMasks, subtractMasks, type MaskedInterval } from './masks.js';
import type { BookTable, TradeTable } from './tables.js';

/** A violated rule at one row: which field and why. */
export interface RowProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Checks row `i` of a book (and its order against row i − 1). Rules: finite timestamp, not earlier
 * than the previous row; each level has both price and size or neither; prices and sizes positive;
 * no hole before a present level; bids strictly descending, asks strictly ascending; best bid < best ask.
 */
export function bookRowProblem(book: BookTable, i: number): RowProblem | null {
  const ts = book.tsMs[i];
  if (!Number.isFinite(ts)) return { field: 'ts_ms', reason: 'missing or not a number' };
  if (i > 0 && ts < book.tsMs[i - 1]) return { field: 'ts_ms', reason: `timestamps not sorted (${ts} < previous ${book.tsMs[i - 1]})` };
  if (book.localTsMs && !Number.isFinite(book.localTsMs[i])) return { field: 'local_ts_ms', reason: 'missing or not a number' };
  for (let side = 0; side < 2; side++) {
    const problem = sideProblem(book, i, side === 0);
    if (problem) return problem;
  }
  const bid = book.bidPx[0][i];
  const ask = book.askPx[0][i];
  if (bid >= ask) return { field: 'ask_px_1', reason: `crossed or locked book: best bid ${bid} >= best ask ${ask}` };
  if (book.bidCount) return countProblem(book, i);
  return null;
}

/** Orders per level (`bidCount`, `askCount`): a whole number ≥ 0 where given (empty: unknown). */
function countProblem(book: BookTable, i: number): RowProblem | null {
  for (const [name, counts] of [['bid_cnt', book.bidCount], ['ask_cnt', book.askCount]] as const) {
    if (!counts) return { field: `${name}_1`, reason: 'order counts for one side only' };
    for (let level = 0; level < book.depth; level++) {
      const c = counts[level][i];
      if (c === c && !(c >= 0 && Number.isInteger(c))) return { field: `${name}_${level + 1}`, reason: `an order count must be a whole number of orders, 0 or more, got ${c}` };
    }
  }
  return null;
}

/** Level rules for one side of row `i`; allocation-free unless there is a problem. */
function sideProblem(book: BookTable, i: number, isBid: boolean): RowProblem | null {
  const pxs = isBid ? book.bidPx : book.askPx;
  const szs = isBid ? book.bidSz : book.askSz;
  const direction = isBid ? -1 : 1;
  const name = isBid ? 'bid' : 'ask';
  let previous = NaN;
  let ended = false;
  for (let level = 0; level < book.depth; level++) {
    const px = pxs[level][i];
    const sz = szs[level][i];
    const pxMissing = px !== px;
    const szMissing = sz !== sz;
    if (pxMissing !== szMissing) {
      return { field: `${name}_${pxMissing ? 'px' : 'sz'}_${level + 1}`, reason: `missing while ${name}_${pxMissing ? 'sz' : 'px'}_${level + 1} is present` };
    }
    if (pxMissing) {
      ended = true;
      continue;
    }
    if (ended) return { field: `${name}_px_${level + 1}`, reason: `level ${level + 1} present after a missing level` };
    if (!(px > 0 && px < Infinity)) return { field: `${name}_px_${level + 1}`, reason: `price must be positive and finite, got ${px}` };
    if (!(sz > 0 && sz < Infinity)) return { field: `${name}_sz_${level + 1}`, reason: `size must be positive and finite, got ${sz}` };
    if (level > 0 && !((px - previous) * direction > 0)) {
      return { field: `${name}_px_${level + 1}`, reason: `${name} prices must be strictly ${isBid ? 'descending' : 'ascending'} (${px} after ${previous})` };
    }
    previous = px;
  }
  return null;
}

/** Checks row `i` of a trade table: finite sorted timestamp, finite id, side ±1, positive price and size. */
export function tradeRowProblem(trades: TradeTable, i: number): RowProblem | null {
  const ts = trades.tsMs[i];
  if (!Number.isFinite(ts)) return { field: 'ts_ms', reason: 'missing or not a number' };
  if (i > 0 && ts < trades.tsMs[i - 1]) return { field: 'ts_ms', reason: `timestamps not sorted (${ts} < previous ${trades.tsMs[i - 1]})` };
  if (trades.localTsMs && !Number.isFinite(trades.localTsMs[i])) return { field: 'local_ts_ms', reason: 'missing or not a number' };
  if (!Number.isFinite(trades.id[i])) return { field: 'id', reason: 'missing or not a number' };
  const side = trades.side[i];
  if (side !== 1 && side !== -1) return { field: 'side', reason: `must be buy or sell` };
  const px = trades.px[i];
  if (!(px > 0) || !Number.isFinite(px)) return { field: 'px', reason: `price must be positive and finite, got ${px}` };
  const sz = trades.sz[i];
  if (!(sz > 0) || !Number.isFinite(sz)) return { field: 'sz', reason: `size must be positive and finite, got ${sz}` };
  return null;
}

/** Trades priced far from the book in force when they printed (see `tradesOffBook`). */
export interface TradesOffBook {
  /** Trades with a book in force (after its first row, with a mid). */
  readonly checked: number;
  /** Of those, priced more than `maxRelative` from the mid. */
  readonly off: number;
  /** The first of them: its row (0-based), time (ms), price, and the mid then; undefined when none. */
  readonly first?: { readonly row: number; readonly tsMs: number; readonly px: number; readonly midPx: number };
  /**
   * Of those checked, priced on the wrong side of the book in force, when that row is no older than the
   * staleness limit: a buy at or below the best bid, a sell at or above the best ask. A taker buys at the ask or through it, so few trades do this when trades and book
   * are in step (0 % in the sample market and the shared OKX capture, 2.4 % in the shared Binance capture,
   * from ms stamps); trades a minute out of step with their book do it half the time (48 % in the sample).
   */
  readonly wrongSide: number;
}

/**
 * Trades whose price is more than `maxRelative` (default 10 %) away from the mid of the book row in force
 * (the last row stamped at or before the trade): a trade file of another instrument, in other units, or
 * scaled wrongly, which a backtest would fill against (a trade 10 times the ask fills every bid). A market
 * that really moves 10 % moves its book too, so such trades are no market event. Trades before the first
 * row, or with a book row without a mid, are not checked. Rows must be in time order. The same pass counts the
 * trades on the wrong side of the book (`wrongSide`).
 * @example tradesOffBook(book, trades) // { checked: 3572, off: 0, wrongSide: 0 }
 */
export function tradesOffBook(book: BookTable, trades: TradeTable, maxRelative = 0.1): TradesOffBook {
  const ts = book.tsMs;
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  let row = -1;
  let checked = 0;
  let off = 0;
  let wrongSide = 0;
  let first: TradesOffBook['first'];
  if (!bid || !ask) return { checked, off, wrongSide };
  for (let i = 0; i < trades.tsMs.length; i++) {
    const t = trades.tsMs[i];
    while (row + 1 < ts.length && ts[row + 1] <= t) row++;
    if (row < 0) continue;
    const mid = 0.5 * (bid[row] + ask[row]);
    if (!(mid > 0)) continue;
    checked++;
    const px = trades.px[i];
    if (Math.abs(px - mid) > maxRelative * mid) {
      off++;
      first ??= { row: i, tsMs: t, px, midPx: mid };
    }
    // (judged against a fresh row only: trades after a book that stopped are the pairing's to report)
    if (t - ts[row] <= DEFAULT_MAX_STALENESS_MS && (trades.side[i] > 0 ? px <= bid[row] : px >= ask[row])) wrongSide++;
  }
  return first ? { checked, off, wrongSide, first } : { checked, off, wrongSide };
}

/**
 * The default limit on how long after a book row a trade may still be paired with it, ms, and how long a
 * book may show no change while trades print before it counts as dead (see deadBookStretches). The real captures
 * at hand show rows at most 200 ms apart (Binance spot diffs at 100 ms; OKX `books` pushes 113 ms apart at the
 * median, 188 ms at most) and trades at most 191 ms after the row in force, so 5 s is 25 times the longest
 * interval seen: it flags a book that stopped (or trades of another day) and leaves a live feed alone. On a
 * feed that pushes only on change, a quiet book can be older than this and still right: raise the limit there.
 */
export const DEFAULT_MAX_STALENESS_MS = 5000;

/**
 * Where a book is stale: from `maxStalenessMs` after a row until the next row, wherever rows are more than
 * `maxStalenessMs` apart (the book stopped, or the recording had a hole). Trades there are not paired, and σ
 * takes no increment across them: the price carried through a stopped book is no flat price. With `prices`
 * (σ's series), only rows with a price count: rows without one (a side of the book empty: no mid) carry the
 * last price, and a stretch of them longer than the limit is stale too. `lastBeforeMs`: the last row with a
 * price before these (a streamed chunk's predecessor), so that a stretch across the boundary is found.
 * @example staleStretches([0, 1000, 20000], 5000) // [{ fromMs: 6000, toMs: 20000, reason: 'book stale: …' }]
 */
export function staleStretches(tsMs: ArrayLike<number>, maxStalenessMs: number, prices?: ArrayLike<number>, lastBeforeMs = NaN): MaskedInterval[] {
  const stale: MaskedInterval[] = [];
  // the last row with a price (before the table: `lastBeforeMs`, a streamed chunk's predecessor)
  let lastMs = lastBeforeMs;
  let lastRow = -1;
  for (let r = 0; r < tsMs.length; r++) {
    if (prices && Number.isNaN(prices[r])) continue;
    if (tsMs[r] - lastMs > maxStalenessMs) {
      const what = r === lastRow + 1 ? 'no row' : 'no row with a price';
      stale.push({ fromMs: lastMs + maxStalenessMs, toMs: tsMs[r], reason: `book stale: ${what} for more than ${maxStalenessMs} ms` });
    }
    lastMs = tsMs[r];
    lastRow = r;
  }
  return stale;
}

/** Trades printed inside a dead-book stretch before it counts as one (see deadBookStretches). */
export const DEAD_BOOK_MIN_TRADES = 3;

/**
 * Where a book was dead while the market traded: from `maxStalenessMs` after its last change (a row whose
 * levels, prices and sizes at every level, differ from the row before; its first row counts as one) until its
 * next change, wherever that is longer than `maxStalenessMs` and at least `minTrades` trades printed inside.
 * Two feeds look like this: a book that stopped while trades went on (no rows), and a frozen book whose rows
 * keep coming with the same levels (a resampled or forward-filled file, a feed stuck on one snapshot). A live
 * book changes with the trades that take its liquidity, so neither is a quiet market; quoting and filling
 * against it gives fills at prices the market left long ago, and σ from it is wrong. The intervals are masks
 * (see masks.ts): half-open, in exchange ms, outside the book's own masks. The last stretch ends at the book's
 * last row. Rows and trades in time order. One table at a time: see DeadBookTracker.
 * @example
 * // rows at 0 (bid 99/ask 101) and then every second with the same levels until 60 s, trades every 2 s:
 * deadBookStretches(book, trades, 5000) // [{ fromMs: 5000, toMs: 60000, reason: 'book frozen: …' }]
 */
export function deadBookStretches(book: BookTable, trades: TradeTable, maxStalenessMs: number, minTrades = DEAD_BOOK_MIN_TRADES): MaskedInterval[] {
  return mergeMasks(new DeadBookTracker(maxStalenessMs, minTrades).feed(book, trades));
}

/**
 * deadBookStretches over a book and trades that come in consecutive chunks (a catalog's days): the last change,
 * its levels and the trades since are carried from chunk to chunk, and each `feed` returns the dead time it can
 * tell up to `throughMs`, the chunk's end (the day's end; omitted for the last chunk, which ends at its last
 * row, as the book does). Their union is what deadBookStretches gives on the chunks put together, with one
 * exception: a stretch whose trades reach `minTrades` only in a later chunk is returned then, from its start in
 * an earlier chunk, which that chunk's replay has already passed.
 */
export class DeadBookTracker {
  private levels: Float64Array | null = null;
  private changeMs = NaN;
  /** Rows after the last change with the same levels. */
  private sameRows = 0;
  /** Trades at or after the stretch's start (`changeMs + maxStalenessMs`) counted so far. */
  private tradesInStretch = 0;
  /** Where the part already returned of the current stretch ends (−∞: nothing returned yet). */
  private returnedUntil = -Infinity;
  /** Trades of earlier chunks after their last row, not yet counted. */
  private carried: number[] = [];

  constructor(
    private readonly maxStalenessMs: number,
    private readonly minTrades = DEAD_BOOK_MIN_TRADES,
  ) {}

  feed(book: BookTable, trades: TradeTable | undefined, throughMs?: number): MaskedInterval[] {
    const ts = book.tsMs;
    const rows = ts.length;
    const out: MaskedInterval[] = [];
    const tradeTs = trades?.tsMs ?? new Float64Array(0);
    let k = 0;
    // trades before `to` and at or after the stretch's start join its count
    const countUntil = (to: number) => {
      const from = this.changeMs + this.maxStalenessMs;
      if (this.carried.length > 0) {
        const keep: number[] = [];
        for (const t of this.carried) {
          if (t >= to) keep.push(t);
          else if (t >= from) this.tradesInStretch++;
        }
        this.carried = keep;
      }
      while (k < tradeTs.length && tradeTs[k] < to) {
        if (tradeTs[k] >= from) this.tradesInStretch++;
        k++;
      }
    };
    const close = (to: number) => {
      const from = Math.max(this.changeMs + this.maxStalenessMs, this.returnedUntil);
      countUntil(to);
      if (to > from && this.tradesInStretch >= this.minTrades) {
        const limit = formatDurationMs(this.maxStalenessMs);
        out.push({ fromMs: from, toMs: to, reason: this.sameRows > 0 ? `book frozen: the same levels for more than ${limit} while trades printed` : `book stopped: no row for more than ${limit} while trades printed` });
        this.returnedUntil = to;
      }
    };
    const columns = [book.bidPx, book.bidSz, book.askPx, book.askSz];
    const depth = book.depth;
    for (let r = 0; r < rows; r++) {
      // the row before: the kept levels for a chunk's first row, else the row above in the chunk
      const same = r === 0 ? this.levels !== null && this.sameAsKept(columns, depth, r) : sameRows(columns, depth, r);
      if (same) {
        this.sameRows++;
        continue;
      }
      if (this.levels !== null || r > 0) close(ts[r]);
      this.changeMs = ts[r];
      this.sameRows = 0;
      this.tradesInStretch = 0;
      this.returnedUntil = -Infinity;
    }
    if (rows > 0) this.keepLevels(columns, depth, rows - 1);
    // the stretch open at the chunk's end: up to its end when another chunk follows, else up to its last row
    if (this.levels !== null && (throughMs !== undefined || rows > 0)) close(throughMs ?? ts[rows - 1]);
    // trades after that wait for the next chunk (after the last chunk's last row, they are after the book)
    for (; k < tradeTs.length; k++) this.carried.push(tradeTs[k]);
    // what the book's own masks cover already is theirs
    return subtractMasks(out, book.masked);
  }

  /**
   * Whether the stretch open after the last chunk fed has a part past the staleness limit before `throughMs`
   * (the chunk's end) that is not dead yet (fewer than `minTrades` trades in it so far): a later chunk may still
   * make it dead, from its start. Call after `feed` with the same `throughMs`.
   */
  undecidedBefore(throughMs: number): boolean {
    return this.levels !== null && this.changeMs + this.maxStalenessMs < throughMs && this.tradesInStretch < this.minTrades;
  }

  /** Keeps row `r` of `columns` (bid prices, bid sizes, ask prices, ask sizes; `depth` levels each). */
  private keepLevels(columns: ReadonlyArray<readonly Float64Array[]>, depth: number, r: number): void {
    const n = 4 * depth;
    if (this.levels === null || this.levels.length !== n) this.levels = new Float64Array(n);
    let j = 0;
    for (const side of columns) for (let level = 0; level < depth; level++) this.levels[j++] = side[level][r];
  }

  /** Whether row `r` of `columns` shows the kept levels (missing levels, NaN, alike). */
  private sameAsKept(columns: ReadonlyArray<readonly Float64Array[]>, depth: number, r: number): boolean {
    const kept = this.levels!;
    if (kept.length !== 4 * depth) return false;
    let j = 0;
    for (const side of columns) {
      for (let level = 0; level < depth; level++) {
        if (!sameValue(side[level][r], kept[j++])) return false;
      }
    }
    return true;
  }
}

/** Whether row `r` of `columns` (see DeadBookTracker) shows the levels of row `r − 1` (missing levels, NaN, alike). */
function sameRows(columns: ReadonlyArray<readonly Float64Array[]>, depth: number, r: number): boolean {
  for (let c = 0; c < 4; c++) {
    const side = columns[c];
    for (let level = 0; level < depth; level++) {
      const col = side[level];
      if (!sameValue(col[r], col[r - 1])) return false;
    }
  }
  return true;
}

/** The same level value: equal, or both missing (NaN). */
const sameValue = (a: number, b: number): boolean => a === b || (a !== a && b !== b);
