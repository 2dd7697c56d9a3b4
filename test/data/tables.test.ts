import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataError,
  bookColumns,
  readBookArrow,
  readBookCsv,
  readTradeArrow,
  readTradeCsv,
  scanCsv,
  writeBookArrow,
  writeBookCsv,
  writeTradeArrow,
  writeTradeCsv,
  type BookTable,
} from '../../src/data/index.js';
import { readBookFile, readTableFile } from '../../src/formats/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const market = generateSampleMarket({ durationSec: 120, seed: 9 });

function expectSameBook(a: BookTable, b: BookTable): void {
  const colsA = bookColumns(a);
  const colsB = bookColumns(b);
  expect(colsB.map(([n]) => n)).toEqual(colsA.map(([n]) => n));
  colsA.forEach(([name, col], c) => expect(Array.from(colsB[c][1]), name).toEqual(Array.from(col)));
}

describe('CSV and Arrow round trips', () => {
  it('book: memory → CSV → memory and memory → Arrow → memory give identical columns', () => {
    writeBookCsv(join(dir, 'b.csv'), market.book);
    writeBookArrow(join(dir, 'b.arrow'), market.book);
    const fromCsv = readBookCsv(join(dir, 'b.csv'));
    const fromArrow = readBookArrow(join(dir, 'b.arrow'));
    expectSameBook(fromCsv, market.book);
    expectSameBook(fromArrow, market.book);
    expect(fromArrow.meta.instrument).toBe('ETH-USDT');
    expect(fromArrow.meta.tickSize).toBe(0.01);
  });

  it('trades: CSV and Arrow give identical columns, sides as taker buy/sell', () => {
    writeTradeCsv(join(dir, 't.csv'), market.trades);
    writeTradeArrow(join(dir, 't.arrow'), market.trades);
    for (const read of [readTradeCsv(join(dir, 't.csv')), readTradeArrow(join(dir, 't.arrow'))]) {
      for (const key of ['tsMs', 'id', 'side', 'px', 'sz'] as const) expect(Array.from(read[key]), key).toEqual(Array.from(market.trades[key]));
    }
    expect(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[0]).toBe('ts_ms,id,side,px,sz');
  });

  it('keeps missing levels (NaN ↔ empty field) and the optional local_ts_ms column', () => {
    const n = 3;
    const col = (values: number[]) => Float64Array.from(values);
    const book: BookTable = {
      kind: 'book',
      depth: 2,
      tsMs: col([1000, 1100, 1100]),
      localTsMs: col([1005, 1107, 1108]),
      bidPx: [col([10, 10, 9.9]), col([9.9, NaN, NaN])],
      bidSz: [col([1, 2, 3]), col([4, NaN, NaN])],
      askPx: [col([10.1, 10.2, 10.0]), col([10.2, 10.3, 10.1])],
      askSz: [col([5, 6, 7]), col([8, 9, 0.5])],
      meta: {},
    };
    writeBookCsv(join(dir, 'gaps.csv'), book);
    writeBookArrow(join(dir, 'gaps.arrow'), book);
    expect(readFileSync(join(dir, 'gaps.csv'), 'utf8').split('\n')[2]).toBe('1100,1107,10,,2,,10.2,10.3,6,9');
    for (const read of [readBookCsv(join(dir, 'gaps.csv')), readBookArrow(join(dir, 'gaps.arrow'))]) {
      expect(read.tsMs.length).toBe(n);
      expectSameBook(read, book);
    }
  });

  it('streams: tiny read chunks give the same rows as one big chunk, every line accounted for', () => {
    const path = join(dir, 'b.csv');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').length;
    const seen: number[] = [];
    scanCsv(path, () => {}, (row) => seen.push(row.line), { chunkBytes: 97 });
    expect(seen.length).toBe(lines - 1);
    expect(seen[0]).toBe(2);
    expect(seen[seen.length - 1]).toBe(lines);
  });

  it('detects formats and kinds by content', () => {
    expect(readTableFile(join(dir, 'b.arrow')).kind).toBe('book');
    expect(readTableFile(join(dir, 't.arrow')).kind).toBe('trades');
    expect(readTableFile(join(dir, 't.csv')).kind).toBe('trades');
  });
});

describe('malformed input is rejected with file, line and field', () => {
  const header = 'ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1';
  const cases: Array<[string, string, number, string, RegExp]> = [
    ['missing column', 'ts_ms,bid_px_1,bid_sz_1,ask_px_1\n1,1,1,2', 1, 'ask_sz_1', /missing column/],
    ['non-number', `${header}\n1000,10,1,10.1,2\n1100,10,abc,10.1,2`, 3, 'bid_sz_1', /not a number \("abc"\)/],
    ['unsorted timestamps', `${header}\n1000,10,1,10.1,2\n1100,10,1,10.1,2\n1050,10,1,10.1,2`, 4, 'ts_ms', /not sorted/],
    ['crossed book', `${header}\n1000,10,1,10.1,2\n1100,10.2,1,10.1,2`, 3, 'ask_px_1', /crossed/],
    ['short row', `${header}\n1000,10,1,10.1`, 2, 'ask_sz_1', /missing field/],
    ['long row', `${header}\n1000,10,1,10.1,2,7`, 2, 'field 6', /6 fields/],
    ['non-positive size', `${header}\n1000,10,0,10.1,2`, 2, 'bid_sz_1', /positive/],
    ['empty timestamp', `${header}\n,10,1,10.1,2`, 2, 'ts_ms', /empty/],
  ];
  for (const [name, text, line, field, reason] of cases) {
    it(name, () => {
      const path = join(dir, `bad-${name.replace(/\W+/g, '-')}.csv`);
      writeFileSync(path, text + '\n');
      let caught: unknown;
      try {
        readBookCsv(path);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DataError);
      const error = caught as DataError;
      expect({ file: error.file, line: error.line, field: error.field }).toEqual({ file: path, line, field });
      expect(error.message).toMatch(reason);
      expect(error.message.startsWith(`${path}:${line} ${field}:`)).toBe(true);
    });
  }

  it('a time in exponent notation is refused when its last digit stands above 1 ms, down to 10 ms (the time ends in 0); a full one loads', () => {
    // by hand: 1.76722560012E+12 writes 11 digits after the point, so its last (the 2) stands for 10^(12 − 11) = 10 ms
    const path = join(dir, 'exponent-trades.csv');
    writeFileSync(path, 'ts_ms,id,side,px,sz\n1767225600101,1,buy,10,1\n1.76722560012E+12,2,buy,10,1\n');
    expect(() => readTradeCsv(path)).toThrow(/exponent-trades\.csv:3 ts_ms: "1\.76722560012E\+12" is in exponent notation with no digit below 10 ms/);
    // 1767225600130 written as 1.76722560013e12 leaves out its ms digit (10 ms place), as 1.767225600130e12 does not
    writeFileSync(path, 'ts_ms,id,side,px,sz\n1.767225600123e+12,1,buy,10,1\n1.76722560013e12,2,buy,10,1\n');
    expect(() => readTradeCsv(path)).toThrow(/no digit below 10 ms/);
    writeFileSync(path, 'ts_ms,id,side,px,sz\n1.767225600123e+12,1,buy,10,1\n1.767225600130e12,2,buy,10,1\n');
    expect(Array.from(readTradeCsv(path).tsMs)).toEqual([1767225600123, 1767225600130]);
  });

  it('a bad trade side names its line', () => {
    const path = join(dir, 'bad-trades.csv');
    writeFileSync(path, 'ts_ms,id,side,px,sz\n1,1,buy,10,1\n2,2,BUY,10,1\n');
    expect(() => readTradeCsv(path)).toThrow(/bad-trades\.csv:3 side: must be "buy" or "sell"/);
  });

  it('an Arrow file with a bad row names the row and field', () => {
    const book = generateSampleMarket({ durationSec: 2, seed: 1 }).book;
    const broken: BookTable = { ...book, askPx: book.askPx.map((c) => c.slice()) };
    broken.askPx[0][7] = broken.bidPx[0][7] - 1;
    const path = join(dir, 'crossed.arrow');
    writeBookArrow(path, broken);
    expect(() => readBookFile(path)).toThrow(/crossed\.arrow row 7 ask_px_1: crossed/);
  });
});
