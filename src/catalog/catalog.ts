import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import bindings from '@duckdb/node-bindings';
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import type { MaskedInterval } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import { CATALOG_TABLES, CatalogError, DELTA_FLAG_SNAPSHOT_START, type CatalogTable, type InstrumentMeta } from './schema.js';
import { partInterval } from './writer.js';
import { SqlResult, wideDecimalNote } from './sqlResult.js';

/** One day partition of a table. */
export interface DayPartition {
  readonly date: string;
  readonly dir: string;
  readonly parts: readonly string[];
  readonly bytes: number;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const listDirs = (dir: string) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort() : []);

/** The time span of part files, from their names (`<firstTsMs>-<lastTsMs>.parquet`); undefined when none names one. */
export function partsSpanMs(parts: readonly string[]): { fromMs: number; toMs: number } | undefined {
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const part of parts) {
    const interval = partInterval(basename(part));
    if (!interval) continue;
    fromMs = Math.min(fromMs, interval[0]);
    toMs = Math.max(toMs, interval[1]);
  }
  return fromMs <= toMs ? { fromMs, toMs } : undefined;
}

/**
 * A catalog opened for reading: listing (`instruments`, `days`), day-by-day iterators that hold one day in memory
 * (`readBookTopDays`, `readTradesDays`, `readGaps`) and SQL over views of every table (`sql`).
 *
 * @example
 * const catalog = await openCatalog('data/catalog');
 * const r = await catalog.sql("select date, count(*) as n from trades where instrument = 'BTC-USDT' group by date");
 * r.toRows(); // [{ date: '2026-01-01', n: 1234 }, …]
 */
export class Catalog {
  private db?: { instance: DuckDBInstance; connection: DuckDBConnection };
  constructor(readonly root: string) {}

  /** `[venue, instrument]` pairs present. */
  instruments(): Array<{ venue: string; instrument: string; meta?: InstrumentMeta }> {
    const out: Array<{ venue: string; instrument: string; meta?: InstrumentMeta }> = [];
    for (const venue of listDirs(this.root)) {
      for (const instrument of listDirs(join(this.root, venue))) {
        const metaPath = join(this.root, venue, instrument, 'instrument.json');
        out.push({ venue, instrument, ...(existsSync(metaPath) ? { meta: JSON.parse(readFileSync(metaPath, 'utf8')) as InstrumentMeta } : {}) });
      }
    }
    return out;
  }

  /**
   * Day partitions of a table, sorted by date; checks that the parts of each day cover disjoint intervals
   * (CatalogError naming both files otherwise).
   */
  days(venue: string, instrument: string, table: CatalogTable, fromDate?: string, toDate?: string): DayPartition[] {
    const tableDir = join(this.root, venue, instrument, table);
    const out: DayPartition[] = [];
    for (const name of listDirs(tableDir)) {
      const m = /^date=(\d{4}-\d{2}-\d{2})$/.exec(name);
      if (!m) continue;
      const date = m[1];
      if ((fromDate && date < fromDate) || (toDate && date > toDate)) continue;
      const dir = join(tableDir, name);
      const parts = readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort((a, b) => (partInterval(a)?.[0] ?? 0) - (partInterval(b)?.[0] ?? 0));
      for (let i = 1; i < parts.length; i++) {
        const a = partInterval(parts[i - 1]);
        const b = partInterval(parts[i]);
        if (a && b && b[0] <= a[1]) throw new CatalogError(`${join(dir, parts[i])}: overlaps ${parts[i - 1]} (parts of a day must cover disjoint intervals)`);
      }
      out.push({ date, dir, parts: parts.map((p) => join(dir, p)), bytes: parts.reduce((s, p) => s + statSync(join(dir, p)).size, 0) });
    }
    return out;
  }

  /**
   * The time span of a table's rows over a range of dates, from its part file names (`<firstTsMs>-<lastTsMs>`,
   * exchange time, ms): nothing is read. Undefined when the range holds no part of that table.
   */
  spanMs(venue: string, instrument: string, table: CatalogTable, fromDate?: string, toDate?: string): { fromMs: number; toMs: number } | undefined {
    return partsSpanMs(this.days(venue, instrument, table, fromDate, toDate).flatMap((d) => d.parts));
  }

  private async connection(): Promise<DuckDBConnection> {
    if (!this.db) {
      const instance = await DuckDBInstance.create(':memory:');
      this.db = { instance, connection: await instance.connect() };
      await this.registerViews();
    }
    return this.db.connection;
  }

  /** (Re)creates one view per table present: `select *, venue, instrument` over every part, with `date` from the partition. */
  async registerViews(): Promise<void> {
    const connection = this.db ? this.db.connection : await this.connection();
    for (const table of CATALOG_TABLES) {
      const present = this.instruments().some(({ venue, instrument }) => this.days(venue, instrument, table).length > 0);
      if (!present) continue;
      const glob = join(this.root, '*', '*', table, 'date=*', '*.parquet'); // not the .tmp-/.old- folders of a write in progress
      const rx = `([^/\\\\]+)[/\\\\]([^/\\\\]+)[/\\\\]${table}[/\\\\]date=`;
      await connection.run(
        `create or replace view ${table} as select * exclude (filename), regexp_extract(filename, ${sqlString(rx)}, 1) as venue, ` +
          `regexp_extract(filename, ${sqlString(rx)}, 2) as instrument from read_parquet(${sqlString(glob)}, hive_partitioning = true, filename = true, union_by_name = true)`,
      );
    }
  }

  /** Runs SQL (views `book_top`, `trades`, `gaps`, `book_deltas` with `venue`, `instrument`, `date`). */
  async sql(query: string): Promise<SqlResult> {
    const connection = await this.connection();
    const reader = await connection.runAndReadAll(query);
    const types = reader.columnTypes().map(String);
    const data = (reader.getColumnsJS() as unknown[][]).map((col, i) => (types[i] === 'DATE' ? col.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)) : col));
    const names = reader.columnNames();
    const note = wideDecimalNote(names, types);
    return new SqlResult(names, data, note ? [note] : []);
  }

  private async readParts(parts: readonly string[], orderBy: string): Promise<SqlResult> {
    return this.sql(`select * from read_parquet([${parts.map(sqlString).join(', ')}], union_by_name = true) order by ${orderBy}`);
  }

  /**
   * The numeric columns of a day's parts as Float64Arrays (NULL as NaN), in file order: parts by start time (their
   * intervals are disjoint), rows as written (DuckDB keeps a scan's order), checked non-decreasing in `ts_ms`.
   * Values go from DuckDB's chunks into one preallocated array per column, never through a JS value per cell.
   */
  private async readNumericParts(parts: readonly string[]): Promise<Map<string, Float64Array>> {
    const connection = await this.connection();
    const list = `[${parts.map(sqlString).join(', ')}]`;
    const counted = await connection.runAndReadAll(`select count(*) as n from read_parquet(${list}, union_by_name = true, hive_partitioning = false)`);
    const rows = Number(counted.getColumnsJS()[0][0]);
    const result = await connection.stream(`select * from read_parquet(${list}, union_by_name = true, hive_partitioning = false)`);
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => t.typeId);
    const cols = names.map(() => new Float64Array(rows));
    let at = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const n = chunk.rowCount;
      if (at + n > rows) throw new CatalogError(`${parts[0]}…: more rows than counted (${rows})`);
      for (let c = 0; c < names.length; c++) {
        const out = cols[c];
        const width = RAW_WIDTH.get(types[c]);
        if (width !== undefined) {
          // DOUBLE and the byte codes: the vector's own memory copied as a whole, NULL (validity bit 0) as NaN
          const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
          const data = bindings.vector_get_data(vector, n * width);
          if (types[c] === DuckDBTypeId.DOUBLE) out.set(new Float64Array(data.buffer, data.byteOffset, n), at);
          else if (types[c] === DuckDBTypeId.TINYINT) out.set(new Int8Array(data.buffer, data.byteOffset, n), at);
          else out.set(data.subarray(0, n), at);
          const validity = bindings.vector_get_validity(vector, Math.ceil(n / 64) * 8);
          if (validity && validity.length > 0) for (let i = 0; i < n; i++) if ((validity[i >> 3] & (1 << (i & 7))) === 0) out[at + i] = NaN;
          continue;
        }
        const vector = chunk.getColumnVector(c);
        for (let i = 0; i < n; i++) {
          const v = vector.getItem(i);
          out[at + i] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === null ? NaN : Number(v);
        }
      }
      at += n;
    }
    if (at !== rows) throw new CatalogError(`${parts[0]}…: ${at} rows read of ${rows} counted`);
    const out = new Map(names.map((name, c) => [name, cols[c]]));
    const ts = out.get('ts_ms');
    if (ts) {
      for (let i = 1; i < ts.length; i++) {
        if (ts[i] < ts[i - 1]) throw new CatalogError(`${parts.join(', ')}: ts_ms goes back at row ${i + 1} (${ts[i - 1]} then ${ts[i]}): parts out of order or overlapping`);
      }
    }
    return out;
  }

  /** One BookTable per day partition of `book_top` between the dates (inclusive, `YYYY-MM-DD`); memory: one day. */
  async *readBookTopDays(venue: string, instrument: string, fromDate?: string, toDate?: string): AsyncGenerator<BookTable & { readonly date: string }> {
    const meta = this.instruments().find((i) => i.venue === venue && i.instrument === instrument)?.meta;
    for (const day of this.days(venue, instrument, 'book_top', fromDate, toDate)) {
      const r = await this.readNumericParts(day.parts);
      const col = (name: string) => r.get(name)!;
      let depth = 0;
      while (r.has(`bid_px_${depth + 1}`)) depth++;
      const levels = (f: string) => Array.from({ length: depth }, (_, i) => col(`${f}_${i + 1}`));
      const masks = await this.gapsOf(venue, instrument, day.date, day.date, 'book');
      yield {
        kind: 'book', date: day.date, depth, tsMs: col('ts_ms'),
        ...(r.has('local_ts_ms') ? { localTsMs: col('local_ts_ms') } : {}),
        bidPx: levels('bid_px'), bidSz: levels('bid_sz'), askPx: levels('ask_px'), askSz: levels('ask_sz'),
        meta: { instrument, tickSize: meta?.tickSize, lotSize: meta?.lotSize, source: `catalog ${day.dir}` },
        ...(masks.length ? { masked: masks } : {}),
      };
    }
  }

  /** One TradeTable per day partition of `trades`; memory: one day. */
  async *readTradesDays(venue: string, instrument: string, fromDate?: string, toDate?: string): AsyncGenerator<TradeTable & { readonly date: string }> {
    for (const day of this.days(venue, instrument, 'trades', fromDate, toDate)) {
      const r = await this.readNumericParts(day.parts);
      const col = (name: string) => r.get(name)!;
      const masks = await this.gapsOf(venue, instrument, day.date, day.date, 'trades');
      yield {
        kind: 'trades', date: day.date, tsMs: col('ts_ms'),
        ...(r.has('local_ts_ms') ? { localTsMs: col('local_ts_ms') } : {}),
        id: col('id'), side: Int8Array.from(col('side')), px: col('px'), sz: col('sz'),
        meta: { instrument, source: `catalog ${day.dir}` },
        ...(masks.length ? { masked: masks } : {}),
      };
    }
  }

  /**
   * One day of `book_deltas` at a time, as a full-depth replay takes them (`replayDepth`'s DepthEvents): rows in
   * file order, a book clear as a row of side 0 (a marker row as written, or one put before the first row of a
   * snapshot flagged as such), with the local receive stamps when the source had them. Memory: one day.
   */
  async *readBookDeltasDays(venue: string, instrument: string, fromDate?: string, toDate?: string): AsyncGenerator<BookDeltaDay> {
    for (const day of this.days(venue, instrument, 'book_deltas', fromDate, toDate)) {
      const r = await this.readNumericParts(day.parts);
      const ts = r.get('ts_ms')!;
      const local = r.get('local_ts_ms');
      const side = r.get('side')!;
      const px = r.get('px')!;
      const qty = r.get('qty')!;
      const flags = r.get('flags');
      const counts = r.get('orders');
      let markers = 0;
      if (flags) for (let i = 0; i < ts.length; i++) if (side[i] !== 0 && flags[i] & DELTA_FLAG_SNAPSHOT_START) markers++;
      const n = ts.length + markers;
      const out = { tsMs: new Float64Array(n), side: new Int8Array(n), px: new Float64Array(n), qty: new Float64Array(n), localTsMs: local ? new Float64Array(n) : undefined, orders: counts ? new Float64Array(n) : undefined };
      let o = 0;
      for (let i = 0; i < ts.length; i++) {
        if (flags && side[i] !== 0 && flags[i] & DELTA_FLAG_SNAPSHOT_START) {
          out.tsMs[o] = ts[i];
          out.px[o] = NaN;
          out.qty[o] = NaN;
          if (out.localTsMs) out.localTsMs[o] = local![i];
          if (out.orders) out.orders[o] = NaN;
          o++; // side 0: clear
        }
        out.tsMs[o] = ts[i];
        out.side[o] = side[i];
        out.px[o] = px[i];
        out.qty[o] = qty[i];
        if (out.localTsMs) out.localTsMs[o] = local![i];
        if (out.orders) out.orders[o] = counts![i];
        o++;
      }
      yield { date: day.date, tsMs: out.tsMs, side: out.side, px: out.px, qty: out.qty, ...(out.localTsMs ? { localTsMs: out.localTsMs } : {}), ...(out.orders ? { orders: out.orders } : {}) };
    }
  }

  /**
   * Masked intervals stored in `gaps` between the dates, sorted by start: all of them, or those that mask
   * `table` (its own and those of both; a part written before `applies_to` existed masks both).
   */
  async gapsOf(venue: string, instrument: string, fromDate?: string, toDate?: string, table?: 'book' | 'trades'): Promise<MaskedInterval[]> {
    const parts = this.days(venue, instrument, 'gaps', fromDate, toDate).flatMap((d) => d.parts);
    if (parts.length === 0) return [];
    const r = await this.readParts(parts, 'from_ms');
    return r
      .toRows()
      .filter((row) => table === undefined || row.applies_to === undefined || row.applies_to === null || row.applies_to === 'both' || row.applies_to === table)
      .map((row) => ({ fromMs: row.from_ms as number, toMs: row.to_ms as number, reason: String(row.reason) }));
  }

  close(): void {
    if (this.db) {
      this.db.connection.closeSync();
      this.db.instance.closeSync();
      this.db = undefined;
    }
  }
}

/** One day of `book_deltas` as level changes (Catalog.readBookDeltasDays): side +1 bid, −1 ask, 0 clear the book. */
export interface BookDeltaDay {
  readonly date: string;
  readonly tsMs: Float64Array;
  readonly localTsMs?: Float64Array;
  readonly side: Int8Array;
  readonly px: Float64Array;
  readonly qty: Float64Array;
  /** The level's number of orders after the change, when the source had it (OKX books). */
  readonly orders?: Float64Array;
}

/** Bytes per value of the column types read straight from a vector's memory (readNumericParts). */
const RAW_WIDTH = new Map<number, number>([
  [DuckDBTypeId.DOUBLE, 8],
  [DuckDBTypeId.TINYINT, 1],
  [DuckDBTypeId.UTINYINT, 1],
]);

/** Opens a catalog folder (it must exist). */
export async function openCatalog(root: string): Promise<Catalog> {
  if (!existsSync(root)) throw new CatalogError(`${root}: no such catalog folder`);
  return new Catalog(root);
}
