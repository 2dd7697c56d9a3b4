import { median } from '../stats/quantile.js';
import { maskSummary } from './masks.js';
import type { Table } from './tables.js';

/** What `asmm inspect` reports about a table. Times in ms since epoch; intervals in ms. */
export interface TableSummary {
  readonly kind: Table['kind'];
  readonly rows: number;
  readonly firstTsMs: number | null;
  readonly lastTsMs: number | null;
  readonly spanSec: number;
  /** Levels per side (books only). */
  readonly levels?: number;
  readonly instrument?: string;
  readonly intervalMs: { readonly min: number; readonly median: number; readonly max: number } | null;
  readonly hasLocalTs: boolean;
  /** The table's masked intervals (see `masks.ts`): how many, and their total duration in ms. */
  readonly masked: { readonly count: number; readonly totalMs: number; readonly intervals: ReadonlyArray<{ readonly fromMs: number; readonly toMs: number; readonly reason: string }> };
}

/** Row count, time span, depth, instrument and the min/median/max interval between consecutive rows. */
export function summarizeTable(table: Table): TableSummary {
  const ts = table.tsMs;
  const n = ts.length;
  let intervalMs: TableSummary['intervalMs'] = null;
  if (n >= 2) {
    const gaps = new Float64Array(n - 1);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 1; i < n; i++) {
      const gap = ts[i] - ts[i - 1];
      gaps[i - 1] = gap;
      if (gap < min) min = gap;
      if (gap > max) max = gap;
    }
    intervalMs = { min, median: median(gaps), max };
  }
  return {
    kind: table.kind,
    rows: n,
    firstTsMs: n > 0 ? ts[0] : null,
    lastTsMs: n > 0 ? ts[n - 1] : null,
    spanSec: n > 0 ? (ts[n - 1] - ts[0]) / 1000 : 0,
    ...(table.kind === 'book' ? { levels: table.depth } : {}),
    ...(table.meta.instrument !== undefined ? { instrument: table.meta.instrument } : {}),
    intervalMs,
    hasLocalTs: table.localTsMs !== undefined,
    masked: maskSummary(table.masked),
  };
}
