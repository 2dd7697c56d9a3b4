import { readdirSync, statSync } from 'node:fs';
import { DataError } from '../data/errors.js';
import { contentHead } from '../data/gzip.js';
import type { Table } from '../data/tables.js';

/** The file formats asmm recognises: the `name` of each format in the registry (`registry.ts`), or `unknown`. */
export type FileFormat =
  | 'arrow'
  | 'asmm-book-csv'
  | 'asmm-trades-csv'
  | 'reference-books5-csv'
  | 'tardis-book-snapshot'
  | 'tardis-trades'
  | 'okx-cryptofeed-capture'
  | 'binance-hftbacktest-capture'
  | 'asmm-recorder-raw'
  | 'okx-history-books'
  | 'okx-history-trades'
  | 'unknown';

/**
 * What format detection sees of a file, read once and handed to every format's `canHandle`: detection is by
 * content only, never by file name. For a gzip file (by its magic bytes, whatever its name) the head is the
 * start of what it decompresses to, so a `.csv.gz` of any CSV format is that format.
 */
export interface FileProbe {
  readonly path: string;
  /** The names in it when `path` is a directory (`head` is then empty). */
  readonly directoryEntries?: readonly string[];
  /** The start of the content (decompressed when gzip), at most 4096 bytes; never empty for a file. */
  readonly head: Buffer;
  /** The file is gzip (by content). */
  readonly gzip: boolean;
  /** The first line of `head`, trimmed. */
  readonly firstLine: string;
  /** `firstLine` split at commas (no unquoting). */
  readonly columns: readonly string[];
}

/** A format that holds one table (book or trades), read synchronously. */
export interface TableFormat {
  readonly name: Exclude<FileFormat, 'unknown'>;
  readonly holds: 'table';
  /** Whether the probed content is this format (by content only). */
  canHandle(probe: FileProbe): boolean;
  /** Reads the file's table; errors are `DataError`s naming file, line and field. */
  read(path: string, options?: TableReadOptions): Table;
}

/** What a caller needs of a table file, so a format may store less (formats that cannot ignore these). */
export interface TableReadOptions {
  /**
   * Book levels per side the caller reads (the first ones): every level is still read and validated, only
   * these are kept, so a 216,000-row books5 file needs a fifth of the memory when only the touch is wanted.
   * Default: all.
   */
  readonly levels?: number;
  /**
   * What happens to the levels after `levels`: 'validate' (default) reads and checks them; 'skip' does not read
   * them at all (faster; a malformed or disordered deeper level then goes unnoticed, and the table's metadata
   * says `asmm.levels_unread`). For a caller whose result depends on the kept levels only, such as the
   * seed-compatible run, which uses the touch. Formats that cannot skip validate.
   */
  readonly unkeptLevels?: 'validate' | 'skip';
}

/** A format that holds raw exchange messages, replayed into tables (books rebuilt, checksums and sequences checked). */
export interface CaptureFormat {
  readonly name: Exclude<FileFormat, 'unknown'>;
  readonly holds: 'capture';
  /** Whether the probed content (or directory) is this format (by content only). */
  canHandle(probe: FileProbe): boolean;
  /**
   * Replays the capture: every table it holds (per instrument book and trades, books sampled to the best
   * `depth` levels at each change) and integrity notes, one line each.
   */
  replay(path: string, depth: number): Promise<{ readonly tables: readonly Table[]; readonly notes: readonly string[] }>;
}

/**
 * One venue's or vendor's file format, in the manner of tardis-node's mappers: detection by content
 * (`canHandle`) and a loader (`read` for a table, `replay` for raw messages). The registry (`registry.ts`)
 * lists them in detection order.
 */
export type Format = TableFormat | CaptureFormat;

/**
 * Reads what detection needs of `path`. A directory is listed (a directory of `asmm record` segments is one
 * recording).
 * @throws DataError for an empty file, a gzip file of nothing and a file with gzip magic that does not
 *   decompress.
 */
export function probeFile(path: string): FileProbe {
  const stat = statSync(path);
  if (stat.isDirectory()) return { path, directoryEntries: readdirSync(path), head: Buffer.alloc(0), gzip: false, firstLine: '', columns: [''] };
  if (stat.size === 0) throw new DataError(path, 0, '', 'empty file');
  const { head, gzip } = contentHead(path);
  if (head.length === 0) throw new DataError(path, 0, '', gzip ? 'empty file (gzip of nothing)' : 'empty file');
  const firstLine = head.toString('utf8').split(/\r?\n/, 1)[0].trim();
  return { path, head, gzip, firstLine, columns: firstLine.split(',') };
}
