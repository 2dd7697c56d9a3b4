import { describe, expect, it } from 'vitest';
import { FILL_CAUSES, backtestMetrics, runBacktest, type BacktestResult } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';

// A frozen book must not keep filling (issue 14, defect 2): inside a masked interval the replay neither quotes
// nor fills, it pulls our orders when the interval begins, and quotes again only on a book row stamped at or
// after the interval's end. Every expected number is worked out by hand from the rows below.

const masked = (b: BookTable, fromMs: number, toMs: number, reason = 'sequence gap'): BookTable => ({ ...b, masked: [{ fromMs, toMs, reason }] });

// Tick 1, orders of 2, a decision at every book row, no latency: we quote bid 99 / ask 101 throughout.
// The book rows stop at 10 (frozen: the loader saw a gap) and resume at 50 (resync).
const frozen = book([
  [0, 99, 3, 101, 3],
  [10, 99, 3, 101, 3],
  [50, 99, 3, 101, 3],
  [60, 99, 3, 101, 3],
]);
// Trades through both our prices at 20, 30, 40 (inside the gap) and at 70 (after the resync).
const flow: TradeTable = trades([
  [20, -1, 98, 5],
  [30, 1, 102, 5],
  [40, -1, 98, 5],
  [70, 1, 102, 5],
]);

const fillTimes = (r: BacktestResult) => Array.from(r.fills.tsMs);

describe('masked intervals in the replay', () => {
  it('without the mask the frozen book fills on every trade (what the defect looked like)', () => {
    const r = runBacktest(frozen, flow, base(fixed(99, 101), 'tradeThrough'));
    // bid filled at 20 (sell through 99), ask at 30, bid again at 40 (re-quoted at the decision of row 10? no:
    // the bid was filled at 20 and only re-sent at the next decision, 50) — so 20, 30, then 70
    expect(fillTimes(r)).toEqual([20, 30, 70]);
    expect(r.masked.count).toBe(0);
  });

  it('with the book masked from 15 to 50 nothing fills inside; trades inside are counted; quoting resumes at the resync row', () => {
    const r = runBacktest(masked(frozen, 15, 50), flow, base(fixed(99, 101), 'tradeThrough'));
    // orders pulled at 20 (the first event inside the mask), trades at 20, 30, 40 not acted on; the decision
    // at 50 (row stamped 50 ≥ the mask's end) quotes again; the buy at 70 lifts our ask
    expect(fillTimes(r)).toEqual([70]);
    expect(r.fills.side[0]).toBe(-1);
    expect(r.maskedEvents.trades).toBe(3);
    expect(r.masked.totalMs).toBe(35);
    expect(r.masked.intervals).toEqual([{ fromMs: 15, toMs: 50, reason: 'sequence gap' }]);
    expect(r.notes.some((n) => n.startsWith('masked: 1 interval(s)'))).toBe(true);
  });

  it('a decision inside the mask quotes nothing, and one that still sees a pre-mask row quotes nothing either', () => {
    // decisions every 5 ms; feed latency 8: the row stamped 50 reaches the strategy at 58
    const cfg = { ...base(fixed(99, 101), 'tradeThrough'), refreshMs: 5, feedLatencyMs: 8 };
    const r = runBacktest(masked(frozen, 15, 50), flow, cfg);
    const t = Array.from(r.series.tMs);
    const bid = Array.from(r.series.bidPx);
    for (let i = 0; i < t.length; i++) {
      if (t[i] >= 15 && t[i] < 58) expect(bid[i], `no quote at ${t[i]}`).toBeNaN();
      if (t[i] >= 58) expect(bid[i], `quote at ${t[i]}`).toBe(99);
      if (t[i] >= 8 && t[i] < 15) expect(bid[i], `quote at ${t[i]}`).toBe(99);
    }
    expect(r.maskedEvents.decisions).toBe(t.filter((x) => x >= 15 && x < 58).length);
  });

  it('a mask that falls between two events still withdraws the orders resting before it', () => {
    // rows at 0 and 100 only; mask [40, 45) touches no event; our bid rests from 0; a sell through it at 60
    const sparse = book([
      [0, 99, 3, 101, 3],
      [100, 99, 3, 101, 3],
    ]);
    const sells = trades([[60, -1, 98, 5]]);
    const cfg = base(fixed(99, 101), 'tradeThrough');
    expect(fillTimes(runBacktest(sparse, sells, cfg))).toEqual([60]);
    const r = runBacktest(masked(sparse, 40, 45), sells, cfg);
    expect(fillTimes(r)).toEqual([]);
    expect(r.maskedEvents.trades).toBe(0);
  });

  it('queue fills honour the mask too: no book-cross fill inside it', () => {
    // the ask side falls to our bid at 30 (book cross) inside the mask [20, 40)
    const b = book([
      [0, 99, 3, 101, 3],
      [30, 98, 3, 99, 3],
      [40, 99, 3, 101, 3],
    ]);
    const cfg = base(fixed(99, 101), 'queue');
    const open = runBacktest(b, trades([]), cfg);
    // unmasked: the book cross at 30 fills our bid; the bid re-sent at 30 meets the ask of 99 and is marketable
    // when it enters the book (the next event, 40)
    expect(fillTimes(open)).toEqual([30, 40]);
    expect(Array.from(open.fills.cause, (c) => FILL_CAUSES[c])).toEqual(['bookCross', 'marketable']);
    const r = runBacktest(masked(b, 20, 40), trades([]), cfg);
    expect(fillTimes(r)).toEqual([]);
    expect(r.maskedEvents.bookRows).toBe(1);
  });

  it("the trades' own masks count as well (the trade stream was down)", () => {
    const t: TradeTable = { ...flow, masked: [{ fromMs: 25, toMs: 35, reason: 'trades connection dropped' }] };
    const r = runBacktest(frozen, t, base(fixed(99, 101), 'tradeThrough'));
    // the bid fills at 20; orders pulled at 30 (inside [25, 35)); nothing rests until the decision at 50 (row
    // stamped 50 ≥ 35), so the sell at 40 finds no bid; the ask fills at 70
    expect(fillTimes(r)).toEqual([20, 70]);
    expect(r.masked.totalMs).toBe(10);
  });
});

describe('fills counted by cause', () => {
  it('trade at our price, trade through, marketable on arrival and book cross each get their cause; the metrics count them', () => {
    const b = book([
      [0, 99, 3, 101, 3],
      [10, 99, 3, 101, 3],
      [20, 99, 3, 101, 3],
      [30, 98, 3, 99, 3],
    ]);
    // at 5 a sell at 99 (at our bid, queue 3 ahead, size 4: 1 fills us); at 15 a buy at 102 (through our ask)
    const t = trades([
      [5, -1, 99, 4],
      [15, 1, 102, 5],
    ]);
    const r = runBacktest(b, t, base(fixed(99, 101), 'queue'));
    const causes = Array.from(r.fills.cause, (c) => FILL_CAUSES[c]);
    // 5: tradeAt (1 of 2); 15: tradeThrough (ask, whole); 30: the ask falls to 99, the rest of our bid (1)
    // is taken by the book cross
    expect(Array.from(r.fills.tsMs)).toEqual([5, 15, 30]);
    expect(causes).toEqual(['tradeAt', 'tradeThrough', 'bookCross']);
    const m = backtestMetrics(r);
    expect(m.fillsByCause).toEqual({ tradeAt: 1, tradeThrough: 1, bookCross: 1, marketable: 0, midCross: 0 });
    // a bid above the best ask on arrival is marketable
    const taker = runBacktest(b, trades([]), base(fixed(102, 105), 'tradeThrough'));
    expect(FILL_CAUSES[taker.fills.cause[0]]).toBe('marketable');
  });
});

describe('asmm backtest across a masked interval', () => {
  it('--json and the text list the interval and its total, and no fill lies inside it', async () => {
    const { runAsmm } = await import('../helpers/cli.js');
    const { tempDir } = await import('../helpers/tmp.js');
    const { generateSampleMarket } = await import('../../src/sample/index.js');
    const { writeBookCsv, writeTradeCsv } = await import('../../src/data/index.js');
    const { join } = await import('node:path');
    const dir = tempDir('asmm-masked-');
    const market = generateSampleMarket({ durationSec: 600, seed: 9 });
    const t0 = market.book.tsMs[0];
    // a sequence gap from minute 3 to minute 5, written as the loaders write it (a sidecar beside the CSV)
    const gap = { fromMs: t0 + 180_000, toMs: t0 + 300_000, reason: 'sequence gap (injected)' };
    writeBookCsv(join(dir, 'books.csv'), { ...market.book, masked: [gap] });
    writeTradeCsv(join(dir, 'trades.csv'), market.trades);
    const args = ['backtest', '--data', join(dir, 'books.csv'), '--trades', join(dir, 'trades.csv'), '--strategy', 'symmetric', '--half-spread', '0.02', '--fill', 'tradeThrough', '--report', join(dir, 'r.html')];
    const r = runAsmm([...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { masked: { count: number; totalMs: number; intervals: Array<{ fromMs: number; toMs: number; reason: string }>; tradesIgnored: number }; metrics: { fills: number } };
    expect(out.masked.count).toBe(1);
    expect(out.masked.totalMs).toBe(120_000);
    expect(out.masked.intervals[0]).toEqual(gap);
    expect(out.masked.tradesIgnored).toBeGreaterThan(0);
    // the same run in the library: fills exist before and after, none inside
    const lib = runBacktest({ ...market.book, masked: [gap] }, market.trades, { strategy: (await import('../../src/backtest/index.js')).symmetricStrategy(0.02), fill: 'tradeThrough', orderSize: 0.01, tickSize: 0.01, refreshMs: 0 });
    const times = Array.from(lib.fills.tsMs);
    expect(times.filter((t) => t >= gap.fromMs && t < gap.toMs)).toEqual([]);
    expect(times.filter((t) => t < gap.fromMs).length).toBeGreaterThan(0);
    expect(times.filter((t) => t >= gap.toMs).length).toBeGreaterThan(0);
    expect(out.metrics.fills).toBe(times.length);
    const text = runAsmm(args);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/masked: 1 interval\(s\), 2\.0 min in total/);
    expect(text.stdout).toContain('sequence gap (injected)');
    expect(text.stdout).toMatch(/fills by cause\s+tradeAt \d+|fills by cause\s+tradeThrough \d+/);
  }, 120_000);
});
