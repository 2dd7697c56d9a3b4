import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBDoubleVector, DuckDBInstance, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { BookTable, TradeTable } from '../data/tables.js';
import { bookColumns } from '../data/tables.js';
import { clipMasks, type MaskedInterval } from '../data/masks.js';
import { CatalogError, DAY_MS, partitionName, utcDateOf, type CatalogTable, type InstrumentMeta } from './schema.js';

/** One column to write: name, DuckDB type and values (numbers or strings). */
export interface WriteColumn {
  readonly name: string;
  readonly type: 'double' | 'varchar';
  readonly values: ArrayLike<number> | readonly string[];
}

/** What one partition write did. */
export interface PartWritten {
  readonly table: CatalogTable;
  readonly date: string;
  readonly path: string;
  readonly rows: number;
  /** true when the partition existed and was replaced as a whole. */
  readonly replaced: boolean;
}

export interface WriteOptions {
  /** Replace each touched day partition as a whole (atomic rename) instead of adding a disjoint part. */
  readonly replace?: boolean;
}

const CHUNK_ROWS = 2048;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Part interval `[first, last]` from a part file name `<first>-<last>.parquet`. */
export function partInterval(name: string): [number, number] | undefined {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?:-\d+)?\.parquet$/.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Writes columnar batches into catalog partitions through an embedded DuckDB: each day's rows go through the
 * appender (2048-row data chunks) into a temporary table, then `COPY … TO … (FORMAT parquet, COMPRESSION zstd)`.
 * Memory: the rows of the batch being written (the caller's) plus DuckDB's buffer of one partition.
 */
export class CatalogWriter {
  private constructor(readonly root: string, private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection) {}
  private seq = 0;

  static async create(root: string): Promise<CatalogWriter> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new CatalogWriter(root, instance, await instance.connect());
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  tableDir(venue: string, instrument: string, table: CatalogTable): string {
    for (const [what, v] of [['venue', venue], ['instrument', instrument]]) {
      if (!v || /[\/\\]|^\.|=/.test(v)) throw new CatalogError(`${what} "${v}": not a valid folder name`);
    }
    return join(this.root, venue, instrument, table);
  }

  writeInstrument(meta: InstrumentMeta): string {
    const dir = join(this.root, meta.venue, meta.instrument);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'instrument.json');
    writeFileSync(path + '.tmp', JSON.stringify(meta, null, 2) + '\n');
    renameSync(path + '.tmp', path);
    return path;
  }

  /**
   * Writes rows already within one UTC day (`date`) sorted by `tsColumn` as one part file. Refuses (CatalogError)
   * a part whose time interval overlaps an existing part of that day, unless `replace`.
   */
  async writeDay(venue: string, instrument: string, table: CatalogTable, date: string, columns: readonly WriteColumn[], interval: [number, number], options: WriteOptions = {}): Promise<PartWritten> {
    const rows = columns[0].values.length;
    const dir = join(this.tableDir(venue, instrument, table), partitionName(date));
    const name = `${interval[0]}-${interval[1]}.parquet`;
    const exists = existsSync(dir);
    if (exists && !options.replace) {
      for (const other of readdirSync(dir)) {
        const iv = partInterval(other);
        if (!iv) continue;
        if (iv[0] <= interval[1] && interval[0] <= iv[1]) {
          throw new CatalogError(`${join(dir, other)}: covers ${iv[0]}..${iv[1]} ms, overlapping the new rows ${interval[0]}..${interval[1]} ms (use --replace to replace the day)`);
        }
      }
    }
    const tmpDir = join(this.tableDir(venue, instrument, table), `.tmp-${process.pid}-${++this.seq}`);
    mkdirSync(tmpDir, { recursive: true });
    await this.copyToParquet(columns, rows, join(tmpDir, name));
    return this.install(dir, tmpDir, name, interval, table, date, rows, options);
  }

  private async copyToParquet(columns: readonly WriteColumn[], rows: number, file: string): Promise<void> {
    const tmp = `part_${this.seq}`;
    await this.connection.run(`create or replace temp table ${tmp} (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
    await this.appendRows(tmp, columns, 0, rows);
    await this.connection.run(`copy ${tmp} to ${sqlString(file)} (format parquet, compression zstd)`);
    await this.connection.run(`drop table ${tmp}`);
  }

  private async appendRows(tmp: string, columns: readonly WriteColumn[], from: number, to: number): Promise<void> {
    const types: DuckDBType[] = columns.map((c) => (c.type === 'double' ? DOUBLE : VARCHAR));
    const rows = to;
    const appender = await this.connection.createAppender(tmp);
    for (let start = from; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      columns.forEach((c, i) => {
        const values = c.values as ArrayLike<number | string>;
        const vector = chunk.getColumnVector(i);
        if (vector instanceof DuckDBDoubleVector && ArrayBuffer.isView(values)) {
          // fast path: one copy of the typed array into the vector's buffer; NaN (a missing level) becomes NULL
          const items = (vector as unknown as { items: Float64Array }).items;
          items.set((values as unknown as Float64Array).subarray(start, start + n));
          for (let r = 0; r < n; r++) if (items[r] !== items[r]) vector.setItem(r, null);
          vector.flush();
          return;
        }
        for (let r = 0; r < n; r++) {
          const v = values[start + r];
          vector.setItem(r, typeof v === 'number' && v !== v ? null : v);
        }
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
  }

  /**
   * A streaming writer for one table: `append` columnar batches sorted by `ts_ms` (first column); rows are kept in
   * a DuckDB temporary table until the UTC day changes, then that day is written as one part (`writeDay` rules).
   * Memory: DuckDB's copy of the current day (spilled by DuckDB past its memory limit), not the JS side.
   */
  async openStream(venue: string, instrument: string, table: CatalogTable, names: readonly string[], options: WriteOptions = {}): Promise<{ append(columns: ReadonlyArray<ArrayLike<number>>): Promise<void>; close(): Promise<PartWritten[]> }> {
    const tmp = `stream_${++this.seq}`;
    const written: PartWritten[] = [];
    let day: number | undefined;
    let first = NaN;
    let last = NaN;
    const flush = async () => {
      if (day === undefined) return;
      const date = utcDateOf(day * DAY_MS);
      const dir = join(this.tableDir(venue, instrument, table), partitionName(date));
      // reuse writeDay's checks and atomic rename through a zero-copy route: copy from the temp table
      const rows = Number((await (await this.connection.runAndReadAll(`select count(*) from ${tmp}`)).getColumnsJS())[0][0]);
      const tmpDir = join(this.tableDir(venue, instrument, table), `.tmp-${process.pid}-${++this.seq}`);
      mkdirSync(tmpDir, { recursive: true });
      const name = `${first}-${last}.parquet`;
      await this.connection.run(`copy (select * from ${tmp}) to ${sqlString(join(tmpDir, name))} (format parquet, compression zstd)`);
      await this.connection.run(`delete from ${tmp}`);
      written.push(this.install(dir, tmpDir, name, [first, last], table, date, rows, options));
      day = undefined;
    };
    await this.connection.run(`create or replace temp table ${tmp} (${names.map((n) => `"${n}" double`).join(', ')})`);
    return {
      append: async (columns) => {
        const ts = columns[0];
        let start = 0;
        for (let i = 0; i <= ts.length; i++) {
          const d = i < ts.length ? Math.floor(ts[i] / DAY_MS) : undefined;
          if (i < ts.length && i > 0 && ts[i] < ts[i - 1]) throw new CatalogError(`${table}: ts_ms ${ts[i]} before ${ts[i - 1]}; batches must be in exchange-time order`);
          if (i === ts.length || (day !== undefined && d !== day)) {
            if (i > start) {
              await this.appendRows(tmp, names.map((name, c) => ({ name, type: 'double' as const, values: columns[c] })), start, i);
              last = ts[i - 1];
            }
            start = i;
            if (i < ts.length) await flush();
          }
          if (i < ts.length && day === undefined) {
            day = d;
            first = ts[i];
          }
        }
      },
      close: async () => {
        await flush();
        await this.connection.run(`drop table ${tmp}`);
        return written;
      },
    };
  }

  private install(dir: string, tmpDir: string, name: string, interval: [number, number], table: CatalogTable, date: string, rows: number, options: WriteOptions): PartWritten {
    const exists = existsSync(dir);
    if (exists && !options.replace) {
      for (const other of readdirSync(dir)) {
        const iv = partInterval(other);
        if (iv && iv[0] <= interval[1] && interval[0] <= iv[1]) {
          rmSync(tmpDir, { recursive: true, force: true });
          throw new CatalogError(`${join(dir, other)}: covers ${iv[0]}..${iv[1]} ms, overlapping the new rows ${interval[0]}..${interval[1]} ms (use --replace to replace the day)`);
        }
      }
    }
    if (!exists) renameSync(tmpDir, dir);
    else if (options.replace) {
      const old = join(dir, '..', `.old-${process.pid}-${this.seq}`);
      renameSync(dir, old);
      renameSync(tmpDir, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(join(tmpDir, name), join(dir, name));
      rmSync(tmpDir, { recursive: true, force: true });
    }
    return { table, date, path: join(dir, name), rows, replaced: exists && !!options.replace };
  }

  /** Splits a BookTable at UTC midnights (exchange time) and writes each day's top N levels to `book_top`. */
  async writeBookTop(venue: string, book: BookTable, instrument = book.meta.instrument, options: WriteOptions & { levels?: number } = {}): Promise<PartWritten[]> {
    if (!instrument) throw new CatalogError('book table has no instrument: give --inst');
    const levels = Math.min(options.levels ?? book.depth, book.depth);
    const all = bookColumns(book).filter(([name]) => !/_(\d+)$/.test(name) || Number(/_(\d+)$/.exec(name)![1]) <= levels);
    const out: PartWritten[] = [];
    for (const [from, to] of dayRanges(book.tsMs)) {
      const cols = all.map(([name, v]) => ({ name, type: 'double' as const, values: v.subarray(from, to) }));
      out.push(await this.writeDay(venue, instrument, 'book_top', utcDateOf(book.tsMs[from]), cols, [book.tsMs[from], book.tsMs[to - 1]], options));
    }
    return out;
  }

  /** Splits a TradeTable at UTC midnights and writes each day to `trades`. */
  async writeTrades(venue: string, trades: TradeTable, instrument = trades.meta.instrument, options: WriteOptions = {}): Promise<PartWritten[]> {
    if (!instrument) throw new CatalogError('trade table has no instrument: give --inst');
    const all: Array<[string, ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }]> = [['ts_ms', trades.tsMs]];
    if (trades.localTsMs) all.push(['local_ts_ms', trades.localTsMs]);
    all.push(['id', trades.id], ['side', Float64Array.from(trades.side)], ['px', trades.px], ['sz', trades.sz]);
    const out: PartWritten[] = [];
    for (const [from, to] of dayRanges(trades.tsMs)) {
      const cols = all.map(([name, v]) => ({ name, type: 'double' as const, values: v.subarray(from, to) }));
      out.push(await this.writeDay(venue, instrument, 'trades', utcDateOf(trades.tsMs[from]), cols, [trades.tsMs[from], trades.tsMs[to - 1]], options));
    }
    return out;
  }

  /** Writes masked intervals to `gaps`, cut at UTC midnights, one part per day touched. */
  async writeGaps(venue: string, instrument: string, masks: readonly MaskedInterval[], options: WriteOptions = {}): Promise<PartWritten[]> {
    if (masks.length === 0) return [];
    const byDay = new Map<string, MaskedInterval[]>();
    for (const m of masks) {
      for (let day = Math.floor(m.fromMs / DAY_MS) * DAY_MS; day <= m.toMs; day += DAY_MS) {
        const clipped = clipMasks([m], day, Math.min(day + DAY_MS, m.toMs)) ?? [];
        for (const c of clipped) {
          if (c.toMs <= c.fromMs && m.toMs > m.fromMs) continue;
          const date = utcDateOf(day);
          if (!byDay.has(date)) byDay.set(date, []);
          byDay.get(date)!.push(c);
        }
      }
    }
    const out: PartWritten[] = [];
    for (const [date, list] of [...byDay].sort()) {
      list.sort((a, b) => a.fromMs - b.fromMs);
      const cols: WriteColumn[] = [
        { name: 'from_ms', type: 'double', values: list.map((m) => m.fromMs) },
        { name: 'to_ms', type: 'double', values: list.map((m) => m.toMs) },
        { name: 'reason', type: 'varchar', values: list.map((m) => m.reason) },
      ];
      out.push(await this.writeDay(venue, instrument, 'gaps', date, cols, [list[0].fromMs, Math.max(...list.map((m) => m.toMs))], options));
    }
    return out;
  }
}

/** `[from, to)` row ranges of each UTC day of sorted times. Throws on a time going back (names the row). */
export function dayRanges(tsMs: ArrayLike<number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= tsMs.length; i++) {
    if (i < tsMs.length && tsMs[i] < tsMs[i - 1]) throw new CatalogError(`row ${i}: ts_ms ${tsMs[i]} before the previous row's ${tsMs[i - 1]}; the catalog takes rows sorted by exchange time`);
    if (i === tsMs.length || Math.floor(tsMs[i] / DAY_MS) !== Math.floor(tsMs[start] / DAY_MS)) {
      if (i > start) out.push([start, i]);
      start = i;
    }
  }
  return out;
}
