import type * as dfd from 'danfojs-node';
import { danfo } from './danfo.js';
import { tableHtml } from './toFrame.js';

/**
 * A danfo DataFrame from an array of flat records (objects of numbers and strings), for tables of results.
 * Numbers are rounded to `digits` decimals for display; nested values are dropped from the view.
 */
export function recordsFrame(records: ReadonlyArray<Record<string, unknown>>, digits = 3): dfd.DataFrame {
  return new (danfo().DataFrame)(recordColumns(records, digits));
}

/**
 * The HTML table of `frameHtml(recordsFrame(records, digits))`, without making the DataFrame (the notebooks'
 * `show`: danfojs is loaded at the first DataFrame, about 1.3 s of CPU, which a table of results does not need).
 * No records give a line saying so (danfo refuses a frame without columns).
 */
export function recordsHtml(records: ReadonlyArray<Record<string, unknown>>, digits = 3): string {
  if (records.length === 0) return '<p class="asmm-frame">no rows</p>';
  const columns = recordColumns(records, digits);
  const names = Object.keys(columns);
  return tableHtml(names, records.map((_, i) => names.map((name) => columns[name][i])));
}

/** The columns of `recordsFrame`: the first record's number and string fields, numbers rounded to `digits`. */
function recordColumns(records: ReadonlyArray<Record<string, unknown>>, digits: number): Record<string, Array<number | string>> {
  const columns: Record<string, Array<number | string>> = {};
  const names = records.length > 0 ? Object.keys(records[0]).filter((key) => ['number', 'string'].includes(typeof records[0][key])) : [];
  for (const name of names) {
    columns[name] = records.map((record) => {
      const value = record[name];
      return typeof value === 'number' ? Number(value.toFixed(digits)) : String(value);
    });
  }
  return columns;
}
