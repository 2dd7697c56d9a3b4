import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import { backtestFillsFrame, backtestSeriesFrame, frameHtml, recordsFrame, recordsHtml } from '../../src/frame/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { projectRootForTests } from '../helpers/cli.js';

const market = generateSampleMarket({ durationSec: 300, seed: 21 });
const result = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(0.05), fill: 'queue', orderSize: 0.01, tickSize: 0.01, refreshMs: 500, entryLatencyMs: 30, makerFee: 0.0002 });

describe('danfo views of a backtest', () => {
  it('the series frame has one row per decision with the series values', () => {
    const df = backtestSeriesFrame(result);
    expect(df.shape).toEqual([result.series.tMs.length, 8]);
    expect(df.columns).toEqual(['time', 'mid_px', 'reservation_px', 'bid_px', 'ask_px', 'inventory', 'cash', 'equity']);
    const last = result.series.tMs.length - 1;
    expect(df['equity'].values[last]).toBe(result.series.equity[last]);
    expect(df['time'].values[0]).toBe(new Date(result.series.tMs[0]).toISOString());
    expect(backtestSeriesFrame(result, { start: 10, end: 20 }).shape[0]).toBe(10);
  });

  it('the fills frame gives each fill its side, edge against the mid, time since sent and fee', () => {
    const f = result.fills;
    expect(f.tsMs.length).toBeGreaterThan(2);
    const df = backtestFillsFrame(result);
    expect(df.shape[0]).toBe(f.tsMs.length);
    const sides = df['side'].values as string[];
    const edge = df['edge_per_unit'].values as number[];
    const sinceSent = df['ms_since_sent'].values as number[];
    const fee = df['fee'].values as number[];
    for (let i = 0; i < f.tsMs.length; i++) {
      expect(sides[i]).toBe(f.side[i] > 0 ? 'bought' : 'sold');
      // a bid bought below the mid earns mid − px; an ask sold above it earns px − mid
      expect(edge[i]).toBeCloseTo(f.side[i] > 0 ? f.midPx[i] - f.px[i] : f.px[i] - f.midPx[i], 12);
      expect(sinceSent[i]).toBeGreaterThanOrEqual(30);
      if (f.maker[i] === 1) expect(fee[i]).toBeCloseTo(0.0002 * f.px[i] * f.qty[i], 12);
    }
  });

  it('a backtest without fills or series gives empty frames with their columns', () => {
    const none = runBacktest(market.book, market.trades, { strategy: symmetricStrategy(50), fill: 'midCross', orderSize: 0.01, tickSize: 0.01, refreshMs: 500, recordSeries: false });
    expect(none.fills.tsMs.length).toBe(0);
    expect(backtestFillsFrame(none).shape).toEqual([0, 9]);
    expect(backtestSeriesFrame(none).columns).toContain('equity');
  });
});

describe('danfojs is loaded when a frame is made, not when frame/ is imported', () => {
  it('a process that imports the notebook module (which imports frame/) and makes a table of records (show) has not loaded danfojs until its first toFrame', () => {
    // a fresh process (the test's own has loaded danfojs through the tests above): the kernel's CommonJS build,
    // as a notebook kernel loads it
    const script = [
      "const loaded = () => Object.keys(require.cache).some((k) => k.includes('danfojs-node'));",
      "const notebook = require('./dist/kernel/jupyter/notebook.js');",
      "const before = loaded();",
      "const { recordsHtml } = require('./dist/kernel/frame/index.js');",
      "recordsHtml([{ a: 1.23456, b: 'x' }]);",
      "const afterTable = loaded();",
      "const { generateSampleMarket } = require('./dist/kernel/sample/index.js');",
      "const { toFrame } = require('./dist/kernel/frame/index.js');",
      "const frame = toFrame(generateSampleMarket({ durationSec: 10, seed: 1 }).book, { end: 3 });",
      "console.log(JSON.stringify({ notebook: typeof notebook.figure, before, afterTable, after: loaded(), rows: frame.shape[0] }));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['-e', script], { cwd: projectRootForTests, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ notebook: 'function', before: false, afterTable: false, after: true, rows: 3 });
  });
});

describe('recordsHtml: the table of frameHtml(recordsFrame(...)) without a DataFrame', () => {
  it('gives danfo\'s table, character for character, on numbers to round, NaN, ±Infinity, −0, strings to escape, missing and nested fields; no records, a line saying so', () => {
    const cases: Array<{ records: Array<Record<string, unknown>>; digits?: number }> = [
      { records: [{ gamma: 0.1, pnl: -12.345678, name: 'as <γ> & co', fills: 42 }, { gamma: 1, pnl: 3.0004999, name: 'glft', fills: 0 }] },
      { records: [{ x: NaN, y: Infinity, z: -Infinity, w: -0 }, { x: 1e-9, y: 123456789.123456, z: -1e21, w: 0.0005 }], digits: 3 },
      { records: [{ a: 1.23456789, b: 'x' }, { a: 2, b: 'y' }], digits: 6 },
      // fields the first record lacks or holds as objects are left out; a later record's missing field reads as "undefined"
      { records: [{ kept: 1, nested: { a: 1 }, flag: true, list: [1, 2] }, { kept: 2, extra: 'ignored' }, { other: 3 }] },
    ];
    for (const { records, digits } of cases) expect(recordsHtml(records, digits), JSON.stringify(records)).toBe(frameHtml(recordsFrame(records, digits)));
    // and the table says what it shows
    expect(recordsHtml(cases[0].records)).toContain('<td>as &lt;γ> &amp; co</td><td>42</td>');
    expect(recordsHtml(cases[0].records)).toContain('<td>-12.346</td>');
    // danfo refuses a frame of no columns (a TypeError); the table says there is nothing
    expect(() => recordsFrame([])).toThrow(TypeError);
    expect(recordsHtml([])).toBe('<p class="asmm-frame">no rows</p>');
  });
});
