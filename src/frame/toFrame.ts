import type * as dfd from 'danfojs-node';
import { danfo } from './danfo.js';
import { bookColumns, type Table } from '../data/tables.js';

export interface FrameOptions {
  /** Row range [start, end) to convert (default: all rows). */
  readonly start?: number;
  readonly end?: number;
}

/**
 * A danfo DataFrame view of a table, for display and exploration in notebooks (not for hot paths:
 * it copies into plain arrays). Columns as in the file layout, plus `time` as an ISO-8601 UTC string.
 */
export function toFrame(table: Table, options: FrameOptions = {}): dfd.DataFrame {
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(table.tsMs.length, options.end ?? table.tsMs.length);
  const columns: Record<string, Array<number | string>> = {};
  columns.time = Array.from(table.tsMs.subarray(start, end), (ts) => new Date(ts).toISOString());
  if (table.kind === 'book') {
    for (const [name, array] of bookColumns(table)) columns[name] = Array.from(array.subarray(start, end));
  } else {
    columns.ts_ms = Array.from(table.tsMs.subarray(start, end));
    if (table.localTsMs) columns.local_ts_ms = Array.from(table.localTsMs.subarray(start, end));
    columns.id = Array.from(table.id.subarray(start, end));
    columns.side = Array.from(table.side.subarray(start, end), (s) => (s === 1 ? 'buy' : 'sell'));
    columns.px = Array.from(table.px.subarray(start, end));
    columns.sz = Array.from(table.sz.subarray(start, end));
  }
  return new (danfo().DataFrame)(columns);
}

/**
 * An HTML table of a DataFrame (all its rows: slice first), for `tslab.display.html`. With `digits`, numbers
 * are shown rounded to that many decimals (the frame is unchanged).
 */
export function frameHtml(frame: dfd.DataFrame, digits?: number): string {
  return tableHtml(frame.columns, frame.values as unknown[][], digits);
}

/** The HTML table `frameHtml` writes, from column names and rows of values. */
export function tableHtml(names: readonly string[], rows: readonly (readonly unknown[])[], digits?: number): string {
  const text = (v: unknown) => (digits !== undefined && typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toFixed(digits))) : String(v));
  const escape = (v: unknown) => text(v).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const head = `<tr>${names.map((n) => `<th>${escape(n)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escape(v)}</td>`).join('')}</tr>`).join('');
  return `<table class="asmm-frame" style="font-size:12px"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
