import { Float64ColumnBuilder, Int8ColumnBuilder } from './columnBuilder.js';
import type { BookTable, TableMeta, TradeTable } from './tables.js';

/** Accumulates top-of-book rows (best `depth` levels per side) into a BookTable with local receive time. */
export class BookTableBuilder {
  private readonly ts = new Float64ColumnBuilder();
  private readonly localTs = new Float64ColumnBuilder();
  private readonly columns: Float64ColumnBuilder[];

  constructor(readonly depth: number) {
    this.columns = Array.from({ length: 4 * depth }, () => new Float64ColumnBuilder());
  }

  get rows(): number {
    return this.ts.length;
  }

  /** Orders per level, bids then asks (`BookTable.bidCount`): made at the first row that gives any (earlier rows NaN). */
  private counts: Float64ColumnBuilder[] | undefined;

  /** Appends a row from best-first price/size (and order count) arrays (missing levels become NaN). */
  push(tsMs: number, localTsMs: number, bidPx: readonly number[], bidSz: readonly number[], askPx: readonly number[], askSz: readonly number[], bidCount?: readonly number[], askCount?: readonly number[]): void {
    this.ts.push(tsMs);
    this.localTs.push(localTsMs);
    const d = this.depth;
    for (let l = 0; l < d; l++) {
      const hasBid = l < bidPx.length;
      const hasAsk = l < askPx.length;
      this.columns[l].push(hasBid ? bidPx[l] : NaN);
      this.columns[d + l].push(hasBid ? bidSz[l] : NaN);
      this.columns[2 * d + l].push(hasAsk ? askPx[l] : NaN);
      this.columns[3 * d + l].push(hasAsk ? askSz[l] : NaN);
    }
    if (bidCount === undefined && askCount === undefined && this.counts === undefined) return;
    let counts = this.counts;
    if (counts === undefined) {
      let any = false;
      const given = (counts: readonly number[] | undefined, levels: number, l: number) => l < levels && counts !== undefined && l < counts.length && counts[l] === counts[l];
      for (let l = 0; l < d && !any; l++) any = given(bidCount, bidPx.length, l) || given(askCount, askPx.length, l);
      if (!any) return;
      const before = this.ts.length - 1;
      counts = this.counts = Array.from({ length: 2 * d }, () => {
        const c = new Float64ColumnBuilder();
        for (let r = 0; r < before; r++) c.push(NaN);
        return c;
      });
    }
    for (let l = 0; l < d; l++) {
      counts[l].push(l < bidPx.length && bidCount !== undefined && l < bidCount.length ? bidCount[l] : NaN);
      counts[d + l].push(l < askPx.length && askCount !== undefined && l < askCount.length ? askCount[l] : NaN);
    }
  }

  finish(meta: TableMeta): BookTable {
    const d = this.depth;
    const cols = this.columns.map((c) => c.finish());
    return {
      kind: 'book',
      depth: d,
      tsMs: this.ts.finish(),
      localTsMs: this.localTs.finish(),
      bidPx: cols.slice(0, d),
      bidSz: cols.slice(d, 2 * d),
      askPx: cols.slice(2 * d, 3 * d),
      askSz: cols.slice(3 * d, 4 * d),
      ...(this.counts ? { bidCount: this.counts.slice(0, d).map((c) => c.finish()), askCount: this.counts.slice(d).map((c) => c.finish()) } : {}),
      meta,
    };
  }
}

/**
 * Accumulates trades into a TradeTable, with or without a local receive-time column. `current()` is a view
 * over the rows so far (for validating each row as it arrives); `finish()` returns exact-length columns.
 */
export class TradeTableBuilder {
  private readonly ts = new Float64ColumnBuilder();
  private readonly localTs = new Float64ColumnBuilder();
  private readonly id = new Float64ColumnBuilder();
  private readonly side = new Int8ColumnBuilder();
  private readonly px = new Float64ColumnBuilder();
  private readonly sz = new Float64ColumnBuilder();
  private view: TradeTable | undefined;

  constructor(readonly withLocalTs = true) {}

  get rows(): number {
    return this.ts.length;
  }

  /** Appends a trade; `localTsMs` is ignored when the builder has no local-time column. */
  push(tsMs: number, localTsMs: number, id: number, side: number, px: number, sz: number): void {
    this.ts.push(tsMs);
    if (this.withLocalTs) this.localTs.push(localTsMs);
    this.id.push(id);
    this.side.push(side);
    this.px.push(px);
    this.sz.push(sz);
  }

  /** The rows so far over the builders' backing arrays (valid up to `rows`; rebuilt only when they grow). */
  current(): TradeTable {
    if (this.view === undefined || this.view.tsMs !== this.ts.array) {
      this.view = {
        kind: 'trades',
        tsMs: this.ts.array,
        ...(this.withLocalTs ? { localTsMs: this.localTs.array } : {}),
        id: this.id.array,
        side: this.side.array,
        px: this.px.array,
        sz: this.sz.array,
        meta: {},
      };
    }
    return this.view;
  }

  finish(meta: TableMeta): TradeTable {
    return {
      kind: 'trades',
      tsMs: this.ts.finish(),
      ...(this.withLocalTs ? { localTsMs: this.localTs.finish() } : {}),
      id: this.id.finish(),
      side: this.side.finish(),
      px: this.px.finish(),
      sz: this.sz.finish(),
      meta,
    };
  }
}
