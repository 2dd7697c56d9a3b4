import { PARAM_RANGES, type ParamSet } from './params.js';
import { selectionScore, type CalibrationResult } from './runner.js';

/**
 * Mean of values where an undefined one (NaN: no fills, flat equity) counts 0, and NaN when none is defined
 * (e.g. a Sharpe ratio on windows shorter than two of its intervals).
 */
function meanCountingUndefinedAsZero(values: readonly number[]): number {
  if (!values.some(Number.isFinite)) return NaN;
  return values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0) / values.length;
}

/** One row per parameter set: its parameters, the selection metric per window, and means over the windows. */
export interface CalibrationTableRow {
  readonly set: number;
  readonly params: ParamSet;
  /** The selection metric on each window, in window order. */
  readonly perWindow: readonly number[];
  readonly pnlMeanPerWindow: number;
  readonly sharpePerDayMean: number;
  readonly fillsMeanPerWindow: number;
}

/**
 * The table's rows. A window whose run gave no result (a cell that failed for good on the workers: every metric
 * NaN, the PnL too, which a run always defines) makes the set's means NaN: counted as 0 it would pull them down
 * without a word.
 */
export function calibrationTable(result: CalibrationResult): CalibrationTableRow[] {
  return result.sets.map((params, set) => {
    const runs = result.metrics[set];
    const missing = runs.some((m) => Number.isNaN(m.pnl));
    const mean = (values: readonly number[]) => (missing ? NaN : meanCountingUndefinedAsZero(values));
    return {
      set,
      params,
      perWindow: runs.map((m) => m[result.metric]),
      pnlMeanPerWindow: mean(runs.map((m) => m.pnl)),
      sharpePerDayMean: mean(runs.map((m) => m.sharpePerDay)),
      fillsMeanPerWindow: mean(runs.map((m) => m.fills)),
    };
  });
}

/** One walk-forward fold as a row: windows numbered from 1, the chosen set, and its scores either side. */
export interface WalkForwardRow {
  readonly fitWindow: number;
  readonly testWindow: number;
  readonly params: ParamSet;
  readonly inSample: number;
  readonly outOfSample: number;
  readonly outOfSamplePnl: number;
  /** Rank of the chosen set among all sets on the test window by the selection metric (1 = best in hindsight) (an undefined value ranks last); NaN when no set has a value defined there. */
  readonly outOfSampleRank: number;
}

export function walkForwardTable(result: CalibrationResult): WalkForwardRow[] {
  const key = result.metric;
  return result.folds.map((f) => {
    // ranked as the selection ranks them
    const onTest = result.metrics.map((m) => selectionScore(m[f.evaluate.windowIndex][key]));
    const chosen = onTest[f.chosenSet];
    return {
      fitWindow: f.fit.windowIndex + 1,
      testWindow: f.evaluate.windowIndex + 1,
      params: f.params,
      inSample: f.inSample[key],
      outOfSample: f.outOfSample[key],
      outOfSamplePnl: f.outOfSample.pnl,
      // (an undefined value ranks below every defined one; when no set has one on the window, every cell failed
      // or no metric is defined there: no rank, not '1 of N')
      outOfSampleRank: onTest.every((v) => v === -Infinity) ? NaN : 1 + onTest.filter((v) => v > chosen).length,
    };
  });
}

/** The walk-forward in one line: mean in-sample and out-of-sample selection metric, total out-of-sample PnL. */
export interface WalkForwardSummary {
  readonly folds: number;
  readonly inSampleMean: number;
  readonly outOfSampleMean: number;
  readonly outOfSamplePnlTotal: number;
}

export function walkForwardSummary(result: CalibrationResult): WalkForwardSummary {
  const rows = walkForwardTable(result);
  return {
    folds: rows.length,
    inSampleMean: meanCountingUndefinedAsZero(rows.map((r) => r.inSample)),
    outOfSampleMean: meanCountingUndefinedAsZero(rows.map((r) => r.outOfSample)),
    outOfSamplePnlTotal: rows.reduce((a, r) => a + r.outOfSamplePnl, 0),
  };
}

/**
 * Where the walk-forward chose a value at the edge of a numeric grid axis of 3 values or more, one note per
 * axis: the best value may lie beyond the grid, and the sweep cannot tell. An edge that is the parameter's own
 * bound (`refresh=0`, `levels=1`: nothing lies below it) is not one. `keys` are the grid's axes, `sets` its
 * points, `chosen` the folds' parameter sets.
 * @example // gamma=0.01,0.1,1 with 0.01 chosen in both folds:
 * // ['gamma: the chosen value is the grid's lowest (0.01) in 2 of 2 folds: the best may lie below the grid; widen it']
 */
export function gridEdgeNotes(keys: readonly (keyof ParamSet)[], sets: readonly ParamSet[], chosen: readonly ParamSet[]): string[] {
  const notes: string[] = [];
  if (chosen.length === 0) return notes;
  for (const key of keys) {
    const range = PARAM_RANGES[key as keyof typeof PARAM_RANGES];
    if (!range) continue;
    const distinct = [...new Set(sets.map((p) => p[key] as number))].sort((a, b) => a - b);
    if (distinct.length < 3) continue;
    const lowest = distinct[0];
    const highest = distinct[distinct.length - 1];
    // the parameter's own lower bound is no edge of the search: nothing lies below it
    const integer = range.option === 'levels' || range.option === 'level-spacing';
    const lowIsBound = !range.check(integer ? lowest - 1 : lowest - 1e-9 * Math.max(1, Math.abs(lowest)));
    const low = lowIsBound ? 0 : chosen.filter((p) => p[key] === lowest).length;
    const high = chosen.filter((p) => p[key] === highest).length;
    const of = `of ${chosen.length} fold${chosen.length === 1 ? '' : 's'}`;
    const parts = [
      ...(low > 0 ? [`the grid's lowest (${lowest}) in ${low} ${of}`] : []),
      ...(high > 0 ? [`the grid's highest (${highest}) in ${high} ${of}`] : []),
    ];
    if (parts.length === 0) continue;
    const where = low > 0 && high > 0 ? 'beyond either end of' : low > 0 ? 'below' : 'above';
    notes.push(`${range.option}: the chosen value is ${parts.join(' and ')}: the best may lie ${where} the grid; widen it`);
  }
  return notes;
}
