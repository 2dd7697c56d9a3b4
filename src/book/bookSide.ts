/** A level's price and size as the exchange sent them. */
interface LevelStrings {
  px: string;
  sz: string;
}

/**
 * One side of a price-level order book, kept sorted best first (bids descending, asks ascending). Levels keep
 * the exchange's own price and size strings next to their numeric values, because exchange checksums (OKX)
 * are computed over the strings as sent. Binary search per update; the numeric columns are arrays spliced in
 * place, the strings sit in a map by price (splicing arrays of strings cost about ten times as much as the
 * numbers: a full-depth side of a thousand levels spent most of its update time there).
 */
export class BookSide {
  /** Numeric prices, best first. */
  readonly prices: number[] = [];
  readonly sizes: number[] = [];
  /** Orders at each level where the venue says (OKX `books`: a level's fourth field), else NaN. */
  readonly counts: number[] = [];
  /** The strings of the levels set with them, by price (a level set without them reads as `String(number)`). */
  private readonly strings = new Map<number, LevelStrings>();

  constructor(readonly isBid: boolean) {}

  get length(): number {
    return this.prices.length;
  }

  /** The price of the `i`th best level as the exchange sent it. */
  priceText(i: number): string {
    const price = this.prices[i];
    return this.strings.get(price)?.px ?? String(price);
  }

  /** The size of the `i`th best level as the exchange sent it. */
  sizeText(i: number): string {
    const text = this.strings.get(this.prices[i]);
    return text !== undefined ? text.sz : String(this.sizes[i]);
  }

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
    this.counts.length = 0;
    this.strings.clear();
  }

  /** Index of `price` if present, else −(insertion point) − 1. */
  private find(price: number): number {
    let lo = 0;
    let hi = this.prices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.prices[mid];
      if (p === price) return mid;
      const better = this.isBid ? p > price : p < price;
      if (better) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /**
   * Sets the absolute size at a price, with the exchange's strings for them when it has them (else they read
   * as `String(price)` and `String(size)`); size 0 removes the level (removing an absent level is a no-op).
   */
  set(price: number, size: number, priceText?: string, sizeText?: string, count = NaN): void {
    const index = this.find(price);
    if (size === 0) {
      if (index >= 0) {
        this.prices.splice(index, 1);
        this.sizes.splice(index, 1);
        this.counts.splice(index, 1);
        this.strings.delete(price);
      }
      return;
    }
    if (priceText !== undefined || sizeText !== undefined) {
      const px = priceText ?? String(price);
      const sz = sizeText ?? String(size);
      const known = index >= 0 ? this.strings.get(price) : undefined;
      if (known) {
        known.px = px;
        known.sz = sz;
      } else this.strings.set(price, { px, sz });
    } else if (index >= 0) this.strings.delete(price);
    if (index >= 0) {
      this.sizes[index] = size;
      this.counts[index] = count;
      return;
    }
    const at = -index - 1;
    this.prices.splice(at, 0, price);
    this.sizes.splice(at, 0, size);
    this.counts.splice(at, 0, count);
  }

  /** The best `n` levels as {px, sz} strings (for checksums). */
  topTexts(n: number): Array<{ px: string; sz: string }> {
    const out: Array<{ px: string; sz: string }> = [];
    for (let i = 0; i < Math.min(n, this.prices.length); i++) out.push({ px: this.priceText(i), sz: this.sizeText(i) });
    return out;
  }
}
