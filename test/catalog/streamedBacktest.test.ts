import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapInventoryToLot } from '../../src/backtest/index.js';
import { CatalogWriter } from '../../src/catalog/index.js';
import type { BookTable } from '../../src/data/index.js';
import { sampleMarketDays } from '../../src/sample/index.js';
import { interruptedRange, runAsmm } from '../helpers/cli.js';
import { sampleAsFiles, sampleIntoCatalog } from '../helpers/sampleMarket.js';
import { tempDir } from '../helpers/tmp.js';

describe('asmm backtest --catalog', () => {
  /** Two days of the sample market (a row every 5 s, seed 5) in a catalog, made once for the tests below. */
  let twoDays: string | undefined;
  const twoDayCatalog = (): string => {
    if (twoDays === undefined) {
      const root = join(tempDir('asmm-catalog-backtest-two-days-'), 'catalog');
      sampleIntoCatalog(root, 2, 5);
      twoDays = root;
    }
    return twoDays;
  };

  it('Ctrl-C after the first day: the days replayed so far give the result, the report is written, exit 130', async () => {
    const dir = tempDir('asmm-catalog-backtest-interrupt-');
    const root = join(dir, 'catalog');
    expect(runAsmm(['sample', '--days', '5', '--interval-ms', '1000', '--arrival-rate', '0.25', '--seed', '9', '--catalog', root, '--json']).code).toBe(0);
    const args = ['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--fill', 'tradeThrough', '--strategy', 'as', '--gamma', '0.5', '--window', '600s'];
    const { stdout, lastCovered } = await interruptedRange([...args, '--report', join(dir, 'report.html')], { what: 'the backtest', afterDate: '2026-01-01', range: ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'] });
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    // the partial result is the run of the days it covers
    const upTo = runAsmm([...args, '--to', lastCovered, '--report', join(dir, 'to.html'), '--json']);
    expect(upTo.code, upTo.stderr).toBe(0);
    const whole = JSON.parse(upTo.stdout) as { metrics: { fills: number; pnl: number } };
    // the text table: fills (bid / ask), and the PnL to 6 significant digits
    const metric = (name: string) => Number(new RegExp(`^${name.replace(/[()/]/g, '\\$&')} +(\\S+)`, 'm').exec(stdout)?.[1]);
    expect({ fills: metric('fills (bid / ask)'), pnl: metric('PnL') }).toEqual({ fills: whole.metrics.fills, pnl: Number(whole.metrics.pnl.toPrecision(6)) });
    expect(whole.metrics.fills).toBeGreaterThan(0);
  });

  it('streams the days of the catalog and gives the fills and PnL of the in-memory run on the same market, bit for bit', () => {
    const dir = tempDir('asmm-catalog-backtest-');
    const root = twoDayCatalog();
    const files = join(dir, 'files');
    // the same market twice: two days straight into the catalog, and 48 hours as CSV files
    const { csv } = sampleAsFiles(files, 48, 5);
    const common = ['--fill', 'tradeThrough', '--strategy', 'as', '--gamma', '0.5', '--window', '600s', '--json'];
    const streamed = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', ...common, '--report', join(dir, 's.html')]);
    expect(streamed.code, streamed.stderr).toBe(0);
    const inMemory = runAsmm(['backtest', '--data', csv('book'), '--trades', csv('trade'), ...common, '--report', join(dir, 'm.html')]);
    expect(inMemory.code, inMemory.stderr).toBe(0);
    const s = JSON.parse(streamed.stdout) as { days: Array<{ date: string }>; metrics: Record<string, number>; finalInventory: number; finalCash: number; nativeEvents: number; replaySec: number; wallSec: number; eventsAre: string; queueModel: unknown; quoting: unknown };
    const m = JSON.parse(inMemory.stdout) as { metrics: Record<string, number>; finalInventory: number; finalCash: number; nativeEvents: number; replaySec: number; eventsAre: string; queueModel: unknown; quoting: unknown };
    expect(s.days.map((d) => d.date)).toEqual(['2026-01-01', '2026-01-02']);
    expect(m.metrics.fills).toBeGreaterThan(10);
    expect(s.metrics.fills).toBe(m.metrics.fills);
    expect(s.metrics.pnl).toBe(m.metrics.pnl);
    // the catalog knows the lot (0.0001) and the CSV files do not: --json writes the streamed run's inventory as the
    // lot multiple its float sum is noise of, the in-memory run's as summed (backtest/inventoryDisplay)
    expect(s.finalInventory).toBe(snapInventoryToLot(m.finalInventory, 0.0001));
    expect(Math.abs(s.finalInventory - m.finalInventory)).toBeLessThan(1e-12);
    expect(s.finalCash).toBe(m.finalCash);
    expect(s.nativeEvents).toBe(m.nativeEvents);
    // every book row and trade of the files is one event (an independent count: their lines)
    const dataLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length - 1;
    expect(m.nativeEvents).toBe(dataLines(csv('book')) + dataLines(csv('trade')));
    // the replay's own time is part of the run's, and both say what their events are
    expect(s.replaySec).toBeGreaterThan(0);
    expect(s.replaySec).toBeLessThanOrEqual(s.wallSec);
    expect(m.replaySec).toBeGreaterThan(0);
    expect(s.eventsAre).toBe(m.eventsAre);
    expect(m.eventsAre).toMatch(/^book rows \(top-\d+ views/);
    // both say which queue model (none: tradeThrough) and quoting features they ran with
    expect([s.queueModel, s.quoting]).toEqual([null, m.quoting]);
    expect(m.quoting).toMatchObject({ refreshToleranceTicks: 0, minSpreadPx: 0, inventoryTarget: 0 });
    // a range with no days, and an instrument not there, are one-line usage errors
    const none = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--from', '2027-01-01', '--json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no book days/);
    expect(runAsmm(['backtest', '--catalog', root, '--inst', 'BTC-USDT']).stderr).toMatch(/holds no BTC-USDT/);
  });

  it("each day's line prints its inventory without float noise, to the lot's precision, as --json gives it (whole lots)", () => {
    const dir = tempDir('asmm-catalog-backtest-inventory-');
    const root = twoDayCatalog();
    const base = ['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--report', join(dir, 'r.html')];
    // the sample's lot (0.0001) with partial fills, and a lot of 0.000001 with orders of 0.010005 (two of them:
    // 0.02001, which four decimals printed as 0.0200)
    const runs = [
      { extra: ['--fill', 'tradeThrough', '--strategy', 'as'], lot: 0.0001, decimals: 4 },
      { extra: ['--fill', 'midCross', '--strategy', 'glft', '--size', '0.010005', '--lot', '0.000001'], lot: 0.000001, decimals: 6 },
    ];
    for (const { extra, lot, decimals } of runs) {
      const text = runAsmm([...base, ...extra]);
      expect(text.code, text.stderr).toBe(0);
      const printed = text.stderr.split('\n').flatMap((l) => /^ {2}\d{4}-\d\d-\d\d: .* inventory (\S+), equity /.exec(l)?.[1] ?? []);
      const json = JSON.parse(runAsmm([...base, ...extra, '--json']).stdout) as { days: Array<{ inventory: number }> };
      expect(printed).toHaveLength(2);
      expect(printed).toEqual(json.days.map((d) => String(d.inventory)));
      for (const [i, v] of json.days.map((d) => d.inventory).entries()) {
        expect(Math.abs(v / lot - Math.round(v / lot)), `${extra.join(' ')} day ${i}`).toBeLessThan(1e-9);
        expect(printed[i]).toMatch(new RegExp(`^-?\\d+(\\.\\d{1,${decimals}})?$`));
      }
    }
    // the sums do carry the noise: without a lot --json keeps them as summed (-0.00219999999999999)
    const raw = JSON.parse(runAsmm([...base, ...runs[0].extra, '--lot', '0', '--json']).stdout) as { days: Array<{ inventory: number }> };
    expect(raw.days.some((d) => !/^-?\d+(\.\d{1,4})?$/.test(String(d.inventory)))).toBe(true);
  });

  it('a range whose book stops early on its first two days: the rest of those days is masked (the book was dead while trades printed), said per day, and the run goes on', async () => {
    const dir = tempDir('asmm-catalog-backtest-unpaired-');
    const root = join(dir, 'catalog');
    const writer = await CatalogWriter.create(root);
    // three days of the sample market; on the first two, the book stops 20 minutes after midnight (trades go on)
    let day = 0;
    for (const d of sampleMarketDays({ durationSec: 3 * 86_400, snapshotIntervalMs: 5000, arrivalRatePerSec: 0.25, seed: 3 })) {
      if (day === 0) writer.writeInstrument({ venue: 'sample', instrument: d.params.instrument, tickSize: d.params.tickSize, lotSize: d.params.lotSize, source: 'test' });
      const rows = day < 2 ? d.book.tsMs.findIndex((t) => t >= d.book.tsMs[0] + 20 * 60_000) : d.book.tsMs.length;
      const cut = (c: Float64Array) => c.subarray(0, rows);
      const book: BookTable = { ...d.book, tsMs: cut(d.book.tsMs), bidPx: d.book.bidPx.map(cut), bidSz: d.book.bidSz.map(cut), askPx: d.book.askPx.map(cut), askSz: d.book.askSz.map(cut), ...(d.book.bidCount ? { bidCount: d.book.bidCount.map(cut), askCount: d.book.askCount!.map(cut) } : {}) };
      await writer.writeBookTop('sample', book, d.params.instrument);
      await writer.writeTrades('sample', d.trades, d.params.instrument);
      day++;
    }
    writer.close();
    // before, the trades after the stop were unpaired: a WARNING after the first day and an error that ended the run
    const warnings = (stderr: string) => stderr.split('\n').filter((l) => /WARNING .*trades so far.*cannot be paired with the book/.test(l));
    const deadNote = (date: string) => new RegExp(`^${date}: the book did not change for more than 5\\.0 s while trades printed, 23\\.[67]\\d h in 1 stretch: masked$`);
    for (const args of [
      ['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--fill', 'tradeThrough', '--strategy', 'as', '--gamma', '0.5', '--window', '600s', '--report', join(dir, 'r.html')],
      ['estimate', '--catalog', root, '--inst', 'ETH-USDT'],
    ]) {
      const r = runAsmm([...args, '--json']);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(warnings(r.stderr)).toEqual([]);
      const out = JSON.parse(r.stdout) as { notes: string[]; masked?: { totalMs: number }; arrival?: { pairing: { tradesStale: number; droppedInMask: number } } };
      for (const date of ['2026-01-01', '2026-01-02']) expect(out.notes.some((n) => deadNote(date).test(n)), `${args[0]}: ${out.notes.join(' | ')}`).toBe(true);
      // masked from 5 s after the book's last row of each day to the next day's first row
      if (out.masked) expect(out.masked.totalMs).toBeGreaterThan(2 * (86_400_000 - 21 * 60_000));
      if (out.arrival) {
        expect(out.arrival.pairing.tradesStale).toBe(0);
        expect(out.arrival.pairing.droppedInMask).toBeGreaterThan(2 * 0.9 * 0.25 * 86_400);
      }
      const text = runAsmm(args);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^note: 2026-01-02: the book did not change for more than 5\.0 s while trades printed/m);
    }
    // a range without the stopped days: nothing masked
    const fine = runAsmm(['estimate', '--catalog', root, '--inst', 'ETH-USDT', '--from', '2026-01-03', '--json']);
    expect(fine.code, fine.stderr).toBe(0);
    expect((JSON.parse(fine.stdout) as { notes: string[] }).notes.join(' ')).not.toMatch(/did not change/);
  });
});
