import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookArrow } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { spawnAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** The parts (paths under the table folder) of a catalog table, staging folders left out. */
function installedParts(tableDir: string): string[] {
  if (!existsSync(tableDir)) return [];
  return readdirSync(tableDir)
    .filter((d) => d.startsWith('date='))
    .flatMap((d) => readdirSync(join(tableDir, d)).filter((f) => f.endsWith('.parquet')).map((f) => `${d}/${f}`));
}

describe('Ctrl-C during a catalog write that is all or nothing', () => {
  it('a Ctrl-C once the first UTC day of a multi-day file is in takes that day out again, says so, and ends by the signal', async () => {
    const dir = tempDir('asmm-import-interrupt-');
    const file = join(dir, 'books.arrow');
    // six UTC days at a snapshot a second: each day's part takes DuckDB a noticeable moment to write
    const { book } = generateSampleMarket({ durationSec: 6 * 86_400, seed: 21, snapshotIntervalMs: 1000 });
    writeBookArrow(file, book);
    const catalog = join(dir, 'catalog');
    const run = spawnAsmm(['catalog', 'import', file, '--catalog', catalog, '--venue', 'sample', '--inst', 'ETH-USDT']);
    const tableDir = join(catalog, 'sample', 'ETH-USDT', 'book_top');
    // Ctrl-C the moment the first day is installed (a user's Ctrl-C part way through the file)
    let seen: string[] = [];
    const started = Date.now();
    while ((seen = installedParts(tableDir)).length === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
    expect(seen.length, run.output().stderr).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const code = await run.exited;
    const { stderr } = run.output();
    // ended by SIGINT itself, as Ctrl-C ends a program (a shell reports 130; spawnAsmm says 128 for a signal)
    expect(code, stderr).toBe(128);
    expect(stderr).toMatch(new RegExp(`asmm catalog import: Ctrl-C: stopped; nothing of ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was kept: the \\d+ part file\\(s\\) it had added were taken out again \\(sample/ETH-USDT/book_top/date=2026-01-01/`));
    // nothing of the file is left: no part, no staging folder
    expect(installedParts(tableDir)).toEqual([]);
    expect(existsSync(tableDir) ? readdirSync(tableDir).filter((d) => d.startsWith('.')) : []).toEqual([]);
  });

  it('asmm sample --days --catalog: a Ctrl-C part way takes out the days written (all days or none), instrument.json not written', async () => {
    const catalog = join(tempDir('asmm-sample-interrupt-'), 'catalog');
    const run = spawnAsmm(['sample', '--days', '6', '--interval-ms', '1000', '--catalog', catalog]);
    const instDir = join(catalog, 'sample', 'ETH-USDT');
    const started = Date.now();
    while (installedParts(join(instDir, 'book_top')).length === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGINT');
    const code = await run.exited;
    const { stderr } = run.output();
    expect(code, stderr).toBe(128);
    expect(stderr).toMatch(/asmm sample: Ctrl-C: stopped; nothing of the run was kept: the \d+ part file\(s\) it had added were taken out again \(sample\/ETH-USDT\/book_top\/date=2026-01-01\//);
    for (const table of ['book_top', 'trades']) expect(installedParts(join(instDir, table)), table).toEqual([]);
    expect(existsSync(join(instDir, 'instrument.json'))).toBe(false);
  });
});
