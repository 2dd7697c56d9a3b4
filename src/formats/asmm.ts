import { arrowTableKind, readArrowTable, readBookArrow, readTradeArrow } from '../data/arrow.js';
import { readBookCsv, readTradeCsv } from '../data/csv.js';
import { DataError } from '../data/errors.js';
import type { TableFormat } from './format.js';

/**
 * asmm's own formats (read and written by `data/`): Arrow IPC files and the book and trade CSVs. These
 * entries only detect them; the readers are `data/arrow.ts` and `data/csv.ts`.
 */

/**
 * Arrow IPC file (`ARROW1` magic) or stream (a 0xFFFFFFFF continuation marker), never gzipped (Arrow IPC has
 * its own compression). A book when it has `bid_px_1`, trades when it has `side`.
 */
export const arrowFormat: TableFormat = {
  name: 'arrow',
  holds: 'table',
  canHandle: ({ head, gzip }) => !gzip && (head.subarray(0, 6).toString('latin1') === 'ARROW1' || (head.length >= 4 && head.readUInt32LE(0) === 0xffffffff)),
  read(path) {
    const table = readArrowTable(path);
    const kind = arrowTableKind(table);
    if (kind === 'book') return readBookArrow(path, table);
    if (kind === 'trades') return readTradeArrow(path, table);
    throw new DataError(path, 0, '', 'Arrow file holds neither a book nor a trade table (no bid_px_1 or side column)');
  },
};

/** asmm book CSV: header `ts_ms,…,bid_px_1,…`. */
export const asmmBookCsvFormat: TableFormat = {
  name: 'asmm-book-csv',
  holds: 'table',
  canHandle: ({ columns }) => columns[0] === 'ts_ms' && columns.includes('bid_px_1'),
  read: (path) => readBookCsv(path),
};

/** asmm trade CSV: header `ts_ms,…,side,px,…`. */
export const asmmTradesCsvFormat: TableFormat = {
  name: 'asmm-trades-csv',
  holds: 'table',
  canHandle: ({ columns }) => columns[0] === 'ts_ms' && columns.includes('side') && columns.includes('px'),
  read: (path) => readTradeCsv(path),
};
