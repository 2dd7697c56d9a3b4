import { type BookTable } from '../data/tables.js';
import { ReferenceRollingStd } from '../estimate/volatility.js';
import { REFERENCE_ROW, referenceSystemOrderSizesInto, referenceSystemQuotesInto } from '../model/referenceSystem.js';

/**
 * Options of the seed-compatible run: the arguments of the reference's market maker and its constants.
 * Defaults: γ 0.1, no initial inventory or cash, orders of 0.1 within |q| ≤ 3, five own orders per side,
 * windows of 200 rows.
 */
export interface SeedCompatOptions {
  readonly gamma?: number;
  /** Its q at the start, base units. */
  readonly initialInventory?: number;
  /** Its initial cash, quote currency. */
  readonly initialCash?: number;
  /** Size of both orders while |q| ≤ inventoryLimit, base units. */
  readonly orderSize?: number;
  /** |q| beyond which one side gets no order and the other a λ-sized one (see referenceSystemOrderSizes). */
  readonly inventoryLimit?: number;
  /** Own orders kept per side: the best-priced ones. */
  readonly ordersPerSide?: number;
  /** Rows in the σ window (std of the mids) and in the message-rate window. */
  readonly windowRows?: number;
}

/** The per-row columns of a seed-compatible run (units below), shared by a stored run and a block of one. */
export interface SeedCompatColumnsOfRows {
  readonly tsMs: Float64Array;
  readonly midPx: Float64Array;
  /** The reference's σ: rolling std of the last N mids (a price level). */
  readonly sigmaPriceLevel: Float64Array;
  /** Its message rate: N rows over the seconds they span (1 s clock), messages per second. */
  readonly messageRatePerSec: Float64Array;
  /** Its k: 1 / message rate, seconds per message. */
  readonly k: Float64Array;
  /** Quoted with the inventory before the row's fills. */
  readonly reservationPx: Float64Array;
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  /** Sizes of the orders added on the row, base units (0 = a zero-size order, which still takes a slot). */
  readonly bidSize: Float64Array;
  readonly askSize: Float64Array;
  /** 1 where |q| was beyond the inventory limit when the row quoted (one side zero-size, the other λ-sized). */
  readonly beyondLimit: Uint8Array;
  /** After the row's fills (base units). */
  readonly inventory: Float64Array;
  readonly cash: Float64Array;
  /** cash + inventory × mid. */
  readonly pnl: Float64Array;
}

/** One series entry per row the reference trades (the rows its `dropna` keeps), in book-row order. */
export interface SeedCompatResult extends SeedCompatColumnsOfRows {
  /** Index of each traded row in the book table. */
  readonly rows: Int32Array;
  /** The run's initial inventory (base units) and cash, as given. */
  readonly initialInventory: number;
  readonly initialCash: number;
  /** Fills of a non-zero size. side +1: an own bid filled (bought). */
  readonly fills: { readonly tsMs: number[]; readonly side: number[]; readonly px: number[]; readonly qty: number[] };
}

/**
 * The reference system's market maker, reproduced for comparison (asmm's reading of its code, stated here so
 * it can be checked), over a books table in its CSV layout (1 s timestamps):
 * 1. mid = (bid₁ + ask₁)/2; σ = sample std of the last W mids (this row included); message rate =
 *    W / (seconds between this row and the row W before), k = 1/rate. Rows without both (the first W, and
 *    windows over a one-sided book) are dropped, as its `dropna` does; the first and last rows left are its
 *    start and terminal times.
 * 2. Per row: quotes from `referenceSystemQuotes` with the inventory q (base units) before the row's fills;
 *    sizes from `referenceSystemOrderSizes` (0.1 each within |q| ≤ 3, else 0 on the side that adds to the
 *    position and a λ-sized order on the other).
 * 3. The new bid and ask join the own orders; each side keeps its five best-priced orders (highest bids,
 *    lowest asks; at equal prices the older first), zero-size orders included.
 * 4. Mid-cross fills against this row's mid: every own bid at or above it fills completely at its price,
 *    every own ask at or below it likewise (a new order can fill on the row it is placed).
 * 5. PnL = q × mid + cash.
 * No latency, fees, queue or trades; time normalisation and the file-end both look ahead. Use asmm's
 * backtester for anything but comparison.
 */
export function runSeedCompat(book: BookTable, options: SeedCompatOptions = {}): SeedCompatResult {
  let columns: SeedCompatColumns | undefined;
  const run = runSeedCompatRows(book, options, {
    start: (tradedRows, contiguousFrom) => {
      columns = new SeedCompatColumns(book, tradedRows, contiguousFrom);
    },
    rows: (block) => columns!.rows(block),
  });
  return columns!.result(run);
}

/**
 * Consecutive traded rows of a seed-compatible run, column by column, as `runSeedCompatRows` hands them to
 * its sink: entries [0, count) of each column, the first being traded row `first` (0-based). One object whose
 * columns are overwritten block after block (read it during the call; copy what you keep). Units as in
 * SeedCompatResult.
 */
export interface SeedCompatBlock extends SeedCompatColumnsOfRows {
  readonly count: number;
  readonly first: number;
  /** Index of each row in the book table. */
  readonly bookRow: Int32Array;
}

/** Where `runSeedCompatRows` sends its rows: told their number first, then given them in order, a block at a time. */
export interface SeedCompatSink {
  /**
   * `tradedRows` rows follow; `contiguousFrom` is the book row of the first when they are one run of
   * consecutive book rows (the usual case: the first W rows dropped), else -1.
   */
  start(tradedRows: number, contiguousFrom: number): void;
  rows(block: SeedCompatBlock): void;
}

/** What a seed-compatible run gives besides its rows: how many rows it traded, its fills and its start. */
export interface SeedCompatRun {
  /** Rows traded (those with a σ and a full message-rate window), and the book rows of the first and last (-1 when none). */
  readonly tradedRows: number;
  readonly firstRow: number;
  readonly lastRow: number;
  readonly fills: SeedCompatResult['fills'];
  readonly initialInventory: number;
  readonly initialCash: number;
}

/** Rows per block handed to a sink (`SeedCompatBlock`). */
const BLOCK_ROWS = 512;

/** A block's columns, writable (see SeedCompatBlock). */
type WritableBlock = { -readonly [K in keyof SeedCompatBlock]: SeedCompatBlock[K] };

/**
 * The run of `runSeedCompat`, a block of rows at a time into a sink instead of into stored columns: what a
 * caller that keeps only summaries and decimated plots uses (`asmm backtest --seed-compat`), so that a long
 * file costs no per-row memory beyond one block. σ is kept in memory of one window (ReferenceRollingStd). The
 * rows traded are found first (the first and last fix the time normalisation, which looks ahead), then
 * traded. `runSeedCompat` is this run into columns.
 */
export function runSeedCompatRows(book: BookTable, options: SeedCompatOptions, sink: SeedCompatSink): SeedCompatRun {
  const span = tradedRowSpan(book, options.windowRows ?? 200);
  const m = span.count;
  sink.start(m, m > 0 && span.last - span.first === m - 1 ? span.first : -1);
  const stream = new SeedCompatStream(options, m > 0 ? book.tsMs[span.last] : NaN, sink);
  stream.push(book.tsMs, book.bidPx[0], book.askPx[0]);
  return stream.finish();
}

/**
 * A seed-compatible run fed the book's touch in pieces (times, best bid, best ask; rows in order), handing
 * its rows to a sink a block at a time; `runSeedCompatRows` feeds it a whole table. The time normalisation
 * looks ahead: the time of the last row traded is given at the start (`lastTsMs`). Memory: one window and
 * one block.
 *
 * The row loop (`tradeRows`) calls nothing but the reference's formulas and the own orders; `push` hands the
 * blocks to the sink. V8 compiles the loop while it runs (a run is over in a fraction of a second, much of it
 * before the optimising compiler is done), and a loop that also inlined the sinks took it twice as long.
 */
class SeedCompatStream {
  /** Fills of a non-zero size. */
  readonly fills: SeedCompatResult['fills'] = { tsMs: [], side: [], px: [], qty: [] };
  /** Book rows pushed, traded, and the first and last traded (-1: none yet). */
  private rowsIn = 0;
  private traded = 0;
  private firstRow = -1;
  private lastRow = -1;
  private readonly window: number;
  private readonly inventoryLimit: number;
  private readonly initialInventory: number;
  private readonly initialCash: number;
  // inventory and cash in a typed array, which OwnOrders#fill updates
  private readonly account: Float64Array;
  // each side's own orders: fixed arrays, no allocation per row
  private readonly bids: OwnOrders;
  private readonly asks: OwnOrders;
  // the row's inputs and outputs of the reference's formulas in one typed array (see REFERENCE_ROW: numbers as
  // arguments of calls V8 does not inline are boxed, an allocation each), and the row's mid and time for the fills
  private readonly v = new Float64Array(REFERENCE_ROW.length);
  private readonly now = new Float64Array(2);
  private readonly rolling: ReferenceRollingStd;
  /** The last `window` times, row i at i mod window (the message rate's look-back). */
  private readonly tsRing: Float64Array;
  private readonly block: WritableBlock;
  /** Rows in the block not yet handed to the sink. */
  private inBlock = 0;

  constructor(
    options: SeedCompatOptions,
    /** Time of the last row that will be traded (ms): the reference's terminal time. */
    lastTsMs: number,
    private readonly sink: Pick<SeedCompatSink, 'rows'>,
    blockRows = BLOCK_ROWS,
  ) {
    this.window = options.windowRows ?? 200;
    this.inventoryLimit = options.inventoryLimit ?? 3;
    this.initialInventory = options.initialInventory ?? 0;
    this.initialCash = options.initialCash ?? 0;
    const perSide = options.ordersPerSide ?? 5;
    this.account = Float64Array.of(this.initialInventory, this.initialCash);
    this.bids = new OwnOrders(1, perSide);
    this.asks = new OwnOrders(-1, perSide);
    this.rolling = new ReferenceRollingStd(this.window);
    this.tsRing = new Float64Array(this.window);
    const R = REFERENCE_ROW;
    const v = this.v;
    v[R.firstTsMs] = NaN;
    v[R.lastTsMs] = lastTsMs;
    v[R.gamma] = options.gamma ?? 0.1;
    v[R.baseSize] = options.orderSize ?? 0.1;
    v[R.inventoryLimit] = this.inventoryLimit;
    primeBeyondLimitSizes(this.inventoryLimit);
    const size = Math.max(1, blockRows);
    const column = () => new Float64Array(size);
    this.block = {
      count: 0,
      first: 0,
      bookRow: new Int32Array(size),
      tsMs: column(),
      midPx: column(),
      sigmaPriceLevel: column(),
      messageRatePerSec: column(),
      k: column(),
      reservationPx: column(),
      bidPx: column(),
      askPx: column(),
      bidSize: column(),
      askSize: column(),
      beyondLimit: new Uint8Array(size),
      inventory: column(),
      cash: column(),
      pnl: column(),
    };
  }

  /** The next book rows: times (ms), best bid and best ask prices, entries [from, to). */
  push(tsMs: ArrayLike<number>, bidPx: ArrayLike<number>, askPx: ArrayLike<number>, from = 0, to = tsMs.length): void {
    for (let k = from; k < to; ) {
      k = this.tradeRows(tsMs, bidPx, askPx, k, to);
      if (this.inBlock === this.block.bookRow.length) this.handBlock();
    }
  }

  /** Hands the last rows to the sink; the run's counts, fills and start. */
  finish(): SeedCompatRun {
    if (this.inBlock > 0) this.handBlock();
    const traded = this.traded;
    return {
      tradedRows: traded,
      firstRow: this.firstRow,
      lastRow: this.lastRow,
      fills: this.fills,
      initialInventory: this.initialInventory,
      initialCash: this.initialCash,
    };
  }

  private handBlock(): void {
    const block = this.block;
    block.count = this.inBlock;
    this.sink.rows(block);
    block.first += this.inBlock;
    this.inBlock = 0;
  }

  /** Trades input rows from `from` until the block is full or `to`; returns the next input row. */
  private tradeRows(ts: ArrayLike<number>, bid1: ArrayLike<number>, ask1: ArrayLike<number>, from: number, to: number): number {
    const { window, inventoryLimit, account, bids, asks, v, now, rolling, fills, tsRing } = this;
    const R = REFERENCE_ROW;
    const { bookRow, tsMs, midPx, sigmaPriceLevel, messageRatePerSec, k, reservationPx, bidPx, askPx, bidSize, askSize, beyondLimit, inventory, cash, pnl } = this.block;
    const size = bookRow.length;
    let i = this.rowsIn;
    let j = this.inBlock;
    let at = from;
    let lastRow = -1;
    for (; at < to && j < size; at++, i++) {
      const t = ts[at];
      const mid = 0.5 * (bid1[at] + ask1[at]);
      const sigma = rolling.push(mid);
      const slot = i % window;
      const windowStartTsMs = tsRing[slot];
      tsRing[slot] = t;
      if (i < window || sigma !== sigma) continue;
      if (this.firstRow < 0) {
        this.firstRow = i;
        v[R.firstTsMs] = t;
      }
      const rate = window / ((t - windowStartTsMs) / 1000);
      const q = account[0];
      v[R.midPx] = mid;
      v[R.inventory] = q;
      v[R.tsMs] = t;
      v[R.sigmaPriceLevel] = sigma;
      v[R.k] = 1 / rate;
      v[R.bestBidPx] = bid1[at];
      v[R.bestAskPx] = ask1[at];
      referenceSystemQuotesInto(v);
      referenceSystemOrderSizesInto(v);
      now[0] = mid;
      now[1] = t;
      bids.add(v, R.bidPx, R.bidSize);
      asks.add(v, R.askPx, R.askSize);
      const bidsCrossed = bids.crossed(now);
      if (bidsCrossed > 0) bids.fill(bidsCrossed, now, account, fills);
      const asksCrossed = asks.crossed(now);
      if (asksCrossed > 0) asks.fill(asksCrossed, now, account, fills);
      bookRow[j] = i;
      tsMs[j] = t;
      midPx[j] = mid;
      sigmaPriceLevel[j] = sigma;
      messageRatePerSec[j] = rate;
      k[j] = v[R.k];
      reservationPx[j] = v[R.reservationPx];
      bidPx[j] = v[R.bidPx];
      askPx[j] = v[R.askPx];
      bidSize[j] = v[R.bidSize];
      askSize[j] = v[R.askSize];
      beyondLimit[j] = Math.abs(q) > inventoryLimit ? 1 : 0;
      inventory[j] = account[0];
      cash[j] = account[1];
      pnl[j] = account[0] * mid + account[1];
      lastRow = i;
      j++;
    }
    if (j > this.inBlock) this.lastRow = lastRow;
    this.traded += j - this.inBlock;
    this.rowsIn = i;
    this.inBlock = j;
    return at;
  }
}

/**
 * Runs both beyond-the-limit branches of `referenceSystemOrderSizesInto` once, on a scratch row. V8 compiles the
 * row loop while it runs, with what each branch has seen so far; a branch first taken after that (a position
 * passing the limit mid-run) throws the compiled loop away for the interpreter until it is compiled again, tens
 * of ms of a run that lasts a few hundred. Changes no result.
 */
function primeBeyondLimitSizes(inventoryLimit: number): void {
  const R = REFERENCE_ROW;
  const scratch = new Float64Array(R.length);
  scratch.fill(1);
  scratch[R.inventoryLimit] = inventoryLimit;
  // V8 records what a function sees only from about its tenth call on (lazy feedback allocation)
  for (let call = 0; call < 64; call++) {
    scratch[R.inventory] = call % 2 === 0 ? inventoryLimit + 1 : -inventoryLimit - 1;
    referenceSystemOrderSizesInto(scratch);
  }
}

/**
 * One side's own orders in a seed-compatible run, best price first (bids highest, asks lowest; at equal prices
 * the older first), at most `perSide` of them (one more while an order is being added). Prices, sizes and the
 * row's mid and time come in typed arrays (see runSeedCompatRows).
 */
class OwnOrders {
  readonly px: Float64Array;
  readonly qty: Float64Array;
  n = 0;

  /** side +1: bids (by descending price); −1: asks. */
  constructor(
    private readonly side: number,
    private readonly perSide: number,
  ) {
    this.px = new Float64Array(perSide + 1);
    this.qty = new Float64Array(perSide + 1);
  }

  /** Adds the order (values[p] at price, values[q] in size) behind every order at its price or better, keeping the best `perSide`. */
  add(values: Float64Array, p: number, q: number): void {
    const px = values[p];
    const orderPx = this.px;
    const orderQty = this.qty;
    let at = this.n;
    while (at > 0 && (this.side > 0 ? orderPx[at - 1] < px : orderPx[at - 1] > px)) at--;
    for (let j = this.n; j > at; j--) {
      orderPx[j] = orderPx[j - 1];
      orderQty[j] = orderQty[j - 1];
    }
    orderPx[at] = px;
    orderQty[at] = values[q];
    this.n = Math.min(this.n + 1, this.perSide);
  }

  /**
   * How many orders the mid `now[0]` reached (bids at or above it, asks at or below it): best first, they are a
   * prefix of the side.
   */
  crossed(now: Float64Array): number {
    const mid = now[0];
    const orderPx = this.px;
    let filled = 0;
    while (filled < this.n && (this.side > 0 ? mid <= orderPx[filled] : mid >= orderPx[filled])) filled++;
    return filled;
  }

  /**
   * Fills the `filled` crossed orders (see crossed) completely at their prices, at time `now[1]`: inventory and cash in `account`, the
   * fills of a non-zero size in `fills`; the rest of the side moves up.
   */
  fill(filled: number, now: Float64Array, account: Float64Array, fills: SeedCompatResult['fills']): void {
    const side = this.side;
    for (let j = 0; j < filled; j++) {
      const px = this.px[j];
      const qty = this.qty[j];
      account[0] += side * qty;
      account[1] -= side * px * qty;
      if (qty !== 0) {
        fills.tsMs.push(now[1]);
        fills.side.push(side);
        fills.px.push(px);
        fills.qty.push(qty);
      }
    }
    for (let j = filled; j < this.n; j++) {
      this.px[j - filled] = this.px[j];
      this.qty[j - filled] = this.qty[j];
    }
    this.n -= filled;
  }
}

/**
 * How many book rows the reference trades, and the first and last: from row `window` on, those with a σ (its
 * `dropna`); mids as `midPrices`, σ as `referenceRollingStdOfMid`. first and last are -1 when there are none.
 */
function tradedRowSpan(book: BookTable, window: number): { count: number; first: number; last: number } {
  const bid = book.bidPx[0];
  const ask = book.askPx[0];
  const n = book.tsMs.length;
  // The usual book, both sides on every row at prices far from overflow: σ exists on every row from W − 1 on,
  // so the rows traded are W to the last, without computing σ (a pass several times cheaper).
  let everyMidFinite = true;
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(bid[i] + ask[i]) < 1e100)) {
      everyMidFinite = false;
      break;
    }
  }
  if (everyMidFinite) return n > window ? { count: n - window, first: window, last: n - 1 } : { count: 0, first: -1, last: -1 };
  const rolling = new ReferenceRollingStd(window);
  let count = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const sigma = rolling.push(0.5 * (bid[i] + ask[i]));
    if (i < window || sigma !== sigma) continue;
    if (count === 0) first = i;
    last = i;
    count++;
  }
  return { count, first, last };
}

/** The sink of `runSeedCompat`: every row's values into columns (times as a view of the book's when the rows are one run). */
class SeedCompatColumns {
  private readonly bookRows: Int32Array;
  private readonly tsMs: Float64Array;
  private readonly midPx: Float64Array;
  private readonly sigmaPriceLevel: Float64Array;
  private readonly messageRatePerSec: Float64Array;
  private readonly k: Float64Array;
  private readonly reservationPx: Float64Array;
  private readonly bidPx: Float64Array;
  private readonly askPx: Float64Array;
  private readonly bidSize: Float64Array;
  private readonly askSize: Float64Array;
  private readonly beyondLimit: Uint8Array;
  private readonly inventory: Float64Array;
  private readonly cash: Float64Array;
  private readonly pnl: Float64Array;
  private readonly timesAreAView: boolean;

  constructor(book: BookTable, m: number, contiguousFrom: number) {
    const column = () => new Float64Array(m);
    this.timesAreAView = contiguousFrom >= 0;
    this.bookRows = new Int32Array(m);
    this.tsMs = contiguousFrom >= 0 ? book.tsMs.subarray(contiguousFrom, contiguousFrom + m) : column();
    this.midPx = column();
    this.sigmaPriceLevel = column();
    this.messageRatePerSec = column();
    this.k = column();
    this.reservationPx = column();
    this.bidPx = column();
    this.askPx = column();
    this.bidSize = column();
    this.askSize = column();
    this.beyondLimit = new Uint8Array(m);
    this.inventory = column();
    this.cash = column();
    this.pnl = column();
  }

  rows(b: SeedCompatBlock): void {
    const at = b.first;
    const take = <T extends Float64Array | Int32Array | Uint8Array>(column: T): T => column.subarray(0, b.count) as T;
    this.bookRows.set(take(b.bookRow), at);
    if (!this.timesAreAView) this.tsMs.set(take(b.tsMs), at);
    this.midPx.set(take(b.midPx), at);
    this.sigmaPriceLevel.set(take(b.sigmaPriceLevel), at);
    this.messageRatePerSec.set(take(b.messageRatePerSec), at);
    this.k.set(take(b.k), at);
    this.reservationPx.set(take(b.reservationPx), at);
    this.bidPx.set(take(b.bidPx), at);
    this.askPx.set(take(b.askPx), at);
    this.bidSize.set(take(b.bidSize), at);
    this.askSize.set(take(b.askSize), at);
    this.beyondLimit.set(take(b.beyondLimit), at);
    this.inventory.set(take(b.inventory), at);
    this.cash.set(take(b.cash), at);
    this.pnl.set(take(b.pnl), at);
  }

  result(run: SeedCompatRun): SeedCompatResult {
    return {
      rows: this.bookRows,
      tsMs: this.tsMs,
      midPx: this.midPx,
      sigmaPriceLevel: this.sigmaPriceLevel,
      messageRatePerSec: this.messageRatePerSec,
      k: this.k,
      reservationPx: this.reservationPx,
      bidPx: this.bidPx,
      askPx: this.askPx,
      bidSize: this.bidSize,
      askSize: this.askSize,
      beyondLimit: this.beyondLimit,
      initialInventory: run.initialInventory,
      initialCash: run.initialCash,
      inventory: this.inventory,
      cash: this.cash,
      pnl: this.pnl,
      fills: run.fills,
    };
  }
}

/** Headline numbers of a seed-compatible run (money in quote currency, sizes in base units). */
export interface SeedCompatSummary {
  readonly rowsTraded: number;
  /** Over the rows whose window spans time (a window within one second of its 1 s clock has an infinite rate). */
  readonly meanMessageRatePerSec: number;
  /** Rows whose 200-row window fell within one second (rate infinite, k = 0, spread infinite). */
  readonly rowsWithZeroSpanWindow: number;
  readonly meanSigmaPriceLevel: number;
  /** Mean of (ask − bid)/2 over the rows traded. */
  readonly meanHalfSpreadPx: number;
  /** Rows where |q| was beyond the limit (one side zero-size, the other λ-sized). */
  readonly rowsBeyondInventoryLimit: number;
  readonly fills: number;
  readonly bidFills: number;
  readonly askFills: number;
  readonly maxAbsInventory: number;
  readonly finalInventory: number;
  readonly finalCash: number;
  /** PnL at the last row: cash + q × mid (with the initial inventory and cash included, as the reference). */
  readonly pnl: number;
}

export function seedCompatSummary(r: SeedCompatResult): SeedCompatSummary {
  const sum = new SeedCompatSummarizer();
  // a stored run is one block of all its rows
  sum.rows({ ...r, count: r.tsMs.length });
  return sum.summary(r.fills);
}

/** `seedCompatSummary` block by block, for a run into a sink (`runSeedCompatRows`) that stores no columns. */
export class SeedCompatSummarizer {
  private n = 0;
  private rate = 0;
  private finiteRates = 0;
  private sigma = 0;
  private halfSpread = 0;
  private beyond = 0;
  private maxAbs = 0;
  private readonly last = new Float64Array([NaN, NaN, NaN]);

  /** The next traded rows, in order (sums taken row after row, as over the stored run). */
  rows(b: Pick<SeedCompatBlock, 'count' | 'messageRatePerSec' | 'sigmaPriceLevel' | 'bidPx' | 'askPx' | 'beyondLimit' | 'inventory' | 'cash' | 'pnl'>): void {
    const { count, messageRatePerSec, sigmaPriceLevel, bidPx, askPx, beyondLimit, inventory } = b;
    let { rate, finiteRates, sigma, halfSpread, beyond, maxAbs } = this;
    for (let i = 0; i < count; i++) {
      const r = messageRatePerSec[i];
      if (r - r === 0) {
        rate += r;
        finiteRates++;
      }
      sigma += sigmaPriceLevel[i];
      halfSpread += (askPx[i] - bidPx[i]) / 2;
      beyond += beyondLimit[i];
      maxAbs = Math.max(maxAbs, Math.abs(inventory[i]));
    }
    this.rate = rate;
    this.finiteRates = finiteRates;
    this.sigma = sigma;
    this.halfSpread = halfSpread;
    this.beyond = beyond;
    this.maxAbs = maxAbs;
    this.n += count;
    if (count > 0) {
      this.last[0] = inventory[count - 1];
      this.last[1] = b.cash[count - 1];
      this.last[2] = b.pnl[count - 1];
    }
  }

  summary(fills: SeedCompatResult['fills']): SeedCompatSummary {
    const n = this.n;
    const bidFills = fills.side.filter((s) => s > 0).length;
    return {
      rowsTraded: n,
      meanMessageRatePerSec: this.rate / this.finiteRates,
      rowsWithZeroSpanWindow: n - this.finiteRates,
      meanSigmaPriceLevel: this.sigma / n,
      meanHalfSpreadPx: this.halfSpread / n,
      rowsBeyondInventoryLimit: this.beyond,
      fills: fills.side.length,
      bidFills,
      askFills: fills.side.length - bidFills,
      maxAbsInventory: this.maxAbs,
      finalInventory: this.last[0],
      finalCash: this.last[1],
      pnl: this.last[2],
    };
  }
}
