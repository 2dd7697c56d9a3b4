import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { PartWriterThread, type PartPiece } from '../../src/catalog/partWriterThread.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Pieces over rows [from, to) of shared columns: a double with NaN, an int8 side, a uint8 flag byte. */
function pieces(n: number, cuts: ReadonlyArray<[number, number]>): { pieces: PartPiece[]; expected: Array<[number, number | null, number, number]> } {
  const ts = Float64Array.from({ length: n }, (_, i) => 1_000 + i);
  const px = Float64Array.from({ length: n }, (_, i) => (i % 997 === 5 ? NaN : 100 + i / 8));
  const side = Int8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
  const flags = Uint8Array.from({ length: n }, (_, i) => (i * 11) % 256);
  const columns = [
    { name: 'ts_ms', type: 'double' as const, values: ts },
    { name: 'px', type: 'double' as const, values: px },
    { name: 'side', type: 'int8' as const, values: side },
    { name: 'flags', type: 'uint8' as const, values: flags },
  ];
  const expected: Array<[number, number | null, number, number]> = [];
  for (const [from, to] of cuts) for (let i = from; i < to; i++) expected.push([ts[i], Number.isNaN(px[i]) ? null : px[i], side[i], flags[i]]);
  return { pieces: cuts.map(([from, to]) => ({ columns, from, to })), expected };
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
  it('writes each part as its pieces give it (ranges, NaN as NULL, byte columns), one after the other, and leaves the callers\' arrays as they were', async () => {
    const dir = tempDir('asmm-part-writer-');
    const writer = new PartWriterThread();
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    try {
      const a = pieces(6000, [[0, 2500], [2600, 6000]]);
      const b = pieces(3000, [[10, 3000]]);
      await writer.write(a.pieces, join(dir, 'a.parquet'));
      // the second waits for the first, which is then on disk whole
      await writer.write(b.pieces, join(dir, 'b.parquet'));
      expect(existsSync(join(dir, 'a.parquet'))).toBe(true);
      await writer.drain();
      for (const [file, want] of [['a.parquet', a.expected], ['b.parquet', b.expected]] as const) {
        const rows = (await connection.runAndReadAll(`select ts_ms, px, side, flags from '${join(dir, file)}'`)).getRows();
        expect(rows, file).toEqual(want);
      }
      expect(a.expected.filter((r) => r[1] === null).length).toBeGreaterThan(0);
      // the pieces were copied, not taken: the caller's arrays are whole
      expect(a.pieces[0].columns[0].values.length).toBe(6000);
    } finally {
      writer.close();
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('a part that cannot be written fails the next write and drain with its error, and every one after', () =>
    withWriter(async (writer, dir) => {
      const p = pieces(100, [[0, 100]]);
      await writer.write(p.pieces, join(dir, 'no-such-folder', 'x.parquet'));
      await expect(writer.drain()).rejects.toThrow(/no-such-folder/);
      await expect(writer.write(p.pieces, join(dir, 'y.parquet'))).rejects.toThrow(/no-such-folder/);
      expect(existsSync(join(dir, 'y.parquet'))).toBe(false);
    }));

  it('writes called without waiting for each other take turns, and a failed one still fails the drain', () =>
    withWriter(async (writer, dir) => {
      const p = pieces(1000, [[0, 1000]]);
      await Promise.all([writer.write(p.pieces, join(dir, 'no-such-folder', 'a.parquet')), writer.write(p.pieces, join(dir, 'b.parquet')).catch(() => undefined)]);
      await expect(writer.drain()).rejects.toThrow(/no-such-folder/);
      await expect(writer.write(p.pieces, join(dir, 'c.parquet'))).rejects.toThrow(/no-such-folder/);
      // the second was handed over only once the first was done: refused then, it was never written
      expect(existsSync(join(dir, 'b.parquet'))).toBe(false);
    }));

  it('close while a part is being written: the waiting drain fails, nothing hangs', async () => {
    const dir = tempDir('asmm-part-writer-');
    const writer = new PartWriterThread();
    const p = pieces(200_000, [[0, 200_000]]);
    await writer.write(p.pieces, join(dir, 'x.parquet'));
    const drained = writer.drain();
    writer.close();
    await expect(drained).rejects.toThrow(/closed while a part file was being written/);
    await expect(writer.write(p.pieces, join(dir, 'y.parquet'))).rejects.toThrow(/closed/);
  });

  it('keeps its process alive while a part is written, and not once it is idle (a writer never closed)', () => {
    const dir = tempDir('asmm-part-writer-');
    const script = `
      const { PartWriterThread } = await import(${JSON.stringify(join(projectRootForTests, 'src', 'catalog', 'partWriterThread.ts'))});
      const writer = new PartWriterThread();
      const n = 300000;
      const ts = Float64Array.from({ length: n }, (_, i) => i);
      await writer.write([{ columns: [{ name: 'ts_ms', type: 'double', values: ts }], from: 0, to: n }], ${JSON.stringify(join(dir, 'z.parquet'))});
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
