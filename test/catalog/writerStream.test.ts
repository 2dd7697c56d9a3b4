import { readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, type CatalogWriterOptions } from '../../src/catalog/index.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 23, 0);

/**
 * Rows over three UTC days (from 23:00 on the first), a few sharing each time, sent in batches through arrays
 * the caller refills after every append (as the OKX import does with the batches it gives back).
 */
function rows(n: number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < n; i++) out.push([T0 + Math.floor(i / 3) * Math.floor((26 * 3_600_000 * 3) / n), i % 2 === 0 ? 1 : -1, 100 + i / 4, (i * 7) % 256]);
  return out;
}

async function streamed(root: string, sent: ReadonlyArray<[number, number, number, number]>, spillValues?: number, writerOptions: CatalogWriterOptions = {}): Promise<{ threadStarted: boolean }> {
  const writer = await CatalogWriter.create(root, writerOptions);
  try {
    const stream = await writer.openStream('okx', 'BTC-USDT', 'book_deltas', ['ts_ms', 'side', 'px', 'flags'], spillValues ? { spillValues } : {});
    const batch = 157;
    const ts = new Float64Array(batch);
    const side = new Int8Array(batch);
    const px = new Float64Array(batch);
    const flags = new Uint8Array(batch);
    for (let at = 0; at < sent.length; at += batch) {
      const n = Math.min(batch, sent.length - at);
      for (let r = 0; r < n; r++) [ts[r], side[r], px[r], flags[r]] = sent[at + r];
      await stream.append([ts.subarray(0, n), side.subarray(0, n), px.subarray(0, n), flags.subarray(0, n)]);
      // the caller's arrays are its own again: what it writes now must not reach the catalog
      ts.fill(-1);
      px.fill(-1);
    }
    await stream.close();
    return { threadStarted: (writer as unknown as { parts: { started: boolean } }).parts.started };
  } finally {
    writer.close();
  }
}

/** Every row of the table, days in order, parts by start time, rows in file order. */
async function readBack(root: string): Promise<{ rows: Array<[number, number, number, number]>; parts: number }> {
  const table = join(root, 'okx', 'BTC-USDT', 'book_deltas');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const out: Array<[number, number, number, number]> = [];
    let parts = 0;
    for (const day of readdirSync(table).sort()) {
      const files = readdirSync(join(table, day)).sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
      for (const file of files) {
        parts++;
        const read = await connection.runAndReadAll(`select ts_ms, side, px, flags from read_parquet('${join(table, day, file)}', file_row_number = true) order by file_row_number`);
        out.push(...(read.getRows() as Array<[number, number, number, number]>));
      }
    }
    return { rows: out, parts };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs `work` with a new writer on a new catalog folder, closing the writer after. */
async function withWriter(work: (writer: CatalogWriter, root: string) => Promise<void>): Promise<void> {
  const root = tempDir('asmm-writer-stream-');
  const writer = await CatalogWriter.create(root);
  try {
    await work(writer, root);
  } finally {
    writer.close();
  }
}

describe('CatalogWriter.openStream: rows copied at append, parts written here or on the writer thread', () => {
  it('short days (each part written here, its arrays reused for the next day): every row read back as sent', async () => {
    const root = tempDir('asmm-writer-stream-');
    const sent = rows(3000);
    await streamed(root, sent);
    const back = await readBack(root);
    expect(back.parts).toBe(3);
    expect(back.rows).toEqual(sent);
  });

  it('parts cut every 800 values (on the writer thread, arrays going there and back): every row read back as sent, parts disjoint', async () => {
    const root = tempDir('asmm-writer-stream-');
    const sent = rows(5000);
    const written = await streamed(root, sent, 800, { partThread: true });
    const back = await readBack(root);
    expect(back.parts).toBeGreaterThan(20);
    expect(back.rows).toEqual(sent);
    expect(written.threadStarted).toBe(true);
    // each day's parts are disjoint intervals (a cut never splits rows of one time)
    const table = join(root, 'okx', 'BTC-USDT', 'book_deltas');
    for (const day of readdirSync(table)) {
      const intervals = readdirSync(join(table, day)).map((f) => f.replace('.parquet', '').split('-').map(Number)).sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < intervals.length; k++) expect(intervals[k][0]).toBeGreaterThan(intervals[k - 1][1]);
    }
  });

  it('on one core (partThread false) every part is written here, the one set of arrays reused: the same files, row for row', async () => {
    const sent = rows(5000);
    const here = tempDir('asmm-writer-stream-');
    const there = tempDir('asmm-writer-stream-');
    expect((await streamed(here, sent, 800, { partThread: false })).threadStarted).toBe(false);
    expect((await streamed(there, sent, 800, { partThread: true })).threadStarted).toBe(true);
    const [a, b] = [await readBack(here), await readBack(there)];
    expect(a.rows).toEqual(sent);
    expect(a).toEqual(b);
    // the same part files (names: their intervals), day by day
    const table = (root: string) => join(root, 'okx', 'BTC-USDT', 'book_deltas');
    const names = (root: string) => readdirSync(table(root)).map((day) => [day, readdirSync(join(table(root), day)).sort()]);
    expect(names(here)).toEqual(names(there));
    // the default: the thread when the process may run on more than one core (1 under taskset -c 0)
    const writer = await CatalogWriter.create(tempDir('asmm-writer-stream-'));
    expect((writer as unknown as { partThread: boolean }).partThread).toBe(availableParallelism() > 1);
    writer.close();
  });

  it('writes zstd row groups of 30,720 rows (PARQUET_OPTIONS), read from the file\'s own metadata', () =>
    withWriter(async (writer, root) => {
    const stream = await writer.openStream('okx', 'BTC-USDT', 'book_deltas', ['ts_ms', 'px'], {});
    const n = 70_000;
    await stream.append([Float64Array.from({ length: n }, (_, i) => T0 + i), Float64Array.from({ length: n }, (_, i) => 100 + (i % 13))]);
    const [part] = await stream.close();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const groups = (await connection.runAndReadAll(`select row_group_id, any_value(row_group_num_rows), any_value(compression) from parquet_metadata('${part.path}') group by 1 order by 1`)).getRows();
      expect(groups.map((g) => [Number(g[1]), g[2]])).toEqual([
        [30_720, 'ZSTD'],
        [30_720, 'ZSTD'],
        [n - 2 * 30_720, 'ZSTD'],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    }));

  it('a part that cannot be written fails that append and the close after it: the day is not installed without its rows', () =>
    withWriter(async (writer, root) => {
    const stream = await writer.openStream('okx', 'BTC-USDT', 'book_deltas', ['ts_ms', 'px'], {});
    await stream.append([Float64Array.of(T0, T0 + 1), Float64Array.of(1, 2)]);
    // the day's staging folder taken away: its part cannot be written when the next day begins
    const table = join(root, 'okx', 'BTC-USDT', 'book_deltas');
    for (const name of readdirSync(table)) rmSync(join(table, name), { recursive: true, force: true });
    const next = [Float64Array.of(T0 + DAY), Float64Array.of(3)];
    const failed = await stream.append(next).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toBeTruthy();
    await expect(stream.close()).rejects.toThrow(failed!.message);
    await expect(stream.append(next)).rejects.toThrow(failed!.message);
    expect(readdirSync(table)).toEqual([]);
    }));

  it('a column shorter than the rows given, or of another kind than before, is refused naming it', () =>
    withWriter(async (writer, root) => {
    const stream = await writer.openStream('okx', 'BTC-USDT', 'book_deltas', ['ts_ms', 'px'], {});
    await expect(stream.append([Float64Array.of(T0, T0 + 1), Float64Array.of(1)])).rejects.toThrow(/column px: 1 values, rows up to 2 given/);
    const other = await writer.openStream('okx', 'BTC-USDT', 'book_top', ['ts_ms', 'side'], {});
    await other.append([Float64Array.of(T0), Int8Array.of(1)]);
    await expect(other.append([Float64Array.of(T0 + 1), Float64Array.of(1)])).rejects.toThrow(/column side: double values after int8/);
    }));
});
