import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBookArrow, writeBookArrow } from '../../src/data/arrow.js';
import { readBookCsv, writeBookCsv } from '../../src/data/csv.js';
import type { BookTable } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const f = (...v: number[]) => Float64Array.from(v);
/** Two levels a side, three rows; the orders per level as OKX's books channel gives them (a missing level: NaN). */
const book: BookTable = {
  kind: 'book',
  depth: 2,
  tsMs: f(1_767_225_600_000, 1_767_225_600_100, 1_767_225_600_200),
  bidPx: [f(99.9, 99.9, 99.8), f(99.8, 99.7, NaN)],
  bidSz: [f(1, 2, 3), f(4, 5, NaN)],
  askPx: [f(100.1, 100.1, 100.2), f(100.2, 100.3, 100.3)],
  askSz: [f(1, 1, 2), f(2, 2, 2)],
  bidCount: [f(3, 4, 1), f(2, 7, NaN)],
  askCount: [f(1, 1, 2), f(5, 5, 6)],
  meta: { instrument: 'BTC-USDT' },
};

describe('orders per level (bid_cnt_N, ask_cnt_N) in the CSV and Arrow tables', () => {
  it('survive a CSV and an Arrow round trip, after the other columns', () => {
    const csv = join(dir, 'counts.csv');
    writeBookCsv(csv, book);
    const back = readBookCsv(csv);
    expect(back.bidCount).toEqual(book.bidCount);
    expect(back.askCount).toEqual(book.askCount);
    const arrow = join(dir, 'counts.arrow');
    writeBookArrow(arrow, book);
    expect(readBookArrow(arrow).askCount).toEqual(book.askCount);
    // a table without them has none, and its file no such column
    const { bidCount: _b, askCount: _a, ...plain } = book;
    writeBookCsv(csv, plain);
    expect(readBookCsv(csv).bidCount).toBeUndefined();
  });

  it('a count that is not a whole number of orders names file, line and field', () => {
    const csv = join(dir, 'bad-counts.csv');
    writeBookCsv(csv, book);
    const lines = readFileSync(csv, 'utf8').split('\n');
    const header = lines[0].split(',');
    const at = header.indexOf('ask_cnt_2');
    const row = lines[2].split(',');
    row[at] = '2.5';
    lines[2] = row.join(',');
    writeFileSync(csv, lines.join('\n'));
    expect(() => readBookCsv(csv)).toThrow(/bad-counts\.csv:3 ask_cnt_2: an order count must be a whole number of orders, 0 or more, got 2\.5/);
  });
});
