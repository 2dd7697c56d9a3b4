import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestMetrics, runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { decodePng, nonBackgroundFraction } from '../helpers/png.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('asmm-backtest-');
const market = generateSampleMarket({ durationSec: 900, seed: 5 });
writeSampleMarket(dir, market);

describe('asmm backtest', () => {
  it('--json gives the metrics, final inventory and cash of the library run, and writes the HTML report', () => {
    const report = join(dir, 'report.html');
    const r = runAsmm(['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.03', '--fill', 'tradeThrough', '--size', '0.05', '--maker-fee=-0.0001', '--report', report, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: { pnl: number; fills: number }; finalInventory: number; finalCash: number };
    const lib = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.03), fill: 'tradeThrough', orderSize: 0.05, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, makerFee: -0.0001, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    expect(out.metrics.fills).toBe(lib.fills.tsMs.length);
    expect(out.finalInventory).toBeCloseTo(lib.finalInventory, 9);
    expect(out.finalCash).toBeCloseTo(lib.finalCash, 6);
    expect(out.metrics.pnl).toBeCloseTo(backtestMetrics(lib).pnl, 6);
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    for (const title of ['Quotes and fills: symmetric', 'Inventory', 'Equity marked to mid']) expect(html).toContain(title);
  });

  it('--png DIR writes the quotes, inventory and equity figures as non-blank PNGs', () => {
    const pngDir = join(dir, 'png');
    const r = runAsmm(['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.03', '--fill', 'queue', '--report', join(dir, 'png.html'), '--png', pngDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pngs: string[] };
    expect(out.pngs.map((p) => p.slice(pngDir.length + 1))).toEqual(['backtest-symmetric-queue-quotes.png', 'backtest-symmetric-queue-inventory.png', 'backtest-symmetric-queue-equity.png']);
    for (const [i, path] of out.pngs.entries()) {
      const image = decodePng(readFileSync(path));
      expect([image.width, image.height]).toEqual([1200, i === 0 ? 600 : 400]);
      expect(nonBackgroundFraction(image)).toBeGreaterThan(0.01);
    }
  }, 120_000);

  it('latency options: durations with units, sampled lists (seeded), as in the library', () => {
    const r = runAsmm(['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.03', '--fill', 'tradeThrough', '--size', '0.05', '--feed-latency', '20ms,80ms', '--entry-latency', '0.03s', '--latency-seed', '4', '--report', join(dir, 'latency.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: { fills: number }; finalCash: number; latency: { feed: string; entry: string } };
    const lib = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.03), fill: 'tradeThrough', orderSize: 0.05, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, feedLatencyMs: { samplesMs: [20, 80], seed: 4 }, entryLatencyMs: 30, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    expect(out.metrics.fills).toBe(lib.fills.tsMs.length);
    expect(out.finalCash).toBeCloseTo(lib.finalCash, 6);
    expect(out.latency.feed).toMatch(/^sampled from 2 values/);
    expect(out.latency.entry).toBe('30 ms');
  });

  it('answers bad arguments with one usage line', () => {
    for (const args of [['backtest'], ['backtest', '--data', join(dir, 'books.csv'), '--feed-latency', '50'], ['backtest', '--data', join(dir, 'books.csv'), '--entry-latency', 'recorded'], ['backtest', '--data', join(dir, 'books.csv'), '--fill', 'magic'], ['backtest', '--data', join(dir, 'books.csv'), '--maker-fee', '-1']]) {
      const { code, stderr } = runAsmm(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('asmm backtest on books only', () => {
  it('tradeThrough and queue fill on executions inferred from the book, and say so', () => {
    const r = runAsmm(['backtest', '--data', join(dir, 'books.csv'), '--strategy', 'symmetric', '--half-spread', '0.01', '--fill', 'queue', '--report', join(dir, 'inferred.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { notes: string[]; metrics: { fills: number } };
    expect(out.notes[0]).toMatch(/no trades recorded: queue fills use executions inferred from the book/);
    expect(out.metrics.fills).toBeGreaterThan(0);
  });
});
