import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestExecutions, glftStrategy, replayDepth, symmetricStrategy } from '../../src/backtest/index.js';
import { concatBookTables } from '../../src/data/concatTables.js';
import type { BookTable } from '../../src/data/index.js';
import { rollingCalibration } from '../../src/estimate/index.js';
import { CatalogWriter, importIntoCatalog, openCatalog, readCatalogDepth } from '../../src/catalog/index.js';
import { replayBinanceCapture } from '../../src/formats/binanceCapture.js';
import { readOkxBooksDepthEvents } from '../../src/formats/okxHistoryBooks.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import { interruptedRange, projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
if (!existsSync(capture)) process.stderr.write(`test/catalog/depthRange.test.ts skipped: ${capture} is absent (../shared/data)\n`);
const root = tempDir('asmm-catalog-depth-');

describe.skipIf(!existsSync(capture))('a Binance capture\'s level changes through the catalog (needs ../shared/data)', () => {
  it('book_deltas read back are the capture\'s level changes, clears and local stamps included, across its two UTC days; the replay from them is the replay of the file', async () => {
    const writer = await CatalogWriter.create(root);
    const [report] = await importIntoCatalog(writer, capture, { venue: 'binance' });
    writer.close();
    expect(report.format).toBe('binance-hftbacktest-capture');
    const direct = await replayBinanceCapture(capture, 5, { native: true });
    const n = direct.native!;
    expect(report.parts.filter((p) => p.table === 'book_deltas').reduce((a, p) => a + p.rows, 0)).toBe(n.tsMs.length);
    const catalog = await openCatalog(root);
    try {
      const input = await readCatalogDepth(catalog, 'binance', 'BTCUSDT');
      expect(input.dates.length).toBe(2); // the capture crosses midnight UTC
      expect(input.events.tsMs).toEqual(n.tsMs);
      expect(input.events.side).toEqual(n.side);
      expect(input.events.localTsMs).toEqual(n.localTsMs);
      // NaN (a clear's price) compares equal in toEqual; every level price and size as read
      expect(input.events.px).toEqual(n.px);
      expect(input.events.qty).toEqual(n.qty);
      expect(input.trades.tsMs).toEqual(direct.trades.tsMs);
      const config = { strategy: symmetricStrategy(0.01), orderSize: 0.01, tickSize: 0.01, feedLatencyMs: 10, entryLatencyMs: 10 };
      const fromCatalog = replayDepth(input.events, input.trades, { ...config, masked: input.masked });
      const fromFile = replayDepth(n, direct.trades, { ...config, masked: direct.book.masked ?? [] });
      expect(fromCatalog.fills.tsMs.length).toBeGreaterThan(100);
      expect({ fills: fromCatalog.fills, pnl: fromCatalog.pnl }).toEqual({ fills: fromFile.fills, pnl: fromFile.pnl });
      // and on the command line: asmm backtest --depth full from the catalog as from the file
      const args = ['--depth', 'full', '--tick', '0.01', '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms', '--json'];
      const symmetric = ['--strategy', 'symmetric', '--half-spread', '0.01'];
      const cli = (source: string[]) => {
        const r = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-range-report.html'), ...args, ...(source.includes('--strategy') ? [] : symmetric), ...source]);
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout) as { fills: number; pnl: number; nativeEvents: number };
        return { fills: j.fills, pnl: j.pnl, nativeEvents: j.nativeEvents };
      };
      expect(cli(['--catalog', root, '--inst', 'BTCUSDT'])).toEqual(cli(['--data', capture]));
      // the catalog is read a day at a time (the capture spans midnight: two days), σ, A, k too, in streamed
      // windows: a calibrated strategy fills as from the file, where all is in memory
      const glft = ['--strategy', 'glft', '--window', '60s'];
      const streamedGlft = cli(['--catalog', root, '--inst', 'BTCUSDT', ...glft]);
      expect(streamedGlft.fills).toBeGreaterThan(10);
      expect(streamedGlft).toEqual(cli(['--data', capture, ...glft]));
      // the feed as recorded: the clock check over every day's stamps, then each day at its stamps
      const recorded = (source: string[]) => {
        const r = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-range-recorded.html'), ...args, ...source, '--strategy', 'glft', '--window', '60s', '--feed-latency', 'recorded', '--local-clock-offset', 'auto']);
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout) as { fills: number; pnl: number; localClockOffsetMs: number; notes: string[] };
        return { fills: j.fills, pnl: j.pnl, localClockOffsetMs: j.localClockOffsetMs, binned: j.notes.some((n) => /counted in bins over the range/.test(n)) };
      };
      const recordedFromCatalog = recorded(['--catalog', root, '--inst', 'BTCUSDT']);
      const recordedFromFile = recorded(['--data', capture]);
      expect(recordedFromCatalog.binned).toBe(true);
      expect(recordedFromCatalog.localClockOffsetMs).toBeGreaterThan(1000); // the shared capture's clock runs 1.27 s behind
      expect({ ...recordedFromCatalog, binned: false }).toEqual({ ...recordedFromFile, binned: false });
      // a range that starts inside a day's changes (no snapshot there) is masked until the next snapshot
      const second = await readCatalogDepth(catalog, 'binance', 'BTCUSDT', input.dates[1], input.dates[1]);
      expect(second.events.side[0]).not.toBe(0);
      expect(second.masked.some((m) => m.fromMs === second.events.tsMs[0] && /starts inside the day's changes, without a snapshot/.test(m.reason))).toBe(true);
      expect(input.masked.some((m) => /without a snapshot/.test(m.reason))).toBe(false);
    } finally {
      catalog.close();
    }
  });
});

describe('an OKX books history day through the catalog', () => {
  it('book_deltas read back are the day\'s level changes with their order counts, a snapshot as a clear; orderCount replays from them', async () => {
    const dir = tempDir('asmm-catalog-depth-okx-');
    // 5 minutes: about 120,000 level changes and 3 snapshots
    const day = await writeOkxHistoryDay({ dir, kind: 'books', date: '2025-11-01', inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 300 });
    const catalogRoot = tempDir('asmm-catalog-depth-okx-root-');
    const writer = await CatalogWriter.create(catalogRoot);
    await importIntoCatalog(writer, day.path, { venue: 'okx' });
    writer.close();
    const direct = await readOkxBooksDepthEvents(day.path);
    const catalog = await openCatalog(catalogRoot);
    try {
      const input = await readCatalogDepth(catalog, 'okx', 'ETH-USDT');
      expect(input.events.tsMs.length).toBeGreaterThan(1000);
      expect(input.events.tsMs).toEqual(direct.events.tsMs);
      expect(input.events.side).toEqual(direct.events.side);
      expect(input.events.px).toEqual(direct.events.px);
      expect(input.events.qty).toEqual(direct.events.qty);
      expect(input.events.orders).toEqual(direct.events.orders);
      expect(input.events.localTsMs).toBeUndefined();
      expect(input.events.side.filter((x) => x === 0).length).toBe(day.snapshots);
      const tick = 0.01;
      const r = replayDepth(input.events, { kind: 'trades', tsMs: new Float64Array(0), side: new Int8Array(0), px: new Float64Array(0), sz: new Float64Array(0), id: new Float64Array(0), meta: {} }, { strategy: symmetricStrategy(tick), orderSize: 0.01, tickSize: tick, queueModel: { name: 'orderCount' } });
      expect(r.orders.side.length).toBeGreaterThan(0);
    } finally {
      catalog.close();
    }
  });
});

describe('asmm backtest --catalog --depth full reads a day at a time', () => {
  /**
   * Three OKX history days (books and trades, 10 minutes each: some 5,000 GLFT fills, 15,000 symmetric) in a
   * catalog, made once for the tests below.
   */
  let threeDays: Promise<string> | undefined;
  const threeDayCatalog = () =>
    (threeDays ??= (async () => {
      const dir = tempDir('asmm-catalog-depth-days-');
      const catalogRoot = tempDir('asmm-catalog-depth-days-root-');
      const writer = await CatalogWriter.create(catalogRoot);
      for (const [n, date] of ['2025-11-01', '2025-11-02', '2025-11-03'].entries()) {
        const day = { dir, date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 600, seed: 10 + n } as const;
        await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, kind: 'books' })).path, { venue: 'okx' });
        await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
      }
      writer.close();
      return catalogRoot;
    })());

  it('over three OKX history days (books and trades) gives the replay of the range held in memory, σ, A, k included', async () => {
    const catalogRoot = await threeDayCatalog();
    const tick = 0.01;
    const cli = (strategy: string[]) => {
      const r = runAsmm(['backtest', '--catalog', catalogRoot, '--inst', 'ETH-USDT', '--depth', 'full', ...strategy, '--window', '120s', '--tick', String(tick), '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms', '--report', join(tmpdir(), 'depth-days.html'), '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { fills: number; pnl: number; nativeEvents: number; decisions: number; finalInventory: number; notes: string[]; days: Array<{ date: string; levelChanges: number; trades: number; fillsSoFar: number; inventory: number; pnl: number }> };
    };
    // the range in memory: every day's level changes and trades, the top-5 rows joined for the calibration
    const catalog = await openCatalog(catalogRoot);
    let input;
    const books = [];
    try {
      input = await readCatalogDepth(catalog, 'okx', 'ETH-USDT');
      for await (const day of catalog.readBookTopDays('okx', 'ETH-USDT')) books.push(day);
    } finally {
      catalog.close();
    }
    expect(input.dates).toEqual(['2025-11-01', '2025-11-02', '2025-11-03']);
    const book = { ...concatBookTables(books), masked: input.masked };
    for (const [name, strategy] of [['symmetric', symmetricStrategy(0.03)], ['glft', glftStrategy(0.1, 5)]] as const) {
      const calibration = strategy.requires.length ? rollingCalibration(book, backtestExecutions(book, input.trades, 'queue', tick).marketOrders, { windowSec: 120, stepSec: 1 }) : undefined;
      const inMemory = replayDepth(input.events, input.trades, { strategy, orderSize: 0.01, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10, masked: input.masked, ...(calibration ? { calibration } : {}) });
      const streamed = cli(['--strategy', name, ...(name === 'symmetric' ? ['--half-spread', '0.03'] : ['--gamma', '0.1', '--q-max', '5'])]);
      expect(streamed.notes.join(' ')).toMatch(/read a day at a time/);
      // the generated market's orders follow A·exp(−k·δ): the check of the model over the range's counts says nothing
      expect(streamed.notes.join(' ')).not.toMatch(/do not follow/);
      // each day as it was replayed: every event counted once, the fills so far growing to the run's, the last
      // day's inventory and PnL the run's
      expect(streamed.days.map((d) => d.date)).toEqual(['2025-11-01', '2025-11-02', '2025-11-03']);
      expect(streamed.days.reduce((n, d) => n + d.levelChanges + d.trades, 0)).toBe(streamed.nativeEvents);
      expect(streamed.days.map((d) => d.fillsSoFar)).toEqual([...streamed.days.map((d) => d.fillsSoFar)].sort((a, b) => a - b));
      expect(streamed.days[0].fillsSoFar).toBeGreaterThan(0);
      expect(streamed.days.at(-1)).toMatchObject({ fillsSoFar: streamed.fills, inventory: streamed.finalInventory, pnl: streamed.pnl });
      // each day's line (stderr) prints the day's inventory as --json gives it: no float noise, no digits cut
      if (name === 'glft') {
        const text = runAsmm(['backtest', '--catalog', catalogRoot, '--inst', 'ETH-USDT', '--depth', 'full', '--strategy', name, '--gamma', '0.1', '--q-max', '5', '--window', '120s', '--tick', String(tick), '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms', '--report', join(tmpdir(), 'depth-days-text.html')]);
        expect(text.code, text.stderr).toBe(0);
        const printed = text.stderr.split('\n').flatMap((l) => /^ {2}\d{4}-\d\d-\d\d: .* inventory (\S+), PnL /.exec(l)?.[1] ?? []);
        // (no lot in this catalog: --json keeps the sums as they are, 0.009999999999999997; the lines 12 significant digits)
        const significant = (v: string) => v.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
        expect(streamed.days.some((d) => significant(String(d.inventory)) > 12)).toBe(true);
        const finalPrinted = /^finalInventory\s+(\S+)$/m.exec(text.stdout)?.[1];
        expect(finalPrinted).toBeDefined();
        for (const [v, exact] of [...printed.map((v, i) => [v, streamed.days[i].inventory] as const), [finalPrinted!, streamed.finalInventory] as const]) {
          expect(Math.abs(Number(v) - exact)).toBeLessThan(1e-12);
          expect(significant(v), v).toBeLessThanOrEqual(12);
        }
        expect(printed).toHaveLength(3);
      }
      expect(inMemory.fills.tsMs.length, name).toBeGreaterThan(20);
      expect({ fills: streamed.fills, pnl: streamed.pnl, nativeEvents: streamed.nativeEvents, decisions: streamed.decisions }, name).toEqual({
        fills: inMemory.fills.tsMs.length,
        pnl: inMemory.pnl,
        nativeEvents: inMemory.nativeEvents,
        decisions: inMemory.decisions,
      });
    }
  });

  it('Ctrl-C after the first day: the days replayed so far give the result, the report is written, exit 130', async () => {
    const catalogRoot = await threeDayCatalog();
    const report = join(tempDir('asmm-catalog-depth-interrupt-'), 'report.html');
    const args = ['backtest', '--catalog', catalogRoot, '--inst', 'ETH-USDT', '--depth', 'full', '--strategy', 'glft', '--gamma', '0.1', '--q-max', '5', '--window', '120s', '--tick', '0.01', '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms'];
    const { stdout, lastCovered } = await interruptedRange([...args, '--report', report], { what: 'the backtest', afterDate: '2025-11-01', range: ['2025-11-01', '2025-11-02', '2025-11-03'] });
    expect(existsSync(report)).toBe(true);
    // the partial result is the run of the days it covers
    const upTo = runAsmm([...args, '--to', lastCovered, '--report', join(tmpdir(), 'depth-days-to.html'), '--json']);
    expect(upTo.code, upTo.stderr).toBe(0);
    const whole = JSON.parse(upTo.stdout) as { fills: number; pnl: number; nativeEvents: number };
    const metric = (name: string) => Number(new RegExp(`^${name} +(\\S+)$`, 'm').exec(stdout)?.[1]);
    expect({ fills: metric('fills'), pnl: metric('pnl'), nativeEvents: metric('nativeEvents') }).toEqual({ fills: whole.fills, pnl: Number(whole.pnl.toPrecision(6)), nativeEvents: whole.nativeEvents });
    expect(whole.fills).toBeGreaterThan(0);
  });

  it('books that stop two minutes into their first two days: the day where most trades so far cannot be paired says so, once, before the error that ends the run', async () => {
    const dir = tempDir('asmm-catalog-depth-unpaired-');
    const catalogRoot = tempDir('asmm-catalog-depth-unpaired-root-');
    const writer = await CatalogWriter.create(catalogRoot);
    for (const [n, date] of ['2025-11-01', '2025-11-02', '2025-11-03'].entries()) {
      const day = { dir, date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, seed: 10 + n } as const;
      await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, durationSec: n < 2 ? 120 : 900, kind: 'books' })).path, { venue: 'okx' });
      await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, durationSec: 900, kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
    }
    writer.close();
    const r = runAsmm(['backtest', '--catalog', catalogRoot, '--inst', 'ETH-USDT', '--depth', 'full', '--strategy', 'glft', '--window', '60s', '--tick', '0.01', '--size', '0.01', '--report', join(dir, 'r.html')]);
    expect(r.code, r.stderr).toBe(1);
    const final = r.stderr.search(/trades: \d+ of \d+ trades \(\d+ %\) cannot be paired with the book \(/);
    expect(final).toBeGreaterThan(0);
    const warnings = r.stderr.split('\n').filter((l) => /WARNING \d+ of \d+ trades so far .*cannot be paired with the book/.test(l));
    expect(warnings, r.stderr).toHaveLength(1);
    // said at a day before the last, ahead of the error
    expect(warnings[0]).toMatch(/^ {2}2025-11-0[12]: WARNING/);
    expect(r.stderr.indexOf(warnings[0])).toBeLessThan(final);
  });
});

describe('asmm backtest --catalog --depth full on an uneven range', () => {
  it('a day of trades only and a day whose changes start before its first snapshot: the replay of the range held in memory, σ, A, k and orderCount included', async () => {
    const dir = tempDir('asmm-catalog-depth-uneven-');
    const catalogRoot = tempDir('asmm-catalog-depth-uneven-root-');
    const writer = await CatalogWriter.create(catalogRoot);
    // 5 minutes a day (more than two 120 s windows; some 750 GLFT fills, 4,000 symmetric)
    const day = (date: string, seed: number) => ({ dir, date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: 300, seed }) as const;
    // the first day's last 5 minutes, so that the next day's first trades pair with its last row
    const lastMinutes = { startOffsetSec: 86_400 - 300 };
    await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day('2025-11-01', 20), ...lastMinutes, kind: 'books' })).path, { venue: 'okx' });
    await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day('2025-11-01', 20), ...lastMinutes, kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
    // the second day: trades only
    await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day('2025-11-02', 21), kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
    // the third: its opening snapshot lost, so its changes start before its first snapshot (a gap before its rows)
    await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day('2025-11-03', 22), kind: 'books', faults: { dropLines: [1] } })).path, { venue: 'okx' });
    await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day('2025-11-03', 22), kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
    writer.close();
    const catalog = await openCatalog(catalogRoot);
    let input;
    const books: BookTable[] = [];
    try {
      input = await readCatalogDepth(catalog, 'okx', 'ETH-USDT');
      for await (const b of catalog.readBookTopDays('okx', 'ETH-USDT')) books.push(b);
    } finally {
      catalog.close();
    }
    // the lost snapshot's gap lies between the first day's rows and the third's
    const firstRowOfLast = books[books.length - 1].tsMs[0];
    expect(input.masked.some((m) => m.toMs <= firstRowOfLast && m.fromMs > books[0].tsMs[books[0].tsMs.length - 1])).toBe(true);
    const book = { ...concatBookTables(books), masked: input.masked };
    const tick = 0.01;
    for (const [args, strategy, queueModel] of [
      // (a timer decides every 0.5 s, through the day of trades only too: σ, A, k there come from its trades)
      [['--strategy', 'glft', '--gamma', '0.1', '--q-max', '5', '--refresh', '500ms'], glftStrategy(0.1, 5), 'power'],
      [['--strategy', 'symmetric', '--half-spread', '0.03', '--queue-model', 'orderCount'], symmetricStrategy(0.03), 'orderCount'],
    ] as const) {
      const calibration = strategy.requires.length ? rollingCalibration(book, backtestExecutions(book, input.trades, 'queue', tick).marketOrders, { windowSec: 120, stepSec: 1 }) : undefined;
      const inMemory = replayDepth(input.events, input.trades, { strategy, orderSize: 0.01, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10, masked: input.masked, queueModel: { name: queueModel }, ...(calibration ? { calibration, refreshMs: 500 } : {}) });
      const r = runAsmm(['backtest', '--catalog', catalogRoot, '--inst', 'ETH-USDT', '--depth', 'full', ...args, '--window', '120s', '--tick', String(tick), '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms', '--report', join(tmpdir(), 'depth-uneven.html'), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const streamed = JSON.parse(r.stdout) as { fills: number; pnl: number; nativeEvents: number; decisions: number };
      expect(inMemory.fills.tsMs.length, strategy.name).toBeGreaterThan(20);
      expect({ fills: streamed.fills, pnl: streamed.pnl, nativeEvents: streamed.nativeEvents, decisions: streamed.decisions }, strategy.name).toEqual({
        fills: inMemory.fills.tsMs.length,
        pnl: inMemory.pnl,
        nativeEvents: inMemory.nativeEvents,
        decisions: inMemory.decisions,
      });
    }
  });
});
