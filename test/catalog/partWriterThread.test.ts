import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { ScanColumn } from '../../src/catalog/columnScan.js';
import { PartWriterThread } from '../../src/catalog/partWriterThread.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Whole columns of `capacity` rows, of which the part is the first `rows`: a double with NaN, an int8 side, a uint8 flag byte. */
function part(rows: number, capacity = rows): { columns: ScanColumn[]; rows: number; expected: Array<[number, number | null, number, number]> } {
  const ts = Float64Array.from({ length: capacity }, (_, i) => 1_000 + i);
  const px = Float64Array.from({ length: capacity }, (_, i) => (i % 997 === 5 ? NaN : 100 + i / 8));
  const side = Int8Array.from({ length: capacity }, (_, i) => (i % 3 === 0 ? -1 : 1));
  const flags = Uint8Array.from({ length: capacity }, (_, i) => (i * 11) % 256);
  const columns: ScanColumn[] = [
    { name: 'ts_ms', type: 'double', values: ts },
    { name: 'px', type: 'double', values: px },
    { name: 'side', type: 'int8', values: side },
    { name: 'flags', type: 'uint8', values: flags },
  ];
  const expected: Array<[number, number | null, number, number]> = [];
  for (let i = 0; i < rows; i++) expected.push([ts[i], Number.isNaN(px[i]) ? null : px[i], side[i], flags[i]]);
  return { columns, rows, expected };
}

/** Runs `work` with a new writer and a temporary folder, closing the writer after. */
async function withWriter(work: (writer: PartWriterThread, dir: string) => Promise<void>): Promise<void> {
  const writer = new PartWriterThread();
  try {
    await work(writer, tempDir('asmm-part-writer-'));
  } finally {
    writer.close();
  }
}

describe('PartWriterThread: Parquet parts written on a thread of their own', () => {
  it('writes the first rows of each part\'s columns (NaN as NULL, byte columns), one part after the other; the columns go to the thread and come back once written', async () => {
    const dir = tempDir('asmm-part-writer-');
    const writer = new PartWriterThread();
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    try {
      const a = part(6000, 8192);
      const b = part(3000);
      const back: Array<readonly ScanColumn[]> = [];
      await writer.write(a.columns, a.rows, join(dir, 'a.parquet'), (columns) => back.push(columns));
      // handed over, not copied: the caller's arrays are empty until they come back
      expect(a.columns[0].values.length).toBe(0);
      // the second waits for the first, which is then on disk whole, and its columns back
      await writer.write(b.columns, b.rows, join(dir, 'b.parquet'), (columns) => back.push(columns));
      expect(existsSync(join(dir, 'a.parquet'))).toBe(true);
      expect(back.length).toBe(1);
      await writer.drain();
      for (const [file, want] of [['a.parquet', a.expected], ['b.parquet', b.expected]] as const) {
        const rows = (await connection.runAndReadAll(`select ts_ms, px, side, flags from '${join(dir, file)}'`)).getRows();
        expect(rows, file).toEqual(want);
      }
      expect(a.expected.filter((r) => r[1] === null).length).toBeGreaterThan(0);
      // both parts' columns came back whole, with their kinds, names and values (the rows past the part too)
      expect(back.map((columns) => columns.map((c) => `${c.name}:${c.type}:${c.values.constructor.name}:${c.values.length}`))).toEqual([
        ['ts_ms:double:Float64Array:8192', 'px:double:Float64Array:8192', 'side:int8:Int8Array:8192', 'flags:uint8:Uint8Array:8192'],
        ['ts_ms:double:Float64Array:3000', 'px:double:Float64Array:3000', 'side:int8:Int8Array:3000', 'flags:uint8:Uint8Array:3000'],
      ]);
      expect(Array.from(back[0][0].values as Float64Array).slice(8190)).toEqual([1_000 + 8190, 1_000 + 8191]);
    } finally {
      writer.close();
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('a part that cannot be written fails the next write and drain with its error, and every one after', () =>
    withWriter(async (writer, dir) => {
      let returned = 0;
      const p = part(100);
      await writer.write(p.columns, p.rows, join(dir, 'no-such-folder', 'x.parquet'), () => returned++);
      await expect(writer.drain()).rejects.toThrow(/no-such-folder/);
      const q = part(100);
      await expect(writer.write(q.columns, q.rows, join(dir, 'y.parquet'))).rejects.toThrow(/no-such-folder/);
      // a failed part's columns are not given back as written
      expect(returned).toBe(0);
      expect(existsSync(join(dir, 'y.parquet'))).toBe(false);
    }));

  it('writes called without waiting for each other take turns, and a failed one still fails the drain', () =>
    withWriter(async (writer, dir) => {
      const [p, q, r] = [part(1000), part(1000), part(1000)];
      await Promise.all([writer.write(p.columns, p.rows, join(dir, 'no-such-folder', 'a.parquet')), writer.write(q.columns, q.rows, join(dir, 'b.parquet')).catch(() => undefined)]);
      await expect(writer.drain()).rejects.toThrow(/no-such-folder/);
      await expect(writer.write(r.columns, r.rows, join(dir, 'c.parquet'))).rejects.toThrow(/no-such-folder/);
      // the second was handed over only once the first was done: refused then, it was never written
      expect(existsSync(join(dir, 'b.parquet'))).toBe(false);
    }));

  it('close while a part is being written: the waiting drain fails, nothing hangs', async () => {
    const dir = tempDir('asmm-part-writer-');
    const writer = new PartWriterThread();
    const p = part(200_000);
    await writer.write(p.columns, p.rows, join(dir, 'x.parquet'));
    const drained = writer.drain();
    writer.close();
    await expect(drained).rejects.toThrow(/closed while a part file was being written/);
    const q = part(10);
    await expect(writer.write(q.columns, q.rows, join(dir, 'y.parquet'))).rejects.toThrow(/closed/);
  });

  it('keeps its process alive while a part is written, and not once it is idle (a writer never closed)', () => {
    const dir = tempDir('asmm-part-writer-');
    const script = `
      const { PartWriterThread } = await import(${JSON.stringify(join(projectRootForTests, 'src', 'catalog', 'partWriterThread.ts'))});
      const writer = new PartWriterThread();
      const n = 300000;
      const ts = Float64Array.from({ length: n }, (_, i) => i);
      await writer.write([{ name: 'ts_ms', type: 'double', values: ts }], n, ${JSON.stringify(join(dir, 'z.parquet'))});
      writer.drain().then(() => console.log('written'));
    `;
    const file = join(dir, 'never-closed.mts');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: projectRootForTests, encoding: 'utf8', timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('written');
    expect(existsSync(join(dir, 'z.parquet'))).toBe(true);
  });
});
