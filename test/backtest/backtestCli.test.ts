import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestMetrics, runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { decodePng, nonBackgroundFraction } from '../helpers/png.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { book, trades } from '../helpers/handBuilt.js';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';

const dir = tempDir('asmm-backtest-');

/** The y values of a report's inventory trace (plotly's `{dtype: 'f8', bdata}` or a plain array). */
function reportInventory(html: string): Array<number | null> {
  const m = /"name":"inventory","x":(?:\{[^}]*\}|\[[^\]]*\]),"y":(\{"dtype":"f8","bdata":"([^"]*)"\}|\[[^\]]*\])/.exec(html);
  if (!m) throw new Error('no inventory trace in the report');
  if (m[2] === undefined) return JSON.parse(m[1]) as Array<number | null>;
  const bytes = Buffer.from(m[2], 'base64');
  return Array.from(new Float64Array(Uint8Array.from(bytes).buffer));
}
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

  it('inventories print without float noise: the lot multiple in text, and in --json when the lot is known; exact in --json without a lot', () => {
    // this run's fills sum to 0.11849999999999997 (partial fills of 0.0001 lots): the library's float sum
    const args = ['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.03', '--fill', 'tradeThrough', '--size', '0.05', '--report', join(dir, 'noise.html')];
    const lot = market.book.meta.lotSize!;
    expect(lot).toBe(0.0001);
    const lib = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.03), fill: 'tradeThrough', orderSize: 0.05, tickSize: 0.01, lotSize: lot, refreshMs: 0, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    // the reference: the position in whole lots, counted in integers fill by fill, written as a decimal by hand
    let lots = 0;
    let maxLots = 0;
    for (let i = 0; i < lib.fills.tsMs.length; i++) {
      const n = Math.round(lib.fills.qty[i] / lot);
      expect(Math.abs(lib.fills.qty[i] / lot - n)).toBeLessThan(1e-9);
      lots += lib.fills.side[i] * n;
      maxLots = Math.max(maxLots, Math.abs(lots));
    }
    const decimal = (n: number) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 1e4)}.${String(Math.abs(n) % 1e4).padStart(4, '0')}`.replace(/\.?0+$/, '');
    const finalText = decimal(lots);
    // the case produces the noise (the float sum is not the decimal)
    expect(String(lib.finalInventory)).not.toBe(finalText);
    expect(Math.abs(lib.finalInventory - Number(finalText))).toBeLessThan(1e-12);
    const text = runAsmm(args);
    expect(text.code, text.stderr).toBe(0);
    const row = (stdout: string, name: string) => stdout.split('\n').find((l) => l.startsWith(`${name}  `))?.slice(name.length).trim().split(/\s{2,}/)[0];
    expect(row(text.stdout, 'final inventory')).toBe(finalText);
    expect(row(text.stdout, 'max |inventory|')).toBe(decimal(maxLots));
    const json = JSON.parse(runAsmm([...args, '--json']).stdout) as { finalInventory: number; metrics: { finalInventory: number; maxAbsInventory: number } };
    expect([json.finalInventory, json.metrics.finalInventory, json.metrics.maxAbsInventory]).toEqual([Number(finalText), Number(finalText), Number(decimal(maxLots))]);
    // --lot 0 (no lot known): the same fills; text still without noise (12 significant digits), JSON the float as summed
    const noLot = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.03), fill: 'tradeThrough', orderSize: 0.05, tickSize: 0.01, lotSize: 0, refreshMs: 0, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    expect(noLot.fills.tsMs.length).toBe(lib.fills.tsMs.length);
    const rawJson = JSON.parse(runAsmm([...args, '--lot', '0', '--json']).stdout) as { finalInventory: number };
    expect(rawJson.finalInventory).toBe(noLot.finalInventory);
    expect(row(runAsmm([...args, '--lot', '0']).stdout, 'final inventory')).toBe(finalText);
    // GLFT with mid-cross fills of 0.01 ends flat, summed as 3.5e-18: text 0 (it printed 3.46945e-18), --json 0 with
    // the file's lot, and without one the float as summed
    const flat = ['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'glft', '--fill', 'midCross', '--report', join(dir, 'flat.html')];
    const flatRaw = (JSON.parse(runAsmm([...flat, '--lot', '0', '--json']).stdout) as { finalInventory: number; metrics: { fills: number } });
    expect(flatRaw.metrics.fills).toBeGreaterThan(0);
    expect(flatRaw.finalInventory).not.toBe(0);
    expect(Math.abs(flatRaw.finalInventory)).toBeLessThan(1e-15);
    expect(row(runAsmm(flat).stdout, 'final inventory')).toBe('0');
    expect(row(runAsmm([...flat, '--lot', '0']).stdout, 'final inventory')).toBe('0');
    expect((JSON.parse(runAsmm([...flat, '--json']).stdout) as { finalInventory: number }).finalInventory).toBe(0);
    // the report's inventory plot: every value a whole number of lots (0.0001) as written, none like 0.030000000000000002
    const plotted = reportInventory(readFileSync(join(dir, 'flat.html'), 'utf8'));
    expect(plotted.length).toBeGreaterThan(100);
    expect(plotted.filter((v) => v !== null && !/^-?\d+(\.\d{1,4})?$/.test(String(v)))).toEqual([]);
    expect(new Set(plotted).size).toBeGreaterThan(2);
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

  it('--queue-model picks the queue model by name (said in --json) and decides the queue fills; bad ones are one usage line', () => {
    // the hand-built queue of test/backtest/queueModels.test.ts as files: our bid 99 joins behind 10, 10 join behind
    // us, 6 are cancelled, a sell of 9 prints at 99; what is ahead then is 10 − (1 − p)·6, p by the model
    const qb = join(dir, 'queue-books.csv');
    const qt = join(dir, 'queue-trades.csv');
    writeBookCsv(qb, book([[0, 99, 10, 101, 4], [10, 99, 20, 101, 4], [20, 99, 14, 101, 4], [40, 99, 14, 101, 4]]));
    writeTradeCsv(qt, trades([[30, -1, 99, 9]]));
    const run = (...extra: string[]) => {
      const r = runAsmm(['backtest', '--data', qb, '--trades', qt, '--strategy', 'symmetric', '--half-spread', '1', '--tick', '1', '--size', '2', '--window', '0.01s', '--report', join(dir, 'qm.html'), '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { queueModel: { name: string; n?: number } | null; finalInventory: number };
    };
    const byDefault = run('--fill', 'queue');
    expect(byDefault.queueModel).toEqual({ name: 'power', n: 2 });
    expect(byDefault.finalInventory).toBeCloseTo(2, 12); // p = 1/2: 7 ahead, 2 beyond: our 2 filled
    expect(run('--fill', 'queue', '--queue-model', 'log2').finalInventory).toBeCloseTo(9 - (10 - (1 - Math.log(11) / Math.log(21)) * 6), 12);
    expect(run('--fill', 'queue', '--queue-model', 'power3').finalInventory).toBe(0); // p = 7/8: 9.25 ahead
    expect(run('--fill', 'tradeThrough').queueModel).toBeNull();
    expectUsageLines(['backtest', '--data', qb, '--trades', qt], [
      [['--fill', 'queue', '--queue-model', 'fifo'], /--queue-model: expected one of power, power2, power3, log, log2/],
      [['--fill', 'tradeThrough', '--queue-model', 'log'], /--queue-model goes with --fill queue/],
    ]);
  });

  it('quoting features from the command line: --refresh-tolerance keeps the queue place, --min-spread widens the quotes, in --json; bad values are one usage line', () => {
    // the refresh-tolerance market of test/backtest/quotingFeatures.test.ts cannot be driven by a named strategy; here
    // the symmetric one around a mid that moves by one tick: bid 99 at mid 100, then 98 at mid 99 (half-spread 1)
    const qb = join(dir, 'quoting-books.csv');
    const qt = join(dir, 'quoting-trades.csv');
    writeBookCsv(qb, book([[0, 99, 1, 101, 4], [10, 98, 5, 100, 4], [20, 98, 5, 100, 4]]));
    writeTradeCsv(qt, trades([[15, -1, 99, 2]]));
    const run = (...extra: string[]) => {
      const r = runAsmm(['backtest', '--data', qb, '--trades', qt, '--strategy', 'symmetric', '--half-spread', '1', '--tick', '1', '--size', '2', '--window', '0.01s', '--fill', 'queue', '--report', join(dir, 'quoting.html'), '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { finalInventory: number; quoting: Record<string, number>; quotes: unknown };
    };
    // replaced at t 10 (bid 98 wanted): the sell at 99 does not reach 98; kept within 1 tick, our 99 is then the best
    // bid alone (the book's is 98) and the sell of 2 fills it
    expect(run().finalInventory).toBe(0);
    const kept = run('--refresh-tolerance', '1');
    expect(kept.finalInventory).toBe(2);
    expect(kept.quoting).toMatchObject({ refreshToleranceTicks: 1, minSpreadPx: 0, inventoryTarget: 0 });
    // a minimum spread of 6 puts the bid at mid − 3 = 97: the sell at 99 does not reach it
    expect(run('--min-spread', '6').finalInventory).toBe(0);
    expect(run('--max-order-age', '5ms', '--refresh-tolerance', '1').quoting).toMatchObject({ maxOrderAgeMs: 5 });
    expectUsageLines(['backtest', '--data', qb, '--trades', qt], [
      [['--refresh-tolerance', '-1'], /--refresh-tolerance/],
      // a fraction of a tick ran as the whole ticks below it (0.5 as 0), with no word
      [['--refresh-tolerance', '0.5'], /--refresh-tolerance must be a whole number >= 0 \(ticks: quotes differ by whole ticks/],
      [['--max-order-age', '0'], /--max-order-age must be a positive duration/],
      [['--inventory-target', 'x'], /--inventory-target/],
    ]);
  });

  it('--entry-latency file:PATH interpolates a measured series in time, as the library does; a constant series is the constant', () => {
    const t0 = market.book.tsMs[0];
    const t1 = market.book.tsMs[market.book.tsMs.length - 1];
    const ramp = join(dir, 'latency-ramp.csv');
    writeFileSync(ramp, `order_id,ts_ms,latency_ms\n1,${t0},0\n2,${(t0 + t1) / 2},400\n3,${t1},50\n`);
    const flat = join(dir, 'latency-flat.csv');
    writeFileSync(flat, `ts_ms,latency_ms\n${t0},30\n${t1},30\n`);
    const common = ['--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--strategy', 'symmetric', '--half-spread', '0.02', '--fill', 'tradeThrough', '--size', '0.05'];
    const run = (latency: string) => {
      const r = runAsmm(['backtest', ...common, '--entry-latency', latency, '--report', join(dir, 'lat.html'), '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { metrics: { fills: number }; finalCash: number; latency: { entry: string; cancel: string } };
    };
    const viaFile = run(`file:${ramp}`);
    expect(viaFile.latency.entry).toMatch(/^interpolated in time from 3 measurements of latency-ramp.csv/);
    expect(viaFile.latency.cancel).toBe(viaFile.latency.entry);
    const lib = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.02), fill: 'tradeThrough', orderSize: 0.05, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, entryLatencyMs: { atMs: [t0, (t0 + t1) / 2, t1], latencyMs: [0, 400, 50] }, fallback: { sigmaPerSqrtSec: 1, aPerSec: 1, kPerPrice: 1 } });
    expect(viaFile.metrics.fills).toBe(lib.fills.tsMs.length);
    expect(viaFile.finalCash).toBeCloseTo(lib.finalCash, 6);
    const constant = run('30ms');
    const flatRun = run(`file:${flat}`);
    expect([flatRun.metrics.fills, flatRun.finalCash]).toEqual([constant.metrics.fills, constant.finalCash]);
    expect(viaFile.metrics.fills).not.toBe(run('0').metrics.fills);
    // a bad value names file, line and field (exit 1); a series that misses the data, or no file, is bad usage (exit 2)
    const bad = join(dir, 'latency-bad.csv');
    writeFileSync(bad, `ts_ms,latency_ms\n${t0},10\n${t1},ten\n`);
    const r1 = runAsmm(['backtest', ...common, '--entry-latency', `file:${bad}`, '--report', join(dir, 'lat.html')]);
    expect([r1.code, r1.stderr.trim()]).toEqual([1, `asmm backtest: ${bad}:3 latency_ms: "ten" is not a number`]);
    const seconds = join(dir, 'latency-seconds.csv');
    writeFileSync(seconds, `ts_ms,latency_ms\n${t0 / 1000},10\n${t1 / 1000},10\n`);
    const r2 = runAsmm(['backtest', ...common, '--cancel-latency', `file:${seconds}`, '--report', join(dir, 'lat.html')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--cancel-latency file:latency-seconds.csv: its measurements \(1970-01-21T.* do not overlap the data/);
    const r3 = runAsmm(['backtest', ...common, '--entry-latency', `file:${join(dir, 'nope.csv')}`, '--report', join(dir, 'lat.html')]);
    expect([r3.code, r3.stderr]).toEqual([2, expect.stringMatching(/--entry-latency file:.*nope.csv: no such file/)]);
  });

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

/** Each of `cases` (extra arguments, what the message must say) after `base` exits 2 with one line on stderr. */
function expectUsageLines(base: readonly string[], cases: ReadonlyArray<readonly [readonly string[], RegExp]>): void {
  for (const [args, message] of cases) {
    const r = runAsmm([...base, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  }
}
