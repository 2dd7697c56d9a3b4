import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A walk-forward whose first window is shorter than the AS strategy's 300 s calibration window: no set can
// quote there, so the fit on it was a tie settled by the first set, and the table's means counted its
// undefined Sharpe as 0, with "notes": [] (found by review). It is now one WARNING, in the text and the JSON.

const dir = tempDir('asmm-calibrate-no-fill-');
const market = generateSampleMarket({ durationSec: 720, seed: 3 });
const books = join(dir, 'books.csv');
const trades = join(dir, 'trades.csv');
writeBookCsv(books, market.book);
writeTradeCsv(trades, market.trades);
const grid = ['--grid', 'gamma=0.01,0.1;size=0.01,0.05'];

type Json = { notes: string[]; walkForward?: unknown };

describe('calibrate: windows on which no set filled', () => {
  it('three windows of 240 s: the first is dead, and the fit on it is said to be a tie', () => {
    const r = runAsmm(['calibrate', '--data', books, '--trades', trades, ...grid, '--windows', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const notes = (JSON.parse(r.stdout) as Json).notes.filter((n) => n.startsWith('WARNING no parameter set had a fill'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/in window 1 .*for window 2 is a tie/);
    const text = runAsmm(['calibrate', '--data', books, '--trades', trades, ...grid, '--windows', '3']);
    expect(text.stdout).toMatch(/^WARNING no parameter set had a fill in window 1 /m);
  });

  it('two windows of 360 s: every window has fills, nothing to warn about', () => {
    const r = runAsmm(['calibrate', '--data', books, '--trades', trades, ...grid, '--windows', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Json).notes.filter((n) => n.startsWith('WARNING'))).toEqual([]);
  });
});
