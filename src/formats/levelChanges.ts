import { ColumnBuilder, Float64ColumnBuilder } from '../data/columnBuilder.js';
import type { BookStream } from '../okx/normalizer.js';

/**
 * A book stream's level changes as a recording received them: each snapshot a clear row (side 0) and its
 * levels, each update its levels; exchange and local time; the level's order count (OKX's fourth field, NaN
 * when absent). Only while the book was trusted, as its rows. What `replayDepth` takes (with the local stamps
 * for `--feed-latency recorded`).
 */
export interface RecordedLevelChanges {
  readonly tsMs: Float64Array;
  readonly localTsMs: Float64Array;
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly qty: Float64Array;
  readonly orders: Float64Array;
}

interface Columns {
  ts: Float64ColumnBuilder;
  local: Float64ColumnBuilder;
  side: ColumnBuilder<Int8Array>;
  px: Float64ColumnBuilder;
  qty: Float64ColumnBuilder;
  orders: Float64ColumnBuilder;
}

/** Collects the level changes the OKX normalizer hands over (`NormalizedRowSink.levelChanges`), per book stream. */
export class LevelChangeCollector {
  private readonly streams = new Map<string, Columns>();

  add(stream: BookStream, tsMs: number, localTsMs: number, snapshot: boolean, bids: ReadonlyArray<readonly string[]>, asks: ReadonlyArray<readonly string[]>): void {
    const k = `${stream.instId}\t${stream.channel}`;
    let c = this.streams.get(k);
    if (!c) this.streams.set(k, (c = { ts: new Float64ColumnBuilder(), local: new Float64ColumnBuilder(), side: new ColumnBuilder(Int8Array), px: new Float64ColumnBuilder(), qty: new Float64ColumnBuilder(), orders: new Float64ColumnBuilder() }));
    const push = (side: number, px: number, qty: number, orders: number) => {
      c!.ts.push(tsMs);
      c!.local.push(localTsMs);
      c!.side.push(side);
      c!.px.push(px);
      c!.qty.push(qty);
      c!.orders.push(orders);
    };
    if (snapshot) push(0, NaN, NaN, NaN);
    for (const [side, levels] of [[1, bids], [-1, asks]] as const) {
      for (const level of levels) push(side, Number(level[0]), Number(level[1]), level.length > 3 ? Number(level[3]) : NaN);
    }
  }

  /** The changes of one stream, or undefined when it had none. */
  finish(stream: BookStream): RecordedLevelChanges | undefined {
    const c = this.streams.get(`${stream.instId}\t${stream.channel}`);
    return c ? { tsMs: c.ts.finish(), localTsMs: c.local.finish(), side: c.side.finish(), px: c.px.finish(), qty: c.qty.finish(), orders: c.orders.finish() } : undefined;
  }
}
