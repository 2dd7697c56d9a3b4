import { midPrices, type BookTable } from '../data/tables.js';
import { referenceRollingStdOfMid } from '../estimate/volatility.js';
import { referenceSystemQuotes } from '../model/referenceSystem.js';

/**
 * Options of the seed-compatible run. Defaults are the reference system's: γ 0.1, orders of 0.1, five own
 * orders per side, σ from the last 200 rows.
 */
export interface SeedCompatOptions {
  readonly gamma?: number;
  readonly orderSize?: number;
  readonly ordersPerSide?: number;
  readonly sigmaWindowRows?: number;
  /** |inventory| above which `largeInventorySize` sizes the orders (base units). */
  readonly inventoryThreshold?: number;
  /**
   * Order size when |inventory| > inventoryThreshold. The reference system uses a "λ-sized order" there; its
   * exact rule is not documented in the issues, so the default keeps `orderSize` (no special sizing) until it is.
   */
  readonly largeInventorySize?: (inventory: number) => number;
}

export interface SeedCompatResult {
  readonly tsMs: Float64Array;
  readonly midPx: Float64Array;
  /** The reference's σ: rolling std of the last N mids (a price level). */
  readonly sigmaPriceLevel: Float64Array;
  readonly reservationPx: Float64Array;
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  /** After the row's fills (base units). */
  readonly inventory: Float64Array;
  readonly cash: Float64Array;
  /** cash + inventory × mid. */
  readonly pnl: Float64Array;
  readonly fills: { readonly tsMs: number[]; readonly side: number[]; readonly px: number[]; readonly qty: number[] };
  /** k as the reference sets it: the inverse of the file's mean message rate (s per message, used as "per price"). */
  readonly k: number;
  readonly messageRatePerSec: number;
}

/**
 * The reference system's market maker, reproduced for comparison (asmm's reading of it, stated here so it
 * can be checked). Row by row over a books table (its CSV layout, 1 s timestamps):
 * 1. mid = (bid1 + ask1)/2;
 * 2. mid-cross fills: every own bid priced at or above the mid fills completely at its price, every own ask
 *    at or below it likewise (inventory ± size, cash ∓ price × size);
 * 3. σ = standard deviation of the last `sigmaWindowRows` mids (no new orders until there are that many);
 *    k = 1 / (mean message rate over the file); time normalised to [0, 1] over the file (looks ahead);
 * 4. AS quotes from `referenceSystemQuotes` with the inventory in base units; one new bid and one new ask of
 *    `orderSize` (or `largeInventorySize` beyond the threshold) are added, and each side keeps only its five
 *    most recent orders (the oldest is dropped).
 * No latency, fees, queue or trades. Use asmm's backtester for anything but comparison.
 */
export function runSeedCompat(book: BookTable, options: SeedCompatOptions = {}): SeedCompatResult {
  const gamma = options.gamma ?? 0.1;
  const baseSize = options.orderSize ?? 0.1;
  const perSide = options.ordersPerSide ?? 5;
  const threshold = options.inventoryThreshold ?? 3;
  const largeSize = options.largeInventorySize ?? (() => baseSize);
  const n = book.tsMs.length;
  const mid = midPrices(book);
  const sigma = referenceRollingStdOfMid(mid, options.sigmaWindowRows ?? 200);
  const first = n > 0 ? book.tsMs[0] : 0;
  const last = n > 0 ? book.tsMs[n - 1] : 0;
  const messageRatePerSec = last > first ? (n - 1) / ((last - first) / 1000) : NaN;
  const k = 1 / messageRatePerSec;
  const out = {
    reservation: new Float64Array(n).fill(NaN),
    bid: new Float64Array(n).fill(NaN),
    ask: new Float64Array(n).fill(NaN),
    inventory: new Float64Array(n),
    cash: new Float64Array(n),
    pnl: new Float64Array(n),
  };
  const bids: Array<{ px: number; qty: number }> = [];
  const asks: Array<{ px: number; qty: number }> = [];
  const fills = { tsMs: [] as number[], side: [] as number[], px: [] as number[], qty: [] as number[] };
  let inventory = 0;
  let cash = 0;
  for (let i = 0; i < n; i++) {
    const m = mid[i];
    for (const [orders, side] of [
      [bids, 1],
      [asks, -1],
    ] as const) {
      for (let j = orders.length - 1; j >= 0; j--) {
        const o = orders[j];
        if (side > 0 ? o.px >= m : o.px <= m) {
          inventory += side * o.qty;
          cash -= side * o.px * o.qty;
          fills.tsMs.push(book.tsMs[i]);
          fills.side.push(side);
          fills.px.push(o.px);
          fills.qty.push(o.qty);
          orders.splice(j, 1);
        }
      }
    }
    if (!Number.isNaN(sigma[i])) {
      const q = referenceSystemQuotes({ midPx: m, inventory, tsMs: book.tsMs[i], firstTsMs: first, lastTsMs: last, sigmaPriceLevel: sigma[i], gamma, k });
      out.reservation[i] = q.reservationPx;
      out.bid[i] = q.bidPx;
      out.ask[i] = q.askPx;
      const size = Math.abs(inventory) > threshold ? largeSize(inventory) : baseSize;
      if (!Number.isNaN(q.bidPx)) bids.push({ px: q.bidPx, qty: size });
      if (!Number.isNaN(q.askPx)) asks.push({ px: q.askPx, qty: size });
      while (bids.length > perSide) bids.shift();
      while (asks.length > perSide) asks.shift();
    }
    out.inventory[i] = inventory;
    out.cash[i] = cash;
    out.pnl[i] = cash + inventory * m;
  }
  return {
    tsMs: book.tsMs,
    midPx: mid,
    sigmaPriceLevel: sigma,
    reservationPx: out.reservation,
    bidPx: out.bid,
    askPx: out.ask,
    inventory: out.inventory,
    cash: out.cash,
    pnl: out.pnl,
    fills,
    k,
    messageRatePerSec,
  };
}
