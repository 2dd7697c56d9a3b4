import { basename } from 'node:path';
import { scanCsv } from '../data/csvScanner.js';
import { DataError } from '../data/errors.js';
import type { InterpolatedLatency } from './latency.js';

/** The columns of a latency file (others are ignored). */
export const LATENCY_CSV_COLUMNS = { at: 'ts_ms', latency: 'latency_ms' } as const;

/**
 * A measured latency series from a CSV file with the columns `ts_ms` (when the order was sent, ms since the
 * epoch, exchange clock) and `latency_ms` (how long it took to reach the exchange, ms ≥ 0), one row per
 * measurement in time order; other columns are ignored (a live system's order log can be given as it is, with
 * these two added). For `--entry-latency file:PATH` (and cancel, feed): interpolated in time by the replay.
 * @throws DataError naming the file, line and field of the first value that is not usable (a missing column,
 *   a non-number, a negative latency, a time before the previous row's), or of an empty file.
 */
export function readLatencyCsv(path: string): InterpolatedLatency {
  const atMs: number[] = [];
  const latencyMs: number[] = [];
  let atColumn = -1;
  let latencyColumn = -1;
  const text = new TextDecoder();
  scanCsv(
    path,
    (names) => {
      atColumn = names.indexOf(LATENCY_CSV_COLUMNS.at);
      latencyColumn = names.indexOf(LATENCY_CSV_COLUMNS.latency);
      for (const [column, name] of [[atColumn, LATENCY_CSV_COLUMNS.at], [latencyColumn, LATENCY_CSV_COLUMNS.latency]] as const) {
        if (column < 0) throw new DataError(path, 1, name, `missing column (a latency file has the columns ${LATENCY_CSV_COLUMNS.at} and ${LATENCY_CSV_COLUMNS.latency})`);
      }
    },
    (row) => {
      const cell = (column: number, name: string): number => {
        const raw = column < row.count ? text.decode(row.buf.subarray(row.starts[column], row.ends[column])).trim() : '';
        const value = raw === '' ? NaN : Number(raw);
        if (!Number.isFinite(value)) throw new DataError(path, row.line, name, `"${raw}" is not a number`);
        return value;
      };
      const at = cell(atColumn, LATENCY_CSV_COLUMNS.at);
      const latency = cell(latencyColumn, LATENCY_CSV_COLUMNS.latency);
      if (latency < 0) throw new DataError(path, row.line, LATENCY_CSV_COLUMNS.latency, `${latency} ms is negative`);
      if (atMs.length > 0 && at < atMs[atMs.length - 1]) throw new DataError(path, row.line, LATENCY_CSV_COLUMNS.at, `${at} is before the previous row's ${atMs[atMs.length - 1]} (rows must be in time order)`);
      atMs.push(at);
      latencyMs.push(latency);
    },
  );
  if (atMs.length === 0) throw new DataError(path, 0, '', 'no measurement (a header and no rows)');
  return { atMs: Float64Array.from(atMs), latencyMs: Float64Array.from(latencyMs), source: basename(path) };
}
