import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBookFile } from '../../src/formats/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('asmm CLI', () => {
  it('answers bad arguments with one usage line on stderr and exit code 2', () => {
    const cases: string[][] = [
      ['sample', '--bogus'],
      ['sample', '--hours', 'x'],
      ['sample', '--hours', '-1'],
      ['sample', 'extra'],
      ['inspect'],
      ['inspect', 'a', 'b'],
      ['sample', '--seed', '4294967297'],
      ['no-such-command'],
    ];
    for (const args of cases) {
      const { code, stdout, stderr } = runAsmm(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout, args.join(' ')).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).toMatch(/^asmm/);
    }
  });

  it('sample --json writes both formats and describes them; the files hold the same seed-determined data', () => {
    const out = join(dir, 'sample');
    const { code, stdout } = runAsmm(['sample', '--hours', '0.05', '--seed', '4', '--out', out, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { files: string[]; snapshots: number; trades: number; params: { seed: number } };
    expect(result.snapshots).toBe(1800);
    expect(result.params.seed).toBe(4);
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual(['books.csv', 'trades.csv', 'books.arrow', 'trades.arrow', 'params.json']);
    const expected = generateSampleMarket({ durationSec: 180, seed: 4 }).book;
    expect(Array.from(readBookFile(join(out, 'books.arrow')).askPx[0])).toEqual(Array.from(expected.askPx[0]));
    expect(result.trades).toBe(generateSampleMarket({ durationSec: 180, seed: 4 }).trades.tsMs.length);
  });

  it('inspect reports format, rows, span, levels, instrument and intervals, as text and as JSON', () => {
    const out = join(dir, 'sample');
    const text = runAsmm(['inspect', join(out, 'books.csv')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/format\s+asmm-book-csv/);
    expect(text.stdout).toMatch(/rows\s+1800/);
    expect(text.stdout).toMatch(/5 levels per side/);
    expect(text.stdout).toMatch(/min 100 ms, median 100 ms, max 100 ms/);
    const json = JSON.parse(runAsmm(['inspect', join(out, 'books.arrow'), '--json']).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'arrow', kind: 'book', rows: 1800, levels: 5, instrument: 'ETH-USDT', spanSec: 179.9 });
    expect(json.intervalMs).toEqual({ min: 100, median: 100, max: 100 });
  });

  it('inspect on an empty file or a directory fails with one line naming it, not a stack trace', () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    for (const path of [empty, dir]) {
      const { code, stderr } = runAsmm(['inspect', path]);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(path);
    }
  });

  it('inspect on a malformed file fails with the file, line and field', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1\n1,10,1,9,1\n');
    const { code, stderr } = runAsmm(['inspect', path]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${path}:2 ask_px_1: crossed`);
  });
});

describe('asmm simulate', () => {
  it('--json gives one row per γ and strategy with standard errors and the published row beside it', () => {
    const { code, stdout } = runAsmm(['simulate', '--paths', '400', '--gamma', '0.1,1', '--seed', '3', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { compare: string; rows: Array<Record<string, unknown> & { published: { profitMean: number } | null }> };
    expect(doc.compare).toBe('journal2008');
    expect(doc.rows.map((r) => `${r.gamma}/${r.strategy}`)).toEqual(['0.1/inventory', '0.1/symmetric', '1/inventory', '1/symmetric']);
    for (const key of ['spread', 'profitMean', 'profitMeanSe', 'profitStd', 'profitStdSe', 'qMean', 'qMeanSe', 'qStd', 'qStdSe']) {
      expect(typeof doc.rows[0][key], key).toBe('number');
    }
    expect(doc.rows[2].published?.profitMean).toBe(31.4);
  });

  it('prints the table with the published values in brackets, and rejects bad options with exit 2', () => {
    const { code, stdout } = runAsmm(['simulate', '--paths', '200', '--gamma', '0.1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/0\.1\s+inventory\s+1\.49 \[1\.49\]/);
    expect(runAsmm(['simulate', '--fill', 'cubic']).code).toBe(2);
    expect(runAsmm(['simulate', '--gamma', '0.1,abc']).code).toBe(2);
    expect(runAsmm(['simulate', '--paths', '1.5']).code).toBe(2);
  });
});

describe('asmm convert and inspect on raw captures', () => {
  const okx = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
  it.skipIf(!existsSync(okx))(`converts the OKX capture into per-instrument Arrow tables that read back${existsSync(okx) ? '' : ' (skipped: ../shared/data absent)'}`, () => {
    const out = join(dir, 'okx');
    const { code, stdout } = runAsmm(['convert', okx, '--to', 'arrow', out, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { format: string; written: Array<{ path: string; rows: number; kind: string; instrument: string }> };
    expect(doc.format).toBe('okx-cryptofeed-capture');
    const btcBook = doc.written.find((w) => w.instrument === 'BTC-USDT' && w.kind === 'book')!;
    expect(btcBook.rows).toBe(98);
    expect(readBookFile(btcBook.path).tsMs.length).toBe(98);
    const inspected = JSON.parse(runAsmm(['inspect', okx, '--json']).stdout) as { tables: unknown[]; notes: string[] };
    expect(inspected.tables).toHaveLength(6);
    expect(inspected.notes[0]).toMatch(/290 checksums verified, 0 mismatches/);
  });

  it('convert rejects a missing --to with exit 2', () => {
    expect(runAsmm(['convert', 'a', 'b']).code).toBe(2);
  });
});
