import { withCapacity } from './columnBuilder.js';
import { DataError } from './errors.js';
import { GzipError, gzipFailure, openByteSource } from './gzip.js';

/** One CSV row as byte ranges into a buffer that is valid only during the callback. */
export interface CsvRow {
  readonly buf: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Number of fields in this row. */
  readonly count: number;
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
}

export interface CsvScanOptions {
  /** Bytes read per chunk; the whole file is never held in memory. */
  readonly chunkBytes?: number;
  /** Honour double quotes: commas inside "..." do not split fields (field ranges keep the quotes). */
  readonly quoted?: boolean;
  /**
   * Optional fast path for data lines: called with a line's content range `buf[start, end)` (line end
   * excluded) before it is split into fields. Returning true means the line was fully handled; false sends it
   * through the usual field splitting, field-count check and `onRow`, exactly as without this option.
   */
  readonly onLine?: (buf: Buffer, start: number, end: number, line: number) => boolean;
}

/**
 * Streams a simple CSV file (comma-separated, no quoting, LF or CRLF line ends; gzip content, recognised by its
 * magic bytes whatever the name, is decompressed as it is read) chunk by chunk and calls
 * `onHeader` with the column names, then `onRow` for every non-empty data line. Memory stays at one chunk
 * plus the longest line. A row with more fields than the header is rejected with its line number.
 */
export function scanCsv(
  path: string,
  onHeader: (names: string[]) => void,
  onRow: (row: CsvRow) => void,
  options: CsvScanOptions = {},
): void {
  const chunkBytes = options.chunkBytes ?? 1 << 22;
  const quoted = options.quoted === true;
  const onLine = options.onLine;
  const source = openByteSource(path);
  try {
    // One buffer for the whole scan: the unfinished line of the previous chunk (the carry) is moved to its
    // start and the next chunk read behind it, so no chunk is copied or allocated again (it grows only for a
    // line longer than a chunk).
    let store = Buffer.allocUnsafe(2 * chunkBytes);
    let carryLength = 0;
    let line = 0;
    let columns = -1;
    let starts = new Int32Array(64);
    let ends = new Int32Array(64);
    for (;;) {
      if (carryLength + chunkBytes > store.length) {
        const grown = Buffer.allocUnsafe(2 * (carryLength + chunkBytes));
        store.copy(grown, 0, 0, carryLength);
        store = grown;
      }
      let read: number;
      try {
        read = source.read(store, carryLength, chunkBytes);
      } catch (error) {
        // every complete line before the cut was handed over and counted; the carry is the line it fell in
        if (error instanceof GzipError) throw gzipFailure(path, error, line, carryLength > 0);
        throw error;
      }
      const eof = read === 0;
      const buf = store.subarray(0, carryLength + read);
      let lineStart = 0;
      for (;;) {
        let lineEnd = buf.indexOf(10, lineStart);
        if (lineEnd < 0) {
          if (!eof) break;
          if (lineStart >= buf.length) break;
          lineEnd = buf.length;
        }
        line++;
        let contentEnd = lineEnd;
        if (contentEnd > lineStart && buf[contentEnd - 1] === 13) contentEnd--;
        if (contentEnd > lineStart && !(columns >= 0 && onLine !== undefined && onLine(buf, lineStart, contentEnd, line))) {
          let count = 0;
          let fieldStart = lineStart;
          let inQuotes = false;
          for (let i = lineStart; i <= contentEnd; i++) {
            if (quoted && i < contentEnd && buf[i] === 34) inQuotes = !inQuotes;
            if (i === contentEnd || (buf[i] === 44 && !inQuotes)) {
              if (count === starts.length) {
                starts = withCapacity(starts, count * 2);
                ends = withCapacity(ends, count * 2);
              }
              starts[count] = fieldStart;
              ends[count] = i;
              count++;
              fieldStart = i + 1;
            }
          }
          if (columns < 0) {
            const names: string[] = [];
            const text = new TextDecoder();
            for (let f = 0; f < count; f++) names.push(text.decode(buf.subarray(starts[f], ends[f])).trim());
            columns = count;
            onHeader(names);
          } else {
            if (count > columns) throw new DataError(path, line, `field ${columns + 1}`, `row has ${count} fields, header has ${columns}`);
            onRow({ buf, starts, ends, count, line });
          }
        }
        lineStart = lineEnd + 1;
        if (lineEnd >= buf.length) break;
      }
      if (eof) break;
      carryLength = buf.length - lineStart;
      store.copy(store, 0, lineStart, buf.length);
    }
    if (columns < 0) throw new DataError(path, 1, '', 'empty file: no header line');
  } finally {
    source.close();
  }
}
