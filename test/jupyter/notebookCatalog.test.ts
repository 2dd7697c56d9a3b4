import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogWriter } from '../../src/catalog/index.js';
import { concatBookTables, concatTradeTables } from '../../src/data/concatTables.js';
import { DataError } from '../../src/data/index.js';
import { NotebookDataError, notebookMarket } from '../../src/jupyter/index.js';
import { generateSampleMarket, sampleMarketDays } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

// 4 h of the sample market at 1 s from 22:00 UTC: two hours on 2026-01-01, two on 2026-01-02, one gap stored
const params = { durationSec: 4 * 3600, seed: 7, snapshotIntervalMs: 1000, startMs: Date.UTC(2026, 0, 1, 22) };
const gap = { fromMs: Date.UTC(2026, 0, 2, 1), toMs: Date.UTC(2026, 0, 2, 1, 5), reason: 'sequence gap (test)' };
const root = join(tempDir(), 'catalog');
let instrument = '';

beforeAll(async () => {
  const writer = await CatalogWriter.create(root);
  try {
    for (const day of sampleMarketDays(params)) {
      instrument = day.params.instrument;
      writer.writeInstrument({ venue: 'sample', instrument, tickSize: day.params.tickSize, lotSize: day.params.lotSize, source: 'test' });
      await writer.writeBookTop('sample', day.book, instrument);
      await writer.writeTrades('sample', day.trades, instrument);
    }
    await writer.writeGaps('sample', instrument, [gap]);
  } finally {
    writer.close();
  }
});

describe('notebookMarket on a catalog range (ASMM_CATALOG, ASMM_INST, ASMM_FROM, ASMM_TO)', () => {
  const whole = generateSampleMarket(params);

  it('joins the days of the range into the same market as one in-memory run, with the catalog\'s gaps masked', async () => {
    const lines: string[] = [];
    const m = await notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument }, print: (l) => lines.push(l) });
    expect(m.source).toBe('catalog');
    expect(m.sample).toBeUndefined();
    expect(Array.from(m.book.tsMs)).toEqual(Array.from(whole.book.tsMs));
    for (let level = 0; level < whole.book.depth; level++) {
      expect(Array.from(m.book.bidPx[level])).toEqual(Array.from(whole.book.bidPx[level]));
      expect(Array.from(m.book.askSz[level])).toEqual(Array.from(whole.book.askSz[level]));
    }
    expect(Array.from(m.trades!.px)).toEqual(Array.from(whole.trades.px));
    expect(Array.from(m.trades!.side)).toEqual(Array.from(whole.trades.side));
    expect(m.tickSize).toBe(whole.params.tickSize);
    expect(m.tickSource).toBe('the catalog');
    expect(m.masked.count).toBe(1);
    expect(m.masked.totalMs).toBe(5 * 60_000);
    expect(lines[0]).toBe(`data: your catalog (ASMM_CATALOG): ${root}, sample/${instrument}, 2 day(s) 2026-01-01..2026-01-02`);
    expect(lines.join('\n')).toContain('sequence gap (test)');
  });

  it('ASMM_FROM / ASMM_TO keep only their days', async () => {
    const m = await notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument, ASMM_FROM: '2026-01-02', ASMM_TO: '2026-01-02' }, print: () => {} });
    const secondDay = Date.UTC(2026, 0, 2);
    const expected = Array.from(whole.book.tsMs).filter((t) => t >= secondDay);
    expect(Array.from(m.book.tsMs)).toEqual(expected);
    expect(m.lines[0]).toContain('1 day(s) 2026-01-02..2026-01-02');
  });

  it('says what is wrong, naming the variables: range without a catalog, both sources, unknown instrument, bad date, too large', async () => {
    const quiet = { print: () => {} };
    await expect(notebookMarket({ env: { ASMM_INST: instrument }, ...quiet })).rejects.toThrow(/ASMM_INST is set but ASMM_CATALOG is not/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_BOOKS: 'b.csv' }, ...quiet })).rejects.toThrow(/ASMM_CATALOG=.* and ASMM_BOOKS are both set/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root }, ...quiet })).rejects.toThrow(/ASMM_CATALOG needs ASMM_INST ID/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: 'NOPE-USDT' }, ...quiet })).rejects.toThrow(/holds no NOPE-USDT/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument, ASMM_FROM: '2026-1-2' }, ...quiet })).rejects.toThrow(/ASMM_FROM must be a date YYYY-MM-DD/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument, ASMM_FROM: '2026-01-03', ASMM_TO: '2026-01-02' }, ...quiet })).rejects.toThrow(/ASMM_FROM 2026-01-03 is after ASMM_TO 2026-01-02/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument, ASMM_FROM: '2027-01-01' }, ...quiet })).rejects.toThrow(/no book_top day/);
    await expect(notebookMarket({ env: { ASMM_CATALOG: join(root, 'absent') , ASMM_INST: instrument }, ...quiet })).rejects.toThrow(NotebookDataError);
    await expect(notebookMarket({ env: { ASMM_CATALOG: root, ASMM_INST: instrument }, maxCatalogBookRows: 10_000, ...quiet })).rejects.toThrow(/holds more than 10,000 book rows.*asmm backtest --catalog/);
  });
});

describe('concatBookTables / concatTradeTables', () => {
  it('refuse tables that overlap in time or differ in depth, naming the table', () => {
    const a = generateSampleMarket({ durationSec: 10, seed: 1 });
    const b = generateSampleMarket({ durationSec: 10, seed: 2 }); // the same start: overlaps a
    expect(() => concatBookTables([a.book, b.book])).toThrow(DataError);
    expect(() => concatTradeTables([a.trades, b.trades])).toThrow(/before the end of/);
    const shallow = { ...b.book, depth: 1, bidPx: b.book.bidPx.slice(0, 1), bidSz: b.book.bidSz.slice(0, 1), askPx: b.book.askPx.slice(0, 1), askSz: b.book.askSz.slice(0, 1) };
    expect(() => concatBookTables([a.book, shallow])).toThrow(/1 levels, the first table has 5/);
  });
});
