import { writeBookArrow, writeTradeArrow } from './arrow.js';
import { writeBookCsv, writeTradeCsv } from './csv.js';
import type { Table } from './tables.js';

/** File name for a table when a conversion writes several into a directory. */
export function tableFileName(table: Table, extension: 'arrow' | 'csv'): string {
  const instrument = (table.meta.instrument ?? 'table').replace(/[^A-Za-z0-9._-]/g, '_');
  const channel = table.kind === 'book' ? (table.meta.extra?.channel ?? 'books').replace(/[^A-Za-z0-9._-]/g, '_') : 'trades';
  return `${instrument}.${channel}.${extension}`;
}

/** Writes a table in one of the project's formats. */
export function writeTable(path: string, table: Table, format: 'arrow' | 'csv'): void {
  if (table.kind === 'book') (format === 'arrow' ? writeBookArrow : writeBookCsv)(path, table);
  else (format === 'arrow' ? writeTradeArrow : writeTradeCsv)(path, table);
}
