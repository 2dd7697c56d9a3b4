import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interruptedRange, runAsmm } from '../helpers/cli.js';
import { sampleAsFiles, sampleIntoCatalog } from '../helpers/sampleMarket.js';
import { tempDir } from '../helpers/tmp.js';

describe('asmm calibrate --catalog --refit daily', () => {
  it('Ctrl-C after the second day: the days swept and traded so far give the walk-forward, the report is written, exit 130', async () => {
    const dir = tempDir('asmm-catalog-daily-interrupt-');
    const root = join(dir, 'catalog');
    expect(runAsmm(['sample', '--days', '5', '--interval-ms', '1000', '--arrival-rate', '0.25', '--seed', '12', '--catalog', root, '--json']).code).toBe(0);
    const args = ['calibrate', '--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--grid', 'gamma=0.05,0.5,2', '--fill', 'tradeThrough', '--window', '600s', '--workers', '0'];
    // (the second day is the first one traded)
    const { stdout, lastCovered } = await interruptedRange([...args, '--report', join(dir, 'c.html')], { what: 'the walk-forward', afterDate: '2026-01-02', range: ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'] });
    expect(existsSync(join(dir, 'c.html'))).toBe(true);
    // the partial walk-forward is the walk-forward of the days it covers
    const upTo = runAsmm([...args, '--to', lastCovered, '--report', join(dir, 'to.html')]);
    expect(upTo.code, upTo.stderr).toBe(0);
    const total = (out: string) => /^out-of-sample PnL over \d+ traded days: .*$/m.exec(out)?.[0];
    expect(total(stdout)).toMatch(/over [1-3] traded days/);
    expect(total(stdout)).toBe(total(upTo.stdout));
  });

  it('picks on day i the set a plain backtest of day i alone ranks best, and its out-of-sample PnL on day i + 1 is a plain backtest of that day', () => {
    const dir = tempDir('asmm-catalog-daily-');
    const root = join(dir, 'catalog');
    const files = join(dir, 'files');
    // the same market twice: three days into the catalog, and 72 hours as CSV files (for the independent reference)
    sampleIntoCatalog(root, 3, 11);
    sampleAsFiles(files, 72, 11);
    const gammas = [0.05, 2];
    const common = ['--fill', 'tradeThrough', '--window', '600s'];
    const r = runAsmm(['calibrate', '--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--grid', `gamma=${gammas.join(',')}`, ...common, '--workers', '0', '--report', join(dir, 'c.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { days: Array<{ date: string }>; walkForward: Array<{ fitDates: string[]; date: string; params: { gamma: number }; inSample: number; outOfSample: { pnl: number; fills: number } }>; notes: string[] };
    expect(out.days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(out.walkForward.map((f) => f.date)).toEqual(['2026-01-02', '2026-01-03']);
    expect(existsSync(join(dir, 'c.html'))).toBe(true);
    // the independent reference: asmm backtest on one day's rows cut from the CSV files by hand (books of the UTC day;
    // trades from its first to its last book row, the day's window: trades after the last book row are not traded)
    const lines = (f: string) => readFileSync(join(files, f), 'utf8').trimEnd().split('\n');
    const [bookHead, ...bookRows] = lines('books.csv');
    const [tradeHead, ...tradeRows] = lines('trades.csv');
    const ts = (line: string) => Number(line.slice(0, line.indexOf(',')));
    const plain = (date: string, gamma: number) => {
      const from = Date.parse(`${date}T00:00:00Z`);
      const dayBooks = bookRows.filter((l) => ts(l) >= from && ts(l) < from + 86_400_000);
      const last = ts(dayBooks[dayBooks.length - 1]);
      const bookFile = join(dir, `${date}-books.csv`);
      const tradeFile = join(dir, `${date}-trades.csv`);
      writeFileSync(bookFile, [bookHead, ...dayBooks].join('\n') + '\n');
      writeFileSync(tradeFile, [tradeHead, ...tradeRows.filter((l) => ts(l) >= from && ts(l) <= last)].join('\n') + '\n');
      const b = runAsmm(['backtest', '--data', bookFile, '--trades', tradeFile, '--gamma', String(gamma), '--tick', '0.01', '--lot', '0.0001', ...common, '--report', join(dir, `b-${date}-${gamma}.html`), '--json']);
      expect(b.code, b.stderr).toBe(0);
      return (JSON.parse(b.stdout) as { metrics: { pnl: number; fills: number } }).metrics;
    };
    // each (day, γ) backtested once, when a fold first needs it (the last day is only traded, at one γ)
    const table = new Map<string, ReturnType<typeof plain>>();
    const metrics = (date: string, gamma: number) => {
      const key = `${date} ${gamma}`;
      if (!table.has(key)) table.set(key, plain(date, gamma));
      return table.get(key)!;
    };
    for (const fold of out.walkForward) {
      expect(fold.fitDates).toHaveLength(1);
      const fit = gammas.map((g) => metrics(fold.fitDates[0], g).pnl);
      const best = fit.indexOf(Math.max(...fit));
      expect(fold.params.gamma).toBe(gammas[best]);
      expect(fold.inSample).toBe(fit[best]);
      const traded = metrics(fold.date, gammas[best]);
      expect(traded.fills).toBeGreaterThan(10);
      expect(fold.outOfSample.fills).toBe(traded.fills);
      expect(fold.outOfSample.pnl).toBe(traded.pnl);
    }
    expect(out.notes.join(' ')).toMatch(/starts flat/);
    // usage errors, one line each
    const calib = (...args: string[]) => runAsmm(['calibrate', '--grid', 'gamma=0.1,1', ...args]);
    expect(calib('--catalog', root, '--inst', 'ETH-USDT').stderr).toMatch(/add --refit daily/);
    expect(calib('--catalog', root, '--inst', 'ETH-USDT', '--refit', 'weekly').stderr).toMatch(/--refit must be daily/);
    expect(calib('--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--trailing-days', '0').code).toBe(2);
    expect(calib('--data', join(dir, 'x.csv'), '--refit', 'daily').stderr).toMatch(/--refit goes with --catalog/);
    expect(calib('--catalog', root, '--inst', 'BTC-USDT', '--refit', 'daily').stderr).toMatch(/holds no BTC-USDT/);
    expect(calib('--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--from', '2027-01-01').stderr).toMatch(/no book days/);
  });
});
