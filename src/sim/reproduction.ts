import { asAverageSpread, spreadConstantTerm } from '../model/avellanedaStoikov.js';
import { simulateAs, type AsSimulationResult, type StrategyOutcome } from './asMonteCarlo.js';
import type { AsSimulationParams } from './params.js';
import type { PublishedRow, PublishedTable } from './publishedTables.js';

/** One strategy at one γ: our simulation's statistics with standard errors. */
export interface SimulatedRow {
  readonly gamma: number;
  readonly strategy: 'inventory' | 'symmetric';
  /** Spread as the compared table defines it (closed form), and the mean spread actually quoted. */
  readonly spread: number;
  readonly quotedSpread: number;
  readonly profitMean: number;
  readonly profitMeanSe: number;
  readonly profitStd: number;
  readonly profitStdSe: number;
  readonly qMean: number;
  readonly qMeanSe: number;
  readonly qStd: number;
  readonly qStdSe: number;
}

/** Our row beside a published one, with the discrepancy in standard errors and relative terms. */
export interface ComparedRow extends SimulatedRow {
  readonly published: PublishedRow;
  /**
   * (ours − published) / √(SE_ours² + SE_published²): SE_published = published std/√(published paths),
   * since the published means are themselves Monte-Carlo estimates.
   */
  readonly profitZ: number;
  readonly qZ: number;
  /** ours/published − 1 for the standard deviations. */
  readonly profitStdRelErr: number;
  readonly qStdRelErr: number;
}

function rowFromOutcome(gamma: number, outcome: StrategyOutcome, spread: number): SimulatedRow {
  const profit = outcome.profitSummary;
  const q = outcome.inventorySummary;
  return {
    gamma,
    strategy: outcome.strategy,
    spread,
    quotedSpread: outcome.meanSpread,
    profitMean: profit.mean,
    profitMeanSe: profit.meanSe,
    profitStd: profit.std,
    profitStdSe: profit.stdSe,
    qMean: q.mean,
    qMeanSe: q.meanSe,
    qStd: q.std,
    qStdSe: q.stdSe,
  };
}

/** Rows for both strategies of one simulation; `spreadDefinition` picks the table's spread column. */
export function simulatedRows(result: AsSimulationResult, spreadDefinition: 'average' | 'constantTerm' = 'average'): SimulatedRow[] {
  const p = result.params;
  const spread = spreadDefinition === 'average' ? asAverageSpread(p.horizon, p) : spreadConstantTerm(p.gamma, p.k);
  return [rowFromOutcome(p.gamma, result.inventory, spread), rowFromOutcome(p.gamma, result.symmetric, spread)];
}

/**
 * Simulates every γ of a published table with the options that reproduce its set-up, and puts each of our
 * rows beside the published one.
 */
export function reproduceTable(
  table: PublishedTable,
  overrides: Partial<AsSimulationParams> = {},
): ComparedRow[] {
  const gammas = [...new Set(table.rows.map((r) => r.gamma))];
  const compared: ComparedRow[] = [];
  for (const gamma of gammas) {
    const result = simulateAs({ ...table.options, ...overrides, gamma });
    const rows = simulatedRows(result, table.version === 'journal2008' ? 'average' : 'constantTerm');
    for (const row of rows) {
      const published = table.rows.find((r) => r.gamma === gamma && r.strategy === row.strategy);
      if (!published) continue;
      const pubProfitSe = published.profitStd / Math.sqrt(table.paths);
      const pubQSe = published.qStd / Math.sqrt(table.paths);
      compared.push({
        ...row,
        published,
        profitZ: (row.profitMean - published.profitMean) / Math.hypot(row.profitMeanSe, pubProfitSe),
        qZ: (row.qMean - published.qMean) / Math.hypot(row.qMeanSe, pubQSe),
        profitStdRelErr: row.profitStd / published.profitStd - 1,
        qStdRelErr: row.qStd / published.qStd - 1,
      });
    }
  }
  return compared;
}
