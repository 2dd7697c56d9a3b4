import { expect } from 'vitest';
import type { BacktestResult } from '../../src/backtest/index.js';
import { clipMasks, type MaskedInterval } from '../../src/data/masks.js';
import { mapBookColumns, type BookTable, type TradeTable } from '../../src/data/tables.js';

// Splitting tables into chunks at chosen rows, and comparing two results number by number with Object.is
// (NaN equals NaN, 0 differs from −0): the streamed replay must give the in-memory result bit for bit.

/** Where a chunk starts: its first book row and first trade (indices into the whole tables). */
export interface Cut {
  readonly bookRow: number;
  readonly tradeRow: number;
}

/**
 * How each chunk carries the masked intervals: `clip` cuts them at the chunk's time range (a mask crossing a
 * boundary is two pieces, as a day-partitioned catalog stores it), `overlap` gives each chunk every mask
 * that overlaps its range unclipped, `start` lists each mask only in the chunk whose range holds its start.
 */
export type MaskMode = 'clip' | 'overlap' | 'start';

export interface Chunk {
  readonly book: BookTable;
  readonly trades: TradeTable;
}

function sliceBook(b: BookTable, from: number, to: number, masked: MaskedInterval[] | undefined): BookTable {
  // every per-row column, order counts included, copied (the replay may keep no view of a chunk)
  return { ...mapBookColumns(b, (c) => c.slice(from, to)), masked };
}

function sliceTrades(t: TradeTable, from: number, to: number, masked: MaskedInterval[] | undefined): TradeTable {
  return { ...t, tsMs: t.tsMs.slice(from, to), localTsMs: undefined, id: t.id.slice(from, to), side: t.side.slice(from, to), px: t.px.slice(from, to), sz: t.sz.slice(from, to), masked };
}

/** The chunks between cuts (the first chunk starts at row 0 of both tables; cuts in order). */
export function splitTables(book: BookTable, trades: TradeTable, cuts: readonly Cut[], maskMode: MaskMode = 'clip'): Chunk[] {
  const starts: Cut[] = [{ bookRow: 0, tradeRow: 0 }, ...cuts];
  const chunkStartMs = (k: number) => {
    if (k === 0) return -Infinity;
    if (k >= starts.length) return Infinity;
    const c = starts[k];
    return Math.min(c.bookRow < book.tsMs.length ? book.tsMs[c.bookRow] : Infinity, c.tradeRow < trades.tsMs.length ? trades.tsMs[c.tradeRow] : Infinity);
  };
  const masksFor = (all: readonly MaskedInterval[] | undefined, k: number) => {
    if (!all) return undefined;
    const a = chunkStartMs(k);
    const b = chunkStartMs(k + 1);
    if (maskMode === 'clip') return clipMasks(all, a, b);
    if (maskMode === 'overlap') return all.filter((m) => m.toMs > a && m.fromMs < b);
    return all.filter((m) => m.fromMs >= a && m.fromMs < b);
  };
  return starts.map((c, k) => {
    const next = starts[k + 1] ?? { bookRow: book.tsMs.length, tradeRow: trades.tsMs.length };
    return { book: sliceBook(book, c.bookRow, next.bookRow, masksFor(book.masked, k)), trades: sliceTrades(trades, c.tradeRow, next.tradeRow, masksFor(trades.masked, k)) };
  });
}

/** The cut at time t: book rows and trades stamped before t go before it. */
export function cutAtMs(book: BookTable, trades: TradeTable, t: number): Cut {
  const first = (ts: Float64Array) => {
    let i = 0;
    while (i < ts.length && ts[i] < t) i++;
    return i;
  };
  return { bookRow: first(book.tsMs), tradeRow: first(trades.tsMs) };
}

/** Every number of two arrays the same (Object.is), with the first difference named. */
export function expectSameNumbers(label: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(b.length, `${label}: length`).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${label}[${i}]: ${b[i]} instead of ${a[i]}`);
  }
}

/** Two results the same, bit for bit: series, fills, account, counts, masks and notes. */
export function expectSameResult(expected: BacktestResult, actual: BacktestResult, compareSeries = true): void {
  if (compareSeries) for (const [key, col] of Object.entries(expected.series)) expectSameNumbers(`series.${key}`, col as Float64Array, actual.series[key as keyof BacktestResult['series']]);
  for (const [key, col] of Object.entries(expected.fills)) expectSameNumbers(`fills.${key}`, col as ArrayLike<number>, actual.fills[key as keyof BacktestResult['fills']]);
  for (const key of ['finalInventory', 'finalCash', 'finalMidPx', 'events', 'decisions'] as const) {
    if (!Object.is(expected[key], actual[key])) expect.fail(`${key}: ${actual[key]} instead of ${expected[key]}`);
  }
  expect(actual.maskedEvents).toEqual(expected.maskedEvents);
  expect(actual.masked).toEqual(expected.masked);
  expect(actual.notes).toEqual(expected.notes);
}
