import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, detectFormat, readReferenceCsv, readTableFile, writeReferenceCsv } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const header = 'Timestamp,Bid List,Bid Size List,Ask List,Ask Size List';

describe("the reference system's books5 CSV layout", () => {
  it('reads a hand-written file: Python lists, nan padding, second-resolution timestamps kept in order', () => {
    const path = join(dir, 'ref.csv');
    writeFileSync(
      path,
      [
        header,
        '2024-05-01 12:00:00,"[3788.59, 3788.58, 3788.57]","[1.5, 0.2, 3.0]","[3788.6, 3788.61, nan]","[0.7, 2.25, nan]"',
        '2024-05-01 12:00:00,"[3788.59, 3788.58, 3788.57]","[1.4, 0.2, 3.0]","[3788.6, 3788.61, 3788.62]","[0.7, 2.25, 9]"',
        '1714564801,"[3788.6, nan, nan]","[2.0, nan, nan]","[3788.61, nan, nan]","[1.0, nan, nan]"',
      ].join('\n') + '\n',
    );
    expect(detectFormat(path)).toBe('reference-books5-csv');
    const book = readReferenceCsv(path);
    expect(book.depth).toBe(3);
    expect(Array.from(book.tsMs)).toEqual([1714564800000, 1714564800000, 1714564801000]);
    expect(Array.from(book.bidSz[0])).toEqual([1.5, 1.4, 2.0]);
    expect(book.askPx[2][0]).toBeNaN();
    expect(book.askSz[2][1]).toBe(9);
    expect(book.bidPx[1][2]).toBeNaN();
    expect(book.meta.extra?.['asmm.ts_resolution_ms']).toBe('1000');
    expect(readTableFile(path).kind).toBe('book');
  });

  it('round-trips through its writer (timestamps truncated to the second, as the reference records them)', () => {
    const { book } = generateSampleMarket({ durationSec: 30, seed: 4 });
    const path = join(dir, 'sample-ref.csv');
    writeReferenceCsv(path, book);
    const read = readReferenceCsv(path);
    expect(read.tsMs.length).toBe(book.tsMs.length);
    expect(Array.from(read.askSz[4])).toEqual(Array.from(book.askSz[4]));
    expect(Array.from(read.tsMs)).toEqual(Array.from(book.tsMs, (t) => Math.floor(t / 1000) * 1000));
    expect(readFileSync(path, 'utf8').split('\n')[1]).toMatch(/^2026-01-01 00:00:00,"\[2999\.99, 2999\.98/);
  });

  it('rejects malformed rows with file, line and the list field', () => {
    const cases: Array<[string, number, string]> = [
      ['2024-05-01 12:00:00,"[1.0, x]","[1, 1]","[2, 3]","[1, 1]"', 2, 'Bid List[1]'],
      ['2024-05-01 12:00:00,"[1.0]","[1, 1]","[2]","[1]"', 2, 'Bid Size List'],
      ['yesterday,"[1.0]","[1]","[2]","[1]"', 2, 'Timestamp'],
      ['2024-05-01 12:00:00,"[3.0]","[1]","[2]","[1]"', 2, 'Ask List[0]'],
      ['2024-05-01 12:00:00,"1.0","[1]","[2]","[1]"', 2, 'Bid List'],
    ];
    for (const [line, lineNo, field] of cases) {
      const path = join(dir, 'bad-ref.csv');
      writeFileSync(path, `${header}\n${line}\n`);
      let caught: unknown;
      try {
        readReferenceCsv(path);
      } catch (error) {
        caught = error;
      }
      expect(caught, line).toBeInstanceOf(DataError);
      expect({ line: (caught as DataError).line, field: (caught as DataError).field }, line).toEqual({ line: lineNo, field });
    }
  });
});
