import { DataError } from './errors.js';
import type { Table } from './tables.js';

/**
 * The first row whose exchange time is earlier than the row before it (`tsMs[row] < tsMs[row − 1]`), or -1.
 * @example firstBackwardsRow([1, 2, 2, 1.5]) // 3
 */
export function firstBackwardsRow(tsMs: ArrayLike<number>): number {
  for (let i = 1; i < tsMs.length; i++) if (tsMs[i] < tsMs[i - 1]) return i;
  return -1;
}

/**
 * Refuses a table whose rows go back in time, with a DataError naming the file, the 0-based row, the column
 * and both times. Text tables are checked row by row as they are read; this is for tables rebuilt from raw
 * captures (replays), where a row is not a line of the file.
 */
export function assertTimeOrder(path: string, table: Table): void {
  const row = firstBackwardsRow(table.tsMs);
  if (row < 0) return;
  const [previous, current] = [table.tsMs[row - 1], table.tsMs[row]];
  const iso = (ms: number) => new Date(ms).toISOString();
  const what = `${table.kind === 'book' ? 'book' : 'trade'} table${table.meta.instrument ? ` of ${table.meta.instrument}` : ''}`;
  throw new DataError(path, row, 'ts_ms', `${what} goes back in time: ${iso(current)} after ${iso(previous)} (${previous - current} ms earlier); rows must be in time order`, 'row');
}
