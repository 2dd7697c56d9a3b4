import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv, type BookTable, type TradeTable } from '../../src/data/index.js';
import { OKX_HISTORY_PRESETS, generateSampleMarket, writeOkxHistoryDay } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A trade record shorter than its book: OKX's books files run on UTC days and its trades files on UTC+8 days, so
// the books and trades files of one date leave the book's last 8 hours without a trade. Backtests quoted there
// with nothing to fill them but book crosses (one-sided, adverse fills) and the equity carried on, exit 0 and no
// word (the estimator already left that time out of its rates). Now the stretch is masked with a WARNING.

const dir = tempDir('asmm-tradeless-ends-');
const market = generateSampleMarket({ durationSec: 1200, seed: 5 });
const cutRows = <T extends BookTable | TradeTable>(t: T, keep: (ms: number) => boolean): T => {
  const rows: number[] = [];
  t.tsMs.forEach((ms, i) => keep(ms) && rows.push(i));
  const pick = (c: Float64Array | Int8Array | Float64Array[]) => (Array.isArray(c) ? c.map((x) => Float64Array.from(rows, (r) => x[r])) : Float64Array.from(rows, (r) => c[r]));
  const out: Record<string, unknown> = { ...t };
  for (const [k, v] of Object.entries(t)) if (ArrayBuffer.isView(v) || (Array.isArray(v) && ArrayBuffer.isView(v[0]))) out[k] = pick(v as Float64Array);
  if ('side' in t) out.side = Int8Array.from(rows, (r) => (t as TradeTable).side[r]);
  return out as T;
};
const t0 = market.book.tsMs[0];
const halfMs = t0 + 600_000;
const trades = cutRows(market.trades, (ms) => ms < halfMs);
const lastTradeMs = trades.tsMs[trades.tsMs.length - 1];
const files = {
  book: join(dir, 'books.csv'),
  bookToTrades: join(dir, 'books-to-trades.csv'),
  trades: join(dir, 'trades-first-half.csv'),
  allTrades: join(dir, 'trades.csv'),
};
writeBookCsv(files.book, market.book);
writeBookCsv(files.bookToTrades, cutRows(market.book, (ms) => ms <= lastTradeMs));
writeTradeCsv(files.trades, trades);
writeTradeCsv(files.allTrades, market.trades);

type Metrics = { fills: number; fillsByCause: Record<string, number> };
type Json = { metrics: Metrics; masked: { intervals: Array<{ fromMs: number; toMs: number; reason: string }> } };
const backtest = (book: string, tradesFile: string, fill: string, name: string) => {
  const r = runAsmm(['backtest', '--data', book, '--trades', tradesFile, '--strategy', 'symmetric', '--half-spread', '0.02', '--fill', fill, '--json', '--report', join(dir, `${name}.html`)]);
  expect(r.code, r.stderr).toBe(0);
  return { json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
};

describe('a trade record that ends before its book', () => {
  it('top-5 backtest: the book past the last trade is masked and warned about; the fills are those of the book cut where the trades end', () => {
    for (const fill of ['queue', 'tradeThrough']) {
      const whole = backtest(files.book, files.trades, fill, `whole-${fill}`);
      expect(whole.stderr).toMatch(/WARNING .*trades-first-half\.csv: no trade for 6\d\d\.\d s before the book's last row .*masked: no quote and no fill there/);
      expect(whole.json.masked.intervals).toHaveLength(1);
      expect(whole.json.masked.intervals[0].fromMs).toBe(lastTradeMs + 1);
      // the reference: the same quotes on the book only as far as the trades reach
      const cut = backtest(files.bookToTrades, files.trades, fill, `cut-${fill}`);
      expect(cut.json.masked.intervals).toEqual([]);
      expect(whole.json.metrics.fills).toBe(cut.json.metrics.fills);
      expect(whole.json.metrics.fillsByCause).toEqual(cut.json.metrics.fillsByCause);
    }
    // trades over the whole book: nothing masked, nothing said
    const full = backtest(files.book, files.allTrades, 'queue', 'full');
    expect(full.json.masked.intervals).toEqual([]);
    expect(full.stderr).not.toMatch(/no trade for/);
  });

  it('calibrate masks it too (each window sees it)', () => {
    const r = runAsmm(['calibrate', '--data', files.book, '--trades', files.trades, '--strategy', 'symmetric', '--grid', 'half-spread=0.02,0.05', '--windows', '2', '--fill', 'queue', '--workers', '0', '--json', '--report', join(dir, 'cal.html')]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { windows: Array<{ maskedMs: number }>; metrics?: unknown };
    // window 2 (the second 10 minutes) is all after the last trade
    expect(j.windows[1].maskedMs).toBeGreaterThan(590_000);
    expect(r.stderr).toMatch(/WARNING .*no trade for/);
  });

  it('full-depth replay of an OKX books day with the trades file of the same date (UTC+8 day, ending 16:00 UTC): the book past the last trade is masked', async () => {
    const okx = join(dir, 'okx');
    mkdirSync(okx, { recursive: true });
    // books 15:55..16:10 UTC of 2025-11-01 (UTC day), trades of the file dated 2025-11-01 (UTC+8 day: they stop at 16:00)
    const base = { ...OKX_HISTORY_PRESETS.small, date: '2025-11-01', inst: 'BTC-USDT', seed: 7, dir: okx, durationSec: 900 };
    const books = (await writeOkxHistoryDay({ ...base, kind: 'books', startOffsetSec: 15 * 3600 + 55 * 60 })).path;
    const tradesDay = (await writeOkxHistoryDay({ ...base, kind: 'trades', startOffsetSec: 23 * 3600 + 55 * 60 })).path;
    const r = runAsmm(['backtest', '--data', books, '--trades', tradesDay, '--depth', 'full', '--strategy', 'symmetric', '--fill', 'queue', '--json', '--report', join(dir, 'depth.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/WARNING .*BTC-USDT-trades-2025-11-01\.zip: no trade for 6\d\d\.\d s before the book's last row/);
    const j = JSON.parse(r.stdout) as { masked: Array<{ fromMs: number; toMs: number }>; maskedDecisions: number; fills: number };
    expect(j.masked).toHaveLength(1);
    expect(j.masked[0].fromMs).toBeLessThanOrEqual(Date.UTC(2025, 10, 1, 16) + 1);
    expect(j.masked[0].fromMs).toBeGreaterThan(Date.UTC(2025, 10, 1, 15, 59, 50));
    expect(j.maskedDecisions).toBeGreaterThan(0);
    expect(j.fills).toBeGreaterThan(0);
    // the same files through a catalog (the day's trades stop at 16:00 UTC, its book goes on): the same mask,
    // the same fills, at full depth and in the top-5 replay (whose file run is the reference there)
    const catalog = join(dir, 'okx-catalog');
    for (const file of [books, tradesDay]) expect(runAsmm(['catalog', 'import', file, '--catalog', catalog]).code).toBe(0);
    const fromCatalog = runAsmm(['backtest', '--catalog', catalog, '--inst', 'BTC-USDT', '--depth', 'full', '--strategy', 'symmetric', '--fill', 'queue', '--json', '--report', join(dir, 'depth-catalog.html')]);
    expect(fromCatalog.code, fromCatalog.stderr).toBe(0);
    const c = JSON.parse(fromCatalog.stdout) as typeof j & { notes: string[] };
    expect(c.notes.filter((n) => /^WARNING 2025-11-01: no trade for 6\d\d\.\d s before the book's last row/.test(n))).toHaveLength(1);
    expect(c.fills).toBe(j.fills);
    expect(c.maskedDecisions).toBe(j.maskedDecisions);
    const top = (args: string[], name: string) => {
      const r = runAsmm(['backtest', ...args, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--json', '--report', join(dir, `${name}.html`)]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { metrics: Metrics; masked: { totalMs: number } };
    };
    const topFile = top(['--data', books, '--trades', tradesDay], 'top-file');
    const topCatalog = top(['--catalog', catalog, '--inst', 'BTC-USDT'], 'top-catalog');
    expect(topCatalog.masked.totalMs).toBeGreaterThan(590_000);
    expect(topCatalog.metrics.fills).toBe(topFile.metrics.fills);
    // the daily walk-forward sees it too
    const daily = runAsmm(['calibrate', '--catalog', catalog, '--inst', 'BTC-USDT', '--refit', 'daily', '--strategy', 'symmetric', '--grid', 'half-spread=0.02,0.05', '--fill', 'tradeThrough', '--window', '10s', '--workers', '0', '--json', '--report', join(dir, 'daily.html')]);
    expect(daily.code, daily.stderr).toBe(0);
    const d = JSON.parse(daily.stdout) as { days: Array<{ maskedMs: number }>; notes: string[] };
    expect(d.days[0].maskedMs).toBeGreaterThan(590_000);
    expect(d.notes.some((n) => /^WARNING 2025-11-01: no trade for/.test(n))).toBe(true);
  });
});
