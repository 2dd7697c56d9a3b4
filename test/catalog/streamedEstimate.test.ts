import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptedRange, runAsmm } from '../helpers/cli.js';
import { sampleAsFiles, sampleIntoCatalog } from '../helpers/sampleMarket.js';
import { tempDir } from '../helpers/tmp.js';

const FIVE_DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];

describe('asmm estimate --catalog', () => {
  it('Ctrl-C after the first day: the days read so far give the estimates, said to be partial, exit 130', async () => {
    const dir = tempDir('asmm-catalog-estimate-interrupt-');
    const root = join(dir, 'catalog');
    expect(runAsmm(['sample', '--days', '5', '--interval-ms', '1000', '--arrival-rate', '0.25', '--seed', '8', '--catalog', root, '--json']).code).toBe(0);
    const args = ['estimate', '--catalog', root, '--inst', 'ETH-USDT'];
    const { stdout, lastCovered } = await interruptedRange(args, { what: 'the estimate', afterDate: '2026-01-01', range: FIVE_DAYS });
    // the partial estimate is the estimate of the days it covers
    const upTo = runAsmm([...args, '--to', lastCovered]);
    expect(upTo.code, upTo.stderr).toBe(0);
    const realized = (out: string) => /^\| *realized .*$|^realized .*$/m.exec(out)?.[0];
    expect(realized(stdout)).toBeDefined();
    expect(realized(stdout)).toBe(realized(upTo.stdout));
  });

  it('streams the days and gives the in-memory estimate on the same market: realized σ bit for bit, the MLE per side field for field', () => {
    const dir = tempDir('asmm-catalog-estimate-');
    const root = join(dir, 'catalog');
    const files = join(dir, 'files');
    // the same market twice: two days into the catalog, and 48 hours as CSV files (the independent in-memory path)
    sampleIntoCatalog(root, 2, 7);
    const { csv } = sampleAsFiles(files, 48, 7);
    const streamed = runAsmm(['estimate', '--catalog', root, '--inst', 'ETH-USDT', '--json']);
    expect(streamed.code, streamed.stderr).toBe(0);
    const inMemory = runAsmm(['estimate', '--data', csv('book'), '--trades', csv('trade'), '--json']);
    expect(inMemory.code, inMemory.stderr).toBe(0);
    type Fit = { aPerSec: number; kPerPrice: number; aCi95: number[]; kCi95: number[]; ordersUsed: number; orders: number; durationSec: number };
    type Gof = { statistic: number; df: number; pValue: number; cells: number; passes: boolean | null };
    const s = JSON.parse(streamed.stdout) as { days: Array<{ date: string }>; bookRows: number; sigma: { realized: Record<'price' | 'log', { sigmaPerSqrtSec: number; increments: number }>; twoScale: null }; arrival: { mle: Record<string, Fit>; wls: null; checks: Record<string, { gof: Gof }>; warnings: string[] }; peakRssMb: number; notes: string[] };
    const m = JSON.parse(inMemory.stdout) as { bookRows: number; sigma: { realized: Record<'price' | 'log', { sigmaPerSqrtSec: number; increments: number }> }; arrival: { mle: Record<string, Fit>; bySide: Record<string, { mleCheck: { gof: Gof } }> } };
    expect(s.days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02']);
    // the process's own peak (one day in memory): more than Node's bare start, far less than a machine
    expect(s.peakRssMb).toBeGreaterThan(30);
    expect(s.peakRssMb).toBeLessThan(2048);
    expect(s.bookRows).toBe(m.bookRows);
    for (const u of ['price', 'log'] as const) {
      expect(s.sigma.realized[u].increments).toBe(m.sigma.realized[u].increments);
      expect(s.sigma.realized[u].sigmaPerSqrtSec).toBe(m.sigma.realized[u].sigmaPerSqrtSec);
    }
    for (const side of ['ask', 'bid', 'pooled']) {
      expect(m.arrival.mle[side].orders).toBeGreaterThan(1000);
      for (const field of ['aPerSec', 'kPerPrice', 'ordersUsed', 'orders', 'durationSec'] as const) expect(s.arrival.mle[side][field], `${side} ${field}`).toBe(m.arrival.mle[side][field]);
      expect(s.arrival.mle[side].aCi95).toEqual(m.arrival.mle[side].aCi95);
      // the MLE's per-depth check streams too (counts per reach depth): the in-memory χ², field for field
      for (const field of ['statistic', 'df', 'pValue', 'cells', 'passes'] as const) expect(s.arrival.checks[side].gof[field], `${side} gof ${field}`).toBe(m.arrival.bySide[side].mleCheck.gof[field]);
    }
    expect(s.arrival.warnings).toEqual([]);
    // what is not streamed is said, not silently missing
    expect(s.sigma.twoScale).toBeNull();
    expect(s.arrival.wls).toBeNull();
    expect(s.notes.join(' ')).toMatch(/not streamed/);
    // usage errors: one line, exit 2
    const none = runAsmm(['estimate', '--catalog', root, '--inst', 'ETH-USDT', '--from', '2027-01-01']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no book days/);
    expect(runAsmm(['estimate', '--catalog', root, '--inst', 'BTC-USDT']).stderr).toMatch(/holds no BTC-USDT/);
    expect(runAsmm(['estimate', '--catalog', root, '--inst', 'ETH-USDT', '--window', '60s']).stderr).toMatch(/--window does not go with --catalog/);
    expect(runAsmm(['estimate', '--data', csv('book'), '--from', '2026-01-01']).stderr).toMatch(/--from goes with --catalog/);
  });
});
