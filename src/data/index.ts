export * from './tables.js';
export { DataError } from './errors.js';
export { bookRowProblem, tradeRowProblem, type RowProblem } from './validate.js';
export { parseDecimalBytes } from './decimal.js';
export { scanCsv, type CsvRow } from './csvScanner.js';
export { readBookCsv, readTradeCsv, writeBookCsv, writeTradeCsv } from './csv.js';
export { readArrowTable, readBookArrow, readTradeArrow, writeBookArrow, writeTradeArrow } from './arrow.js';
export { detectFormat, readBookFile, readTableFile, readTradeFile, type FileFormat } from './files.js';
export { summarizeTable, type TableSummary } from './summary.js';
