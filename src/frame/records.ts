import type * as dfd from 'danfojs-node';
import { danfo } from './danfo.js';

/**
 * A danfo DataFrame from an array of flat records (objects of numbers and strings), for tables of results.
 * Numbers are rounded to `digits` decimals for display; nested values are dropped from the view.
 */
export function recordsFrame(records: ReadonlyArray<Record<string, unknown>>, digits = 3): dfd.DataFrame {
  const columns: Record<string, Array<number | string>> = {};
  const names = records.length > 0 ? Object.keys(records[0]).filter((key) => ['number', 'string'].includes(typeof records[0][key])) : [];
  for (const name of names) {
    columns[name] = records.map((record) => {
      const value = record[name];
      return typeof value === 'number' ? Number(value.toFixed(digits)) : String(value);
    });
  }
  return new (danfo().DataFrame)(columns);
}
