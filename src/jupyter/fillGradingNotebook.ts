import { backtestExecutions } from '../backtest/executions.js';
import { runBacktest } from '../backtest/engine.js';
import { queueModelText, type QueueModelSpec } from '../backtest/queueModels.js';
import { symmetricStrategy } from '../backtest/strategy.js';
import type { GradeOverSeeds } from '../grading/fillModels.js';
import type { PlotlyFigure } from '../plot/figure.js';
import type { NotebookMarket } from './notebookData.js';

/**
 * Notebook 08's figure: per fill model, its fill-rate bias against the truth, and its early and missed fills
 * per true fill (bars: means over the seeds; whiskers: 95 % intervals of the means), in percent.
 */
export function fillGradingFigure(rows: readonly GradeOverSeeds[], title = 'Fill models against the true queue'): PlotlyFigure {
  const labels = rows.map((r) => r.label);
  const bar = (name: string, pick: (r: GradeOverSeeds) => readonly [number, number, number], color: string) => ({
    type: 'bar',
    name,
    x: labels,
    y: rows.map((r) => 100 * pick(r)[0]),
    error_y: { type: 'data', symmetric: false, array: rows.map((r) => 100 * (pick(r)[2] - pick(r)[0])), arrayminus: rows.map((r) => 100 * (pick(r)[0] - pick(r)[1])) },
    marker: { color },
  });
  return {
    data: [bar('fill-rate bias', (r) => r.fillRateBias, '#1f77b4'), bar('early fills per true fill', (r) => r.earlyPerTrueFill, '#d62728'), bar('missed fills per true fill', (r) => r.missedPerTrueFill, '#2ca02c')],
    layout: { title: { text: title }, barmode: 'group', yaxis: { title: { text: '% (mean over seeds, 95 % interval)' } }, height: 420, margin: { t: 50, r: 20, b: 90 } },
  };
}

/** The queue models notebook 08 runs on the user's data: the two bounds and the default between them. */
export const BOUNDING_QUEUE_MODELS: readonly QueueModelSpec[] = [{ name: 'riskAverse' }, { name: 'power', n: 2 }, { name: 'optimistic' }];

/**
 * On data without a known queue (the sample market, or the user's files): the fills of the symmetric quotes
 * one tick from the mid under each bounding queue model (`BOUNDING_QUEUE_MODELS`), orders of a hundredth of
 * the lot (or of 0.001). The true count lies between the riskAverse and optimistic ones, as on the graded
 * markets; how far apart they are says how much the queue assumption matters on this data.
 */
export function queueBoundsOn(market: NotebookMarket): Array<{ model: string; fills: number; bidFills: number; askFills: number; events: number }> {
  const tick = market.tickSize;
  const executions = backtestExecutions(market.book, market.trades, 'queue', tick, { label: market.description });
  return BOUNDING_QUEUE_MODELS.map((queueModel) => {
    const r = runBacktest(market.book, executions.trades, {
      strategy: symmetricStrategy(tick),
      fill: 'queue',
      queueModel,
      orderSize: (market.lotSize ?? 0.1) / 100,
      tickSize: tick,
      lotSize: 0,
      refreshMs: 0,
      refreshToleranceTicks: 1,
      recordSeries: false,
    });
    const bidFills = Array.from(r.fills.side).filter((s) => s > 0).length;
    return { model: queueModelText(queueModel), fills: r.fills.side.length, bidFills, askFills: r.fills.side.length - bidFills, events: r.events };
  });
}
