import { describe, expect, it } from 'vitest';
import { expandGrid, runCalibration, type EvaluationSettings } from '../../src/calibrate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// A calibration over data with a masked interval: its windows run on the masked book (no fill inside the
// interval), and the result names the interval, its total, and the masked time in each window.
const m = generateSampleMarket({ durationSec: 1200, seed: 3 });
const settings: EvaluationSettings = { fill: 'tradeThrough', tickSize: 0.01, lotSize: 0.0001, feedLatencyMs: 0, entryLatencyMs: 0, makerFee: 0, takerFee: 0, maxPosition: Infinity };
const sets = expandGrid({ strategy: ['symmetric'], halfSpreadPx: [0.02], orderSize: [0.01] });

describe('calibration over masked data', () => {
  it('reports the masks and their share of each window, and masks cost fills', async () => {
    const t0 = m.book.tsMs[0];
    // 300 s masked, straddling the boundary of windows 0 and 1 (each 300 s wide)
    const gap = { fromMs: t0 + 200_000, toMs: t0 + 500_000, reason: 'sequence gap' };
    const open = await runCalibration({ book: m.book, trades: m.trades, settings, sets, windows: 4, workers: 0 });
    const r = await runCalibration({ book: { ...m.book, masked: [gap] }, trades: m.trades, settings, sets, windows: 4, workers: 0 });
    expect(open.masked.count).toBe(0);
    expect(r.masked.totalMs).toBe(300_000);
    const maskedPerWindow = r.windows.map((w) => w.maskedMs);
    expect(maskedPerWindow[0] + maskedPerWindow[1]).toBeCloseTo(300_000, 6);
    expect(maskedPerWindow[2]).toBe(0);
    expect(maskedPerWindow[0]).toBeGreaterThan(0);
    expect(r.notes.some((n) => n.startsWith('masked: 1 interval(s), 5.0 min'))).toBe(true);
    // the windows the mask touches fill less; the others are the same run
    expect(r.metrics[0][0].fills).toBeLessThan(open.metrics[0][0].fills);
    expect(r.metrics[0][1].fills).toBeLessThan(open.metrics[0][1].fills);
    expect(r.metrics[0][2]).toEqual(open.metrics[0][2]);
  });
});
