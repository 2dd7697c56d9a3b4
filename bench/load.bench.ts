import { join } from 'node:path';
import { readBookArrow, readBookCsv } from '../src/data/index.js';
import { projectPath } from '../src/project/index.js';
import { SAMPLE_FILES, ensureSampleMarket } from '../src/sample/index.js';
import { medianMs, printTable } from './util.js';

/**
 * Loading the 24-hour sample (864,000 snapshots at 100 ms, 5 levels) from Arrow IPC and from CSV, with
 * full validation in both; median of 3 timed runs after a warm-up. Target: Arrow under 1 s.
 */
export async function run(): Promise<void> {
  const dir = projectPath('data', 'bench', 'sample-24h');
  if (ensureSampleMarket(dir, { durationSec: 86_400, seed: 1 })) process.stderr.write(`generated the 24 h sample in ${dir}\n`);
  const arrowPath = join(dir, SAMPLE_FILES.booksArrow);
  const csvPath = join(dir, SAMPLE_FILES.booksCsv);
  let rows = 0;
  const arrowMs = medianMs(() => (rows = readBookArrow(arrowPath).tsMs.length), 3);
  const csvMs = medianMs(() => (rows = readBookCsv(csvPath).tsMs.length), 3);
  const rate = (ms: number) => Math.round(rows / (ms / 1000));
  printTable(
    ['load 24 h book sample', 'rows', 'median ms', 'rows/s', 'vs CSV'],
    [
      ['CSV (streaming parser)', rows, csvMs.toFixed(0), rate(csvMs), '1.0x'],
      ['Arrow IPC file', rows, arrowMs.toFixed(0), rate(arrowMs), `${(csvMs / arrowMs).toFixed(1)}x`],
    ],
  );
  process.stdout.write(`Arrow load ${arrowMs < 1000 ? 'meets' : 'MISSES'} the 1 s target (${arrowMs.toFixed(0)} ms)\n`);
}
