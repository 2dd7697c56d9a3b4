import { OrderBook } from '../book/orderBook.js';
import { BookTableBuilder, TradeTableBuilder } from './bookBuilder.js';
import { DataError } from './errors.js';
import { readLines } from './lines.js';
import type { BookTable, TradeTable } from './tables.js';

export interface BinanceReplay {
  readonly book: BookTable;
  readonly trades: TradeTable;
  /** Best bid/ask from the bookTicker stream (update id, local time ms, bid, ask), for cross-checks. */
  readonly bookTicker: { readonly updateId: Float64Array; readonly localTsMs: Float64Array; readonly bidPx: Float64Array; readonly askPx: Float64Array };
  /** Final update id of the diff after which each book row was taken. */
  readonly rowUpdateId: Float64Array;
  readonly stats: {
    readonly lines: number;
    readonly diffs: number;
    readonly diffsApplied: number;
    readonly diffsBeforeSnapshotDropped: number;
    readonly gaps: number;
    readonly trades: number;
    readonly bookTickers: number;
  };
}

type Json = Record<string, unknown>;

/**
 * Replays an hftbacktest collector capture of Binance spot (gzip of `<local_ts_ns> <json>` lines: combined
 * streams `@depth@100ms`, `@trade`, `@bookTicker`, plus one REST depth snapshot `{lastUpdateId, bids, asks}`).
 * Binance's rules: diffs are buffered until the snapshot; those with u ≤ lastUpdateId are dropped; the first
 * applied diff must have U ≤ lastUpdateId + 1 ≤ u, each later one U = previous u + 1 (else a gap: rows stop,
 * the gap is counted). One book row (best `depth` levels) per applied diff: ts_ms = event time E,
 * local_ts_ms = receive time. Trades: side is the taker's (m = buyer is maker → taker sold).
 */
export async function replayBinanceCapture(path: string, depth = 5): Promise<BinanceReplay> {
  const book = new OrderBook();
  const rows = new BookTableBuilder(depth);
  const rowUpdateIds: number[] = [];
  const trades = new TradeTableBuilder();
  const ticker = { updateId: [] as number[], localTsMs: [] as number[], bidPx: [] as number[], askPx: [] as number[] };
  const buffered: Array<{ data: Json; localTsMs: number }> = [];
  let lastUpdateId: number | undefined;
  let synced = false;
  let lines = 0;
  let diffs = 0;
  let applied = 0;
  let dropped = 0;
  let gaps = 0;

  const applyDiff = (data: Json, localTsMs: number, lineNo: number) => {
    const first = Number(data.U);
    const final = Number(data.u);
    if (!Number.isFinite(first) || !Number.isFinite(final)) throw new DataError(path, lineNo, 'data.U/data.u', 'missing update ids');
    if (final <= lastUpdateId!) {
      if (!synced) dropped++;
      return;
    }
    const expected = lastUpdateId! + 1;
    const inSequence = synced ? first === expected : first <= expected && expected <= final;
    if (!inSequence) {
      gaps++;
      synced = false;
      lastUpdateId = final; // keep counting; rows resume only after a new snapshot
      return;
    }
    synced = true;
    lastUpdateId = final;
    book.applyUpdate(data.b as Array<[string, string]>, data.a as Array<[string, string]>);
    applied++;
    rows.push(Number(data.E), localTsMs, book.bids.prices.slice(0, depth), book.bids.sizes.slice(0, depth), book.asks.prices.slice(0, depth), book.asks.sizes.slice(0, depth));
    rowUpdateIds.push(final);
  };

  for await (const { line, lineNo } of readLines(path)) {
    lines = lineNo;
    if (line === '') continue;
    const space = line.indexOf(' ');
    const localNs = Number(line.slice(0, space));
    if (space < 0 || !Number.isFinite(localNs)) throw new DataError(path, lineNo, 'local_ts_ns', 'expected "<local_ts_ns> <json>"');
    const localTsMs = localNs / 1e6;
    let message: Json;
    try {
      message = JSON.parse(line.slice(space + 1)) as Json;
    } catch (error) {
      throw new DataError(path, lineNo, 'json', (error as Error).message);
    }
    if (message.lastUpdateId !== undefined) {
      book.applySnapshot(message.bids as Array<[string, string]>, message.asks as Array<[string, string]>);
      lastUpdateId = Number(message.lastUpdateId);
      synced = false;
      for (const item of buffered.splice(0)) applyDiff(item.data, Math.max(item.localTsMs, localTsMs), lineNo);
      continue;
    }
    const stream = String(message.stream ?? '');
    const data = message.data as Json;
    if (!data) throw new DataError(path, lineNo, 'data', 'missing');
    if (stream.endsWith('@depth@100ms') || stream.endsWith('@depth')) {
      diffs++;
      if (lastUpdateId === undefined) buffered.push({ data, localTsMs });
      else applyDiff(data, localTsMs, lineNo);
    } else if (stream.endsWith('@trade')) {
      const px = Number(data.p);
      const sz = Number(data.q);
      if (!(px > 0) || !(sz > 0)) throw new DataError(path, lineNo, 'data.p/data.q', 'trade price and size must be positive numbers');
      trades.push(Number(data.T), localTsMs, Number(data.t), data.m === true ? -1 : 1, px, sz);
    } else if (stream.endsWith('@bookTicker')) {
      ticker.updateId.push(Number(data.u));
      ticker.localTsMs.push(localTsMs);
      ticker.bidPx.push(Number(data.b));
      ticker.askPx.push(Number(data.a));
    }
  }
  dropped += buffered.length;
  const meta = { instrument: 'BTCUSDT', source: `hftbacktest Binance capture ${path}` };
  return {
    book: rows.finish(meta),
    trades: trades.finish(meta),
    bookTicker: {
      updateId: Float64Array.from(ticker.updateId),
      localTsMs: Float64Array.from(ticker.localTsMs),
      bidPx: Float64Array.from(ticker.bidPx),
      askPx: Float64Array.from(ticker.askPx),
    },
    rowUpdateId: Float64Array.from(rowUpdateIds),
    stats: { lines, diffs, diffsApplied: applied, diffsBeforeSnapshotDropped: dropped, gaps, trades: trades.rows, bookTickers: ticker.updateId.length },
  };
}
