import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBookArrow, readBookCsv, readTradeArrow, readTradeCsv, writeBookArrow, writeBookCsv, writeTradeArrow, writeTradeCsv } from '../../src/data/index.js';
import { maskSidecarPath } from '../../src/data/maskFiles.js';
import { describeMasks, maskedFlags, maskedWithinMs, maskSummary, mergeMasks, spansMask, type MaskedInterval } from '../../src/data/masks.js';
import { book, trades } from '../helpers/handBuilt.js';
import { tempDir } from '../helpers/tmp.js';

const m = (fromMs: number, toMs: number, reason: string): MaskedInterval => ({ fromMs, toMs, reason });

describe('masked intervals', () => {
  it('merge sorts, joins overlapping and touching intervals with their reasons, and drops empty ones', () => {
    const merged = mergeMasks([m(50, 60, 'b'), m(0, 10, 'a')], [m(5, 20, 'c'), m(20, 25, 'a'), m(30, 30, 'empty')]);
    expect(merged).toEqual([m(0, 25, 'a; c'), m(50, 60, 'b')]);
    // total counts the overlap once: 25 + 10
    expect(maskSummary([m(50, 60, 'b'), m(0, 10, 'a')], [m(5, 20, 'c'), m(20, 25, 'a')]).totalMs).toBe(35);
  });

  it('flags times inside [from, to) and measures masked time within a window', () => {
    const merged = mergeMasks([m(10, 20, 'x'), m(30, 40, 'y')]);
    expect(Array.from(maskedFlags([0, 10, 15, 20, 29, 30, 39, 40, 50], merged))).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0]);
    expect(maskedWithinMs(merged, 15, 35)).toBe(10); // 15..20 and 30..35
    expect(spansMask(merged, 0, 9)).toBe(false);
    expect(spansMask(merged, 0, 10)).toBe(true);
    expect(spansMask(merged, 20, 30)).toBe(true); // the mask [30,40) starts at the return's end
    expect(spansMask(merged, 41, 50)).toBe(false);
  });

  it('describes the count, the total and each interval', () => {
    const lines = describeMasks(maskSummary([m(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1) + 1500, 'sequence gap')]));
    expect(lines[0]).toBe('masked: 1 interval(s), 1.5 s in total (no quote, no fill, no estimate inside)');
    expect(lines[1]).toContain('2024-01-01T00:00:00.000Z .. 2024-01-01T00:00:01.500Z (1.5 s): sequence gap');
    expect(describeMasks(maskSummary([]))).toEqual([]);
  });
});

describe('masks survive the project formats', () => {
  const dir = tempDir();
  const b = { ...book([[0, 99, 1, 101, 1], [100, 99, 1, 101, 1]]), masked: [m(10, 90, 'checksum mismatch, "BTC-USDT"'), m(95, 99, 'gap')] };
  const t = { ...trades([[5, 1, 101, 1]]), masked: [m(1, 2, 'trades down')] };

  it('Arrow keeps them in the schema metadata', () => {
    writeBookArrow(join(dir, 'b.arrow'), b);
    writeTradeArrow(join(dir, 't.arrow'), t);
    expect(readBookArrow(join(dir, 'b.arrow')).masked).toEqual(b.masked);
    expect(readTradeArrow(join(dir, 't.arrow')).masked).toEqual(t.masked);
  });

  it('CSV keeps them in a sidecar, which a rewrite without masks removes', () => {
    const path = join(dir, 'b.csv');
    writeBookCsv(path, b);
    expect(maskSidecarPath(path)).toBe(join(dir, 'b.masked.csv'));
    expect(readFileSync(join(dir, 'b.masked.csv'), 'utf8').split('\n')[0]).toBe('from_ts_ms,to_ts_ms,reason');
    expect(readBookCsv(path).masked).toEqual(b.masked);
    writeTradeCsv(join(dir, 't.csv'), t);
    expect(readTradeCsv(join(dir, 't.csv')).masked).toEqual(t.masked);
    writeBookCsv(path, { ...b, masked: undefined });
    expect(existsSync(join(dir, 'b.masked.csv'))).toBe(false);
    expect(readBookCsv(path).masked).toBeUndefined();
  });

  it('a broken sidecar is an error naming the sidecar, line and field', () => {
    const path = join(dir, 'c.csv');
    writeBookCsv(path, b);
    writeFileSync(join(dir, 'c.masked.csv'), 'from_ts_ms,to_ts_ms,reason\n10,abc,"x"\n');
    expect(() => readBookCsv(path)).toThrow(`${join(dir, 'c.masked.csv')}:2 to_ts_ms: must be a number after from_ts_ms ("abc")`);
  });
});

describe('asmm inspect shows a table\'s masks', () => {
  it('--json gives their count, total and intervals; the text lists them', async () => {
    const { runAsmm } = await import('../helpers/cli.js');
    const dir = tempDir('asmm-inspect-masks-');
    const path = join(dir, 'b.csv');
    writeBookCsv(path, { ...book([[0, 99, 1, 101, 1], [100_000, 99, 1, 101, 1]]), masked: [m(10_000, 70_000, 'checksum mismatch')] });
    const r = runAsmm(['inspect', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { masked: { count: number; totalMs: number; intervals: MaskedInterval[] } };
    expect(out.masked).toEqual({ count: 1, totalMs: 60_000, intervals: [m(10_000, 70_000, 'checksum mismatch')] });
    const text = runAsmm(['inspect', path]);
    expect(text.stdout).toMatch(/masked {6}1 interval\(s\), 1\.0 min in total/);
    expect(text.stdout).toContain('checksum mismatch');
  }, 60_000);
});
