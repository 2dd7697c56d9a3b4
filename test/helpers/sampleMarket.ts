import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runAsmm } from './cli.js';

/**
 * `asmm sample` as the catalog tests write it: a book row every 5 s and a quarter of a trade a second a side (an
 * eighth of the default rows, the same checks), the same market twice when they compare a catalog run with a run
 * of files: `days` UTC days into a catalog, and `24 × days` hours as files of the same seed.
 */
const SAMPLE_ROWS = ['--interval-ms', '5000', '--arrival-rate', '0.25'];

/** `days` days of the sample market of `seed`, written straight into the catalog at `root`. */
export function sampleIntoCatalog(root: string, days: number, seed: number): void {
  expect(runAsmm(['sample', '--days', String(days), ...SAMPLE_ROWS, '--seed', String(seed), '--catalog', root, '--json']).code).toBe(0);
}

/** `hours` of the same market as files in `dir` (CSV and Arrow); `csv('book' | 'trade')` is the path of a CSV file. */
export function sampleAsFiles(dir: string, hours: number, seed: number): { csv(kind: 'book' | 'trade'): string } {
  expect(runAsmm(['sample', '--hours', String(hours), ...SAMPLE_ROWS, '--seed', String(seed), '--out', dir, '--json']).code).toBe(0);
  return { csv: (kind) => join(dir, readdirSync(dir).find((f) => f.includes(kind) && f.endsWith('.csv'))!) };
}
