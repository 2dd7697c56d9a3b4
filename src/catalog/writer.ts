import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { BookTable, TradeTable } from '../data/tables.js';
import { bookColumns } from '../data/tables.js';
import { clipMasks, type MaskedInterval } from '../data/masks.js';
import { ColumnScan, type ScanColumn } from './columnScan.js';
import { mergeInstrumentMeta } from './instrumentMeta.js';
import { PartColumns, partColumnTypeOf } from './partColumns.js';
import { PartWriterThread } from './partWriterThread.js';
import { processRuns } from '../project/processRuns.js';
import { CatalogError, DAY_MS, isCatalogFolderName, partitionName, utcDateOf, type CatalogGap, type CatalogTable, type InstrumentMeta } from './schema.js';

/** One column to write: name, DuckDB type and values (numbers, NaN for NULL, or strings). */
export type WriteColumn = ScanColumn;

/** What one partition write did. */
export interface PartWritten {
  readonly table: CatalogTable;
  readonly date: string;
  readonly path: string;
  readonly rows: number;
  /** true when `replace` took out parts of the day that the new rows overlap. */
  readonly replaced: boolean;
  /** With `replace`: the day's parts taken out (overlapping the new rows) and kept (disjoint from them). */
  readonly replacedParts: number;
  readonly keptParts: number;
}

/**
 * The stem of this process's staging folder names: `.tmp-<host>-<pid>` (`.old-…` for a day being swapped out).
 * The host, so that a writer on another machine sharing the catalog's disk is never taken for a dead one here.
 */
function stagingName(kind: 'tmp' | 'old'): string {
  return `.${kind}-${stagingHost()}-${process.pid}`;
}

/** This machine's name as staging folder names carry it (no '-', so that the name parses back). */
export function stagingHost(): string {
  return hostname().replace(/[^A-Za-z0-9.]/g, '_');
}

/** Size of a folder's files, bytes (0 for what cannot be read: another process may be removing it). */
function folderBytes(dir: string): number {
  let bytes = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) bytes += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  } catch {
    // (gone meanwhile)
  }
  return bytes;
}

/** A staging folder of a writer that stopped (see CatalogWriter.staleStaging). */
export interface StaleStaging {
  readonly path: string;
  readonly bytes: number;
  /** `.old-…`: a day swapped out and not yet removed; when its `date=` folder is missing, it is that day's only copy. */
  readonly swappedOutDay: boolean;
}

/** Staging folders untouched for this long are taken for a stopped writer's (a running one writes a part every few seconds). */
const STALE_STAGING_MS = 3_600_000;

/**
 * The staging folders in `tableDir` (`.tmp-<host>-<pid>-<n>`, `.old-…`) of writers of this machine that no
 * longer run and that nothing has touched for an hour: what a killed writer left. Found, never removed: an
 * `.old-` folder may be the only copy of a day whose swap was cut, and a process in another pid namespace
 * under the same host name cannot be told from a dead one. Errors (a folder removed meanwhile) skip it.
 */
function findStaleStaging(tableDir: string): StaleStaging[] {
  const out: StaleStaging[] = [];
  let names: string[];
  try {
    names = readdirSync(tableDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return out;
  }
  for (const name of names) {
    // this machine's only (`.tmp-<host>-<pid>-<n>`; a name without a host is from before hosts were named)
    const m = /^\.(tmp|old)-(?:(.+)-)?(\d+)-\d+$/.exec(name);
    if (!m || (m[2] !== undefined && m[2] !== stagingHost())) continue;
    const pid = Number(m[3]);
    if (pid === process.pid || processRuns(pid)) continue;
    try {
      if (Date.now() - statSync(join(tableDir, name)).mtimeMs < STALE_STAGING_MS) continue;
    } catch {
      continue;
    }
    out.push({ path: join(tableDir, name), bytes: folderBytes(join(tableDir, name)), swappedOutDay: m[1] === 'old' });
  }
  return out;
}

/** Whether the closed time intervals `a` and `b` (ms) share a moment. */
function intervalsOverlap(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/**
 * The error refusing new rows over `intervals` (ms) in the day partition `dir` when one of its parts overlaps
 * one of them (the first such part named); undefined when none does or the day has no partition yet.
 */
function overlapRefusal(dir: string, intervals: ReadonlyArray<readonly [number, number]>): CatalogError | undefined {
  if (!existsSync(dir)) return undefined;
  for (const other of readdirSync(dir)) {
    const iv = partInterval(other);
    const hit = iv && intervals.find((interval) => intervalsOverlap(iv, interval));
    if (hit) return new CatalogError(`${join(dir, other)}: covers ${iv[0]}..${iv[1]} ms, overlapping the new rows ${hit[0]}..${hit[1]} ms (use --replace to replace the parts the new rows overlap)`);
  }
  return undefined;
}

/**
 * Into `tmpDir`, the part files of `dir` disjoint from `[fromMs, toMs]` (hard-linked, or copied where the file
 * system has no links); returns how many were left out (overlapping) and kept.
 */
function keepDisjointParts(dir: string, tmpDir: string, fromMs: number, toMs: number): { replaced: number; kept: number } {
  let replaced = 0;
  let kept = 0;
  for (const other of readdirSync(dir)) {
    const iv = partInterval(other);
    if (!iv) continue;
    if (intervalsOverlap(iv, [fromMs, toMs])) {
      replaced++;
      continue;
    }
    try {
      linkSync(join(dir, other), join(tmpDir, other));
    } catch {
      copyFileSync(join(dir, other), join(tmpDir, other));
    }
    kept++;
  }
  return { replaced, kept };
}

export interface WriteOptions {
  /**
   * Replace, in each day partition the new rows touch, the parts whose time interval overlaps theirs, instead of
   * refusing them; parts disjoint from the new rows stay (another file's rows in a shared UTC day: OKX trade
   * files run on UTC+8 days, so each shares two UTC days with its neighbours). The day is swapped in atomically.
   */
  readonly replace?: boolean;
  /** With `replace`: the span (ms) whose old parts are replaced too, beyond the new rows' (the data span of the file the rows came from). */
  readonly replaceWithin?: readonly [number, number];
  /** Streaming writers: values (rows × columns) held before a part is written; default `SPILL_VALUES`. */
  readonly spillValues?: number;
}

export interface CatalogWriterOptions {
  /**
   * Whether full parts of streamed tables are written on a thread of their own (PartWriterThread), so that
   * reading goes on meanwhile. Default: when the process may run on more than one core
   * (`os.availableParallelism()`, which follows the CPU affinity: 1 under `taskset -c 0`). On one core the two
   * threads only take turns, and the hand-over costs: the thread's start and its own DuckDB, and V8
   * mark-compacts set off by the part arrays that come back (each arrival counts as new external memory: 70 a
   * day against 20). Measured on the generated OKX day confined to one core, alternating: see the commit.
   */
  readonly partThread?: boolean;
}

/** Values (rows × columns) a streaming writer holds before it writes a part: 8 M doubles ≈ 64 MB (one more part may be in the writer thread, see PartWriterThread). */
export const SPILL_VALUES = 8_000_000;

/** Part interval `[first, last]` from a part file name `<first>-<last>.parquet`. */
export function partInterval(name: string): [number, number] | undefined {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?:-\d+)?\.parquet$/.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Writes columnar batches into catalog partitions through an embedded DuckDB: each part's rows are scanned
 * from JavaScript by DuckDB (ColumnScan) straight into `COPY … TO … (FORMAT parquet, COMPRESSION zstd)`.
 * Memory: the rows of the part being written (the caller's, or a streaming writer's copy of one spill).
 */
export class CatalogWriter {
  private readonly scan: ColumnScan;
  /** Where streamed parts are written (a thread of its own, started at the first; see PartWriterThread). */
  private readonly parts = new PartWriterThread();
  private constructor(
    readonly root: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** Whether full streamed parts go to the writer thread (see CatalogWriterOptions.partThread). */
    private readonly partThread: boolean,
  ) {
    this.scan = new ColumnScan(connection);
  }
  private seq = 0;

  static async create(root: string, options: CatalogWriterOptions = {}): Promise<CatalogWriter> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new CatalogWriter(root, instance, await instance.connect(), options.partThread ?? availableParallelism() > 1);
  }

  /**
   * Staging folders of stopped writers (a killed import: a second Ctrl-C, a crash) in the tables this writer has
   * written to, found when it first writes to each: never read, taking disk, and an `.old-` one may hold a day
   * whose swap was cut. Reported, never removed (see findStaleStaging).
   */
  readonly staleStaging: StaleStaging[] = [];
  private readonly scannedTables = new Set<string>();

  close(): void {
    this.parts.close();
    this.connection.closeSync();
    this.instance.closeSync();
    // the staging folders of writes that did not install (an import refused or failed part way): theirs alone
    for (const dir of this.stagings) rmSync(dir, { recursive: true, force: true });
    this.stagings.clear();
  }

  /**
   * What this writer installed since `beginUndoable`: the day folders it created and the part files it added
   * to existing days (`undo` takes them out again), the instrument.json files it wrote, with their text before
   * (undefined: there was none; `undo` puts it back), and the days it rebuilt with `replace` (their old parts
   * are gone: those cannot be undone). undefined: not recording.
   */
  private undoLog: { installed: string[]; createdDays: string[]; replacedDays: string[]; instruments: Map<string, string | undefined> } | undefined;

  /** Starts recording what is installed, so that `undo` can take it out (a file's import: all of it or nothing). */
  beginUndoable(): void {
    this.undoLog = { installed: [], createdDays: [], replacedDays: [], instruments: new Map() };
  }

  /** Keeps what was installed since `beginUndoable`, and stops recording. */
  commit(): void {
    this.undoLog = undefined;
  }

  /**
   * Takes out what was installed since `beginUndoable` (newest first: its part files, then the day folders it
   * created, when nothing else is in them, such as another writer's part; instrument.json as it was before)
   * and stops recording. Never throws:
   * the part files taken out, those that could not be (with why), and the days rebuilt with `replace`, which
   * stay as they are now; paths relative to the root.
   */
  undo(): { removed: string[]; notRemoved: string[]; replacedDays: string[] } {
    const log = this.undoLog ?? { installed: [], createdDays: [], replacedDays: [], instruments: new Map<string, string | undefined>() };
    this.undoLog = undefined;
    const rel = (p: string) => relative(this.root, p);
    const removed: string[] = [];
    const notRemoved: string[] = [];
    for (const path of [...log.installed].reverse()) {
      try {
        rmSync(path, { force: true });
        removed.push(rel(path));
      } catch (error) {
        notRemoved.push(`${rel(path)}: ${(error as Error).message}`);
      }
    }
    for (const dir of [...log.createdDays].reverse()) {
      try {
        if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
      } catch {
        // a day folder left empty is read as no day
      }
    }
    for (const [path, before] of log.instruments) {
      try {
        if (before === undefined) rmSync(path, { force: true });
        else writeFileSync(path, before);
      } catch (error) {
        notRemoved.push(`${rel(path)}: ${(error as Error).message}`);
      }
    }
    return { removed: removed.reverse(), notRemoved, replacedDays: log.replacedDays.map(rel) };
  }

  /**
   * For a process about to quit (a second Ctrl-C): takes out what was installed since `beginUndoable` (`undo`)
   * and removes this writer's staging folders, synchronously and without DuckDB (a write may be under way in
   * it: the process exit ends it). The writer is not to be used after.
   */
  abandon(): ReturnType<CatalogWriter['undo']> {
    const undone = this.undo();
    for (const dir of this.stagings) rmSync(dir, { recursive: true, force: true });
    this.stagings.clear();
    return undone;
  }

  /** This writer's staging folders (`.tmp-…`), removed by `close` when still there (see newStaging). */
  private readonly stagings = new Set<string>();

  /** A new staging folder in `tableDir` for parts not yet installed; `close` removes it if a write left it. */
  private newStaging(tableDir: string): string {
    const dir = join(tableDir, `${stagingName('tmp')}-${++this.seq}`);
    mkdirSync(dir, { recursive: true });
    this.stagings.add(dir);
    return dir;
  }

  tableDir(venue: string, instrument: string, table: CatalogTable): string {
    for (const [what, v] of [['venue', venue], ['instrument', instrument]]) {
      if (!isCatalogFolderName(v)) throw new CatalogError(`${what} "${v}": not a valid folder name`);
    }
    const dir = join(this.root, venue, instrument, table);
    if (!this.scannedTables.has(dir)) {
      this.scannedTables.add(dir);
      this.staleStaging.push(...findStaleStaging(dir));
    }
    return dir;
  }

  /**
   * The `instrument.json` that `writeInstrument(meta, { replace })` would leave, and the merge's notes, without
   * writing it (`mergeInstrumentMeta` with the one there): for an import to meet a conflict before it writes.
   * @throws CatalogError on a conflict of stated values without `replace`, or an instrument.json that is no JSON.
   */
  mergedInstrument(meta: InstrumentMeta, replace?: boolean): { meta: InstrumentMeta; notes: string[] } {
    const path = join(this.root, meta.venue, meta.instrument, 'instrument.json');
    let old: InstrumentMeta | undefined;
    try {
      old = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as InstrumentMeta) : undefined;
    } catch (error) {
      throw new CatalogError(`${path}: not readable as JSON (${(error as Error).message}): mend or remove it, then import again`);
    }
    return mergeInstrumentMeta(old, meta, replace);
  }

  /**
   * Writes `<venue>/<instrument>/instrument.json`, merged with the one there (`mergedInstrument`: what this
   * import does not state is kept, two stated values that differ are refused unless `replace`); what the merge
   * kept, chose or replaced goes into `notes`. Returns the metadata written.
   * @throws CatalogError on a conflict of stated values without `replace` (nothing written).
   */
  writeInstrument(meta: InstrumentMeta, options: { replace?: boolean; notes?: string[] } = {}): InstrumentMeta {
    const merged = this.mergedInstrument(meta, options.replace);
    options.notes?.push(...merged.notes);
    const dir = join(this.root, meta.venue, meta.instrument);
    const path = join(dir, 'instrument.json');
    if (this.undoLog && !this.undoLog.instruments.has(path)) this.undoLog.instruments.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path + '.tmp', JSON.stringify(merged.meta, null, 2) + '\n');
    renameSync(path + '.tmp', path);
    return merged.meta;
  }

  /**
   * Writes rows already within one UTC day (`date`) sorted by `tsColumn` as one part file. Refuses (CatalogError)
   * a part whose time interval overlaps an existing part of that day, unless `replace`.
   */
  async writeDay(venue: string, instrument: string, table: CatalogTable, date: string, columns: readonly WriteColumn[], interval: [number, number], options: WriteOptions = {}): Promise<PartWritten> {
    const rows = columns[0].values.length;
    const dir = join(this.tableDir(venue, instrument, table), partitionName(date));
    const name = `${interval[0]}-${interval[1]}.parquet`;
    if (!options.replace) {
      const refusal = overlapRefusal(dir, [interval]);
      if (refusal) throw refusal;
    }
    const tmpDir = this.newStaging(this.tableDir(venue, instrument, table));
    await this.copyToParquet(columns, rows, join(tmpDir, name));
    return this.install(dir, tmpDir, name, interval, table, date, rows, options);
  }

  private async copyToParquet(columns: readonly WriteColumn[], rows: number, file: string): Promise<void> {
    await this.scan.copyToParquet([{ columns, to: rows }], file);
  }

  /**
   * A streaming writer for one table: `append` columnar batches sorted by `ts_ms` (first column). Their rows are
   * copied into the part being gathered (PartColumns), so the caller may reuse its arrays once `append` has
   * returned; every `SPILL_VALUES` values (rows × columns) they are
   * written out as one part file of the day being built (cut only between distinct times, so parts stay
   * disjoint), and when the UTC day changes (or on `close`) the day's parts are installed by the `writeDay`
   * rules (refused on overlap, or with `replace` the parts they overlap replaced, the disjoint ones kept).
   * Memory: one spill's rows (≈ 64 MB) and the part before it, in the writer thread until written
   * (PartWriterThread), whatever the day's size; the two sets of arrays are allocated once and reused.
   */
  async openStream(venue: string, instrument: string, table: CatalogTable, names: readonly string[], options: WriteOptions = {}): Promise<{ append(columns: ReadonlyArray<ArrayLike<number>>): Promise<void>; close(): Promise<PartWritten[]> }> {
    const tableDir = this.tableDir(venue, instrument, table);
    const spillRows = Math.max(1, Math.floor((options.spillValues ?? SPILL_VALUES) / names.length));
    const written: PartWritten[] = [];
    let day: number | undefined;
    let staging = '';
    let parts: Array<{ name: string; interval: [number, number]; rows: number }> = [];
    let partFirst = NaN;
    let last = -Infinity;
    let rowsInTmp = 0;
    // the part being gathered, and part columns written and free again (two sets at most: one in the thread)
    let part: PartColumns | undefined;
    const free: PartColumns[] = [];
    // a part that could not be written fails this append and every call after it (its rows are gone: the day
    // must not be installed without them)
    let broken: Error | undefined;
    const spill = async () => {
      if (rowsInTmp === 0 || !part) return;
      const name = `${partFirst}-${last}.parquet`;
      const full = part;
      part = undefined;
      try {
        // a full part goes to the writer thread, and every part after it; a stream that never fills one (a
        // short file: most of them) is written here, sparing the thread's start (about 0.3 s of CPU), and so is
        // every part when the process has one core (CatalogWriterOptions.partThread)
        if (this.partThread && (rowsInTmp >= spillRows || this.parts.started)) {
          await this.parts.write(full.scanColumns(), rowsInTmp, join(staging, name), (back) => free.push(PartColumns.from(back, spillRows)));
        } else {
          await this.scan.copyToParquet([{ columns: full.scanColumns(), to: rowsInTmp }], join(staging, name));
          full.clear();
          free.push(full);
        }
      } catch (error) {
        broken = error as Error;
        throw error;
      }
      parts.push({ name, interval: [partFirst, last], rows: rowsInTmp });
      rowsInTmp = 0;
    };
    const finishDay = async () => {
      if (day === undefined) return;
      await spill();
      await this.parts.drain();
      written.push(...this.installParts(join(tableDir, partitionName(utcDateOf(day * DAY_MS))), staging, parts, table, utcDateOf(day * DAY_MS), options));
      day = undefined;
      parts = [];
    };
    return {
      append: async (columns) => {
        if (broken) throw broken;
        const ts = columns[0];
        if (ts.length === 0) return;
        if (ts[0] < last) throw new CatalogError(`${table}: ts_ms ${ts[0]} before ${last}; batches must be in exchange-time order`);
        if (rowsInTmp >= spillRows && ts[0] > last) await spill();
        let start = 0;
        // the open day's bounds [dayFrom, dayTo) ms: a row inside them is checked by two comparisons
        let dayFrom = day === undefined ? NaN : day * DAY_MS;
        let dayTo = day === undefined ? NaN : dayFrom + DAY_MS;
        for (let i = 0; i <= ts.length; i++) {
          if (i < ts.length && i > start && ts[i] >= dayFrom && ts[i] < dayTo && ts[i] >= ts[i - 1] && rowsInTmp + (i - start) < spillRows) continue;
          const d = i < ts.length ? Math.floor(ts[i] / DAY_MS) : undefined;
          if (i < ts.length && i > 0 && ts[i] < ts[i - 1]) throw new CatalogError(`${table}: ts_ms ${ts[i]} before ${ts[i - 1]}; batches must be in exchange-time order`);
          const full = i < ts.length && i > start && d === day && rowsInTmp + (i - start) >= spillRows && ts[i] > ts[i - 1];
          if (i === ts.length || (day !== undefined && d !== day) || full) {
            if (i > start) {
              if (rowsInTmp === 0) partFirst = ts[start];
              part ??= free.pop() ?? PartColumns.allocate(names, columns.map(partColumnTypeOf), Math.min(spillRows, Math.max(65_536, 2 * (i - start))), spillRows);
              part.append(columns, start, i);
              rowsInTmp += i - start;
              last = ts[i - 1];
            }
            start = i;
            if (full) await spill();
            else if (i < ts.length) await finishDay();
          }
          if (i < ts.length && day === undefined) {
            day = d;
            dayFrom = d! * DAY_MS;
            dayTo = dayFrom + DAY_MS;
            staging = this.newStaging(tableDir);
          }
        }
      },
      close: async () => {
        if (broken) throw broken;
        await finishDay();
        return written;
      },
    };
  }

  private installParts(dir: string, tmpDir: string, parts: ReadonlyArray<{ name: string; interval: [number, number]; rows: number }>, table: CatalogTable, date: string, options: WriteOptions): PartWritten[] {
    const exists = existsSync(dir);
    if (!options.replace) {
      const refusal = overlapRefusal(dir, parts.map((p) => p.interval));
      if (refusal) {
        rmSync(tmpDir, { recursive: true, force: true });
        throw refusal;
      }
    }
    let replacedParts = 0;
    let keptParts = 0;
    if (!exists) {
      renameSync(tmpDir, dir);
      this.undoLog?.createdDays.push(dir);
      for (const p of parts) this.undoLog?.installed.push(join(dir, p.name));
    } else if (options.replace) {
      this.undoLog?.replacedDays.push(dir);
      // the new day: the new parts and the old parts disjoint from them (and from `replaceWithin`), swapped in whole
      const from = Math.min(...parts.map((p) => p.interval[0]), options.replaceWithin?.[0] ?? Infinity);
      const to = Math.max(...parts.map((p) => p.interval[1]), options.replaceWithin?.[1] ?? -Infinity);
      const counts = this.rebuildDay(dir, tmpDir, from, to, true);
      replacedParts = counts.replaced;
      keptParts = counts.kept;
    } else {
      for (const p of parts) {
        renameSync(join(tmpDir, p.name), join(dir, p.name));
        this.undoLog?.installed.push(join(dir, p.name));
      }
      rmSync(tmpDir, { recursive: true, force: true });
    }
    // the day's counts on its first part (a streamed day has several), so that they add up over the parts
    return parts.map((p, i) => ({ table, date, path: join(dir, p.name), rows: p.rows, replaced: replacedParts > 0, replacedParts: i === 0 ? replacedParts : 0, keptParts: i === 0 ? keptParts : 0 }));
  }

  /**
   * The day partition `dir` rebuilt in the staging folder `tmpDir` (which holds the new parts when `newParts`):
   * its parts disjoint from `[fromMs, toMs]` kept (keepDisjointParts), the others left out, and the whole swapped
   * in by two renames (a day left with no part goes), unless nothing changes. The staging folder goes on error.
   */
  private rebuildDay(dir: string, tmpDir: string, fromMs: number, toMs: number, newParts: boolean): { replaced: number; kept: number } {
    let counts;
    try {
      counts = keepDisjointParts(dir, tmpDir, fromMs, toMs);
    } catch (error) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw error;
    }
    if (counts.replaced === 0 && !newParts) {
      rmSync(tmpDir, { recursive: true, force: true });
      return counts;
    }
    const old = join(dir, '..', `${stagingName('old')}-${++this.seq}`);
    renameSync(dir, old);
    if (newParts || counts.kept > 0) renameSync(tmpDir, dir);
    else rmSync(tmpDir, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
    return counts;
  }

  /**
   * With `replace` and a span: in each UTC day of `[fromMs, toMs]` that has a partition of `table`, the parts
   * overlapping the span are taken out, the others kept (the day swapped in atomically). For a table whose new
   * rows may be fewer than the old (the gaps a re-import finds: a clean file has none, yet its old gaps must go).
   * Returns the days touched with their counts; the days in `exceptDates` are left alone (their write rebuilds them).
   */
  clearSpan(venue: string, instrument: string, table: CatalogTable, fromMs: number, toMs: number, exceptDates: ReadonlySet<string> = new Set()): Array<{ date: string; replacedParts: number; keptParts: number }> {
    const out: Array<{ date: string; replacedParts: number; keptParts: number }> = [];
    if (!(toMs >= fromMs)) return out;
    for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day <= toMs; day += DAY_MS) {
      const date = utcDateOf(day);
      const dir = join(this.tableDir(venue, instrument, table), partitionName(date));
      if (!existsSync(dir) || exceptDates.has(date)) continue;
      const tmpDir = this.newStaging(this.tableDir(venue, instrument, table));
      const counts = this.rebuildDay(dir, tmpDir, fromMs, toMs, false);
      if (counts.replaced > 0) {
        this.undoLog?.replacedDays.push(dir);
        out.push({ date, replacedParts: counts.replaced, keptParts: counts.kept });
      }
    }
    return out;
  }

  private install(dir: string, tmpDir: string, name: string, interval: [number, number], table: CatalogTable, date: string, rows: number, options: WriteOptions): PartWritten {
    return this.installParts(dir, tmpDir, [{ name, interval, rows }], table, date, options)[0];
  }


  /** Splits a BookTable at UTC midnights (exchange time) and writes each day's top N levels to `book_top`. */
  async writeBookTop(venue: string, book: BookTable, instrument = book.meta.instrument, options: WriteOptions & { levels?: number } = {}): Promise<PartWritten[]> {
    if (!instrument) throw new CatalogError('book table has no instrument: give --inst');
    const levels = Math.min(options.levels ?? book.depth, book.depth);
    // (order counts per level are not part of book_top yet: the catalog's days keep one schema)
    const all = bookColumns(book).filter(([name]) => !/_cnt_/.test(name) && (!/_(\d+)$/.test(name) || Number(/_(\d+)$/.exec(name)![1]) <= levels));
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
  async writeGaps(venue: string, instrument: string, masks: readonly CatalogGap[], options: WriteOptions = {}): Promise<PartWritten[]> {
    // a re-import: the old gaps within the file's span go, whether or not it finds gaps of its own (said as a day
    // of 0 rows that replaced parts, or in the counts of the day's new part)
    // (a day with new gaps is rebuilt by its write, over the span too: replaceWithin; the others are cleared)
    const out = await this.writeGapDays(venue, instrument, masks, options);
    if (options.replace && options.replaceWithin) {
      const written = new Set(out.map((p) => p.date));
      for (const c of this.clearSpan(venue, instrument, 'gaps', options.replaceWithin[0], options.replaceWithin[1], written)) {
        out.push({ table: 'gaps', date: c.date, path: join(this.tableDir(venue, instrument, 'gaps'), partitionName(c.date)), rows: 0, replaced: true, replacedParts: c.replacedParts, keptParts: c.keptParts });
      }
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  private async writeGapDays(venue: string, instrument: string, masks: readonly CatalogGap[], options: WriteOptions): Promise<PartWritten[]> {
    if (masks.length === 0) return [];
    const byDay = new Map<string, CatalogGap[]>();
    for (const m of masks) {
      for (let day = Math.floor(m.fromMs / DAY_MS) * DAY_MS; day <= m.toMs; day += DAY_MS) {
        const clipped = clipMasks([m], day, Math.min(day + DAY_MS, m.toMs)) ?? [];
        for (const c of clipped) {
          if (c.toMs <= c.fromMs && m.toMs > m.fromMs) continue;
          const date = utcDateOf(day);
          if (!byDay.has(date)) byDay.set(date, []);
          byDay.get(date)!.push({ ...c, appliesTo: m.appliesTo ?? 'both' });
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
        { name: 'applies_to', type: 'varchar', values: list.map((m) => m.appliesTo ?? 'both') },
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

/** What the import says of stale staging folders (see CatalogWriter.staleStaging): how many, how large, where, and what to do. */
export function staleStagingNote(stale: readonly StaleStaging[]): string {
  const mb = stale.reduce((n, f) => n + f.bytes, 0) / 1e6;
  const old = stale.filter((f) => f.swappedOutDay);
  return (
    `asmm: ${stale.length} staging folder(s) (${mb.toFixed(1)} MB) of a stopped writer, never read, in the tables written: ${stale.map((f) => f.path).join(', ')}; ` +
    `remove them by hand when no writer runs${old.length ? ` (an .old- folder is a day swapped out: if its day's date= folder is missing, move it back to date=YYYY-MM-DD, the UTC day of its part files' times, instead)` : ''}`
  );
}
