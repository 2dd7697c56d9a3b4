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
  const column = () => new Float64Array(m);
  // rows traded are usually one run (the first W rows dropped, no one-sided window after): then times, mids
  // and σ are views of the arrays they come from, not copies (fresh memory is what a 216,000-row run pays most for)
  const contiguous = m > 0 && rows[m - 1] - rows[0] === m - 1;
  const tsMs = contiguous ? ts.subarray(rows[0], rows[0] + m) : column();
  const midPx = contiguous ? allMids.subarray(rows[0], rows[0] + m) : column();
  const sigmaPriceLevel = contiguous ? allSigma.subarray(rows[0], rows[0] + m) : column();
  const messageRatePerSec = column();
  const k = column();
  const reservationPx = column();
  const bidPx = column();
  const askPx = column();
  const bidSize = column();
  const askSize = column();
  const beyondLimit = new Uint8Array(m);
  const inventorySeries = column();
  const cashSeries = column();
  const pnl = column();
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
    while (filled < orders.n && (side > 0 ? mid <= orders.px[filled] : mid >= orders.px[filled])) {
      const px = orders.px[filled];
      const qty = orders.qty[filled];
      account[0] += side * qty;
      account[1] -= side * px * qty;
      if (qty !== 0) {
        fills.tsMs.push(t);
        fills.side.push(side);
        fills.px.push(px);
        fills.qty.push(qty);
      }
      filled++;
    }
    if (filled === 0) return;
    for (let j = filled; j < orders.n; j++) {
      orders.px[j - filled] = orders.px[j];
      orders.qty[j - filled] = orders.qty[j];
    }
    orders.n -= filled;
  };
  // reservation, bid, ask and the two sizes of the current row (no objects per row)
  const quotes = new Float64Array(3);
  const sizes = new Float64Array(2);
  for (let x = 0; x < m; x++) {
    const i = rows[x];
    const mid = allMids[i];
    const rate = window / ((ts[i] - ts[i - window]) / 1000);
    const kRow = 1 / rate;
    const inventory = account[0];
    referenceSystemQuotesInto(mid, inventory, ts[i], firstTsMs, lastTsMs, allSigma[i], gamma, kRow, quotes);
    referenceSystemOrderSizesInto(quotes[1], quotes[2], inventory, bid1[i], ask1[i], kRow, baseSize, inventoryLimit, sizes);
    beyondLimit[x] = Math.abs(inventory) > inventoryLimit ? 1 : 0;
    add(bids, 1, quotes[1], sizes[0]);
    add(asks, -1, quotes[2], sizes[1]);
    fillCrossed(bids, 1, mid, ts[i]);
    fillCrossed(asks, -1, mid, ts[i]);
    if (!contiguous) {
      tsMs[x] = ts[i];
      midPx[x] = mid;
      sigmaPriceLevel[x] = allSigma[i];
    }
    messageRatePerSec[x] = rate;
    k[x] = kRow;
    reservationPx[x] = quotes[0];
    bidPx[x] = quotes[1];
    askPx[x] = quotes[2];
    bidSize[x] = sizes[0];
    askSize[x] = sizes[1];
    inventorySeries[x] = account[0];
    cashSeries[x] = account[1];
    pnl[x] = account[0] * mid + account[1];
  }
  return { rows, tsMs, midPx, sigmaPriceLevel, messageRatePerSec, k, reservationPx, bidPx, askPx, bidSize, askSize, beyondLimit, initialInventory, initialCash, inventory: inventorySeries, cash: cashSeries, pnl, fills };
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
  const n = r.tsMs.length;
  let rate = 0;
  let finiteRates = 0;
  let sigma = 0;
  let halfSpread = 0;
  let beyond = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(r.messageRatePerSec[i])) {
      rate += r.messageRatePerSec[i];
      finiteRates++;
    }
    sigma += r.sigmaPriceLevel[i];
    halfSpread += (r.askPx[i] - r.bidPx[i]) / 2;
    beyond += r.beyondLimit[i];
    maxAbs = Math.max(maxAbs, Math.abs(r.inventory[i]));
  }
  const bidFills = r.fills.side.filter((s) => s > 0).length;
  return {
    rowsTraded: n,
    meanMessageRatePerSec: rate / finiteRates,
    rowsWithZeroSpanWindow: n - finiteRates,
    meanSigmaPriceLevel: sigma / n,
    meanHalfSpreadPx: halfSpread / n,
    rowsBeyondInventoryLimit: beyond,
    fills: r.fills.side.length,
    bidFills,
    askFills: r.fills.side.length - bidFills,
    maxAbsInventory: maxAbs,
    finalInventory: n > 0 ? r.inventory[n - 1] : NaN,
    finalCash: n > 0 ? r.cash[n - 1] : NaN,
    pnl: n > 0 ? r.pnl[n - 1] : NaN,
  };
}
