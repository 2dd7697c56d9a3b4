import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter, importIntoCatalog, openCatalog } from '../../src/catalog/index.js';
import { stagingHost } from '../../src/catalog/writer.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import { interruptWhen, runAsmm, spawnAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('asmm-catalog-folder-');

describe('asmm catalog import of a folder, catalog ls gaps, SQL errors', () => {
  it('a line per file as it is done; Ctrl-C after the first stops after the file at hand: the files done are in the catalog, the rest named, exit 130', async () => {
    const days = join(dir, 'okx-days');
    const dates = ['2025-11-01', '2025-11-02', '2025-11-03', '2025-11-04', '2025-11-05'];
    for (const [n, date] of dates.entries()) await writeOkxHistoryDay({ dir: days, date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 300, seed: 40 + n, kind: 'books' });
    const cat = join(dir, 'cat-interrupted');
    const run = spawnAsmm(['catalog', 'import', days, '--catalog', cat]);
    const code = await interruptWhen(run, /^ {2}\[1\/5\] /m);
    const { stdout, stderr } = run.output();
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/Ctrl-C: the import stops once the file at hand is imported and keeps the files imported so far/);
    const lines = stderr.split('\n').filter((l) => /^ {2}\[\d\/5\] /.test(l));
    expect(lines[0]).toMatch(/^ {2}\[1\/5\] ETH-USDT-L2orderbook-400lv-2025-11-01\.tar\.gz: \d+ rows into book_deltas, book_top/);
    const left = /INTERRUPTED \(Ctrl-C\): (\d) of 5 files not imported \(([^)]*)\); the files above are in the catalog/.exec(stdout);
    expect(left, stdout).not.toBeNull();
    const imported = 5 - Number(left![1]);
    expect(lines).toHaveLength(imported);
    expect(imported).toBeGreaterThanOrEqual(1);
    expect(imported).toBeLessThan(5);
    expect(left![2].split(', ')).toEqual(dates.slice(imported).map((d) => `ETH-USDT-L2orderbook-400lv-${d}.tar.gz`));
    // the catalog holds the files done, whole: their days in book_deltas and book_top, none of the rest
    const ls = runAsmm(['catalog', 'ls', '--catalog', cat, '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const { tables } = JSON.parse(ls.stdout) as { tables: Array<{ table: string; from: string; to: string; days: number }> };
    for (const table of ['book_deltas', 'book_top']) expect(tables.find((t) => t.table === table), table).toMatchObject({ from: dates[0], to: dates[imported - 1], days: imported });
    // the rest imports after them, as a user would go on
    for (const d of dates.slice(imported)) expect(runAsmm(['catalog', 'import', join(days, `ETH-USDT-L2orderbook-400lv-${d}.tar.gz`), '--catalog', cat, '--json']).code).toBe(0);
  });

  it('a folder with sub-folders: one count of [i/n] through every file, sub-folders\' included, each line as its file is done', async () => {
    const top = join(dir, 'nested');
    // a file at the top, a sub-folder of two days and a sub-sub-folder of one: four files
    await writeOkxHistoryDay({ dir: top, date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    await writeOkxHistoryDay({ dir: join(top, 'more'), date: '2025-11-02', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    await writeOkxHistoryDay({ dir: join(top, 'more'), date: '2025-11-03', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    await writeOkxHistoryDay({ dir: join(top, 'more', 'deeper'), date: '2025-11-04', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    const r = runAsmm(['catalog', 'import', top, '--catalog', join(dir, 'cat-nested')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /^ {2}\[\d+\/\d+\] /.test(l));
    expect(lines.map((l) => /^ {2}(\[\d+\/\d+\]) (\S+):/.exec(l)!.slice(1).join(' '))).toEqual([
      '[1/4] ETH-USDT-trades-2025-11-01.zip',
      '[2/4] ETH-USDT-trades-2025-11-02.zip',
      '[3/4] ETH-USDT-trades-2025-11-03.zip',
      '[4/4] ETH-USDT-trades-2025-11-04.zip',
    ]);
  });

  it('stopped before a sub-folder: it is reported not read with the number of files it holds; a sample folder\'s sub-folder files get its instrument and say so, in their progress lines too', async () => {
    const top = join(dir, 'stop-nested');
    await writeOkxHistoryDay({ dir: top, date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    for (const date of ['2025-11-02', '2025-11-03']) await writeOkxHistoryDay({ dir: join(top, 'sub'), date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    const writer = await CatalogWriter.create(join(dir, 'cat-stop-nested'));
    const told: string[] = [];
    const reports = await importIntoCatalog(writer, top, { venue: 'okx', onFile: (r, i, n) => told.push(`[${i + 1}/${n}] ${r.file.slice(top.length + 1)}`), stopRequested: () => told.length >= 1 });
    writer.close();
    expect(told).toEqual(['[1/3] ETH-USDT-trades-2025-11-01.zip']);
    const notRead = reports.filter((r) => r.format === 'not read');
    expect(notRead.map((r) => [r.file.slice(top.length + 1), r.files])).toEqual([['sub', 2]]);
    expect(notRead[0].notes[0]).toMatch(/stopped before it \(Ctrl-C\): 2 files$/);

    // an asmm sample folder with a sub-folder of another day's trades
    const sample = join(dir, 'sample-nested');
    expect(runAsmm(['sample', '--hours', '0.05', '--seed', '2', '--out', sample, '--json']).code).toBe(0);
    await writeOkxHistoryDay({ dir: join(sample, 'more'), date: '2025-11-05', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 60, kind: 'trades' });
    const sampleWriter = await CatalogWriter.create(join(dir, 'cat-sample-nested'));
    const lines: string[] = [];
    const sampleReports = await importIntoCatalog(sampleWriter, sample, { venue: 'sample', onFile: (r) => lines.push(`${r.file.slice(sample.length + 1)}: ${r.notes.join('; ')}`) });
    sampleWriter.close();
    const nested = sampleReports.find((r) => r.file.endsWith('2025-11-05.zip'))!;
    expect(nested.parts.length).toBeGreaterThan(0);
    expect(nested.notes.some((n) => /^instrument \S+ from .*params\.json$/.test(n))).toBe(true);
    expect(lines.find((l) => l.startsWith('more/'))).toMatch(/instrument \S+ from .*params\.json/);
  });

  it('a file refused part way (its second UTC day already in the catalog): nothing of it kept, its first day taken out again and said so; --replace then imports it', async () => {
    // a trades file on UTC+8 days covers two UTC dates; the catalog has the second already
    const utc8 = await writeOkxHistoryDay({ dir: join(dir, 'refused-in'), date: '2025-11-02', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 10 * 3600, kind: 'trades', dayBoundary: 'utc+8' });
    const utc = await writeOkxHistoryDay({ dir: join(dir, 'refused-have'), date: '2025-11-02', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 3 * 3600, kind: 'trades', dayBoundary: 'utc', seed: 5 });
    const cat = join(dir, 'cat-refused');
    expect(runAsmm(['catalog', 'import', utc.path, '--catalog', cat, '--json']).code).toBe(0);
    const days = () => readdirSync(join(cat, 'okx', 'ETH-USDT', 'trades')).filter((n) => n.startsWith('date=')).sort();
    expect(days()).toEqual(['date=2025-11-02']);
    const r = runAsmm(['catalog', 'import', utc8.path, '--catalog', cat]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/overlapping the new rows .*--replace.*; nothing of .*ETH-USDT-trades-2025-11-02\.zip was kept: the 1 part file\(s\) it had added were taken out again \(okx\/ETH-USDT\/trades\/date=2025-11-01\/\d+-\d+\.parquet\)/);
    expect(days()).toEqual(['date=2025-11-02']);
    const replaced = runAsmm(['catalog', 'import', utc8.path, '--catalog', cat, '--replace', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(days()).toEqual(['date=2025-11-01', 'date=2025-11-02']);
  });

  it('the staging folders a stopped writer left are found and said by the next import, never removed; a running writer\'s, a fresh one and another machine\'s are not listed', async () => {
    const cat = join(dir, 'cat-staging');
    const day = await writeOkxHistoryDay({ dir: join(dir, 'staging-in'), date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 120, kind: 'trades' });
    expect(runAsmm(['catalog', 'import', day.path, '--catalog', cat, '--json']).code).toBe(0);
    // this machine's process that has ended (two folders, untouched for two hours, and one just written), one that
    // runs (pid 1), and a process of another machine sharing the disk (its pid means nothing here)
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = stagingHost();
    const tableDir = join(cat, 'okx', 'ETH-USDT', 'trades');
    const hoursAgo = (path: string) => utimesSync(path, new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() - 2 * 3_600_000));
    const planted = [`.tmp-${host}-${dead}-3`, `.old-${host}-${dead}-4`, `.tmp-${host}-${dead}-5`, `.tmp-${host}-1-6`, `.tmp-another.host-${dead}-7`];
    for (const name of planted) mkdirSync(join(tableDir, name), { recursive: true });
    writeFileSync(join(tableDir, planted[0], '1-2.parquet'), Buffer.alloc(5000));
    for (const name of planted.filter((n) => !n.endsWith('-5'))) hoursAgo(join(tableDir, name));
    const next = await writeOkxHistoryDay({ dir: join(dir, 'staging-in'), date: '2025-11-03', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 120, kind: 'trades' });
    const r = runAsmm(['catalog', 'import', next.path, '--catalog', cat, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 staging folder\(s\) \(0\.0 MB\) of a stopped writer, never read.*remove them by hand when no writer runs \(an \.old- folder is a day swapped out/);
    const stale = (JSON.parse(r.stdout) as { staleStaging: Array<{ path: string; bytes: number; swappedOutDay: boolean }> }).staleStaging;
    expect(stale.map((f) => [f.path.slice(tableDir.length + 1), f.bytes, f.swappedOutDay]).sort()).toEqual([[planted[0], 5000, false], [planted[1], 0, true]].sort());
    // nothing removed
    expect(readdirSync(tableDir).filter((n) => n.startsWith('.')).sort()).toEqual([...planted].sort());
  });

  it('a sample folder: params.json and the CSV copies of the Arrow tables skipped by name, the instrument, tick and lot from params.json', () => {
    const sample = join(dir, 'sample');
    expect(runAsmm(['sample', '--hours', '0.05', '--seed', '2', '--out', sample, '--json']).code).toBe(0);
    writeFileSync(join(sample, 'trades.csv.partial'), 'ts_ms,id,side,px,sz\n1,1,buy,1');
    const cat = join(dir, 'cat-sample');
    const r = runAsmm(['catalog', 'import', sample, '--catalog', cat, '--venue', 'sample', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const imports = (JSON.parse(r.stdout) as { imports: Array<{ file: string; format: string; parts: Array<{ table: string; rows: number }>; notes: string[] }> }).imports;
    const skipped = Object.fromEntries(imports.filter((i) => i.format === 'skipped').map((i) => [i.file.slice(sample.length + 1), i.notes[0]]));
    expect(Object.keys(skipped).sort()).toEqual(['books.csv', 'params.json', 'trades.csv', 'trades.csv.partial']);
    expect(skipped['books.csv']).toMatch(/same table as books\.arrow/);
    expect(skipped['params.json']).toMatch(/not a data format/);
    expect(skipped['trades.csv.partial']).toMatch(/leftover/);
    expect(imports.filter((i) => i.format !== 'skipped').map((i) => i.file.slice(sample.length + 1))).toEqual(['books.arrow', 'trades.arrow']);
    const params = (JSON.parse(readFileSync(join(sample, 'params.json'), 'utf8')) as { params: { instrument: string; tickSize: number; lotSize: number } }).params;
    const meta = JSON.parse(readFileSync(join(cat, 'sample', params.instrument, 'instrument.json'), 'utf8')) as { tickSize: number; lotSize: number };
    expect([meta.tickSize, meta.lotSize]).toEqual([params.tickSize, params.lotSize]);
    // a folder with nothing asmm reads is one line, not an empty success
    const empty = join(dir, 'nothing');
    runAsmm(['sample', '--hours', '0.01', '--out', empty]);
    for (const f of ['books.csv', 'books.arrow', 'trades.csv', 'trades.arrow']) writeFileSync(join(empty, f), '');
    const none = runAsmm(['catalog', 'import', empty, '--catalog', join(dir, 'cat-none')]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/nothing to import/);
    expect(none.stderr).not.toMatch(/usage:/);
  });

  it('OKX history days: the tick inferred and said so, the contract value given or its absence noted, masked spans in gaps; ls lists missing dates and masked time', async () => {
    const input = join(dir, 'okx');
    const inst = 'ETH-USDT-SWAP';
    // day 1 with a snapshot that disagrees with the book built up to it (a masked interval); day 3; no day 2
    await writeOkxHistoryDay({ dir: input, kind: 'books', date: '2025-11-01', inst, ...OKX_HISTORY_PRESETS.small, durationSec: 300, faults: { snapshotMismatch: [1] } });
    await writeOkxHistoryDay({ dir: input, kind: 'books', date: '2025-11-03', inst, ...OKX_HISTORY_PRESETS.small, durationSec: 120 });
    const root = join(dir, 'cat-okx');
    const w = await CatalogWriter.create(root);
    const noValue = await importIntoCatalog(w, join(input), { venue: 'okx' });
    expect(noValue.flatMap((r) => r.notes).join('\n')).toMatch(/contract value unknown.*--contract-value/);
    const notes = (await importIntoCatalog(w, input, { venue: 'okx', replace: true, contractValue: 0.1 })).flatMap((r) => r.notes).join('\n');
    w.close();
    expect(notes).not.toMatch(/contract value unknown/);
    expect(notes).toMatch(/tick 0\.01 inferred/);
    const meta = JSON.parse(readFileSync(join(root, 'okx', inst, 'instrument.json'), 'utf8')) as { tickSize: number; contractValue: number; inferred: string[] };
    expect(meta).toMatchObject({ tickSize: 0.01, contractValue: 0.1, inferred: ['tickSize'] });
    const c = await openCatalog(root);
    const gaps = await c.gapsOf('okx', inst);
    c.close();
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps[0].reason).toMatch(/snapshot/);
    const ls = runAsmm(['catalog', 'ls', '--catalog', root, '--json']);
    const tables = (JSON.parse(ls.stdout) as { tables: Array<{ table: string; missingDates: string[]; maskedIntervals: number; maskedSec: number }> }).tables;
    const top = tables.find((t) => t.table === 'book_top')!;
    expect(top.missingDates).toEqual(['2025-11-02']);
    expect(top.maskedIntervals).toBe(gaps.length);
    expect(top.maskedSec).toBeCloseTo(gaps.reduce((s, g) => s + g.toMs - g.fromMs, 0) / 1000, 6);
    expect(tables.some((t) => t.table === 'gaps')).toBe(false);
    const text = runAsmm(['catalog', 'ls', '--catalog', root]).stdout;
    expect(text).toMatch(/1 dates missing \(2025-11-02\)/);
    // a query DuckDB rejects: its message in one line, without the command's usage
    const bad = runAsmm(['catalog', 'query', 'select nope from book_top', '--catalog', root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/SQL: .*nope/);
    expect(bad.stderr).not.toMatch(/usage:/);
    expect(existsSync(join(root, 'okx', inst, 'gaps'))).toBe(true);
  });
});
