import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { withCapacity } from '../data/columnBuilder.js';
import { scanCsv, type CsvRow } from '../data/csvScanner.js';
import { fieldText, parseDecimalBytes, POW10 } from '../data/decimal.js';
import { checkTableEpochs } from '../data/epoch.js';
import { DataError } from '../data/errors.js';
import { readFileHead } from '../data/gzip.js';
import type { BookTable, TableMeta } from '../data/tables.js';
import { bookRowProblem } from '../data/validate.js';
import type { TableFormat } from './format.js';

/**
 * The reference system's books5 CSV layout: `Timestamp, Bid List, Bid Size List, Ask List, Ask Size List`,
 * one row per message, each list a quoted Python list such as "[3788.59, 3788.58, nan]" (padded with `nan`
 * when a side has fewer levels). Timestamps are wall-clock seconds, either `YYYY-MM-DD HH:MM:SS[.ffffff]`
 * (UTC) or Unix seconds.
 */
export const REFERENCE_COLUMNS = ['Timestamp', 'Bid List', 'Bid Size List', 'Ask List', 'Ask Size List'] as const;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** A timestamp cell's text as ms since the epoch, or NaN when it is neither form (the caller reports it). */
function timestampTextMs(text: string): number {
  const m = DATE_TIME.exec(text);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    return ms + (m[7] ? Math.round(Number(m[7]) * 1000) : 0);
  }
  const seconds = Number(text);
  if (text !== '' && Number.isFinite(seconds)) return Math.round(seconds * 1000);
  return NaN;
}

/** The text `timestampTextMs` reads from a cell: quotes and surrounding blanks removed. */
function timestampText(buf: Uint8Array, start: number, end: number): string {
  return fieldText(buf, start, end).replace(/^"|"$/g, '').trim();
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const twoDigits = (buf: Uint8Array, i: number): number => (buf[i] - 48) * 10 + (buf[i + 1] - 48);

/**
 * `timestampTextMs(timestampText(buf, start, end))`, without building a string for the usual
 * `YYYY-MM-DD HH:MM:SS` cell (19 bytes; the same numbers go to the same `Date.UTC`).
 */
function timestampBytesMs(buf: Uint8Array, start: number, end: number): number {
  if (end - start === 19) {
    const b = start;
    const sep = buf[b + 10];
    if (
      isDigit(buf[b]) && isDigit(buf[b + 1]) && isDigit(buf[b + 2]) && isDigit(buf[b + 3]) && buf[b + 4] === 45 &&
      isDigit(buf[b + 5]) && isDigit(buf[b + 6]) && buf[b + 7] === 45 && isDigit(buf[b + 8]) && isDigit(buf[b + 9]) &&
      (sep === 32 || sep === 84) && isDigit(buf[b + 11]) && isDigit(buf[b + 12]) && buf[b + 13] === 58 &&
      isDigit(buf[b + 14]) && isDigit(buf[b + 15]) && buf[b + 16] === 58 && isDigit(buf[b + 17]) && isDigit(buf[b + 18])
    ) {
      const year = twoDigits(buf, b) * 100 + twoDigits(buf, b + 2);
      return Date.UTC(year, twoDigits(buf, b + 5) - 1, twoDigits(buf, b + 8), twoDigits(buf, b + 11), twoDigits(buf, b + 14), twoDigits(buf, b + 17));
    }
  }
  return timestampTextMs(timestampText(buf, start, end));
}

function timestampMs(path: string, row: CsvRow): number {
  const text = timestampText(row.buf, row.starts[0], row.ends[0]);
  const ms = timestampTextMs(text);
  if (ms === ms) return ms;
  throw new DataError(path, row.line, 'Timestamp', `not a date-time or Unix seconds: "${text}"`);
}

/**
 * Parses a quoted Python list of numbers or nan into `out`; returns its length. With `maxItems`, items after
 * the first `maxItems` are not read (`out` then holds those, and the return is `maxItems + 1` to say more came).
 */
function parseList(path: string, row: CsvRow, field: number, out: number[], maxItems = Infinity): number {
  const name = REFERENCE_COLUMNS[field];
  if (field >= row.count) throw new DataError(path, row.line, name, `missing field (row has ${row.count} of 5 fields)`);
  const buf = row.buf;
  let i = row.starts[field];
  let end = row.ends[field];
  while (i < end && (buf[i] === 34 || buf[i] === 32)) i++;
  while (end > i && (buf[end - 1] === 34 || buf[end - 1] === 32)) end--;
  if (buf[i] !== 91 || buf[end - 1] !== 93) throw new DataError(path, row.line, name, `not a [list]: "${fieldText(buf, row.starts[field], row.ends[field])}"`);
  i++;
  end--;
  out.length = 0;
  let itemStart = i;
  for (let j = i; j <= end; j++) {
    if (j === end || buf[j] === 44) {
      let a = itemStart;
      let b = j;
      while (a < b && buf[a] === 32) a++;
      while (b > a && buf[b - 1] === 32) b--;
      if (b > a) {
        const isNan = b - a === 3 && (buf[a] | 32) === 110 && (buf[a + 1] | 32) === 97 && (buf[a + 2] | 32) === 110;
        const value = isNan ? NaN : parseDecimalBytes(buf, a, b);
        if (!isNan && Number.isNaN(value)) throw new DataError(path, row.line, `${name}[${out.length}]`, `not a number ("${fieldText(buf, a, b)}")`);
        out.push(value);
        if (out.length === maxItems && j < end) return maxItems + 1;
      } else if (j < end || out.length > 0) {
        throw new DataError(path, row.line, `${name}[${out.length}]`, 'empty list item');
      }
      itemStart = j + 1;
    }
  }
  return out.length;
}

/** Length of the timestamp cells remembered by the one-entry cache (longer cells are always parsed). */
const TS_CACHE_BYTES = 64;
/** Rows of storage when the file's row count cannot be estimated (gzip); it doubles as needed. */
const DEFAULT_CAPACITY_ROWS = 1 << 14;

/**
 * The state of one `readReferenceCsv` call. Every data line first goes to `fastLine`, which reads the usual
 * shape (`ts,"[x, y, nan]","[...]","[...]","[...]"`) straight from the bytes into a scratch row, checks it
 * with the rules of `bookRowProblem` as plain comparisons, and appends it. Anything it does not accept
 * (another shape, a number it cannot read, a rule broken, the first row, which fixes the depth) makes it
 * return false before anything is appended; the scanner then splits the line into fields and `generalRow`
 * reads it as the only path did before, appending it or throwing the DataError that names line and field.
 * So the fast path decides speed only: which rows are accepted, their values and every error message come
 * from the general path's rules.
 *
 * Storage: 1 + 4·depth columns (ts, bid prices by level, bid sizes, ask prices, ask sizes) sized for the
 * row count estimated from the file's size (`estimateRows`), doubled if it falls short; `finish` returns views
 * of their first `rows` values (a copy only when a quarter or more of the storage went unused).
 */
class ReferenceReader {
  private depth = 0;
  private rows = 0;
  /** The columns, `capacity` rows each (allocated at the first row, when the depth is known). */
  private columns: Float64Array[] = [];
  private capacity = 0;
  private lastTsMs = NaN;
  /** One row (prices and sizes, in column order after ts), filled by `fastLine` or `generalRow`. */
  private scratch = new Float64Array(0);
  private readonly lists: number[][] = [[], [], [], []];
  /** Two rows (previous timestamp, current row) for `bookRowProblem` in `generalRow`. */
  private check: BookTable | undefined;
  /** One-entry timestamp cache: consecutive rows usually carry the same second, byte for byte. */
  private readonly tsKey = new Uint8Array(TS_CACHE_BYTES);
  private tsKeyLength = 0;
  private tsKeyMs = NaN;

  constructor(
    private readonly path: string,
    private readonly meta: TableMeta,
    /** Rows to allocate for at first (an estimate; storage doubles past it). */
    private readonly capacityHint: number = DEFAULT_CAPACITY_ROWS,
    /** Levels per side to store (the first ones; every level is validated unless `skipUnkept`). Default: all. */
    private readonly levelsWanted: number = Infinity,
    /** Levels after `levelsWanted` are not read at all (see TableReadOptions.unkeptLevels). */
    private readonly skipUnkept = false,
  ) {}

  /** Whether some row had levels after `levelsWanted` that were not read (`skipUnkept`). */
  private skipped = false;

  /** Levels per side stored: the file's depth, or fewer when the caller wants fewer. */
  private get kept(): number {
    return Math.max(1, Math.min(this.depth, this.levelsWanted));
  }

  header(header: string[]): void {
    const path = this.path;
    const names = header.map((h) => h.replace(/^"|"$/g, '').trim());
    for (const name of REFERENCE_COLUMNS) if (!names.includes(name)) throw new DataError(path, 1, name, 'missing column');
    if (names.length !== REFERENCE_COLUMNS.length || names.some((n, i) => n !== REFERENCE_COLUMNS[i])) {
      throw new DataError(path, 1, names.find((n, i) => n !== REFERENCE_COLUMNS[i]) ?? '', `expected columns ${REFERENCE_COLUMNS.join(', ')}`);
    }
  }

  /** `timestampBytesMs` of a cell without quotes or commas, remembered for the next row; NaN when not a timestamp. */
  private timestamp(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const ms = timestampBytesMs(buf, start, end);
    if (length <= TS_CACHE_BYTES && ms === ms) {
      const key = this.tsKey;
      for (let i = 0; i < length; i++) key[i] = buf[start + i];
      this.tsKeyLength = length;
      this.tsKeyMs = ms;
    }
    return ms;
  }

  /** Reads and appends the data line `buf[start, end)` when it has the usual shape and is valid; see the class. */
  fastLine(buf: Buffer, start: number, end: number): boolean {
    const depth = this.depth;
    if (depth === 0) return false;
    // Timestamp: the cached cell when the line starts with its bytes and a comma (cached cells hold neither
    // quotes nor commas, so that comma ends the cell); otherwise read up to the first comma, no quotes.
    let i = start;
    let tsMs: number;
    const keyLength = this.tsKeyLength;
    const key = this.tsKey;
    let k = 0;
    if (keyLength > 0 && start + keyLength < end && buf[start + keyLength] === 44) {
      while (k < keyLength && buf[start + k] === key[k]) k++;
    }
    if (keyLength > 0 && k === keyLength) {
      tsMs = this.tsKeyMs;
      i = start + keyLength;
    } else {
      while (i < end && buf[i] !== 44) {
        if (buf[i] === 34) return false;
        i++;
      }
      if (i === end) return false;
      tsMs = this.timestamp(buf, start, i);
    }
    if (!(tsMs - tsMs === 0)) return false;
    if (this.rows > 0 && !(tsMs >= this.lastTsMs)) return false;
    const row = this.scratch;
    const skipAt = this.skipUnkept ? this.levelsWanted : -1;
    let bidLevels = 0;
    let askLevels = 0;
    for (let group = 0; group < 4; group++) {
      // ,"[
      if (buf[i] !== 44 || buf[i + 1] !== 34 || buf[i + 2] !== 91) return false;
      i += 3;
      const base = group * depth;
      let count = 0;
      for (;;) {
        while (buf[i] === 32) i++;
        if (count === depth) return false;
        let value: number;
        let c = buf[i];
        if (c === 110) {
          if (buf[i + 1] !== 97 || buf[i + 2] !== 110) return false;
          value = NaN;
          i += 3;
        } else {
          const itemStart = i;
          let mantissa = 0;
          let dot = -1;
          for (; ; i++) {
            c = buf[i];
            if (c >= 48 && c <= 57) mantissa = mantissa * 10 + (c - 48);
            else if (c === 46 && dot < 0) dot = i;
            else break;
          }
          const digits = dot < 0 ? i - itemStart : i - itemStart - 1;
          if ((c === 44 || c === 93 || c === 32) && digits > 0 && digits <= 15) {
            // parseDecimalBytes' own fast path: at most 15 digits, so the mantissa is exact
            value = dot < 0 ? mantissa : mantissa / POW10[i - dot - 1];
          } else {
            // sign, exponent, many digits...: the item as the general path delimits it, read by parseDecimalBytes
            while (i < end && buf[i] !== 44 && buf[i] !== 93 && buf[i] !== 34) i++;
            let itemEnd = i;
            while (itemEnd > itemStart && buf[itemEnd - 1] === 32) itemEnd--;
            value = parseDecimalBytes(buf, itemStart, itemEnd);
            if (value !== value) return false;
          }
        }
        row[base + count++] = value;
        while (buf[i] === 32) i++;
        c = buf[i];
        if (count === skipAt && c === 44) {
          // the levels after the kept ones are not read: on to the field's closing quote, which must follow a
          // ']' (as the general path, which reads no item after the kept ones either). Buffer#indexOf (memchr)
          // rather than a loop: the rest of a list is tens of bytes, which a JS loop reads several times slower.
          const quote = buf.indexOf(34, i);
          if (quote < 0 || quote >= end || buf[quote - 1] !== 93) return false;
          i = quote + 1;
          this.skipped = true;
          break;
        }
        if (c === 44) {
          i++;
          continue;
        }
        if (c === 93 && buf[i + 1] === 34) {
          i += 2;
          break;
        }
        return false;
      }
      for (let l = count; l < depth; l++) row[base + l] = NaN;
      if (group === 0) bidLevels = count;
      else if (group === 1 && count !== bidLevels) return false;
      else if (group === 2) askLevels = count;
      else if (group === 3 && count !== askLevels) return false;
    }
    if (i !== end) return false;
    if (!sideValid(row, 0, depth, true) || !sideValid(row, 2 * depth, depth, false) || row[0] >= row[2 * depth]) return false;
    this.append(tsMs);
    return true;
  }

  /** `timestampResolutionMs` of the rows appended so far (kept as they come: a new time is checked once). */
  resolutionMs = 1000;

  /** Appends `tsMs` and the scratch row. */
  private append(tsMs: number): void {
    if (tsMs !== this.lastTsMs) while (this.resolutionMs > 1 && tsMs % this.resolutionMs !== 0) this.resolutionMs /= 10;
    if (this.rows === this.capacity) this.grow();
    const columns = this.columns;
    const row = this.scratch;
    const r = this.rows;
    columns[0][r] = tsMs;
    const depth = this.depth;
    const kept = this.kept;
    if (kept === depth) for (let k = 0; k < row.length; k++) columns[k + 1][r] = row[k];
    else for (let group = 0; group < 4; group++) for (let l = 0; l < kept; l++) columns[1 + group * kept + l][r] = row[group * depth + l];
    this.rows = r + 1;
    this.lastTsMs = tsMs;
  }

  /** Allocates the columns (the hint's rows), or doubles them. */
  private grow(): void {
    const capacity = this.capacity === 0 ? Math.max(1024, this.capacityHint) : 2 * this.capacity;
    const old = this.columns;
    this.columns = Array.from({ length: 1 + 4 * this.kept }, (_, k) => (old.length > 0 ? withCapacity(old[k], capacity) : new Float64Array(capacity)));
    this.capacity = capacity;
  }

  /** Reads one row split into fields, appending it or throwing the DataError for its first problem. */
  generalRow(row: CsvRow): void {
    const path = this.path;
    const tsMs = timestampMs(path, row);
    const lists = this.lists;
    const most = this.skipUnkept ? this.levelsWanted : Infinity;
    const read = [parseList(path, row, 1, lists[0], most), parseList(path, row, 2, lists[1], most), parseList(path, row, 3, lists[2], most), parseList(path, row, 4, lists[3], most)];
    if (read.some((n) => n > most)) this.skipped = true;
    const lengths = read.map((n) => Math.min(n, most));
    if (lengths[0] !== lengths[1]) throw new DataError(path, row.line, 'Bid Size List', `${lengths[1]} sizes for ${lengths[0]} bid prices`);
    if (lengths[2] !== lengths[3]) throw new DataError(path, row.line, 'Ask Size List', `${lengths[3]} sizes for ${lengths[2]} ask prices`);
    if (this.depth === 0) this.start(Math.max(lengths[0], lengths[2], 1));
    const depth = this.depth;
    if (lengths[0] > depth || lengths[2] > depth) throw new DataError(path, row.line, 'Bid List', `more levels than the first row's ${depth}`);

    // Validate on a two-row book (previous timestamp, this row), with bookRowProblem's own messages.
    const check = this.check as BookTable;
    const i = this.rows > 0 ? 1 : 0;
    check.tsMs[0] = this.lastTsMs;
    check.tsMs[i] = tsMs;
    const groups = [check.bidPx, check.bidSz, check.askPx, check.askSz];
    for (let group = 0; group < 4; group++) {
      const list = lists[group];
      for (let l = 0; l < depth; l++) groups[group][l][i] = l < list.length ? list[l] : NaN;
    }
    const problem = bookRowProblem(check, i);
    if (problem) throw new DataError(path, row.line, referenceField(problem.field), problem.reason);

    for (let group = 0; group < 4; group++) {
      for (let l = 0; l < depth; l++) this.scratch[group * depth + l] = groups[group][l][i];
    }
    this.append(tsMs);
  }

  /** Fixes the depth (from the first row) and allocates storage for it. */
  private start(depth: number): void {
    this.depth = depth;
    this.scratch = new Float64Array(4 * depth);
    const levels = (): Float64Array[] => Array.from({ length: depth }, () => new Float64Array(2));
    this.check = { kind: 'book', depth, tsMs: new Float64Array(2), bidPx: levels(), bidSz: levels(), askPx: levels(), askSz: levels(), meta: {} };
  }

  finish(): BookTable {
    const { rows, capacity } = this;
    const depth = this.depth === 0 ? 0 : this.kept;
    const column = (k: number): Float64Array => {
      const stored = this.columns[k];
      if (stored === undefined) return new Float64Array(0);
      return rows === capacity ? stored : 4 * rows >= 3 * capacity ? stored.subarray(0, rows) : stored.slice(0, rows);
    };
    const levels = (group: number): Float64Array[] => Array.from({ length: depth }, (_, l) => column(1 + group * depth + l));
    return {
      kind: 'book',
      depth,
      tsMs: column(0),
      bidPx: levels(0),
      bidSz: levels(1),
      askPx: levels(2),
      askSz: levels(3),
      // fewer levels kept than the file has, or levels not read: said in the table's metadata
      meta:
        depth < this.depth
          ? { ...this.meta, extra: { ...this.meta.extra, 'asmm.levels_in_file': String(this.depth) } }
          : this.skipped
            ? { ...this.meta, extra: { ...this.meta.extra, 'asmm.levels_unread': `levels after ${depth} not read (neither kept nor validated)` } }
            : this.meta,
    };
  }
}

/**
 * `bookRowProblem`'s level rules for one side of a scratch row (prices at `pxBase`, sizes `depth` later), as
 * a yes/no: both or neither of price and size, no level after a missing one, positive finite values, bids
 * strictly descending and asks strictly ascending.
 */
function sideValid(row: Float64Array, pxBase: number, depth: number, isBid: boolean): boolean {
  let previous = NaN;
  let ended = false;
  for (let level = 0; level < depth; level++) {
    const px = row[pxBase + level];
    const sz = row[pxBase + depth + level];
    if (px !== px) {
      if (sz === sz) return false;
      ended = true;
      continue;
    }
    if (sz !== sz || ended) return false;
    if (!(px > 0 && px < Infinity && sz > 0 && sz < Infinity)) return false;
    if (level > 0 && !(isBid ? px < previous : px > previous)) return false;
    previous = px;
  }
  return true;
}

/** Options of `readReferenceCsv` for tests; the defaults are what every caller wants. */
export interface ReferenceCsvOptions {
  /** Bytes read per chunk (default 1 MiB: fresh memory costs more than the extra reads). */
  readonly chunkBytes?: number;
  /** false: read every row by the general path (to check that the fast path changes nothing). Default true. */
  readonly fastPath?: boolean;
  /** Levels per side kept in the table (all are read and validated; see TableReadOptions). Default: all. */
  readonly levels?: number;
  /** 'skip': levels after `levels` are not read at all (see TableReadOptions.unkeptLevels). Default 'validate'. */
  readonly unkeptLevels?: 'validate' | 'skip';
}

/**
 * Reads a reference-layout CSV into a book table, streaming and validated row by row (errors name file, line
 * and field). Rows keep their order; timestamps keep their one-second resolution (no sub-second times are
 * invented: rows within one second share a ts_ms); the table's metadata records the resolution the file has
 * as `asmm.ts_resolution_ms` (1000 for whole seconds, see `timestampResolutionMs`). Memory: one read chunk, the rows read so far (in blocks of 16,384 rows), and
 * at the end their one copy into the table's exact-length columns; never the file as a whole.
 */
export function readReferenceCsv(path: string, meta: TableMeta = {}, options: ReferenceCsvOptions = {}): BookTable {
  const fullMeta: TableMeta = { ...meta, extra: { ...(meta.extra ?? {}), 'asmm.source_layout': 'reference-books5-csv' } };
  const reader = new ReferenceReader(path, fullMeta, estimateRows(path), options.levels, options.unkeptLevels === 'skip' && Number.isFinite(options.levels ?? Infinity));
  scanCsv(
    path,
    (header) => reader.header(header),
    (row) => reader.generalRow(row),
    {
      quoted: true,
      chunkBytes: options.chunkBytes ?? 1 << 20,
      onLine: options.fastPath === false ? undefined : (buf, start, end) => reader.fastLine(buf, start, end),
    },
  );
  const book = reader.finish();
  const resolutionMs = reader.resolutionMs;
  // Timestamps are Unix seconds (or date-times): an epoch out of 2000..2100 is reported as the seconds the cell gives
  checkTableEpochs(path, book, undefined, { ts: 'Timestamp', local: 'Timestamp' }, 's', 1 / 1000);
  return { ...book, meta: { ...book.meta, extra: { ...book.meta.extra, 'asmm.ts_resolution_ms': String(resolutionMs) } } };
}

/**
 * About how many lines a plain file holds: its size over the mean length of the lines in its first 256 KB,
 * plus 2 % (the storage then needs no growing and little is left unused). The default for gzip files, whose
 * size says little, and for files too short to measure.
 */
function estimateRows(path: string): number {
  const size = statSync(path).size;
  const head = readFileHead(path, 1 << 18);
  if (head.length < 2 || (head[0] === 0x1f && head[1] === 0x8b)) return DEFAULT_CAPACITY_ROWS;
  let lines = 0;
  for (let i = head.indexOf(10); i >= 0; i = head.indexOf(10, i + 1)) lines++;
  if (lines < 2) return DEFAULT_CAPACITY_ROWS;
  return Math.ceil((size / (head.length / lines)) * 1.02) + 16;
}

/**
 * The coarsest of 1000, 100, 10 and 1 ms that divides every timestamp: 1000 for the reference system's own
 * whole-second files, finer when a file carries sub-second digits.
 * @example timestampResolutionMs([1000, 2000, 2500]) // 100
 */
export function timestampResolutionMs(tsMs: ArrayLike<number>): number {
  let resolution = 1000;
  for (let i = 0; i < tsMs.length && resolution > 1; i++) {
    while (resolution > 1 && tsMs[i] % resolution !== 0) resolution /= 10;
  }
  return resolution;
}

/** Our column name (`bid_px_3`) as the reference layout's field (`Bid List[2]`), for error messages. */
function referenceField(field: string): string {
  const m = /^(bid|ask)_(px|sz)_(\d+)$/.exec(field);
  if (!m) return field === 'ts_ms' ? 'Timestamp' : field;
  const list = `${m[1] === 'bid' ? 'Bid' : 'Ask'}${m[2] === 'sz' ? ' Size' : ''} List`;
  return `${list}[${Number(m[3]) - 1}]`;
}

/**
 * The book as the reference system would have recorded it: each row stamped with the whole second of the
 * wall clock when it was received (the local receive time `localTsMs` when the table has it, else the
 * exchange time), rows and levels unchanged. Kept in order (a receive clock stepping back is held at its
 * latest second). What `writeReferenceCsv` then `readReferenceCsv` give back, without the file.
 */
export function onReferenceClock(book: BookTable): BookTable {
  const clock = book.localTsMs ?? book.tsMs;
  const tsMs = new Float64Array(clock.length);
  let last = -Infinity;
  for (let i = 0; i < clock.length; i++) {
    last = Math.max(last, Math.floor(clock[i] / 1000) * 1000);
    tsMs[i] = last;
  }
  const meta = { ...book.meta, extra: { ...(book.meta.extra ?? {}), 'asmm.ts_resolution_ms': '1000' } };
  return { ...book, tsMs, localTsMs: undefined, meta };
}

/**
 * Writes a book table in the reference layout (timestamps as `YYYY-MM-DD HH:MM:SS` UTC, truncated to the
 * second as the reference system records them; missing levels as `nan`). For fixtures and comparisons.
 */
export function writeReferenceCsv(path: string, book: BookTable): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  const list = (cols: readonly Float64Array[], i: number) => `"[${cols.map((c) => (Number.isNaN(c[i]) ? 'nan' : String(c[i]))).join(', ')}]"`;
  try {
    writeSync(fd, REFERENCE_COLUMNS.join(',') + '\n');
    const batch: string[] = [];
    for (let i = 0; i < book.tsMs.length; i++) {
      const when = new Date(Math.floor(book.tsMs[i] / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      batch.push(`${when},${list(book.bidPx, i)},${list(book.bidSz, i)},${list(book.askPx, i)},${list(book.askSz, i)}`);
      if (batch.length === 8192 || i === book.tsMs.length - 1) {
        writeSync(fd, batch.join('\n') + '\n');
        batch.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

/** The reference system's books5 CSV (header `REFERENCE_COLUMNS`, quotes and spaces around names ignored). */
export const referenceCsvFormat: TableFormat = {
  name: 'reference-books5-csv',
  holds: 'table',
  canHandle: ({ columns }) => columns.map((c) => c.replace(/"/g, '').trim()).join(',') === REFERENCE_COLUMNS.join(','),
  read: (path, options) => readReferenceCsv(path, {}, { levels: options?.levels, unkeptLevels: options?.unkeptLevels }),
};
