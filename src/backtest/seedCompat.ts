import { midPrices, type BookTable } from '../data/tables.js';
import { referenceRollingStdOfMid } from '../estimate/volatility.js';
import { referenceSystemOrderSizesInto, referenceSystemQuotesInto } from '../model/referenceSystem.js';

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

/** What a seed-compatible run gives besides its rows: the rows traded, its fills and its start. */
export interface SeedCompatRun {
  readonly rows: Int32Array;
  readonly fills: SeedCompatResult['fills'];
  readonly initialInventory: number;
  readonly initialCash: number;
  /** The mids and σ of every book row (NaN where the reference has none), of which the traded rows are a part. */
  readonly allMids: Float64Array;
  readonly allSigma: Float64Array;
}

/**
 * The run of `runSeedCompat`, row by row into a sink instead of into stored columns: what a caller that keeps
 * only summaries and decimated plots uses (`asmm backtest --seed-compat`), so that a long file costs no
 * per-row memory beyond its mids and σ. `runSeedCompat` is this run into columns.
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
  const allMids = midPrices(book);
  const allSigma = referenceRollingStdOfMid(allMids, window);

  let traded = 0;
  for (let i = window; i < n; i++) if (!Number.isNaN(allSigma[i])) traded++;
  const rows = new Int32Array(traded);
  for (let i = window, x = 0; i < n; i++) if (!Number.isNaN(allSigma[i])) rows[x++] = i;
  const m = rows.length;
  sink.start(m, m > 0 && rows[m - 1] - rows[0] === m - 1 ? rows[0] : -1);
  const fills = { tsMs: [] as number[], side: [] as number[], px: [] as number[], qty: [] as number[] };
  const initialInventory = options.initialInventory ?? 0;
  const initialCash = options.initialCash ?? 0;
  const firstTsMs = m > 0 ? ts[rows[0]] : NaN;
  const lastTsMs = m > 0 ? ts[rows[m - 1]] : NaN;
  // inventory and cash in a typed array, not `let`s that the helpers below would capture: V8 stores a captured
  // variable that changes as a new heap number at every change, an allocation per fill
  const account = Float64Array.of(initialInventory, initialCash);
  // Each side's own orders, best price first (bids highest, asks lowest; at equal prices the older first), at
  // most `perSide` of them plus the one being added: fixed arrays, no allocation per row.
  const book5 = () => ({ px: new Float64Array(perSide + 1), qty: new Float64Array(perSide + 1), n: 0 });
  const bids = book5();
  const asks = book5();
  /** Adds an order behind every order at its price or better (side +1: bids by descending price), keeping the best `perSide`. */
  const add = (orders: ReturnType<typeof book5>, side: number, px: number, qty: number): void => {
    let at = orders.n;
    while (at > 0 && (side > 0 ? orders.px[at - 1] < px : orders.px[at - 1] > px)) at--;
    for (let j = orders.n; j > at; j--) {
      orders.px[j] = orders.px[j - 1];
      orders.qty[j] = orders.qty[j - 1];
    }
    orders.px[at] = px;
    orders.qty[at] = qty;
    orders.n = Math.min(orders.n + 1, perSide);
  };
  /**
   * Fills every order of one side that the mid reached (side +1: bids at or above it; −1: asks at or below it):
   * best first, they are a prefix of the side, and the rest moves up.
   */
  const fillCrossed = (orders: ReturnType<typeof book5>, side: number, mid: number, t: number): void => {
    let filled = 0;
    while (filled < orders.n && (side > 0 ? mid <= orders.px[filled] : mid >= orders.px[filled])) filled++;
    if (filled === 0) return;
    fillFirst(orders, filled, side, t);
    for (let j = filled; j < orders.n; j++) {
      orders.px[j - filled] = orders.px[j];
      orders.qty[j - filled] = orders.qty[j];
    }
    orders.n -= filled;
  };
  /**
   * Books the fills of the side's first `filled` orders, best first (apart from fillCrossed, which runs on every
   * row: this runs on rows with fills only, and keeping it out leaves V8 room to inline the row's other calls).
   */
  const fillFirst = (orders: ReturnType<typeof book5>, filled: number, side: number, t: number): void => {
    for (let j = 0; j < filled; j++) {
      const px = orders.px[j];
      const qty = orders.qty[j];
      account[0] += side * qty;
      account[1] -= side * px * qty;
      if (qty !== 0) {
        fills.tsMs.push(t);
        fills.side.push(side);
        fills.px.push(px);
        fills.qty.push(qty);
      }
    }
  };
  // reservation, bid, ask and the two sizes of the current row (no objects per row)
  const quotes = new Float64Array(3);
  const sizes = new Float64Array(2);
  const r: SeedCompatRow = { x: 0, bookRow: 0, tsMs: 0, midPx: 0, sigmaPriceLevel: 0, messageRatePerSec: 0, k: 0, reservationPx: 0, bidPx: 0, askPx: 0, bidSize: 0, askSize: 0, beyondLimit: 0, inventory: 0, cash: 0, pnl: 0 };
  for (let x = 0; x < m; x++) {
    const i = rows[x];
    const mid = allMids[i];
    const rate = window / ((ts[i] - ts[i - window]) / 1000);
    const kRow = 1 / rate;
    const inventory = account[0];
    referenceSystemQuotesInto(mid, inventory, ts[i], firstTsMs, lastTsMs, allSigma[i], gamma, kRow, quotes);
    referenceSystemOrderSizesInto(quotes[1], quotes[2], inventory, bid1[i], ask1[i], kRow, baseSize, inventoryLimit, sizes);
    r.beyondLimit = Math.abs(inventory) > inventoryLimit ? 1 : 0;
    add(bids, 1, quotes[1], sizes[0]);
    add(asks, -1, quotes[2], sizes[1]);
    fillCrossed(bids, 1, mid, ts[i]);
    fillCrossed(asks, -1, mid, ts[i]);
    r.x = x;
    r.bookRow = i;
    r.tsMs = ts[i];
    r.midPx = mid;
    r.sigmaPriceLevel = allSigma[i];
    r.messageRatePerSec = rate;
    r.k = kRow;
    r.reservationPx = quotes[0];
    r.bidPx = quotes[1];
    r.askPx = quotes[2];
    r.bidSize = sizes[0];
    r.askSize = sizes[1];
    r.inventory = account[0];
    r.cash = account[1];
    r.pnl = account[0] * mid + account[1];
    sink.row(r);
  }
  return { rows, fills, initialInventory, initialCash, allMids, allSigma };
}

/** The sink of `runSeedCompat`: every row's values into columns (times, mids and σ as views when the rows are one run). */
class SeedCompatColumns {
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
  private readonly viewsFrom: number;

  constructor(book: BookTable, m: number, contiguousFrom: number) {
    const column = () => new Float64Array(m);
    this.viewsFrom = contiguousFrom;
    // times are a view of the book's (mids and σ become views in `result`, once the run has made them): fresh
    // memory is what a 216,000-row run pays most for
    this.tsMs = contiguousFrom >= 0 ? book.tsMs.subarray(contiguousFrom, contiguousFrom + m) : column();
    this.midPx = contiguousFrom >= 0 ? new Float64Array(0) : column();
    this.sigmaPriceLevel = contiguousFrom >= 0 ? new Float64Array(0) : column();
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
    if (this.viewsFrom < 0) {
      this.tsMs[x] = r.tsMs;
      this.midPx[x] = r.midPx;
      this.sigmaPriceLevel[x] = r.sigmaPriceLevel;
    }
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
    const m = run.rows.length;
    const from = this.viewsFrom;
    return {
      rows: run.rows,
      tsMs: this.tsMs,
      midPx: from >= 0 ? run.allMids.subarray(from, from + m) : this.midPx,
      sigmaPriceLevel: from >= 0 ? run.allSigma.subarray(from, from + m) : this.sigmaPriceLevel,
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
