import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ColumnScan } from '../../src/catalog/columnScan.js';
import { tempDir } from '../helpers/tmp.js';

describe('ColumnScan: columns held in JavaScript, scanned by DuckDB into Parquet', () => {
  it('writes every row of every piece once, in order, NaN as NULL (also in vectors after one that had some), any array kind, strings', async () => {
    const dir = tempDir('asmm-column-scan-');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    try {
      const scan = new ColumnScan(connection);
      // 5,000 rows (three DuckDB vectors) in two pieces, the second a range of a longer array
      const n = 5000;
      const ts = Float64Array.from({ length: n + 7 }, (_, i) => i * 10);
      const px = Float64Array.from({ length: n + 7 }, (_, i) => (i % 1000 === 3 ? NaN : 100 + i / 4));
      const side = Int8Array.from({ length: n + 7 }, (_, i) => (i % 2 ? 1 : -1));
      const label = Array.from({ length: n + 7 }, (_, i) => `r${i}`);
      const columns = (from: number, to: number) => ({
        columns: [
          { name: 'ts_ms', type: 'double' as const, values: ts },
          { name: 'px', type: 'double' as const, values: px },
          { name: 'side', type: 'double' as const, values: side },
          { name: 'label', type: 'varchar' as const, values: label },
        ],
        from,
        to,
      });
      const file = join(dir, 'part.parquet');
      await scan.copyToParquet([columns(0, 2500), columns(2507, n + 7)], file);
      const expected: Array<[number, number | null, number, string]> = [];
      for (let i = 0; i < n + 7; i++) if (i < 2500 || i >= 2507) expected.push([ts[i], Number.isNaN(px[i]) ? null : px[i], side[i], label[i]]);
      const rows = (await connection.runAndReadAll(`select ts_ms, px, side, label from '${file}'`)).getRows();
      expect(rows.length).toBe(expected.length);
      expect(rows).toEqual(expected);
      expect(expected.filter((r) => r[1] === null).length).toBe(6);
      // an empty scan writes a file with the columns and no row
      const empty = join(dir, 'empty.parquet');
      await scan.copyToParquet([columns(0, 0)], empty);
      const described = (await connection.runAndReadAll(`select column_name from (describe select * from '${empty}')`)).getRows().map((r) => r[0]);
      expect(described).toEqual(['ts_ms', 'px', 'side', 'label']);
      expect((await connection.runAndReadAll(`select count(*) from '${empty}'`)).getRows()).toEqual([[0n]]);
      // pieces must agree on their columns and hold the rows asked
      await expect(scan.copyToParquet([columns(0, 10), { columns: columns(0, 10).columns.slice(1), from: 0, to: 10 }], join(dir, 'x.parquet'))).rejects.toThrow(/different columns/);
      await expect(scan.copyToParquet([columns(0, n + 8)], join(dir, 'y.parquet'))).rejects.toThrow(/has 5007 values, rows up to 5008/);

      // byte columns: TINYINT and UTINYINT copied from Int8Array and Uint8Array, ranges of pieces respected
      const flags = Uint8Array.from({ length: n + 7 }, (_, i) => (i * 7) % 256);
      const bytes = (from: number, to: number) => ({
        columns: [
          { name: 'ts_ms', type: 'double' as const, values: ts },
          { name: 'side', type: 'int8' as const, values: side },
          { name: 'flags', type: 'uint8' as const, values: flags },
        ],
        from,
        to,
      });
      const byteFile = join(dir, 'bytes.parquet');
      await scan.copyToParquet([bytes(1, 2100), bytes(2200, n + 7)], byteFile);
      const types = (await connection.runAndReadAll(`select column_type from (describe select * from '${byteFile}')`)).getRows().map((r) => r[0]);
      expect(types).toEqual(['DOUBLE', 'TINYINT', 'UTINYINT']);
      const byteRows = (await connection.runAndReadAll(`select ts_ms, side, flags from '${byteFile}'`)).getRows();
      const byteExpected: Array<[number, number, number]> = [];
      for (let i = 0; i < n + 7; i++) if ((i >= 1 && i < 2100) || i >= 2200) byteExpected.push([ts[i], side[i], flags[i]]);
      expect(byteRows).toEqual(byteExpected);
      await expect(scan.copyToParquet([{ columns: [{ name: 'side', type: 'int8' as const, values: Float64Array.of(1, -1) }] }], join(dir, 'z.parquet'))).rejects.toThrow(/not an Int8Array/);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
