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

/** One series entry per row the reference trades (the rows its `dropna` keeps), in book-row order. */
export interface SeedCompatResult {
  /** Index of each traded row in the book table. */
  readonly rows: Int32Array;
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
  /** The run's initial inventory (base units) and cash, as given. */
  readonly initialInventory: number;
  readonly initialCash: number;
  /** After the row's fills (base units). */
  readonly inventory: Float64Array;
  readonly cash: Float64Array;
  /** cash + inventory × mid. */
  readonly pnl: Float64Array;
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
    row: (r) => columns!.row(r),
  });
  return columns!.result(run);
}

/**
 * The values of one traded row of a seed-compatible run, as `runSeedCompatRows` hands them to its sink: one
 * object, overwritten row after row (read it during the call; copy what you keep). Units as in SeedCompatResult.
 */
export interface SeedCompatRow {
  /** Position among the rows traded (0-based) and index of the row in the book table. */
  x: number;
  bookRow: number;
  tsMs: number;
  midPx: number;
  sigmaPriceLevel: number;
  messageRatePerSec: number;
  k: number;
  reservationPx: number;
  bidPx: number;
  askPx: number;
  bidSize: number;
  askSize: number;
  /** 1 where |q| was beyond the inventory limit when the row quoted. */
  beyondLimit: number;
  /** After the row's fills. */
  inventory: number;
  cash: number;
  pnl: number;
}

/** Where `runSeedCompatRows` sends its rows: told their number first, then given each in order. */
export interface SeedCompatSink {
  /**
   * `tradedRows` rows follow; `contiguousFrom` is the book row of the first when they are one run of
   * consecutive book rows (the usual case: the first W rows dropped), else -1.
   */
  start(tradedRows: number, contiguousFrom: number): void;
  row(r: SeedCompatRow): void;
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

/**
 * The run of `runSeedCompat`, row by row into a sink instead of into stored columns: what a caller that keeps
 * only summaries and decimated plots uses (`asmm backtest --seed-compat`), so that a long file costs no
 * per-row memory at all. Two passes over the book, each with σ in memory of one window (ReferenceRollingStd):
 * the first finds the rows traded (the first and last fix the time normalisation, which looks ahead), the
 * second trades them. `runSeedCompat` is this run into columns.
 */
export function runSeedCompatRows(book: BookTable, options: SeedCompatOptions, sink: SeedCompatSink): SeedCompatRun {
  const gamma = options.gamma ?? 0.1;
  const baseSize = options.orderSize ?? 0.1;
  const inventoryLimit = options.inventoryLimit ?? 3;
  const perSide = options.ordersPerSide ?? 5;
  const window = options.windowRows ?? 200;
  const n = book.tsMs.length;
  const ts = book.tsMs;
  const bid1 = book.bidPx[0];
  const ask1 = book.askPx[0];
  const span = tradedRowSpan(book, window);
  const m = span.count;
  sink.start(m, m > 0 && span.last - span.first === m - 1 ? span.first : -1);
  const fills = { tsMs: [] as number[], side: [] as number[], px: [] as number[], qty: [] as number[] };
  const initialInventory = options.initialInventory ?? 0;
  const initialCash = options.initialCash ?? 0;
  const firstTsMs = m > 0 ? ts[span.first] : NaN;
  const lastTsMs = m > 0 ? ts[span.last] : NaN;
  // inventory and cash in a typed array, which OwnOrders#fill updates
  const account = Float64Array.of(initialInventory, initialCash);
  // each side's own orders: fixed arrays, no allocation per row
  const bids = new OwnOrders(1, perSide);
  const asks = new OwnOrders(-1, perSide);
  // the row's inputs and outputs of the reference's formulas in one typed array (see REFERENCE_ROW: numbers as
  // arguments of calls V8 does not inline are boxed, an allocation each), and the row's mid and time for the fills
  const R = REFERENCE_ROW;
  const v = new Float64Array(R.length);
  v[R.firstTsMs] = firstTsMs;
  v[R.lastTsMs] = lastTsMs;
  v[R.gamma] = gamma;
  v[R.baseSize] = baseSize;
  v[R.inventoryLimit] = inventoryLimit;
  const now = new Float64Array(2);
  const r: SeedCompatRow = { x: 0, bookRow: 0, tsMs: 0, midPx: 0, sigmaPriceLevel: 0, messageRatePerSec: 0, k: 0, reservationPx: 0, bidPx: 0, askPx: 0, bidSize: 0, askSize: 0, beyondLimit: 0, inventory: 0, cash: 0, pnl: 0 };
  const rolling = new ReferenceRollingStd(window);
  for (let i = 0, x = 0; i < n; i++) {
    const mid = 0.5 * (bid1[i] + ask1[i]);
    const sigma = rolling.push(mid);
    if (i < window || sigma !== sigma) continue;
    const rate = window / ((ts[i] - ts[i - window]) / 1000);
    const kRow = 1 / rate;
    const inventory = account[0];
    v[R.midPx] = mid;
    v[R.inventory] = inventory;
    v[R.tsMs] = ts[i];
    v[R.sigmaPriceLevel] = sigma;
    v[R.k] = kRow;
    v[R.bestBidPx] = bid1[i];
    v[R.bestAskPx] = ask1[i];
    referenceSystemQuotesInto(v);
    referenceSystemOrderSizesInto(v);
    r.beyondLimit = Math.abs(inventory) > inventoryLimit ? 1 : 0;
    now[0] = mid;
    now[1] = ts[i];
    bids.add(v, R.bidPx, R.bidSize);
    asks.add(v, R.askPx, R.askSize);
    if (bids.crossed(now) > 0) bids.fill(now, account, fills);
    if (asks.crossed(now) > 0) asks.fill(now, account, fills);
    r.x = x;
    r.bookRow = i;
    r.tsMs = ts[i];
    r.midPx = mid;
    r.sigmaPriceLevel = sigma;
    r.messageRatePerSec = rate;
    r.k = kRow;
    r.reservationPx = v[R.reservationPx];
    r.bidPx = v[R.bidPx];
    r.askPx = v[R.askPx];
    r.bidSize = v[R.bidSize];
    r.askSize = v[R.askSize];
    r.inventory = account[0];
    r.cash = account[1];
    r.pnl = account[0] * mid + account[1];
    sink.row(r);
    x++;
  }
  return { tradedRows: m, firstRow: m > 0 ? span.first : -1, lastRow: m > 0 ? span.last : -1, fills, initialInventory, initialCash };
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
   * Fills the crossed orders completely at their prices, at time `now[1]`: inventory and cash in `account`, the
   * fills of a non-zero size in `fills`; the rest of the side moves up.
   */
  fill(now: Float64Array, account: Float64Array, fills: SeedCompatResult['fills']): void {
    const side = this.side;
    const filled = this.crossed(now);
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
  private readonly rows: Int32Array;
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
    this.rows = new Int32Array(m);
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

  row(r: SeedCompatRow): void {
    const x = r.x;
    this.rows[x] = r.bookRow;
    if (!this.timesAreAView) this.tsMs[x] = r.tsMs;
    this.midPx[x] = r.midPx;
    this.sigmaPriceLevel[x] = r.sigmaPriceLevel;
    this.messageRatePerSec[x] = r.messageRatePerSec;
    this.k[x] = r.k;
    this.reservationPx[x] = r.reservationPx;
    this.bidPx[x] = r.bidPx;
    this.askPx[x] = r.askPx;
    this.bidSize[x] = r.bidSize;
    this.askSize[x] = r.askSize;
    this.beyondLimit[x] = r.beyondLimit;
    this.inventory[x] = r.inventory;
    this.cash[x] = r.cash;
    this.pnl[x] = r.pnl;
  }

  result(run: SeedCompatRun): SeedCompatResult {
    return {
      rows: this.rows,
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
  const row = { messageRatePerSec: 0, sigmaPriceLevel: 0, bidPx: 0, askPx: 0, beyondLimit: 0, inventory: 0, cash: 0, pnl: 0 };
  for (let i = 0; i < r.tsMs.length; i++) {
    row.messageRatePerSec = r.messageRatePerSec[i];
    row.sigmaPriceLevel = r.sigmaPriceLevel[i];
    row.bidPx = r.bidPx[i];
    row.askPx = r.askPx[i];
    row.beyondLimit = r.beyondLimit[i];
    row.inventory = r.inventory[i];
    row.cash = r.cash[i];
    row.pnl = r.pnl[i];
    sum.add(row);
  }
  return sum.summary(r.fills);
}

/** `seedCompatSummary` row by row, for a run into a sink (`runSeedCompatRows`) that stores no columns. */
export class SeedCompatSummarizer {
  private n = 0;
  private rate = 0;
  private finiteRates = 0;
  private sigma = 0;
  private halfSpread = 0;
  private beyond = 0;
  private maxAbs = 0;
  private readonly last = new Float64Array([NaN, NaN, NaN]);

  /** One traded row, in order (read during the call; an object, not eight numbers, so that no number is boxed per row). */
  add(r: Pick<SeedCompatRow, 'messageRatePerSec' | 'sigmaPriceLevel' | 'bidPx' | 'askPx' | 'beyondLimit' | 'inventory' | 'cash' | 'pnl'>): void {
    const { messageRatePerSec, sigmaPriceLevel, bidPx, askPx, beyondLimit, inventory, cash, pnl } = r;
    this.n++;
    if (Number.isFinite(messageRatePerSec)) {
      this.rate += messageRatePerSec;
      this.finiteRates++;
    }
    this.sigma += sigmaPriceLevel;
    this.halfSpread += (askPx - bidPx) / 2;
    this.beyond += beyondLimit;
    this.maxAbs = Math.max(this.maxAbs, Math.abs(inventory));
    this.last[0] = inventory;
    this.last[1] = cash;
    this.last[2] = pnl;
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
