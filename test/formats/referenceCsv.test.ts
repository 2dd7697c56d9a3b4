import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type BookTable, DataError } from '../../src/data/index.js';
import { detectFormat, readReferenceCsv, readTableFile, writeReferenceCsv } from '../../src/formats/index.js';
import { timestampResolutionMs } from '../../src/formats/referenceCsv.js';
import { createRng } from '../../src/random/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { expectSameColumn } from '../helpers/columns.js';
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

  it('records the resolution its timestamps have: the coarsest of 1000, 100, 10 and 1 ms dividing every one, as timestampResolutionMs finds it', () => {
    const row = '"[3788.59]","[1.5]","[3788.6]","[0.7]"';
    const cases: Array<[string[], number]> = [
      [['2024-05-01 12:00:00', '2024-05-01 12:00:00', '2024-05-01 12:00:01'], 1000],
      [['2024-05-01 12:00:00', '2024-05-01 12:00:00.5', '2024-05-01 12:00:01'], 100],
      [['1714564800', '1714564800.25', '1714564800.25', '1714564801'], 10],
      [['1714564800', '1714564800', '1714564800.001'], 1],
      // the finest stamp last, after a run of equal ones
      [['2024-05-01 12:00:00', '2024-05-01 12:00:01', '2024-05-01 12:00:01', '2024-05-01 12:00:01.07'], 10],
    ];
    for (const [stamps, expected] of cases) {
      const path = join(dir, `resolution-${expected}.csv`);
      writeFileSync(path, [header, ...stamps.map((t) => `${t},${row}`)].join('\n') + '\n');
      for (const fastPath of [true, false]) {
        const book = readReferenceCsv(path, {}, { fastPath });
        expect(book.meta.extra?.['asmm.ts_resolution_ms'], `${stamps.join(' | ')}, fast path ${fastPath}`).toBe(String(expected));
        expect(timestampResolutionMs(book.tsMs)).toBe(expected);
      }
    }
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

  it('keeps only the levels a caller reads when asked, still validating every level of every row', () => {
    const { book } = generateSampleMarket({ durationSec: 30, seed: 6 });
    const path = join(dir, 'levels-ref.csv');
    writeReferenceCsv(path, book);
    const full = readReferenceCsv(path);
    for (const fastPath of [true, false]) {
      const touch = readReferenceCsv(path, {}, { levels: 1, fastPath });
      expect(touch.depth).toBe(1);
      expect(touch.bidPx).toHaveLength(1);
      expect(Array.from(touch.tsMs)).toEqual(Array.from(full.tsMs));
      for (const key of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) expect(Array.from(touch[key][0])).toEqual(Array.from(full[key][0]));
      // what was left out is said
      expect(touch.meta.extra?.['asmm.levels_in_file']).toBe('5');
    }
    expect(full.meta.extra?.['asmm.levels_in_file']).toBeUndefined();
    // through the registry, as the CLI reads it
    expect((readTableFile(path, { levels: 2 }) as BookTable).depth).toBe(2);
    // a broken fifth level is still an error naming it
    const bad = join(dir, 'levels-bad-ref.csv');
    writeFileSync(bad, `${header}\n2024-05-01 12:00:00,"[5, 4, 3, 2, 2]","[1, 1, 1, 1, 1]","[6, 7, 8, 9, 10]","[1, 1, 1, 1, 1]"\n`);
    expect(() => readReferenceCsv(bad, {}, { levels: 1 })).toThrow(/Bid List\[4\]/);
  });

  it("with unkeptLevels 'skip', reads the kept levels only: the same values, deeper levels neither read nor checked, and says so", () => {
    const { book } = generateSampleMarket({ durationSec: 30, seed: 7 });
    const path = join(dir, 'skip-ref.csv');
    writeReferenceCsv(path, book);
    const validated = readReferenceCsv(path, {}, { levels: 1 });
    for (const fastPath of [true, false]) {
      const touch = readReferenceCsv(path, {}, { levels: 1, unkeptLevels: 'skip', fastPath });
      expect(touch.depth).toBe(1);
      expect(Array.from(touch.tsMs)).toEqual(Array.from(validated.tsMs));
      for (const key of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) expect(Array.from(touch[key][0])).toEqual(Array.from(validated[key][0]));
      expect(touch.meta.extra?.['asmm.levels_unread']).toBe('levels after 1 not read (neither kept nor validated)');
      expect(touch.meta.extra?.['asmm.levels_in_file']).toBeUndefined();
    }
    // a broken fifth level is not read, so not an error; a broken touch still is, with the validating reader's message
    const badDeep = join(dir, 'skip-bad-deep-ref.csv');
    writeFileSync(badDeep, `${header}\n2024-05-01 12:00:00,"[5, 4, 3, 2, 2]","[1, 1, 1, 1, x]","[6, 7, 8, 9, 10]","[1, 1, 1, 1, 1]"\n`);
    expect(() => readReferenceCsv(badDeep, {}, { levels: 1 })).toThrow(DataError);
    for (const fastPath of [true, false]) expect(readReferenceCsv(badDeep, {}, { levels: 1, unkeptLevels: 'skip', fastPath }).bidPx[0][0]).toBe(5);
    const badTouch = join(dir, 'skip-bad-touch-ref.csv');
    writeFileSync(badTouch, `${header}\n2024-05-01 12:00:00,"[5, 4]","[1, 1]","[6, 7]","[1, 1]"\n2024-05-01 12:00:01,"[7, 4]","[1, 1]","[6, 7]","[1, 1]"\n`);
    let validating: unknown;
    try {
      readReferenceCsv(badTouch, {}, { levels: 1 });
    } catch (error) {
      validating = error;
    }
    expect(validating).toBeInstanceOf(DataError);
    expect(() => readReferenceCsv(badTouch, {}, { levels: 1, unkeptLevels: 'skip' })).toThrow((validating as Error).message);
    // a file with only the touch has nothing unread
    const touchOnly = join(dir, 'skip-touch-only-ref.csv');
    writeFileSync(touchOnly, `${header}\n2024-05-01 12:00:00,"[5]","[1]","[6]","[1]"\n`);
    expect(readReferenceCsv(touchOnly, {}, { levels: 1, unkeptLevels: 'skip' }).meta.extra?.['asmm.levels_unread']).toBeUndefined();
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

  it('keeps every row, in order, whether its storage was sized from the file or grew (40,000 rows; gzip starts at 16,384)', () => {
    const { book } = generateSampleMarket({ durationSec: 4000, seed: 5 });
    const path = join(dir, 'blocks-ref.csv');
    writeReferenceCsv(path, book);
    // the same file gzipped: its size says nothing of its rows, so the storage doubles twice on the way
    const gz = join(dir, 'blocks-ref.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(path)));
    expect(book.tsMs.length).toBe(40_000);
    for (const read of [readReferenceCsv(path), readReferenceCsv(gz)]) {
      expect(read.tsMs.length).toBe(40_000);
      expectSameColumn(read.tsMs, Array.from(book.tsMs, (t) => Math.floor(t / 1000) * 1000));
      for (const side of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) {
        for (let level = 0; level < book.depth; level++) expectSameColumn(read[side][level], book[side][level], `${side}[${level}]`);
      }
    }
  });

  it('caches timestamps byte for byte: every row gets the time its own cell says (checked with Date.parse)', () => {
    const cells = [
      '2024-05-01 12:00:00',
      '2024-05-01 12:00:00',
      '2024-05-01T12:00:00',
      '1714564800',
      '2024-05-01 12:00:01',
      '2024-05-01 12:00:01',
      '"2024-05-01 12:00:01"',
      '2024-05-01 12:00:01.5',
      '2024-05-01 12:00:02',
      '1714564802',
      '1714564802.25',
      '2024-05-01 12:00:03',
      '2024-05-01 12:01:00',
      '2024-05-01 13:00:00',
      '2024-05-02 00:00:00',
      '2024-06-01 00:00:00',
      '2025-01-01 00:00:00',
      '2025-01-01 00:00:00',
    ];
    const lists = '"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]"';
    const path = join(dir, 'ts-cache.csv');
    writeFileSync(path, [header, ...cells.map((cell) => `${cell},${lists}`)].join('\n') + '\n');
    const expected = cells.map((cell) => {
      const text = cell.replace(/"/g, '');
      return /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : Date.parse(`${text.replace(' ', 'T')}Z`);
    });
    expect(Array.from(readReferenceCsv(path).tsMs)).toEqual(expected);
    expect(Array.from(readReferenceCsv(path, {}, { fastPath: false }).tsMs)).toEqual(expected);

    // A cell that shares the cached cell's bytes up to its length is still read in full.
    const longer = join(dir, 'ts-cache-longer.csv');
    writeFileSync(longer, `${header}\n2024-05-01 12:00:01,${lists}\n2024-05-01 12:00:01,${lists}\n2024-05-01 12:00:010,${lists}\n`);
    expect(() => readReferenceCsv(longer)).toThrow(/ts-cache-longer\.csv:4 Timestamp: not a date-time or Unix seconds: "2024-05-01 12:00:010"/);
  });

  it('reads the numbers the byte fast path hands on: exponents, long mantissas, signs, NaN, blanks, CRLF, no final line end', () => {
    const path = join(dir, 'numbers.csv');
    const rows = [
      '2024-05-01 12:00:00,"[3788.59, 3788.58]","[1e-05, 0.1234567890123456789]","[3788.6, 3788.61]","[+2, 1.5E+1]"',
      '2024-05-01 12:00:00,"[3788.59,3788.58]","[ 1 ,  2 ]","[3788.6, NaN]","[3, NAN]"',
      '2024-05-01 12:00:01 , "[3788.590000000000001, nan]" ,"[.5, nan]","[3788.6, 3788.61]","[3., 4]"',
    ];
    writeFileSync(path, [header, ...rows].join('\r\n'));
    const book = readReferenceCsv(path);
    expect(Array.from(book.tsMs)).toEqual([1714564800000, 1714564800000, 1714564801000]);
    expect(Array.from(book.bidSz[0])).toEqual([1e-5, 1, 0.5]);
    expect(book.bidSz[1][0]).toBe(Number('0.1234567890123456789'));
    expect(Array.from(book.askSz[0])).toEqual([2, 3, 3]);
    expect(book.askSz[1][0]).toBe(15);
    expect(book.askPx[1][1]).toBeNaN();
    expect(book.bidPx[0][2]).toBe(Number('3788.590000000000001'));
    expect(book.bidPx[1][2]).toBeNaN();
  });

  it('rejects bad rows after many good ones with the same line and field as the first row would get', () => {
    const good = (second: number) => `2024-05-01 12:00:0${second},"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]"`;
    const cases: Array<[string, string, RegExp]> = [
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[9.99, 10.02]","[3.0, 4.0]"', 'Ask List[0]', /crossed or locked book/],
      ['2024-05-01 12:00:03,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Timestamp', /not sorted/],
      ['2024-05-01 12:00:05,"[10.0, 10.5]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid List[1]', /strictly descending/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid Size List[1]', /positive/],
      ['2024-05-01 12:00:05,"[10.0, nan]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid List[1]', /missing while/],
      ['2024-05-01 12:00:05,"[nan, 9.99]","[nan, 2.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid List[1]', /present after a missing level/],
      ['2024-05-01 12:00:05,"[10.0, 9.99, 9.98]","[1.0, 2.0, 3.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid List', /more levels than the first row's 2/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0]"', 'Ask Size List', /1 sizes for 2 ask prices/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 1e999]"', 'Ask Size List[1]', /positive and finite/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0-]"', 'Ask Size List[1]', /not a number \("4\.0-"\)/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]","[3.0, 4.0]",x', 'field 6', /row has 6 fields, header has 5/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0, 2.0]","[10.01, 10.02]"', 'Ask Size List', /missing field/],
      ['2024-05-01 12:00:05,"[10.0, 9.99]","[1.0,, 2.0]","[10.01, 10.02]","[3.0, 4.0]"', 'Bid Size List[1]', /empty list item/],
    ];
    for (const [bad, field, reason] of cases) {
      const path = join(dir, 'bad-late.csv');
      writeFileSync(path, [header, good(1), good(2), good(3), good(4), bad, good(6)].join('\n') + '\n');
      for (const fastPath of [true, false]) {
        let caught: unknown;
        try {
          readReferenceCsv(path, {}, { fastPath });
        } catch (error) {
          caught = error;
        }
        expect(caught, bad).toBeInstanceOf(DataError);
        const error = caught as DataError;
        expect({ line: error.line, field: error.field, fastPath }, bad).toEqual({ line: 6, field, fastPath });
        expect(error.reason, bad).toMatch(reason);
      }
    }
  });

  it('property: on randomly damaged files the byte fast path gives exactly what the general path gives, at any chunk size', () => {
    const { book } = generateSampleMarket({ durationSec: 4, seed: 9 });
    for (let i = 0; i < book.tsMs.length; i += 7) {
      book.askPx[4][i] = NaN;
      book.askSz[4][i] = NaN;
    }
    const source = join(dir, 'fuzz-source.csv');
    writeReferenceCsv(source, book);
    const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
    const outcome = (read: () => BookTable): string => {
      try {
        const b = read();
        return [b.tsMs, ...b.bidPx, ...b.bidSz, ...b.askPx, ...b.askSz].map((c) => Array.from(c, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')).join('|');
      } catch (error) {
        return error instanceof DataError ? `DataError ${error.message}` : `other ${String(error)}`;
      }
    };
    const rng = createRng(20240501);
    const pick = (n: number): number => Math.floor(rng.next() * n);
    const alphabet = ',"[] n.0123456789eE+-\r\tNax:T';
    const path = join(dir, 'fuzz.csv');
    let accepted = 0;
    for (let variant = 0; variant < 600; variant++) {
      const damaged = lines.slice();
      for (let m = 1 + pick(3); m > 0; m--) {
        const li = 1 + pick(damaged.length - 1);
        const text = damaged[li];
        const at = pick(text.length + 1);
        const kind = pick(5);
        if (kind === 0) damaged[li] = text.slice(0, at) + alphabet[pick(alphabet.length)] + text.slice(at + 1);
        else if (kind === 1) damaged[li] = text.slice(0, at) + text.slice(at + 1);
        else if (kind === 2) damaged[li] = text.slice(0, at) + alphabet[pick(alphabet.length)] + text.slice(at);
        else if (kind === 3) [damaged[li], damaged[damaged.length - 1]] = [damaged[damaged.length - 1], damaged[li]];
        else damaged[li] = text.replace(/\d\.\d+/, (x) => [`${x}e0`, `-${x}`, `+${x}`, `${x}0000000000000001`, ` ${x} `, 'NaN'][pick(6)]);
      }
      writeFileSync(path, damaged.join(pick(2) ? '\n' : '\r\n') + (pick(2) ? '\n' : ''));
      const general = outcome(() => readReferenceCsv(path, {}, { fastPath: false }));
      expect(outcome(() => readReferenceCsv(path)), `variant ${variant}`).toBe(general);
      expect(outcome(() => readReferenceCsv(path, {}, { chunkBytes: 1 + pick(400) })), `variant ${variant}`).toBe(general);
      // reading the touch only (deeper levels skipped): the fast path again agrees with the general path
      const skip = { levels: 1 + pick(2), unkeptLevels: 'skip' } as const;
      expect(outcome(() => readReferenceCsv(path, {}, skip)), `variant ${variant}, skip`).toBe(outcome(() => readReferenceCsv(path, {}, { ...skip, fastPath: false })));
      if (!general.startsWith('DataError')) accepted++;
    }
    expect(accepted).toBeGreaterThan(40); // the damage leaves enough files valid to compare values too
  });
});
