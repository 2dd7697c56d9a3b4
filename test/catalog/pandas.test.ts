import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogWriter } from '../../src/catalog/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// Independent reader: pandas.read_parquet (pyarrow engine), when the Python environment has it.
// Setup: python3 -m pip install duckdb pyarrow polars pandas  (from the local index in pip.conf)
const python = process.env.ASMM_PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import pandas, pyarrow'], { encoding: 'utf8' });
const hasPyarrow = probe.status === 0;
if (!hasPyarrow) process.stderr.write(`test/catalog/pandas.test.ts skipped: ${python} has no pandas + pyarrow (python3 -m pip install pandas pyarrow)\n`);

const root = mkdtempSync(join(tmpdir(), 'asmm-catalog-pandas-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!hasPyarrow)('catalog files in pandas', () => {
  it('pandas.read_parquet reads a book_top day: rows, columns and values as generated', async () => {
    const market = generateSampleMarket({ durationSec: 600, snapshotIntervalMs: 1000, instrument: 'BTC-USDT' });
    const w = await CatalogWriter.create(root);
    const [part] = await w.writeBookTop('okx', market.book);
    w.close();
    const script = `import json, sys, pandas as pd\ndf = pd.read_parquet(sys.argv[1])\nprint(json.dumps({"rows": len(df), "columns": list(df.columns), "bid1": df["bid_px_1"].tolist(), "ts": df["ts_ms"].tolist()}))`;
    const r = spawnSync(python, ['-c', script, part.path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: number; columns: string[]; bid1: number[]; ts: number[] };
    expect(out.rows).toBe(market.book.tsMs.length);
    expect(out.columns.slice(0, 3)).toEqual(['ts_ms', 'bid_px_1', 'bid_px_2']);
    expect(Float64Array.from(out.bid1)).toEqual(market.book.bidPx[0]);
    expect(Float64Array.from(out.ts)).toEqual(market.book.tsMs);
  });
});
