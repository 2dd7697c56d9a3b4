import { clipMasks, isoMs, maskedDurationMs, mergeMasks, type MaskedInterval } from '../data/masks.js';
import { emptyTradeTable, type BookTable, type TradeTable } from '../data/tables.js';
import { EstimationError } from './errors.js';
import { DEFAULT_MAX_STALENESS_MS, marketOrderColumns, MIN_UNPAIRED_FOR_ERROR, UnpairedTradesError, withTradelessEdges, type MarketOrders, type OrderPairing, type PairingOptions } from './marketOrders.js';

/** See `StreamedMarketOrders.soFar`. */
export interface PairingSoFar {
  /** Trades counted so far (paired, unpaired or masked). */
  readonly trades: number;
  readonly outsideMasks: number;
  /** Trades that cannot be paired: before the book's first row, or more than the staleness limit after the row in force. */
  readonly unpaired: number;
  /** Of them, those after the row in force (the book stopped, or lags): unlike the ones before its first row, more can come on any day. */
  readonly unpairedAfterRows: number;
  readonly maxStalenessMs: number;
  /** The unpaired after rows alone make the pairing's error (UnpairedTradesError's rule), on the trades so far. */
  readonly mostUnpaired: boolean;
}

/**
 * The warning of a progress line when most trades so far came too long after the book's row in force
 * (`soFar().mostUnpaired`): the run is heading for the pairing's error, which would otherwise come only after the
 * whole range, so the user can stop it now.
 * @example pairingWarning({ trades: 100, outsideMasks: 100, unpaired: 80, unpairedAfterRows: 80, maxStalenessMs: 5000, mostUnpaired: true }, 'Ctrl-C stops after this day.')
 * // 'WARNING 80 of 100 trades so far (80 %) came more than 5000 ms after the book's row in force ... Ctrl-C stops after this day.'
 */
export function pairingWarning(soFar: PairingSoFar, stop: string): string | undefined {
  if (!soFar.mostUnpaired) return undefined;
  const { outsideMasks, unpairedAfterRows, unpaired } = soFar;
  return (
    `WARNING ${unpairedAfterRows} of ${outsideMasks} trades so far${soFar.trades > outsideMasks ? ' outside masked intervals' : ''} (${((100 * unpairedAfterRows) / outsideMasks).toFixed(0)} %) came more than ${soFar.maxStalenessMs} ms ` +
    `after the book's row in force${unpaired > unpairedAfterRows ? ` (and ${unpaired - unpairedAfterRows} before its first row)` : ''}: they cannot be paired with the book (did it stop?), ` +
    `and unless later days make up for it, the run will end in that error. ${stop}`
  );
}

/** Market orders paired in one step of a streamed pairing (the columns of `MarketOrders`, no pairing summary). */
export type MarketOrderColumns = Omit<MarketOrders, keyof OrderPairing>;

/**
 * The book's masked intervals extended to the first book row stamped at or after each one's end
 * (`bookMasksToNextRow`), for a book that comes in chunks: an end is known once such a row has come; until
 * then the interval reaches at least past the last row fed, and is reported as endless (`extendedSoFar`),
 * which is exact for every time up to that row.
 */
export class StreamedBookMasks {
  /** every interval received (non-empty), in arrival order */
  readonly raw: MaskedInterval[] = [];
  /** per distinct end time, the first row stamped at or after it (NaN: none yet) */
  private readonly nextRowAfter = new Map<number, number>();
  private lastRowMs = -Infinity;

  /** The intervals of a chunk (before its rows are passed to `rows`). */
  add(masks: readonly MaskedInterval[] | undefined): void {
    if (!masks) return;
    for (const m of masks) {
      if (!(m.toMs > m.fromMs)) continue;
      if (!this.nextRowAfter.has(m.toMs)) {
        // a new end at or before rows already fed: the row after it is gone (masks come with the chunk they start in)
        if (m.toMs <= this.lastRowMs) throw new EstimationError(`masked interval [${m.fromMs}, ${m.toMs}) (${m.reason}) comes after the rows it covers: a chunk's masks must start at or after the previous chunk's last book row, ${this.lastRowMs}`);
        this.nextRowAfter.set(m.toMs, NaN);
      }
      this.raw.push(m);
    }
  }

  /** The chunk's book row stamps, in order. */
  rows(tsMs: Float64Array): void {
    if (tsMs.length === 0) return;
    for (const [toMs, at] of this.nextRowAfter) {
      if (!Number.isNaN(at)) continue;
      // the first row at or after toMs among these (rows before them are all earlier: else it was found then)
      let lo = 0;
      let hi = tsMs.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tsMs[mid] < toMs) lo = mid + 1;
        else hi = mid;
      }
      if (lo < tsMs.length) this.nextRowAfter.set(toMs, tsMs[lo]);
    }
    this.lastRowMs = tsMs[tsMs.length - 1];
  }

  /** The extended intervals, merged; an end not yet known is Infinity (exact up to the last row fed). */
  extendedSoFar(): MaskedInterval[] {
    return mergeMasks(mergeMasks(this.raw).map((m) => ({ ...m, toMs: this.extendedEnd(m.toMs, Infinity) })));
  }

  /** `bookMasksToNextRow` of the whole book, once every row has been fed. */
  extendedFinal(): MaskedInterval[] {
    return mergeMasks(mergeMasks(this.raw).map((m) => ({ ...m, toMs: this.extendedEnd(m.toMs, Math.max(m.toMs, this.lastRowMs)) })));
  }

  private extendedEnd(toMs: number, unknown: number): number {
    const at = this.nextRowAfter.get(toMs);
    return at === undefined || Number.isNaN(at) ? unknown : at;
  }
}

/**
 * `marketOrdersFromTrades` for a book and trades that come in chunks (day partitions): each `feed` pairs the
 * trades stamped before the chunk's last book row with the book in force (carried across the boundary) and
 * returns those orders; `finish` pairs the rest and gives the pairing summary. The orders of all steps,
 * concatenated, and the summary equal `marketOrdersFromTrades` on the concatenated tables exactly (same
 * rules, same order of operations; the counts and intervals are integers and sets).
 *
 * Trades stamped at or after the last book row fed wait for the next chunk: a row stamped the same ms may
 * still come (it counts as before the trade), and trades of one ms and side merge into one order. State kept:
 * the row in force (stamp, best bid, ask), the waiting trades, the masked intervals and the stale stretches
 * (a handful of intervals), the counts. Errors (`UnpairedTradesError`, no trade left) come at `finish`, with
 * the same messages.
 * @example
 * const pairing = new StreamedMarketOrders(0.01);
 * for (const day of days) calibration.feed(day.book, pairing.feed(day.book, day.trades), pairing.excludedSoFar());
 */
export class StreamedMarketOrders {
  readonly tickSize: number;
  private readonly maxStalenessMs: number;
  private readonly label: string;
  readonly bookMasks = new StreamedBookMasks();
  private readonly tradeMasks: MaskedInterval[] = [];
  private readonly stale: MaskedInterval[] = [];
  // the row in force
  private rowMs = NaN;
  private rowBid = NaN;
  private rowAsk = NaN;
  private firstMs = NaN;
  private lastMs = -Infinity;
  // trades waiting for the next chunk
  private waiting: TradeTable | undefined;
  // merging state (trades of one ms never straddle two steps)
  private currentMs = NaN;
  private counts = { n: 0, before: 0, after: 0, inMask: 0, stale: 0, merged: 0, orders: 0, firstTradeMs: NaN, lastTradeMs: NaN, firstOrderMs: NaN, lastOrderMs: NaN };
  /** No book row to come is stamped before this (see feed); `boundBroken`: a later chunk proved one wrong. */
  private throughMs = -Infinity;
  private boundBroken = false;

  constructor(tickSize: number, options: PairingOptions = {}) {
    if (!(tickSize > 0)) throw new EstimationError(`tick size must be positive, got ${tickSize}`);
    const maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
    if (!(maxStalenessMs >= 0)) throw new EstimationError(`the staleness limit must be non-negative, got ${maxStalenessMs} ms`);
    this.tickSize = tickSize;
    this.maxStalenessMs = maxStalenessMs;
    this.label = options.label ?? 'trades';
  }

  /**
   * Pairs the trades stamped before this chunk's last book row (and the ones waiting); returns their orders.
   * `throughMs`: no book row of a later chunk is stamped before it (a day partition's end), for `soFar`.
   */
  feed(book: BookTable, trades?: TradeTable, throughMs = -Infinity): MarketOrderColumns {
    // a row before the bound given with an earlier chunk: the bound was wrong, and soFar counts no waiting trade again
    if (book.tsMs.length > 0 && book.tsMs[0] < this.throughMs) this.boundBroken = true;
    this.throughMs = Math.max(this.throughMs, throughMs);
    this.bookMasks.add(book.masked);
    this.bookMasks.rows(book.tsMs);
    if (trades?.masked) for (const m of trades.masked) if (m.toMs > m.fromMs) this.tradeMasks.push(m);
    const nb = book.tsMs.length;
    const horizon = nb > 0 ? book.tsMs[nb - 1] : this.lastMs;
    const all = joinTrades(this.waiting, trades);
    let cut = 0;
    while (cut < all.tsMs.length && all.tsMs[cut] < horizon) cut++;
    const out = this.pair(book, all, 0, cut, false);
    this.waiting = cut < all.tsMs.length ? sliceTrades(all, cut) : undefined;
    // the book after the trades paired (the rows up to the horizon are in force for the waiting ones)
    return out;
  }

  /**
   * The intervals in which no order can be kept, so far (masks extended to the book's next row, trades'
   * masks, stale stretches), merged: exact up to the last book row fed (`rollingCalibration`'s `excluded`).
   */
  excludedSoFar(): MaskedInterval[] {
    const from = Number.isNaN(this.firstMs) ? -Infinity : this.firstMs;
    return clipMasks(mergeMasks(this.bookMasks.extendedSoFar(), this.tradeMasks, this.stale), from, Infinity) ?? [];
  }

  /**
   * The pairing's counts so far: the trades taken up to the last book row fed, and the waiting ones (stamped
   * after it) whose fate is known already, those stamped before the `throughMs` of the chunks fed (no row can
   * come before them: they pair with the last row, or are stale). `mostUnpaired`: the trades after the row in
   * force (stale) already make the error `finish` raises over the whole run (UnpairedTradesError's rule: at
   * least MIN_UNPAIRED_FOR_ERROR, and most of the trades outside masks). Trades before the book's first row do
   * not count there: they come at the start only, and every later day dilutes them; stale ones can come on any
   * day (the book stopped). For progress lines: an early sign, not the check (a book mask whose end is not
   * known yet covers the trades after it here; if the book never comes back, `finish` counts them after its
   * last row).
   */
  soFar(): PairingSoFar {
    const c = this.counts;
    let trades = c.n;
    let inMask = c.inMask;
    let before = c.before;
    let stale = c.stale + c.after;
    const waiting = this.waiting;
    if (waiting) {
      const masked = mergeMasks(this.bookMasks.extendedSoFar(), this.tradeMasks);
      const bound = this.boundBroken ? -Infinity : this.throughMs;
      for (let i = 0; i < waiting.tsMs.length && waiting.tsMs[i] < bound; i++) {
        const t = waiting.tsMs[i];
        trades++;
        if (inAny(masked, t)) inMask++;
        else if (Number.isNaN(this.rowMs)) before++;
        else if (t - this.rowMs > this.maxStalenessMs) stale++;
      }
    }
    const outsideMasks = trades - inMask;
    return { trades, outsideMasks, unpaired: before + stale, unpairedAfterRows: stale, maxStalenessMs: this.maxStalenessMs, mostUnpaired: stale >= MIN_UNPAIRED_FOR_ERROR && 2 * stale > outsideMasks };
  }

  /** Pairs the waiting trades against the whole book and returns them with the pairing's summary. */
  finish(): { orders: MarketOrderColumns; pairing: OrderPairing } {
    if (Number.isNaN(this.firstMs)) throw new EstimationError(`${this.label}: the book has no rows to pair the trades with`);
    const rest = this.waiting ?? emptyTradeTable();
    this.waiting = undefined;
    const orders = this.pair(undefined, rest, 0, rest.tsMs.length, true);
    const c = this.counts;
    const { firstMs, lastMs, maxStalenessMs, label } = this;
    const masked = mergeMasks(this.bookMasks.extendedFinal(), this.tradeMasks);
    const excluded = clipMasks(mergeMasks(masked, this.stale), firstMs, lastMs) ?? [];
    const maskedMs = maskedDurationMs(clipMasks(masked, firstMs, lastMs));
    const excludedMs = maskedDurationMs(excluded);
    const spanMs = lastMs - firstMs;
    const unpaired = c.before + c.after + c.stale;
    const outsideMasks = c.n - c.inMask;
    if (unpaired >= MIN_UNPAIRED_FOR_ERROR && 2 * unpaired > outsideMasks) {
      const range = (a: number, b: number) => `${iso(a)} .. ${iso(b)}`;
      throw new UnpairedTradesError(
        `${label}: ${unpaired} of ${outsideMasks} trades${c.inMask ? ` outside masked intervals` : ''} (${((100 * unpaired) / outsideMasks).toFixed(0)} %) cannot be paired with the book ` +
          `(${c.before} before its first row, ${c.after} after its last, ${c.stale} more than ${maxStalenessMs} ms after the row in force): ` +
          `book ${range(firstMs, lastMs)}, trades ${c.n ? range(c.firstTradeMs, c.lastTradeMs) : 'none'}; are they of another day or instrument, or did the book stop?`,
      );
    }
    if (c.orders === 0) {
      if (c.n === 0) throw new EstimationError(`${label}: no trades`);
      throw new EstimationError(`${label}: none of the ${c.n} trades can be paired with the book (${c.before} before its first row, ${c.after} after its last, ${c.inMask} in masked intervals, ${c.stale} stale)`);
    }
    // the record's ends without trades (see tradelessEdges)
    const { excludedAll, excludedAllMs } = withTradelessEdges(excluded, excludedMs, firstMs, lastMs, c.firstOrderMs, c.lastOrderMs, c.orders);
    return {
      orders,
      pairing: {
        tradesWithoutBook: c.before,
        tradesAfterBook: c.after,
        tradesStale: c.stale,
        maxStalenessMs,
        droppedInMask: c.inMask,
        tradesMerged: c.merged,
        spanMs,
        maskedMs,
        staleMs: excludedMs - maskedMs,
        tradelessMs: excludedAllMs - excludedMs,
        observedMs: spanMs - excludedAllMs,
        excluded: excludedAll,
      },
    };
  }

  /**
   * `marketOrdersFromTrades`'s loop over trades [from, to) of `trades`, merged with the rows of `book` (the
   * chunk; undefined at the end), the row in force carried in fields. `atEnd`: the last book row is known.
   */
  private pair(book: BookTable | undefined, trades: TradeTable, from: number, to: number, atEnd: boolean): MarketOrderColumns {
    const ts: number[] = [];
    const side: number[] = [];
    const reach: number[] = [];
    const mid: number[] = [];
    const beyond: number[] = [];
    const c = this.counts;
    const rows = book ? book.tsMs.length : 0;
    const bookTs = book?.tsMs;
    const tick = this.tickSize;
    const maxStale = this.maxStalenessMs;
    const masked = atEnd ? this.bookMasks.extendedFinal() : this.bookMasks.extendedSoFar();
    const tradeMasks = mergeMasks(this.tradeMasks);
    let r = -1;
    let buyOrder = -1;
    let sellOrder = -1;
    const advanceRow = (k: number) => {
      const t = bookTs![k];
      if (!Number.isNaN(this.rowMs) && t - this.rowMs > maxStale) this.stale.push({ fromMs: this.rowMs + maxStale, toMs: t, reason: `book stale: no row for more than ${maxStale} ms` });
      if (Number.isNaN(this.firstMs)) this.firstMs = t;
      this.rowMs = t;
      this.rowBid = book!.bidPx[0][k];
      this.rowAsk = book!.askPx[0][k];
      this.lastMs = t;
    };
    for (let i = from; i < to; i++) {
      const t = trades.tsMs[i];
      c.n++;
      if (c.n === 1) c.firstTradeMs = t;
      c.lastTradeMs = t;
      if (t !== this.currentMs) {
        this.currentMs = t;
        buyOrder = -1;
        sellOrder = -1;
      }
      while (r + 1 < rows && bookTs![r + 1] <= t) advanceRow(++r);
      if (inAny(masked, t) || inAny(tradeMasks, t)) {
        c.inMask++;
        continue;
      }
      if (Number.isNaN(this.rowMs)) {
        c.before++;
        continue;
      }
      if (atEnd && t > this.lastMs) {
        c.after++;
        continue;
      }
      if (t - this.rowMs > maxStale) {
        c.stale++;
        continue;
      }
      const s = trades.side[i];
      const px = trades.px[i];
      const existing = s > 0 ? buyOrder : sellOrder;
      if (existing >= 0) {
        c.merged++;
        if (s > 0 ? px > reach[existing] : px < reach[existing]) reach[existing] = px;
        beyond[existing] = ticksBeyond(s, reach[existing], s > 0 ? this.rowAsk : this.rowBid, tick);
        continue;
      }
      if (s > 0) buyOrder = ts.length;
      else sellOrder = ts.length;
      ts.push(t);
      side.push(s);
      reach.push(px);
      mid.push(0.5 * (this.rowBid + this.rowAsk));
      beyond.push(ticksBeyond(s, px, s > 0 ? this.rowAsk : this.rowBid, tick));
    }
    // the rest of the chunk's rows come into force (the waiting trades are stamped at or after them)
    while (r + 1 < rows) advanceRow(++r);
    if (ts.length > 0) {
      if (c.orders === 0) c.firstOrderMs = ts[0];
      c.lastOrderMs = ts[ts.length - 1];
    }
    c.orders += ts.length;
    return marketOrderColumns(ts, side, reach, mid, beyond, tick);
  }
}

/** Whether t lies in one of the intervals (any order: membership of a union does not depend on merging). */
function inAny(intervals: readonly MaskedInterval[], t: number): boolean {
  for (const m of intervals) if (m.fromMs <= t && t < m.toMs) return true;
  return false;
}

function ticksBeyond(side: number, px: number, touch: number, tick: number): number {
  const ticks = Math.round((side > 0 ? px - touch : touch - px) / tick);
  return ticks <= 0 || Number.isNaN(ticks) ? -1 : ticks - 1;
}

const iso = isoMs;

function sliceTrades(t: TradeTable, from: number): TradeTable {
  return { kind: 'trades', tsMs: t.tsMs.slice(from), id: t.id.slice(from), side: t.side.slice(from), px: t.px.slice(from), sz: t.sz.slice(from), meta: t.meta };
}

/** The waiting trades followed by a chunk's. */
function joinTrades(a: TradeTable | undefined, b: TradeTable | undefined): TradeTable {
  if (!a) return b ?? emptyTradeTable();
  if (!b) return a;
  const cat = <T extends Float64Array | Int8Array>(x: T, y: T): T => {
    const out = new (x.constructor as { new (n: number): T })(x.length + y.length);
    out.set(x, 0);
    out.set(y, x.length);
    return out;
  };
  return { kind: 'trades', tsMs: cat(a.tsMs, b.tsMs), id: cat(a.id, b.id), side: cat(a.side, b.side), px: cat(a.px, b.px), sz: cat(a.sz, b.sz), meta: b.meta };
}
