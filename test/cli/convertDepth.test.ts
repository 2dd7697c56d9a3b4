import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleMarket, generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// `--depth N` of asmm convert and asmm inspect keeps the best N levels per side of any book, a table file's too
// (it used to apply to replayed captures only: a 5-level CSV converted with --depth 2 came out with 5 levels).
const dir = tempDir('asmm-convert-depth-');
writeSampleMarket(dir, generateSampleMarket({ durationSec: 60, seed: 3 }));
const books = join(dir, 'books.csv');

describe('--depth on a table file', () => {
  it('asmm convert --depth 2 writes the first 2 levels of a 5-level book, their values unchanged', () => {
    const out = join(dir, 'two.csv');
    const r = runAsmm(['convert', books, '--to', 'csv', out, '--depth', '2']);
    expect(r.code, r.stderr).toBe(0);
    const header = readFileSync(out, 'utf8').split('\n')[0];
    expect(header).toBe('ts_ms,bid_px_1,bid_px_2,bid_sz_1,bid_sz_2,ask_px_1,ask_px_2,ask_sz_1,ask_sz_2');
    // the same rows as the source's first two levels (independent: the source CSV's columns picked by name)
    const [srcHead, ...srcRows] = readFileSync(books, 'utf8').trim().split('\n');
    const cols = srcHead.split(',');
    const pick = (line: string) => header.split(',').map((name) => line.split(',')[cols.indexOf(name)]).map(Number);
    const outRows = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    expect(outRows.length).toBe(srcRows.length);
    for (const i of [0, 1, Math.floor(srcRows.length / 2), srcRows.length - 1]) expect(outRows[i].split(',').map(Number)).toEqual(pick(srcRows[i]));
  });

  it('asmm inspect --depth 2 reports 2 levels; a --depth beyond the file\'s levels is said, not hidden', () => {
    expect(runAsmm(['inspect', books, '--depth', '2']).stdout).toMatch(/book, 2 levels per side/);
    const deeper = runAsmm(['inspect', books, '--depth', '10']);
    expect(deeper.code).toBe(0);
    expect(deeper.stdout).toMatch(/book, 5 levels per side/);
    expect(deeper.stdout).toMatch(/--depth 10: .*5 levels per side/);
  });
});
