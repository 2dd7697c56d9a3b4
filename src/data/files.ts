import { readdirSync, statSync } from 'node:fs';
import { arrowTableKind, readArrowTable, readBookArrow, readTradeArrow } from './arrow.js';
import { readBookCsv, readTradeCsv } from './csv.js';
import { DataError } from './errors.js';
import { contentHead } from './gzip.js';
import { REFERENCE_COLUMNS, readReferenceCsv } from './referenceCsv.js';
import { readTardisBookSnapshot, readTardisTrades, tardisKind, type TardisKind } from './tardisCsv.js';
import type { BookTable, Table, TradeTable } from './tables.js';

/** The file formats asmm recognises. Later loaders add their formats here. */
export type FileFormat = 'arrow' | 'asmm-book-csv' | 'asmm-trades-csv' | 'reference-books5-csv' | TardisKind | 'okx-cryptofeed-capture' | 'binance-hftbacktest-capture' | 'asmm-recorder-raw' | 'unknown';

/**
 * Detects a file's format from its first bytes (Arrow magic), its CSV header or its first record, by content
 * only: a gzip file (magic bytes, whatever its name) is recognised by the start of what it decompresses to, so
 * a `.csv.gz` of any CSV format reads as that format. A directory holding `asmm record` segments
 * (`*.raw.ndjson`) is one recording.
 */
export function detectFormat(path: string): FileFormat {
  if (statSync(path).isDirectory()) {
    if (readdirSync(path).some((f) => f.endsWith('.raw.ndjson') || f.endsWith('.raw.ndjson.partial'))) return 'asmm-recorder-raw';
    throw new DataError(path, 0, '', 'is a directory, not a data file (nor a directory of asmm recordings)');
  }
  if (statSync(path).size === 0) throw new DataError(path, 0, '', 'empty file');
  const { head: bytes, gzip } = contentHead(path);
  if (bytes.subarray(0, 6).toString('latin1') === 'ARROW1') return gzip ? 'unknown' : 'arrow';
  if (bytes.length === 0) throw new DataError(path, 0, '', gzip ? 'empty file (gzip of nothing)' : 'empty file');
  if (!gzip && bytes.length >= 4 && bytes.readUInt32LE(0) === 0xffffffff) return 'arrow';
  const firstLine = bytes.toString('utf8').split(/\r?\n/, 1)[0].trim();
  const columns = firstLine.split(',');
  if (columns[0] === 'ts_ms' && columns.includes('bid_px_1')) return 'asmm-book-csv';
  if (columns[0] === 'ts_ms' && columns.includes('side') && columns.includes('px')) return 'asmm-trades-csv';
  if (columns.map((c) => c.replace(/"/g, '').trim()).join(',') === REFERENCE_COLUMNS.join(',')) return 'reference-books5-csv';
  const tardis = tardisKind(columns);
  if (tardis) return tardis;
  if (/^wss?:\/\/\S+ <-> \d+(\.\d+)?$/.test(firstLine)) return 'okx-cryptofeed-capture';
  if (firstLine.startsWith('{"type":"segment"')) return 'asmm-recorder-raw';
  // hftbacktest's collector: `<local_ts_ns> <json>` lines (gzipped as it writes them, or not)
  if (/^\d{15,} \{/.test(firstLine)) return 'binance-hftbacktest-capture';
  return 'unknown';
}

/** Reads any supported table file, detecting its format and kind. */
export function readTableFile(path: string): Table {
  const format = detectFormat(path);
  switch (format) {
    case 'arrow': {
      const table = readArrowTable(path);
      const kind = arrowTableKind(table);
      if (kind === 'book') return readBookArrow(path, table);
      if (kind === 'trades') return readTradeArrow(path, table);
      throw new DataError(path, 0, '', 'Arrow file holds neither a book nor a trade table (no bid_px_1 or side column)');
    }
    case 'asmm-book-csv':
      return readBookCsv(path);
    case 'asmm-trades-csv':
      return readTradeCsv(path);
    case 'reference-books5-csv':
      return readReferenceCsv(path);
    case 'tardis-book-snapshot':
      return readTardisBookSnapshot(path);
    case 'tardis-trades':
      return readTardisTrades(path);
    case 'okx-cryptofeed-capture':
    case 'binance-hftbacktest-capture':
    case 'asmm-recorder-raw':
      throw new DataError(path, 0, '', `${format} holds raw exchange messages: replay it with readCaptureTables (asmm convert/inspect do)`);
    default:
      throw new DataError(path, 1, '', `unrecognised format${contentHead(path, 2).gzip ? ' (of the gzip content)' : ''}: expected an asmm book or trade CSV (header starting ts_ms), a Tardis or reference books5 CSV (any of them gzipped), an Arrow IPC file or a raw capture`);
  }
}

/** Reads a book table from any supported file. */
export function readBookFile(path: string): BookTable {
  const table = readTableFile(path);
  if (table.kind !== 'book') throw new DataError(path, 0, '', `expected a book table, found ${table.kind}`);
  return table;
}

/** Reads a trade table from any supported file. */
export function readTradeFile(path: string): TradeTable {
  const table = readTableFile(path);
  if (table.kind !== 'trades') throw new DataError(path, 0, '', `expected a trade table, found ${table.kind}`);
  return table;
}
