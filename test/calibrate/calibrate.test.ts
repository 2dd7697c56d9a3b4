import { describe, expect, it } from 'vitest';
import { calibrationTable, evaluateTask, inSharedMemory, expandGrid, parseGridSpec, runCalibration, sliceBook, sliceTrades, walkForwardSummary, walkForwardTable, type CalibrationResult, type EvaluationSettings } from '../../src/calibrate/index.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { join } from 'node:path';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';
import { runAsmm } from '../helpers/cli.js';

const m = generateSampleMarket({ durationSec: 2400, seed: 8 });
const dir = tempDir('asmm-calibrate-');
writeSampleMarket(dir, m);
const calibration = rollingCalibration(m.book, marketOrdersFromTrades(m.book, m.trades, 0.01), { windowSec: 120, stepSec: 1 });
const settings: EvaluationSettings = { fill: 'tradeThrough', tickSize: 0.01, lotSize: 0.0001, feedLatencyMs: 10, entryLatencyMs: 20, makerFee: 0, takerFee: 0, maxPosition: Infinity };
const sets = expandGrid({ strategy: ['as-infinite'], gamma: [0.1, 1, 5], orderSize: [0.01, 0.02] });

describe('grid', () => {
  it('expands every combination, first axis slowest; parses the command-line form', () => {
    expect(sets.map((s) => [s.gamma, s.orderSize])).toEqual([[0.1, 0.01], [0.1, 0.02], [1, 0.01], [1, 0.02], [5, 0.01], [5, 0.02]]);
    expect(parseGridSpec('gamma=0.1,1;size=0.01;refresh=0,500')).toEqual({ gamma: [0.1, 1], orderSize: [0.01], refreshMs: [0, 500] });
    expect(() => parseGridSpec('gama=1')).toThrow(/unknown grid parameter "gama"/);
    expect(() => parseGridSpec('gamma=1,x')).toThrow(/not a number/);
  });
});

describe('walk-forward calibration', () => {
  it('never evaluates on data it fitted on: each test window follows its fit window, and its result is that window\'s run alone', async () => {
    const r = await runCalibration({ book: m.book, trades: m.trades, calibration, settings, sets, windows: 4, workers: 0 });
    expect(r.folds).toHaveLength(3);
    for (const fold of r.folds) {
      expect(fold.evaluate.windowIndex).toBe(fold.fit.windowIndex + 1);
      expect(fold.evaluate.fromMs).toBeGreaterThanOrEqual(fold.fit.toMs);
      // the chosen set is the best in-sample
      const best = Math.max(...r.metrics.map((row) => row[fold.fit.windowIndex].pnl));
      expect(fold.inSample.pnl).toBe(best);
      // the out-of-sample result is a run on the test window's data only
      const direct = evaluateTask(m.book, m.trades, calibration, settings, { id: 0, setIndex: fold.chosenSet, windowIndex: fold.evaluate.windowIndex, params: fold.params, fromMs: fold.evaluate.fromMs, toMs: fold.evaluate.toMs });
      expect(fold.outOfSample).toEqual(direct.metrics);
      // and that window's data holds no row of the fit window
      const b = sliceBook(m.book, fold.evaluate.fromMs, fold.evaluate.toMs);
      const t = sliceTrades(m.trades, fold.evaluate.fromMs, fold.evaluate.toMs);
      expect(b.tsMs[0]).toBeGreaterThanOrEqual(fold.fit.toMs);
      expect(t.tsMs[0]).toBeGreaterThanOrEqual(fold.fit.toMs);
    }
    // changing the data of the last window changes no in-sample choice before it
    const cut = r.windows[3].fromMs;
    const book2 = { ...m.book, bidPx: m.book.bidPx.map((c) => c.map((v, i) => (m.book.tsMs[i] >= cut ? v - 1 : v))) };
    const r2 = await runCalibration({ book: book2, trades: m.trades, calibration, settings, sets, windows: 4, workers: 0 });
    expect(r2.folds.slice(0, 2).map((f) => [f.chosenSet, f.inSample])).toEqual(r.folds.slice(0, 2).map((f) => [f.chosenSet, f.inSample]));
  });

  it('summary tables: means over windows, and each fold\'s out-of-sample rank among all sets', () => {
    // a hand-made result: 3 sets × 3 windows, PnL as the selection metric
    const metric = (pnl: number, fills: number) => ({ pnl, fills, sharpePerDay: pnl / 2 }) as CalibrationResult['metrics'][number][number];
    const table = [
      [metric(1, 10), metric(-2, 20), metric(4, 30)],
      [metric(3, 5), metric(5, 5), metric(-1, 5)],
      [metric(2, 0), metric(6, 1), metric(0, 2)],
    ];
    const window = (i: number) => ({ windowIndex: i, fromMs: i * 10, toMs: (i + 1) * 10 });
    const result = {
      sets: [{ gamma: 1 }, { gamma: 2 }, { gamma: 3 }] as unknown as CalibrationResult['sets'],
      windows: [0, 1, 2].map((i) => ({ fromMs: i * 10, toMs: (i + 1) * 10 })),
      metrics: table,
      // window 1 picks set 1 (pnl 3), tested on window 2 where it made 5 (set 2 made 6: rank 2);
      // window 2 picks set 2 (6), tested on window 3 where it made 0 (set 0 made 4: rank 2)
      folds: [
        { fit: window(0), evaluate: window(1), chosenSet: 1, params: { gamma: 2 }, inSample: table[1][0], outOfSample: table[1][1] },
        { fit: window(1), evaluate: window(2), chosenSet: 2, params: { gamma: 3 }, inSample: table[2][1], outOfSample: table[2][2] },
      ],
      metric: 'pnl',
      workers: 0,
      seconds: 0,
    } as unknown as CalibrationResult;
    const rows = calibrationTable(result);
    expect(rows.map((r) => r.pnlMeanPerWindow)).toEqual([1, 7 / 3, 8 / 3]);
    expect(rows.map((r) => r.fillsMeanPerWindow)).toEqual([20, 5, 1]);
    expect(rows[0].perWindow).toEqual([1, -2, 4]);
    // a metric undefined in every window has no mean (not 0)
    const noSharpe = { ...result, metrics: table.map((row) => row.map((m) => ({ ...m, sharpePerDay: NaN }))) } as CalibrationResult;
    expect(calibrationTable(noSharpe)[0].sharpePerDayMean).toBeNaN();
    // a chosen set with no score on its test window ranks below every set that has one
    const undefinedTest = { ...result, metrics: table.map((row, set) => row.map((m, w) => (set === 1 && w === 1 ? { ...m, pnl: NaN } : m))) } as CalibrationResult;
    expect(walkForwardTable(undefinedTest)[0].outOfSampleRank).toBe(3);
    // no set with a score on the test window (every cell failed there): no rank, where it read '1 of 3'
    const noneOnTest = { ...result, metrics: table.map((row) => row.map((m, w) => (w === 1 ? { ...m, pnl: NaN } : m))) } as CalibrationResult;
    expect(walkForwardTable(noneOnTest)[0].outOfSampleRank).toBeNaN();
    const noSharpeFolds = result.folds.map((f) => ({ ...f, inSample: { ...f.inSample, sharpePerDay: NaN }, outOfSample: { ...f.outOfSample, sharpePerDay: NaN } }));
    expect(walkForwardSummary({ ...noSharpe, folds: noSharpeFolds, metric: 'sharpePerDay' } as CalibrationResult).outOfSampleMean).toBeNaN();
    const folds = walkForwardTable(result);
    expect(folds.map((f) => [f.fitWindow, f.testWindow, f.inSample, f.outOfSample, f.outOfSampleRank])).toEqual([
      [1, 2, 3, 5, 2],
      [2, 3, 6, 0, 2],
    ]);
    expect(walkForwardSummary(result)).toEqual({ folds: 2, inSampleMean: 4.5, outOfSampleMean: 2.5, outOfSamplePnlTotal: 5 });
  });

  it('the data goes to the workers once, in shared memory: same values, shared buffers, other fields kept', () => {
    const copy = inSharedMemory({ book: m.book, note: 'x', n: 3 });
    expect(copy.note).toBe('x');
    expect(copy.n).toBe(3);
    expect(copy.book.meta).toEqual(m.book.meta);
    for (const [a, b] of [[copy.book.tsMs, m.book.tsMs], [copy.book.askSz[4], m.book.askSz[4]]] as const) {
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(a).not.toBe(b);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    const trades = inSharedMemory(m.trades);
    expect(trades.side).toBeInstanceOf(Int8Array);
    expect(Array.from(trades.side)).toEqual(Array.from(m.trades.side));
    // already shared: kept as it is
    expect(inSharedMemory(copy.book.tsMs)).toBe(copy.book.tsMs);
  });

  it('worker threads give exactly the results of a single-thread run', async () => {
    const one = await runCalibration({ book: m.book, trades: m.trades, calibration, settings, sets, windows: 3, workers: 0 });
    let progress = 0;
    const two = await runCalibration({ book: m.book, trades: m.trades, calibration, settings, sets, windows: 3, workers: 2, onProgress: (done) => (progress = done) });
    expect(two.workers).toBe(2);
    expect(progress).toBe(sets.length * 3);
    expect(two.metrics).toEqual(one.metrics);
    expect(two.folds).toEqual(one.folds);
  }, 60_000);

  it('asmm calibrate --json prints the table and the walk-forward result', () => {
    const r = runAsmm(['calibrate', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--grid', 'half-spread=0.02,0.05;size=0.01', '--windows', '3', '--workers', '1', '--report', join(dir, 'calibration.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { table: unknown[]; walkForward: Array<{ fitWindow: { windowIndex: number }; evaluateWindow: { windowIndex: number } }> };
    expect(out.table).toHaveLength(2);
    expect(out.walkForward.map((f) => [f.fitWindow.windowIndex, f.evaluateWindow.windowIndex])).toEqual([[0, 1], [1, 2]]);
    expect(runAsmm(['calibrate', '--data', join(dir, 'books.arrow'), '--grid', 'gama=1']).stderr).toMatch(/^asmm calibrate: --grid: unknown grid parameter "gama"/);
  }, 60_000);
});
