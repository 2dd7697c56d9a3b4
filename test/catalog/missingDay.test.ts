import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, openCatalog, readCatalogDepth } from '../../src/catalog/index.js';
import { missingDaysMask } from '../../src/catalog/marketRange.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import { book, trades } from '../helpers/handBuilt.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A catalog range with a day absent in its middle (2026-01-02) was replayed as if the days followed each other,
// with no word: the ask resting at the end of 2026-01-01 (101) stayed through the missing day and was taken by
// 2026-01-03's first book row (bid 109) at its stale price, a fill no market would have given, and the Sharpe
// ratio counted the day's 1440 intervals as flat. Now the hole is masked (orders pulled) and said. Reference:
// the hand-built market below, where the only possible fill is that book cross.

const DAY1 = Date.parse('2026-01-01T00:00:00Z');
const DAY3 = Date.parse('2026-01-03T00:00:00Z');

/** Five minutes of a book at (bid, bid + 2) from `t0`, a row a second (the bid size changing), and a trade at the mid every 10 s. */
function day(t0: number, bid: number) {
  const rows = Array.from({ length: 300 }, (_, i) => [t0 + i * 1000, bid, 5 + (i % 2), bid + 2, 5]);
  const prints = Array.from({ length: 30 }, (_, i) => [t0 + i * 10_000 + 500, i % 2 ? 1 : -1, bid + 1, 1] as [number, number, number, number]);
  return { book: book(rows), trades: trades(prints) };
}

describe('a day absent inside a catalog range', () => {
  const dir = tempDir('asmm-missing-day-');

  it('is masked from the end of the day before to the next day\'s first row, and said; no order rests through it', async () => {
    const root = join(dir, 'catalog');
    const writer = await CatalogWriter.create(root);
    try {
      writer.writeInstrument({ venue: 'sample', instrument: 'ETH-USDT', tickSize: 1, lotSize: 1, source: 'test' });
      for (const d of [day(DAY1, 99), day(DAY3, 109)]) {
        await writer.writeBookTop('sample', d.book, 'ETH-USDT');
        await writer.writeTrades('sample', d.trades, 'ETH-USDT');
      }
    } finally {
      writer.close();
    }
    const r = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--half-spread', '1', '--size', '1', '--fill', 'queue', '--report', join(dir, 'r.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: { fills: number; fillsByCause: Record<string, number> }; masked: { count: number; totalMs: number; intervals: Array<{ fromMs: number; toMs: number; reason: string }> }; notes: string[] };
    // quotes 100 ± 1 on the first day (the book's own touch, queue 5 ahead, never traded through), 110 ± 1 on the third
    expect(out.metrics.fills).toBe(0);
    expect(out.metrics.fillsByCause.bookCross).toBe(0);
    expect(out.masked.count).toBe(1);
    expect(out.masked.intervals[0]).toMatchObject({ fromMs: DAY1 + 86_400_000, toMs: DAY3 });
    expect(out.masked.totalMs).toBe(86_400_000);
    expect(out.notes.join('\n')).toMatch(/no books in the catalog for 2026-01-02, inside the range: masked from the end of 2026-01-01 to the first book row of 2026-01-03/);
    // the text says the masks once, with their intervals (the headline was printed a second time as a note)
    const text = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--half-spread', '1', '--size', '1', '--fill', 'queue', '--report', join(dir, 'r-text.html')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.match(/masked: 1 interval\(s\), 24\.00 h in total/g)).toHaveLength(1);
    expect(text.stdout).toMatch(/^ {2}masked 2026-01-02T00:00:00\.000Z \.\. 2026-01-03T00:00:00\.000Z/m);
    // a daily walk-forward runs each day on its own: the hole is said, and is no masked time of 2026-01-03's run
    const c = runAsmm(['calibrate', '--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--strategy', 'symmetric', '--grid', 'half-spread=1,2', '--fill', 'queue', '--workers', '0', '--report', join(dir, 'c.html'), '--json']);
    expect(c.code, c.stderr).toBe(0);
    const cal = JSON.parse(c.stdout) as { days: Array<{ date: string; maskedMs: number }>; notes: string[] };
    expect(cal.days.map((d) => [d.date, d.maskedMs])).toEqual([['2026-01-01', 0], ['2026-01-03', 0]]);
    expect(cal.notes.join('\n')).toMatch(/no books in the catalog for 2026-01-02, inside the range/);
  });

  it('full depth: OKX days 1 and 3 of a catalog: the hole is masked, and the fills are those of each day replayed alone', async () => {
    // the full-depth replay crossed the hole with no word: the last quotes of 2025-11-01 rested until the first
    // book of 2025-11-03 (4 USDT away) and filled there (5,735 fills against 2,867 + 2,867 for the days alone)
    const okx = join(dir, 'okx');
    const base = { ...OKX_HISTORY_PRESETS.small, inst: 'BTC-USDT', seed: 4, dir: okx, durationSec: 300, dayBoundary: 'utc' as const };
    const root = join(dir, 'depth');
    const writer = await CatalogWriter.create(root);
    try {
      for (const [date, mid0] of [['2025-11-01', 3000], ['2025-11-03', 2996]] as const) {
        // each day's market from its own origin (the third day's book is not the first's, 300 s on)
        const originMs = Date.parse(`${date}T00:00:00Z`);
        for (const kind of ['books', 'trades'] as const) await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...base, date, originMs, market: { mid0 }, kind })).path, { venue: 'okx' });
      }
    } finally {
      writer.close();
    }
    const run = (range: string[], name: string) => {
      const r = runAsmm(['backtest', '--catalog', root, '--inst', 'BTC-USDT', ...range, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.02', '--fill', 'queue', '--json', '--report', join(dir, `${name}.html`)]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { fills: number; masked: Array<{ fromMs: number; toMs: number; reason: string }> };
    };
    const both = run([], 'depth-both');
    const first = run(['--from', '2025-11-01', '--to', '2025-11-01'], 'depth-first');
    const third = run(['--from', '2025-11-03', '--to', '2025-11-03'], 'depth-third');
    const hole = both.masked.filter((m) => /no books in the catalog for 2025-11-02/.test(m.reason));
    expect(hole).toHaveLength(1);
    expect(hole[0].fromMs).toBe(Date.UTC(2025, 10, 2));
    expect(hole[0].toMs).toBeGreaterThanOrEqual(Date.UTC(2025, 10, 3));
    expect(first.fills).toBeGreaterThan(0);
    expect(both.fills).toBe(first.fills + third.fills);
    // the range read whole into memory masks it too
    const catalog = await openCatalog(root);
    try {
      const input = await readCatalogDepth(catalog, 'okx', 'BTC-USDT');
      expect(input.masked.filter((m) => /no books in the catalog for 2025-11-02/.test(m.reason)).map((m) => m.fromMs)).toEqual([Date.UTC(2025, 10, 2)]);
    } finally {
      catalog.close();
    }
  });

  it('missingDaysMask: none between consecutive days; the dates between, to the later day\'s first row', () => {
    expect(missingDaysMask('2026-01-01', '2026-01-02', Date.parse('2026-01-02T00:00:01Z'))).toBeUndefined();
    expect(missingDaysMask('2026-01-30', '2026-02-03', Date.parse('2026-02-03T00:00:05Z'))).toEqual({
      fromMs: Date.parse('2026-01-31T00:00:00Z'),
      toMs: Date.parse('2026-02-03T00:00:05Z'),
      reason: 'no books in the catalog for 2026-01-31..2026-02-02 (3 days)',
    });
  });
});
