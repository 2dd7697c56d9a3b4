import type { AsSimulationParams } from './params.js';

/** One row of a published AS simulation table (1000 paths per γ in both versions). */
export interface PublishedRow {
  readonly gamma: number;
  readonly strategy: 'inventory' | 'symmetric';
  readonly spread: number;
  readonly profitMean: number;
  readonly profitStd: number;
  readonly qMean: number;
  readonly qStd: number;
}

export interface PublishedTable {
  readonly version: 'journal2008' | 'preprint2006';
  readonly citation: string;
  /** What the table's spread column is. */
  readonly spreadColumn: string;
  /** Paths behind each published number (their standard errors follow from it). */
  readonly paths: number;
  /** Simulator options that reproduce this version's set-up (see the notebook and tests for the evidence). */
  readonly options: Pick<AsSimulationParams, 'symmetricSpread' | 'fillProbability'>;
  readonly rows: readonly PublishedRow[];
}

/**
 * Table of M. Avellaneda, S. Stoikov (2008), "High-frequency trading in a limit order book", Quantitative
 * Finance 8(3):217–224, doi:10.1080/14697680701381228, §4. Spread column: the time average of the full spread
 * γσ²(T − t) + (2/γ)ln(1 + γ/k).
 */
export const JOURNAL_2008: PublishedTable = {
  version: 'journal2008',
  citation: 'Avellaneda & Stoikov (2008), Quantitative Finance 8(3):217-224, doi:10.1080/14697680701381228',
  spreadColumn: 'time average of the full spread gamma*sigma^2*(T-t) + (2/gamma)*ln(1+gamma/k)',
  paths: 1000,
  options: { symmetricSpread: 'average', fillProbability: 'linear' },
  rows: [
    { gamma: 0.1, strategy: 'inventory', spread: 1.49, profitMean: 65.0, profitStd: 6.6, qMean: 0.08, qStd: 2.9 },
    { gamma: 0.1, strategy: 'symmetric', spread: 1.49, profitMean: 68.4, profitStd: 12.7, qMean: 0.26, qStd: 8.4 },
    { gamma: 0.01, strategy: 'inventory', spread: 1.35, profitMean: 68.6, profitStd: 8.7, qMean: 0.12, qStd: 5.1 },
    { gamma: 0.01, strategy: 'symmetric', spread: 1.35, profitMean: 68.8, profitStd: 12.8, qMean: 0.09, qStd: 8.7 },
    { gamma: 1, strategy: 'inventory', spread: 3.02, profitMean: 31.4, profitStd: 5.0, qMean: 0.02, qStd: 1.7 },
    { gamma: 1, strategy: 'symmetric', spread: 3.02, profitMean: 44.0, profitStd: 11.0, qMean: 0.0, qStd: 5.1 },
  ],
};

/**
 * Table of the 2006 preprint of the same paper (circulated before publication). Spread column: only the
 * constant term (2/γ)ln(1 + γ/k); its symmetric benchmark's final-inventory spread matches quotes at that
 * constant spread.
 */
export const PREPRINT_2006: PublishedTable = {
  version: 'preprint2006',
  citation: 'Avellaneda & Stoikov (2006), preprint of "High-frequency trading in a limit order book"',
  spreadColumn: 'constant term (2/gamma)*ln(1+gamma/k) only',
  paths: 1000,
  options: { symmetricSpread: 'constantTerm', fillProbability: 'linear' },
  rows: [
    { gamma: 0.1, strategy: 'inventory', spread: 1.29, profitMean: 62.94, profitStd: 5.89, qMean: 0.1, qStd: 2.8 },
    { gamma: 0.1, strategy: 'symmetric', spread: 1.29, profitMean: 67.21, profitStd: 13.43, qMean: -0.018, qStd: 8.66 },
    { gamma: 0.01, strategy: 'inventory', spread: 1.33, profitMean: 66.78, profitStd: 8.76, qMean: -0.02, qStd: 4.7 },
    { gamma: 0.01, strategy: 'symmetric', spread: 1.33, profitMean: 67.36, profitStd: 13.4, qMean: -0.31, qStd: 8.65 },
    { gamma: 0.5, strategy: 'inventory', spread: 1.15, profitMean: 33.92, profitStd: 4.72, qMean: -0.02, qStd: 1.88 },
    { gamma: 0.5, strategy: 'symmetric', spread: 1.15, profitMean: 66.2, profitStd: 14.53, qMean: 0.25, qStd: 9.06 },
  ],
};

export const PUBLISHED_TABLES: readonly PublishedTable[] = [JOURNAL_2008, PREPRINT_2006];
