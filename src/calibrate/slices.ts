import { mapBookColumns, type BookTable, type TradeTable } from '../data/tables.js';
import { clipMasks } from '../data/masks.js';
import { lowerBound } from '../data/search.js';

/** The rows of a book with fromMs ≤ ts_ms < toMs, as views (no copy), with its masked intervals cut to the window. */
export function sliceBook(book: BookTable, fromMs: number, toMs: number): BookTable {
  const a = lowerBound(book.tsMs, fromMs);
  const b = lowerBound(book.tsMs, toMs);
  return { ...mapBookColumns(book, (c) => c.subarray(a, b)), masked: clipMasks(book.masked, fromMs, toMs) };
}

/** The trades with fromMs ≤ ts_ms < toMs, as views, with their masked intervals cut to the window. */
export function sliceTrades(trades: TradeTable, fromMs: number, toMs: number): TradeTable {
  const a = lowerBound(trades.tsMs, fromMs);
  const b = lowerBound(trades.tsMs, toMs);
  return {
    ...trades,
    tsMs: trades.tsMs.subarray(a, b),
    ...(trades.localTsMs ? { localTsMs: trades.localTsMs.subarray(a, b) } : {}),
    id: trades.id.subarray(a, b),
    side: trades.side.subarray(a, b),
    px: trades.px.subarray(a, b),
    sz: trades.sz.subarray(a, b),
    masked: clipMasks(trades.masked, fromMs, toMs),
  };
}
