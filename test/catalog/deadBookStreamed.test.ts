import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import type { BookTable, TradeTable } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A dead book in a catalog range: stopped across midnight (no row from 23:30 to 00:30 while trades print),
// frozen for an hour on the first day (the same levels in every row) and stopped for another; and a hole in
// both books and trades on the second day (stale, not dead: σ leaves it out, nothing is masked). The streamed commands mask what the
// in-memory ones mask, carrying the last change and the trades since across the day boundary, and give the
// same σ, stale time and fills as the in-memory run on the two days put together.

const HOUR = 3_600_000;
const market = generateSampleMarket({ durationSec: 48 * 3600, snapshotIntervalMs: 5000, arrivalRatePerSec: 0.25, seed: 7 });
const t0 = market.book.tsMs[0]; // 2026-01-01T00:00Z
const b = market.book;
const inHour = (t: number, h: number) => t >= t0 + h * HOUR && t < t0 + (h + 1) * HOUR;
const keep = b.tsMs.map((_, i) => i).filter((i) => !inHour(b.tsMs[i], 10) && !inHour(b.tsMs[i], 30) && !inHour(b.tsMs[i] + HOUR / 2, 24));
const tradeRows = market.trades.tsMs.map((_, i) => i).filter((i) => !inHour(market.trades.tsMs[i], 30));
const tr = market.trades;
const tradesHoled = tradeRowsOf(tr, tradeRows);
const freezeFrom = keep.findIndex((i) => b.tsMs[i] >= t0 + 20 * HOUR);
const freezeTo = keep.findIndex((i) => b.tsMs[i] >= t0 + 21 * HOUR);
const pick = (cols: readonly Float64Array[]) => cols.map((c) => Float64Array.from(keep, (i, j) => (j >= freezeFrom && j < freezeTo ? c[keep[freezeFrom]] : c[i])));
const dead: BookTable = { ...b, tsMs: Float64Array.from(keep, (i) => b.tsMs[i]), bidPx: pick(b.bidPx), bidSz: pick(b.bidSz), askPx: pick(b.askPx), askSz: pick(b.askSz) };

type Estimate = { sigma: { realized: Record<'price' | 'log', { sigmaPerSqrtSec: number; increments: number; droppedIncrements: number }> }; bookStale: { stretches: number; ms: number }; notes?: string[] };
type Backtest = { metrics: { pnl: number; fills: number; bidFills: number }; finalInventory: number; masked: { count: number; totalMs: number }; notes?: string[] };

/** The trade table's rows `rows`, in that order. */
function tradeRowsOf(t: TradeTable, rows: ArrayLike<number>): TradeTable {
  return { ...t, tsMs: Float64Array.from(rows, (i) => t.tsMs[i]), id: Float64Array.from(rows, (i) => t.id[i]), side: Int8Array.from(rows, (i) => t.side[i]), px: Float64Array.from(rows, (i) => t.px[i]), sz: Float64Array.from(rows, (i) => t.sz[i]) };
}

/** The book and trades written as CSV files, and a catalog (venue sample, ETH-USDT) imported from them. */
function filesAndCatalog(prefix: string, book: BookTable, trades: TradeTable): { books: string; trades: string; root: string } {
  const dir = tempDir(prefix);
  const files = { books: join(dir, 'books.csv'), trades: join(dir, 'trades.csv'), root: join(dir, 'catalog') };
  writeBookCsv(files.books, book);
  writeTradeCsv(files.trades, trades);
  for (const f of [files.books, files.trades]) {
    const r = runAsmm(['catalog', 'import', f, '--catalog', files.root, '--venue', 'sample', '--inst', 'ETH-USDT', '--json']);
    expect(r.code, r.stderr).toBe(0);
  }
  return files;
}

/** `asmm <command> … --json` streamed over the catalog: its output. */
function streamed<T>(command: 'estimate' | 'backtest', f: { root: string }, args: string[] = []): T {
  const r = runAsmm([command, '--catalog', f.root, '--inst', 'ETH-USDT', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** `asmm <command> … --json` streamed over the catalog and in memory over the files: both outputs. */
function streamedAndInMemory<T>(command: 'estimate' | 'backtest', f: { books: string; trades: string; root: string }, args: string[] = []): { streamed: T; inMemory: T } {
  const fromCatalog = streamed<T>(command, f, args);
  const r = runAsmm([command, '--data', f.books, '--trades', f.trades, ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return { streamed: fromCatalog, inMemory: JSON.parse(r.stdout) as T };
}

describe('a dead book in a streamed catalog range', () => {
  it('is masked as in memory: the same σ, stale time, masks and fills', () => {
    const files = filesAndCatalog('asmm-dead-book-catalog-', dead, tradesHoled);
    const { streamed: s, inMemory: m } = streamedAndInMemory<Estimate>('estimate', files);
    expect(s.bookStale.stretches).toBe(3);
    expect(s.bookStale).toEqual(m.bookStale);
    for (const u of ['price', 'log'] as const) expect(s.sigma.realized[u]).toMatchObject(m.sigma.realized[u]);
    // each day's dead time on its own day: the stop across midnight is half on each
    expect(s.notes).toContain('2026-01-01: the book did not change for more than 5.0 s while trades printed, 2.50 h in 3 stretches: masked');
    expect(s.notes).toContain('2026-01-02: the book did not change for more than 5.0 s while trades printed, 30.0 min in 1 stretch: masked');
    // σ of the market (0.3 price units per √s) once the dead hours are out
    expect(s.sigma.realized.price.sigmaPerSqrtSec).toBeCloseTo(0.3, 1);

    const { streamed: x, inMemory: y } = streamedAndInMemory<Backtest>('backtest', files, ['--strategy', 'symmetric', '--fill', 'tradeThrough']);
    expect(y.masked.totalMs).toBeGreaterThan(2.9 * HOUR);
    expect(x.masked.totalMs).toBe(y.masked.totalMs);
    expect(x.metrics).toMatchObject({ pnl: y.metrics.pnl, fills: y.metrics.fills, bidFills: y.metrics.bidFills });
    expect(x.finalInventory).toBe(y.finalInventory);
  }, 120_000);
});

describe('a dead book whose trades come only after midnight', () => {
  // The book freezes at 23:59:30 (every row until 00:30 repeats its levels); from 23:59:35 on it is stale, and
  // only two trades print before midnight (both through any quote near the last mid), the rest after it. In
  // memory the stretch is dead from 23:59:35 (three trades and more in it). Streamed, the first day ends with two
  // trades in the stretch, too few to call it dead: the day is held until the second is read, and both are
  // masked from 23:59:35 on, so the two late trades of the first day fill nothing, as in memory (they come before
  // the first day's last row: a day handed on unmasked would have filled them).
  it('is masked from its start on the first day too: the same masks and fills as in memory', () => {
    const midnight = t0 + 24 * HOUR;
    const lastRow = Array.from(b.tsMs, (_, i) => i).filter((i) => b.tsMs[i] <= midnight - 30_000).pop()!;
    const frozen = (i: number) => (b.tsMs[i] > midnight - 30_000 && b.tsMs[i] < midnight + HOUR / 2 ? lastRow : i);
    const lastMid = (b.bidPx[0][lastRow] + b.askPx[0][lastRow]) / 2;
    const beforeMidnight = Array.from(tr.tsMs, (_, i) => i).filter((i) => tr.tsMs[i] >= b.tsMs[lastRow] + 5000 && tr.tsMs[i] < midnight);
    expect(beforeMidnight.length).toBeGreaterThanOrEqual(2);
    const kept = new Set(beforeMidnight.slice(0, 2));
    const tradeRowsKept = Array.from(tr.tsMs, (_, i) => i).filter((i) => kept.has(i) || !(tr.tsMs[i] >= b.tsMs[lastRow] + 5000 && tr.tsMs[i] < midnight));
    const px = Float64Array.from(tradeRowsKept, (i) => (kept.has(i) ? lastMid + (tr.side[i] > 0 ? 0.5 : -0.5) : tr.px[i]));
    const trades2 = { ...tradeRowsOf(tr, tradeRowsKept), px };
    const cols = (c: readonly Float64Array[]) => c.map((x) => x.map((_, i) => x[frozen(i)]));
    const book2: BookTable = { ...b, bidPx: cols(b.bidPx), bidSz: cols(b.bidSz), askPx: cols(b.askPx), askSz: cols(b.askSz) };

    const files = filesAndCatalog('asmm-dead-book-late-', book2, trades2);
    const { streamed: s, inMemory: m } = streamedAndInMemory<Estimate>('estimate', files);
    expect(s.bookStale).toEqual(m.bookStale);
    for (const u of ['price', 'log'] as const) expect(s.sigma.realized[u]).toMatchObject(m.sigma.realized[u]);

    const { streamed: x, inMemory: y } = streamedAndInMemory<Backtest>('backtest', files, ['--strategy', 'symmetric', '--fill', 'tradeThrough']);
    // in memory: the stretch from 23:59:35 to 00:30 is masked, 25 s of it before midnight
    expect(y.masked.totalMs).toBe(HOUR / 2 + 25_000);
    expect(x.masked.totalMs).toBe(y.masked.totalMs);
    expect(x.notes).toContain('2026-01-01: the book did not change for more than 5.0 s while trades printed, 25.0 s in 1 stretch: masked');
    expect(x.metrics).toMatchObject({ pnl: y.metrics.pnl, fills: y.metrics.fills, bidFills: y.metrics.bidFills });
    expect(x.finalInventory).toBe(y.finalInventory);
  }, 120_000);
});

describe('a dead book undecided for more than a day', () => {
  // Three days at a row every 5 s: the book freezes at 23:59 on the first day and stays frozen all the second day
  // until 00:10 on the third; one trade prints in the first day's stale minute, one on the second day, the rest on
  // the third. Two trades by the second day's end: still not dead, so the first day cannot wait any longer (one day
  // is held at most) and goes on unmasked; the third day's trades make the stretch dead from its start. The second
  // and third days are masked, and the first day's 55 s that could not be are named in a note, not dropped silently.
  it('masks what it still can and says which part it could not', () => {
    const m = generateSampleMarket({ durationSec: 72 * 3600, snapshotIntervalMs: 5000, arrivalRatePerSec: 0.02, seed: 3 });
    const start = m.book.tsMs[0];
    const freezeAt = start + 24 * HOUR - 60_000;
    const thawAt = start + 48 * HOUR + 10 * 60_000;
    const last = Array.from(m.book.tsMs, (_, i) => i).filter((i) => m.book.tsMs[i] <= freezeAt).pop()!;
    const frozen = (i: number) => (m.book.tsMs[i] > freezeAt && m.book.tsMs[i] < thawAt ? last : i);
    const cols = (c: readonly Float64Array[]) => c.map((x) => x.map((_, i) => x[frozen(i)]));
    const book: BookTable = { ...m.book, bidPx: cols(m.book.bidPx), bidSz: cols(m.book.bidSz), askPx: cols(m.book.askPx), askSz: cols(m.book.askSz) };
    const t = m.trades;
    const all = Array.from(t.tsMs, (_, i) => i);
    const inStretch = (i: number) => t.tsMs[i] >= freezeAt + 5000 && t.tsMs[i] < thawAt;
    const firstDay = all.filter((i) => inStretch(i) && t.tsMs[i] < start + 24 * HOUR);
    const secondDay = all.filter((i) => inStretch(i) && t.tsMs[i] >= start + 24 * HOUR && t.tsMs[i] < start + 48 * HOUR);
    const thirdDay = all.filter((i) => inStretch(i) && t.tsMs[i] >= start + 48 * HOUR);
    expect([firstDay.length > 0, secondDay.length > 0, thirdDay.length >= 2]).toEqual([true, true, true]);
    const keptInStretch = new Set([firstDay[0], secondDay[0], ...thirdDay]);
    const rows = all.filter((i) => !inStretch(i) || keptInStretch.has(i));
    const trades = tradeRowsOf(t, rows);

    const files = filesAndCatalog('asmm-dead-book-undecided-', book, trades);
    const s = streamed<Estimate>('estimate', files);
    // day by day, in order; the first day's part named, not masked
    const expected = [
      '2026-01-02: the book did not change for more than 5.0 s while trades printed, 24.00 h in 1 stretch: masked',
      '2026-01-03: a stretch of dead book that began before 2026-01-02 showed dead only now, after the days before were replayed: 55.0 s of it there not masked',
      '2026-01-03: the book did not change for more than 5.0 s while trades printed, 10.0 min in 1 stretch: masked',
    ];
    expect(s.notes?.filter((n) => /^2026-01-0\d: /.test(n))).toEqual(expected);
    // the backtest replays the days with those masks (none of them reaching back before a day already replayed)
    const { streamed: x, inMemory: y } = streamedAndInMemory<Backtest>('backtest', files, ['--strategy', 'symmetric', '--fill', 'tradeThrough']);
    expect(x.notes?.filter((n) => /^2026-01-0\d: /.test(n))).toEqual(expected);
    // in memory the whole stretch is masked, the first day's 55 s too: the part the note names
    expect(y.masked.totalMs).toBe(55_000 + 24 * HOUR + 10 * 60_000);
    expect(x.masked.totalMs).toBe(24 * HOUR + 10 * 60_000);
  }, 120_000);
});
