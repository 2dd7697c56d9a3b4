/**
 * A rejected input, naming the file, the line (or row, for binary formats) and the field.
 * Message form: `data/books.csv:1832 bid_px_1: not a number ("abc")`.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly file: string,
    /** 1-based line in a text file (header is line 1), or 0 when the error concerns the whole file. */
    readonly line: number,
    readonly field: string,
    readonly reason: string,
    /** How `line` is to be read: a text line, or a 0-based row of a binary table. */
    readonly unit: 'line' | 'row' = 'line',
  ) {
    super(`${file}${line > 0 || unit === 'row' ? (unit === 'row' ? ` row ${line}` : `:${line}`) : ''}${field ? ` ${field}` : ''}: ${reason}`);
  }
}
