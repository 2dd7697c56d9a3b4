import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { Float64ColumnBuilder } from './columnBuilder.js';
import { scanCsv, type CsvRow } from './csvScanner.js';
import { fieldText, parseDecimalBytes } from './decimal.js';
import { DataError } from './errors.js';
import type { BookTable, TableMeta } from './tables.js';
import { bookRowProblem } from './validate.js';

/**
 * The reference system's books5 CSV layout: `Timestamp, Bid List, Bid Size List, Ask List, Ask Size List`,
 * one row per message, each list a quoted Python list such as "[3788.59, 3788.58, nan]" (padded with `nan`
 * when a side has fewer levels). Timestamps are wall-clock seconds, either `YYYY-MM-DD HH:MM:SS[.ffffff]`
 * (UTC) or Unix seconds.
 */
export const REFERENCE_COLUMNS = ['Timestamp', 'Bid List', 'Bid Size List', 'Ask List', 'Ask Size List'] as const;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

function timestampMs(path: string, row: CsvRow): number {
  const text = fieldText(row.buf, row.starts[0], row.ends[0]).replace(/^"|"$/g, '').trim();
  const m = DATE_TIME.exec(text);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    return ms + (m[7] ? Math.round(Number(m[7]) * 1000) : 0);
  }
  const seconds = Number(text);
  if (text !== '' && Number.isFinite(seconds)) return Math.round(seconds * 1000);
  throw new DataError(path, row.line, 'Timestamp', `not a date-time or Unix seconds: "${text}"`);
}

/** Parses a quoted Python list of numbers or nan into `out`; returns its length. */
function parseList(path: string, row: CsvRow, field: number, out: number[]): number {
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
      } else if (j < end || out.length > 0) {
        throw new DataError(path, row.line, `${name}[${out.length}]`, 'empty list item');
      }
      itemStart = j + 1;
    }
  }
  return out.length;
}

/**
 * Reads a reference-layout CSV into a book table, streaming and validated row by row (errors name file, line
 * and field). Rows keep their order; timestamps keep their one-second resolution (no sub-second times are
 * invented: rows within one second share a ts_ms), which the table's metadata records as
 * `asmm.ts_resolution_ms = 1000`.
 */
export function readReferenceCsv(path: string, meta: TableMeta = {}): BookTable {
  let depth = 0;
  const ts = new Float64ColumnBuilder();
  let columns: Float64ColumnBuilder[] = [];
  const lists: number[][] = [[], [], [], []];
  let view: BookTable | undefined;
  const fullMeta: TableMeta = { ...meta, extra: { ...(meta.extra ?? {}), 'asmm.ts_resolution_ms': '1000', 'asmm.source_layout': 'reference-books5-csv' } };
  scanCsv(
    path,
    (header) => {
      const names = header.map((h) => h.replace(/^"|"$/g, '').trim());
      for (const name of REFERENCE_COLUMNS) if (!names.includes(name)) throw new DataError(path, 1, name, 'missing column');
      if (names.length !== REFERENCE_COLUMNS.length || names.some((n, i) => n !== REFERENCE_COLUMNS[i])) {
        throw new DataError(path, 1, names.find((n, i) => n !== REFERENCE_COLUMNS[i]) ?? '', `expected columns ${REFERENCE_COLUMNS.join(', ')}`);
      }
    },
    (row) => {
      const tsMs = timestampMs(path, row);
      const lengths = lists.map((list, f) => parseList(path, row, f + 1, list));
      if (lengths[0] !== lengths[1]) throw new DataError(path, row.line, 'Bid Size List', `${lengths[1]} sizes for ${lengths[0]} bid prices`);
      if (lengths[2] !== lengths[3]) throw new DataError(path, row.line, 'Ask Size List', `${lengths[3]} sizes for ${lengths[2]} ask prices`);
      if (depth === 0) {
        depth = Math.max(lengths[0], lengths[2], 1);
        columns = Array.from({ length: 4 * depth }, () => new Float64ColumnBuilder());
      }
      if (lengths[0] > depth || lengths[2] > depth) throw new DataError(path, row.line, 'Bid List', `more levels than the first row's ${depth}`);
      ts.push(tsMs);
      for (let group = 0; group < 4; group++) {
        for (let l = 0; l < depth; l++) columns[group * depth + l].push(l < lists[group].length ? lists[group][l] : NaN);
      }
      if (view === undefined || view.tsMs !== ts.array) {
        view = {
          kind: 'book',
          depth,
          tsMs: ts.array,
          bidPx: columns.slice(0, depth).map((c) => c.array),
          bidSz: columns.slice(depth, 2 * depth).map((c) => c.array),
          askPx: columns.slice(2 * depth, 3 * depth).map((c) => c.array),
          askSz: columns.slice(3 * depth).map((c) => c.array),
          meta: fullMeta,
        };
      }
      const problem = bookRowProblem(view, ts.length - 1);
      if (problem) throw new DataError(path, row.line, referenceField(problem.field), problem.reason);
    },
    { quoted: true },
  );
  const cols = columns.map((c) => c.finish());
  return {
    kind: 'book',
    depth,
    tsMs: ts.finish(),
    bidPx: cols.slice(0, depth),
    bidSz: cols.slice(depth, 2 * depth),
    askPx: cols.slice(2 * depth, 3 * depth),
    askSz: cols.slice(3 * depth),
    meta: fullMeta,
  };
}

/** Our column name (`bid_px_3`) as the reference layout's field (`Bid List[2]`), for error messages. */
function referenceField(field: string): string {
  const m = /^(bid|ask)_(px|sz)_(\d+)$/.exec(field);
  if (!m) return field === 'ts_ms' ? 'Timestamp' : field;
  const list = `${m[1] === 'bid' ? 'Bid' : 'Ask'}${m[2] === 'sz' ? ' Size' : ''} List`;
  return `${list}[${Number(m[3]) - 1}]`;
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
