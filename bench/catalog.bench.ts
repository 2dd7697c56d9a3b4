import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogWriter, openCatalog } from '../src/catalog/index.js';
import { projectPath } from '../src/project/index.js';
import { sampleMarketDays } from '../src/sample/index.js';
import { cachedOkxBooksDay } from './okxHistoryDay.js';
import { printTable } from './util.js';

/**
 * Catalog benches (issue 15):
 * 1. import of one generated OKX books day (realistic preset; `ASMM_CATALOG_BENCH_HOURS`, default 24) into a
 *    fresh catalog by `asmm catalog import --json` (bin/asmm.mjs, as users run it), twice: free to use both
 *    cores (raw NDJSON MB/s of wall time, and the peak RSS its JSON reports, against < 1 GB), and confined to
 *    one core by `taskset -c 0` (every thread, JS, gunzip and DuckDB, on that core: MB/s of wall time against
 *    ≥ 40 MB/s; not measured without taskset). CPU seconds of the two-core run are no stand-in: on this VM two
 *    busy threads each run 25–40 % slower than one alone, so the same import costs more CPU seconds there;
 * 2. a DuckDB aggregate (hourly spread and trade volume) over `ASMM_CATALOG_BENCH_DAYS` (default 30) days of
 *    the sample market at 100 ms, generated day by day into the catalog (one day in memory), against < 2 s.
 */
export async function run(): Promise<void> {
  const hours = Number(process.env.ASMM_CATALOG_BENCH_HOURS ?? 24);
  const days = Number(process.env.ASMM_CATALOG_BENCH_DAYS ?? 30);
  if (!(hours > 0 && hours <= 24)) throw new RangeError(`ASMM_CATALOG_BENCH_HOURS must be in (0, 24], got ${hours}`);
  if (!(Number.isInteger(days) && days > 0)) throw new RangeError(`ASMM_CATALOG_BENCH_DAYS must be a positive integer, got ${days}`);

  // 1. OKX day import (the same generated file as bench/okxHistory.bench.ts when its parameters match)
  // the 24 h file is shared with bench/okxHistory.bench.ts; shorter days go elsewhere so as not to replace it
  const dir = hours === 24 ? projectPath('data', 'bench', 'okx-history') : projectPath('data', 'bench', 'catalog-okx-history');
  const file = await cachedOkxBooksDay(dir, hours);
  const importRun = (oneCore: boolean) => {
    const root = mkdtempSync(join(tmpdir(), 'asmm-catalog-import-'));
    try {
      // the import as users run it (bin/asmm.mjs, the compiled CLI: `asmm bench` builds dist/ first when src/
      // is newer); its --json gives the rows and the process's peak RSS
      const args = [projectPath('bin', 'asmm.mjs'), 'catalog', 'import', file.path, '--catalog', join(root, 'catalog'), '--json'];
      const options = { cwd: projectPath(), encoding: 'utf8' as const, maxBuffer: 1 << 26 };
      const t0 = performance.now();
      const child = oneCore ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], options) : spawnSync(process.execPath, args, options);
      const wallMs = performance.now() - t0;
      // no taskset (not Linux), or one refused the affinity (a container without the right): no one-core row
      if (oneCore && ((child.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || (child.status !== 0 && /^taskset:/m.test(child.stderr)))) return undefined;
      if (child.status !== 0) throw new Error(`asmm catalog import failed (exit ${child.status}): ${child.error?.message ?? child.stderr}`);
      const out = JSON.parse(child.stdout) as { imports: Array<{ parts: Array<{ table: string; rows: number }> }>; peakRssMb: number };
      const rows: Record<string, number> = {};
      for (const r of out.imports) for (const p of r.parts) rows[p.table] = (rows[p.table] ?? 0) + p.rows;
      return { wallMs, rssMb: out.peakRssMb, rows };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  const r = importRun(false)!;
  const one = importRun(true);
  const mb = file.bytesUncompressed / 1e6;
  const rate = mb / (r.wallMs / 1000);
  const rssMb = r.rssMb;
  const oneCoreRow = one
    ? [`the same import confined to one core (taskset -c 0), RSS ${one.rssMb.toFixed(0)} MB`, `${mb.toFixed(0)} MB NDJSON`, (one.wallMs / 1000).toFixed(1), `${(mb / (one.wallMs / 1000)).toFixed(1)} MB/s`, '≥ 40 MB/s on one core', `${(mb / (one.wallMs / 1000) / 40).toFixed(2)}x`]
    : ['the same import confined to one core: not measured (taskset missing or refused here)', '', '', '', '≥ 40 MB/s on one core', ''];

  // 2. 30 days of the sample market, generated day by day into a catalog, then one aggregate
  const root = mkdtempSync(join(tmpdir(), 'asmm-catalog-bench-'));
  try {
    const t0 = performance.now();
    const writer = await CatalogWriter.create(root);
    let bookRows = 0;
    for (const day of sampleMarketDays({ durationSec: days * 86_400, snapshotIntervalMs: 100, instrument: 'BTC-USDT' })) {
      bookRows += day.book.tsMs.length;
      await writer.writeBookTop('okx', day.book);
      await writer.writeTrades('okx', day.trades);
    }
    writer.close();
    const writeMs = performance.now() - t0;
    const catalog = await openCatalog(root);
    // hour bucket as an integer (hours since epoch): DuckDB compares numbers faster than it truncates timestamps
    const q = `with s as (select floor(ts_ms / 3600000) as hour, avg(ask_px_1 - bid_px_1) as spread from book_top group by 1),
      v as (select floor(ts_ms / 3600000) as hour, sum(sz) as volume, count(*) as trades from trades group by 1)
      select s.hour, s.spread, v.volume, v.trades from s left join v using (hour) order by s.hour`;
    const t1 = performance.now();
    const res = await catalog.sql(q);
    const queryMs = performance.now() - t1;
    catalog.close();
    printTable(
      ['catalog bench', 'size', 'seconds', 'rate', 'target', 'ratio'],
      [
        [`import OKX books day (${hours} h, ${file.lines} lines), 2 cores, RSS ${rssMb.toFixed(0)} MB`, `${mb.toFixed(0)} MB NDJSON`, (r.wallMs / 1000).toFixed(1), `${rate.toFixed(1)} MB/s`, '< 1024 MB', `${(rssMb / 1024).toFixed(2)}x`],
        oneCoreRow,
        [`write ${days} sample days (100 ms) day by day`, `${bookRows} book rows`, (writeMs / 1000).toFixed(1), `${(bookRows / (writeMs / 1000) / 1e6).toFixed(2)} M rows/s`, '', ''],
        [`DuckDB hourly spread + volume over ${days} days`, `${res.rowCount} hours`, (queryMs / 1000).toFixed(2), '', '< 2 s', `${(queryMs / 2000).toFixed(2)}x`],
      ],
    );
    process.stdout.write(`import rows: ${JSON.stringify(r.rows)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
