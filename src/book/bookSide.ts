/**
 * One side of a price-level order book, kept sorted best first (bids descending, asks ascending). Levels keep
 * the exchange's own price and size strings next to their numeric values, because exchange checksums (OKX)
 * are computed over the strings as sent. Binary search per update; a side of a few hundred levels updates
 * in well under a microsecond per level.
 */
export class BookSide {
  /** Numeric prices, best first. */
  readonly prices: number[] = [];
  readonly sizes: number[] = [];
  /** Orders at each level where the venue says (OKX `books`: a level's fourth field), else NaN. */
  readonly counts: number[] = [];
  readonly priceTexts: string[] = [];
  readonly sizeTexts: string[] = [];

  constructor(readonly isBid: boolean) {}

  get length(): number {
    return this.prices.length;
  }

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
    this.counts.length = 0;
    this.priceTexts.length = 0;
    this.sizeTexts.length = 0;
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

  /** Sets the absolute size at a price; size 0 removes the level (removing an absent level is a no-op). */
  set(price: number, size: number, priceText: string = String(price), sizeText: string = String(size), count = NaN): void {
    const index = this.find(price);
    if (size === 0) {
      if (index >= 0) {
        this.prices.splice(index, 1);
        this.sizes.splice(index, 1);
        this.counts.splice(index, 1);
        this.priceTexts.splice(index, 1);
        this.sizeTexts.splice(index, 1);
      }
      return;
    }
    if (index >= 0) {
      this.sizes[index] = size;
      this.counts[index] = count;
      this.sizeTexts[index] = sizeText;
      this.priceTexts[index] = priceText;
      return;
    }
    const at = -index - 1;
    this.prices.splice(at, 0, price);
    this.sizes.splice(at, 0, size);
    this.counts.splice(at, 0, count);
    this.priceTexts.splice(at, 0, priceText);
    this.sizeTexts.splice(at, 0, sizeText);
  }

  /** The best `n` levels as {px, sz} strings (for checksums). */
  topTexts(n: number): Array<{ px: string; sz: string }> {
    const out: Array<{ px: string; sz: string }> = [];
    for (let i = 0; i < Math.min(n, this.prices.length); i++) out.push({ px: this.priceTexts[i], sz: this.sizeTexts[i] });
    return out;
  }
}
