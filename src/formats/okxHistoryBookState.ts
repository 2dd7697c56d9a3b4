import { withCapacity } from '../data/columnBuilder.js';
/**
 * A full-depth order book kept as two sorted arrays, for replaying OKX's daily history (hundreds to thousands
 * of levels per side). Each side is stored with its best level LAST (bids ascending, asks descending by
 * price), so the frequent changes near the touch shift few elements; lookups are binary searches.
 *
 * Semantics (OKX history): sizes are absolute; size 0 deletes the level; a snapshot replaces the book.
 */
export const BOOK_SIDE_BID = 1;
export const BOOK_SIDE_ASK = -1;

/** Levels moved by a loop rather than `copyWithin` when a change shifts the side (3 builtin calls cost more for a few). */
const SHIFT_BY_LOOP = 16;

/** One side: `key` = px for bids, −px for asks, ascending (best last). */
class BookSide {
  key = new Float64Array(1024);
  sz = new Float64Array(1024);
  count = new Float64Array(1024);
  n = 0;
  constructor(readonly sign: 1 | -1) {}

  /** Index of `key` if present, else −(insertion point) − 1. */
  find(key: number): number {
    const keys = this.key;
    let lo = 0;
    let hi = this.n;
    // the touch is at the end: most changes are near it, so probe there first
    if (hi > 0 && key >= keys[hi - 1]) {
      if (key === keys[hi - 1]) return hi - 1;
      return -hi - 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid;
      else return mid;
    }
    return -lo - 1;
  }

  private grow(): void {
    const capacity = 2 * this.key.length;
    this.key = withCapacity(this.key, capacity);
    this.sz = withCapacity(this.sz, capacity);
    this.count = withCapacity(this.count, capacity);
  }

  /** Sets the level at price `px` to size `sz` (0 deletes). Returns false for the delete of an absent level. */
  set(px: number, sz: number, count: number): boolean {
    const key = this.sign * px;
    const at = this.find(key);
    if (at >= 0) {
      if (sz === 0) {
        this.key.copyWithin(at, at + 1, this.n);
        this.sz.copyWithin(at, at + 1, this.n);
        this.count.copyWithin(at, at + 1, this.n);
        this.n--;
      } else {
        this.sz[at] = sz;
        this.count[at] = count;
      }
      return true;
    }
    if (sz === 0) return false;
    if (this.n === this.key.length) this.grow();
    const ins = -at - 1;
    if (ins < this.n) {
      this.key.copyWithin(ins + 1, ins, this.n);
      this.sz.copyWithin(ins + 1, ins, this.n);
      this.count.copyWithin(ins + 1, ins, this.n);
    }
    this.key[ins] = key;
    this.sz[ins] = sz;
    this.count[ins] = count;
    this.n++;
    return true;
  }

  /**
   * `set` of levels `[0, n)` of the columns `px`, `sz`, `count`, in order (one side of an update line); returns
   * how many were deletes of levels the book did not hold. The same steps as `set`, written out in one loop:
   * a call per level passed its three doubles boxed (V8 did not inline `set` into the decoder's loop), some
   * 60 M short-lived heap numbers on a realistic day. A shift of a few levels (the usual change, near the
   * touch at the end) is a loop; a longer one `copyWithin`.
   */
  applyLevels(px: Float64Array, sz: Float64Array, count: Float64Array, n: number): number {
    const sign = this.sign;
    let absent = 0;
    for (let k = 0; k < n; k++) {
      const key = sign * px[k];
      const size = sz[k];
      let keys = this.key;
      let len = this.n;
      // find (as `find`: the touch first, then a binary search)
      let at: number;
      if (len > 0 && key >= keys[len - 1]) at = key === keys[len - 1] ? len - 1 : -len - 1;
      else {
        let lo = 0;
        let hi = len;
        at = -1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const m = keys[mid];
          if (m < key) lo = mid + 1;
          else if (m > key) hi = mid;
          else {
            at = mid;
            break;
          }
        }
        if (at < 0) at = -lo - 1;
      }
      if (at >= 0) {
        const sizes = this.sz;
        const counts = this.count;
        if (size === 0) {
          if (len - at - 1 <= SHIFT_BY_LOOP) {
            for (let j = at; j < len - 1; j++) {
              keys[j] = keys[j + 1];
              sizes[j] = sizes[j + 1];
              counts[j] = counts[j + 1];
            }
          } else {
            keys.copyWithin(at, at + 1, len);
            sizes.copyWithin(at, at + 1, len);
            counts.copyWithin(at, at + 1, len);
          }
          this.n = len - 1;
        } else {
          sizes[at] = size;
          counts[at] = count[k];
        }
        continue;
      }
      if (size === 0) {
        absent++;
        continue;
      }
      if (len === keys.length) {
        this.grow();
        keys = this.key;
      }
      const sizes = this.sz;
      const counts = this.count;
      const ins = -at - 1;
      if (len - ins <= SHIFT_BY_LOOP) {
        for (let j = len; j > ins; j--) {
          keys[j] = keys[j - 1];
          sizes[j] = sizes[j - 1];
          counts[j] = counts[j - 1];
        }
      } else {
        keys.copyWithin(ins + 1, ins, len);
        sizes.copyWithin(ins + 1, ins, len);
        counts.copyWithin(ins + 1, ins, len);
      }
      keys[ins] = key;
      sizes[ins] = size;
      counts[ins] = count[k];
      this.n = len + 1;
    }
    return absent;
  }

  clear(): void {
    this.n = 0;
  }

  /** Price of the level `l` from the touch (0 = best); NaN beyond the book. */
  px(l: number): number {
    return l < this.n ? this.sign * this.key[this.n - 1 - l] : NaN;
  }
  size(l: number): number {
    return l < this.n ? this.sz[this.n - 1 - l] : NaN;
  }
}

/** One level where two books differ (a snapshot check): NaN size = absent in that book. */
export interface LevelDifference {
  readonly side: 'bid' | 'ask';
  readonly px: number;
  readonly builtSz: number;
  readonly snapshotSz: number;
}

/** A full-depth book (see the module comment). */
export class FullDepthBook {
  readonly bids = new BookSide(1);
  readonly asks = new BookSide(-1);

  /** Applies one level change; returns false when it deletes a level the book does not hold. */
  set(side: number, px: number, sz: number, count: number): boolean {
    return (side === BOOK_SIDE_BID ? this.bids : this.asks).set(px, sz, count);
  }

  /** `set` of the levels `[0, n)` of one side (`BookSide.applyLevels`); returns the deletes of levels the book did not hold. */
  applyLevels(side: number, px: Float64Array, sz: Float64Array, count: Float64Array, n: number): number {
    return (side === BOOK_SIDE_BID ? this.bids : this.asks).applyLevels(px, sz, count, n);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  get bidLevels(): number {
    return this.bids.n;
  }
  get askLevels(): number {
    return this.asks.n;
  }
  bidPx(l: number): number {
    return this.bids.px(l);
  }
  bidSz(l: number): number {
    return this.bids.size(l);
  }
  askPx(l: number): number {
    return this.asks.px(l);
  }
  askSz(l: number): number {
    return this.asks.size(l);
  }

  /** Best bid ≥ best ask (both sides present). */
  crossed(): boolean {
    return this.bids.n > 0 && this.asks.n > 0 && this.bids.px(0) >= this.asks.px(0);
  }

  /**
   * Levels where this book and `other` differ (price present in one only, or another size), counted in full,
   * at most `keep` of them listed (best first per side). Order counts are not compared.
   */
  differences(other: FullDepthBook, keep = 5): { count: number; first: LevelDifference[] } {
    const first: LevelDifference[] = [];
    let count = 0;
    for (const [name, a, b] of [['bid', this.bids, other.bids], ['ask', this.asks, other.asks]] as const) {
      let i = a.n - 1;
      let j = b.n - 1;
      while (i >= 0 || j >= 0) {
        const ka = i >= 0 ? a.key[i] : -Infinity;
        const kb = j >= 0 ? b.key[j] : -Infinity;
        let diff: LevelDifference | undefined;
        if (ka === kb) {
          if (a.sz[i] !== b.sz[j]) diff = { side: name, px: a.sign * ka, builtSz: a.sz[i], snapshotSz: b.sz[j] };
          i--;
          j--;
        } else if (ka > kb) {
          diff = { side: name, px: a.sign * ka, builtSz: a.sz[i], snapshotSz: NaN };
          i--;
        } else {
          diff = { side: name, px: b.sign * kb, builtSz: NaN, snapshotSz: b.sz[j] };
          j--;
        }
        if (diff) {
          count++;
          if (first.length < keep) first.push(diff);
        }
      }
    }
    return { count, first };
  }
}
