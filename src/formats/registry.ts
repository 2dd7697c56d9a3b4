import { arrowFormat, asmmBookCsvFormat, asmmTradesCsvFormat } from './asmm.js';
import { binanceCaptureFormat } from './binanceCapture.js';
import { cryptofeedOkxFormat } from './cryptofeedOkx.js';
import type { FileFormat, Format } from './format.js';
import { okxHistoryBooksFormat } from './okxHistoryBooks.js';
import { okxHistoryTradesFormat } from './okxHistoryTrades.js';
import { recorderRawFormat } from './recorderRaw.js';
import { referenceCsvFormat } from './referenceCsv.js';
import { tardisBookSnapshotFormat, tardisTradesFormat } from './tardisCsv.js';

/**
 * Every format asmm reads, in detection order: the first whose `canHandle` accepts a file's content is its
 * format. A new format is one module beside these (a `Format` with `canHandle` and `read` or `replay`) and
 * one entry here.
 */
export const FORMATS: readonly Format[] = [
  arrowFormat,
  asmmBookCsvFormat,
  asmmTradesCsvFormat,
  referenceCsvFormat,
  tardisBookSnapshotFormat,
  tardisTradesFormat,
  cryptofeedOkxFormat,
  recorderRawFormat,
  binanceCaptureFormat,
  okxHistoryBooksFormat,
  okxHistoryTradesFormat,
];

/** The registered format of that name; undefined for `unknown`. */
export function formatNamed(name: FileFormat): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}
