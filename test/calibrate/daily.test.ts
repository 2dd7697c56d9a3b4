import { describe, expect, it } from 'vitest';
import { evaluateTask, expandGrid, multiDayScore, NO_FILL_DAYS_NOTE, runDailyWalkForward, type CalibrationDay, type EvaluationSettings } from '../../src/calibrate/index.js';
import { emptyTradeTable } from '../../src/data/index.js';
import { dailyWalkForwardFigure } from '../../src/plot/index.js';
import { SampleMarketStream } from '../../src/sample/index.js';

// Five "days" of the sample market, 8 minutes each at 100 ms, cut from one continuous run (days are whatever
// the caller hands in: the catalog hands UTC days)
const stream = new SampleMarketStream({ durationSec: 5 * 480, seed: 21 });
const days: CalibrationDay[] = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'].map((date) => {
  const piece = stream.next(4800);
  return { date, book: piece.book, trades: piece.trades };
});
const settings: EvaluationSettings = { fill: 'tradeThrough', tickSize: 0.01, lotSize: 0.0001, feedLatencyMs: 10, entryLatencyMs: 20, makerFee: 0, takerFee: 0, maxPosition: Infinity };
const sets = expandGrid({ strategy: ['symmetric'], halfSpreadPx: [0.005, 0.02, 0.05, 0.1] });
/** A set's metrics on one day, computed directly (the independent reference). */
const direct = (day: CalibrationDay, set: number) => {
  const ts = day.book.tsMs;
  return evaluateTask(day.book, day.trades, undefined, settings, { id: 0, setIndex: set, windowIndex: 0, params: sets[set], fromMs: ts[0], toMs: ts[ts.length - 1] + 1 }).metrics;
};

describe('daily walk-forward', () => {
  it('trades each day with the set that scored best on the days before it, and reports its run on that day alone', async () => {
    const seen: string[] = [];
    const r = await runDailyWalkForward({ days, sets, settings, workers: 0, onDay: (sweep) => seen.push(sweep.date) });
    expect(seen).toEqual(days.map((d) => d.date));
    expect(r.folds.map((f) => f.date)).toEqual(days.slice(1).map((d) => d.date));
    const table = days.map((day) => sets.map((_, s) => direct(day, s)));
    let cumulative = 0;
    r.folds.forEach((fold, i) => {
      // chosen on the previous day only (trailing 1), the best PnL there
      expect(fold.fitDates).toEqual([days[i].date]);
      const pnls = table[i].map((m) => m.pnl);
      expect(fold.chosenSet).toBe(pnls.indexOf(Math.max(...pnls)));
      expect(fold.outOfSample).toEqual(table[i + 1][fold.chosenSet]);
      cumulative += fold.outOfSample.pnl;
      expect(fold.cumulativeOutOfSamplePnl).toBeCloseTo(cumulative, 9);
      const ranked = table[i + 1].map((m) => m.pnl).filter((p) => p > fold.outOfSample.pnl).length + 1;
      expect(fold.outOfSampleRank).toBe(ranked);
    });
    // the choice of a day does not depend on that day's data: damage day 3 and the choice made for it stays
    const damaged = days.map((d, i) => (i === 2 ? { ...d, book: { ...d.book, bidPx: d.book.bidPx.map((c) => c.map((v) => v - 0.5)) } } : d));
    const r2 = await runDailyWalkForward({ days: damaged, sets, settings, workers: 0 });
    expect(r2.folds[1].chosenSet).toBe(r.folds[1].chosenSet);
    expect(r2.folds[1].outOfSample).not.toEqual(r.folds[1].outOfSample);
  });

  it('a day on which no set filled is said: the set traded the next day was a tie, the first set taken on no evidence', async () => {
    // day 2 without a trade: no tradeThrough fill for any set
    const quiet = days.map((d, i) => (i === 1 ? { ...d, trades: emptyTradeTable(d.trades!.meta) } : d));
    const r = await runDailyWalkForward({ days: quiet, sets, settings, workers: 0 });
    expect(r.days[1].metrics.every((m) => m.fills === 0)).toBe(true);
    expect(r.days.filter((d, i) => i !== 1).every((d) => d.metrics.some((m) => m.fills > 0))).toBe(true);
    // the fold fit on day 2 alone took set 0 with an in-sample PnL of 0
    expect(r.folds[1]).toMatchObject({ fitDates: ['2026-01-02'], date: '2026-01-03', chosenSet: 0, inSample: 0 });
    const dead = r.notes.filter((n) => n.startsWith(NO_FILL_DAYS_NOTE));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatch(/on day 2026-01-02 .*: the set traded on 2026-01-03 was chosen on a day without a fill, a tie, the first set taken on no evidence$/);
    // with 2 trailing days the fold for day 3 also saw day 1: no tie, and the note names no traded day
    const r2 = await runDailyWalkForward({ days: quiet, sets, settings, trailingDays: 2, workers: 0 });
    expect(r2.notes.find((n) => n.startsWith(NO_FILL_DAYS_NOTE))).toMatch(/on day 2026-01-02 \([^)]*\?\)$/);
    // the sound days say nothing
    expect((await runDailyWalkForward({ days, sets, settings, workers: 0 })).notes.some((n) => n.startsWith(NO_FILL_DAYS_NOTE))).toBe(false);
  });

  it('--metric sharpePerDay on days shorter than two Sharpe intervals: every score undefined though sets filled, the choice said to be a tie', async () => {
    // three 50 s "days" (under two 60 s equity intervals: no Sharpe ratio)
    const short = new SampleMarketStream({ durationSec: 150, seed: 5 });
    const shortDays: CalibrationDay[] = ['2026-02-01', '2026-02-02', '2026-02-03'].map((date) => {
      const piece = short.next(500);
      return { date, book: piece.book, trades: piece.trades };
    });
    const r = await runDailyWalkForward({ days: shortDays, sets, settings, metric: 'sharpePerDay', workers: 0 });
    expect(r.days.every((d) => d.metrics.every((m) => Number.isNaN(m.sharpePerDay)) && d.metrics.some((m) => m.fills > 0))).toBe(true);
    expect(r.folds.map((f) => f.chosenSet)).toEqual([0, 0]);
    expect(r.notes.filter((n) => n.startsWith('WARNING'))).toEqual([
      'WARNING the selection metric (sharpePerDay) is undefined for every set over the fit days of 2026-02-02, 2026-02-03, though sets filled there (a Sharpe ratio needs at least two of its equity intervals that vary: longer days, or --metric pnl): the set traded is a tie, the first set taken on no evidence',
    ]);
    // by PnL the same days choose on evidence: no such note
    expect((await runDailyWalkForward({ days: shortDays, sets, settings, workers: 0 })).notes.some((n) => n.startsWith('WARNING'))).toBe(false);
  });

  it('on a trailing window of days, picks by the summed PnL over them; worker threads give the same result', async () => {
    const r = await runDailyWalkForward({ days, sets, settings, trailingDays: 3, workers: 2 });
    const table = days.map((day) => sets.map((_, s) => direct(day, s)));
    r.folds.forEach((fold, i) => {
      const fit = table.slice(Math.max(0, i + 1 - 3), i + 1);
      expect(fold.fitDates).toEqual(days.slice(Math.max(0, i + 1 - 3), i + 1).map((d) => d.date));
      const sums = sets.map((_, s) => fit.reduce((a, row) => a + row[s].pnl, 0));
      expect(fold.chosenSet).toBe(sums.indexOf(Math.max(...sums)));
      expect(fold.inSample).toBeCloseTo(sums[fold.chosenSet], 9);
    });
    expect(multiDayScore([table[0][0], table[1][0]], 'pnl')).toBeCloseTo(table[0][0].pnl + table[1][0].pnl, 12);
    // the figure: the chosen half-spread per day, and each day's out-of-sample PnL and its running total
    const f = dailyWalkForwardFigure(r);
    const trace = (name: string) => f.data.find((d) => d.name === name)!;
    expect(trace('chosen halfSpreadPx').y).toEqual(r.folds.map((fold) => fold.params.halfSpreadPx));
    expect(trace('out-of-sample PnL of the day').x).toEqual(days.slice(1).map((d) => d.date));
    expect(trace('out-of-sample PnL of the day').y).toEqual(r.folds.map((fold) => fold.outOfSample.pnl));
    expect(trace('cumulative out-of-sample PnL').y).toEqual(r.folds.map((fold) => fold.cumulativeOutOfSamplePnl));
  });

  it('says which days it skipped and when nothing is out of sample', async () => {
    const empty = { ...days[1], book: { ...days[1].book, tsMs: new Float64Array(0), bidPx: [], bidSz: [], askPx: [], askSz: [] } };
    const r = await runDailyWalkForward({ days: [days[0], empty, days[2]], sets, settings, workers: 0 });
    expect(r.days[1].skipped).toMatch(/0 book rows/);
    expect(r.notes.join('\n')).toMatch(/skipped 2026-01-02/);
    expect(r.folds.map((f) => [f.date, f.fitDates])).toEqual([['2026-01-03', ['2026-01-01']]]);
    const one = await runDailyWalkForward({ days: [days[0]], sets, settings, workers: 0 });
    expect(one.folds).toHaveLength(0);
    expect(one.notes.join('\n')).toMatch(/no out-of-sample day/);
    await expect(runDailyWalkForward({ days: [days[1], days[0]], sets, settings, workers: 0 })).rejects.toThrow(/date order/);
  });
});
