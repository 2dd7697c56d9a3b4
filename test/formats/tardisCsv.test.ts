import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/index.js';
import { detectFormat, readTableFile, readTardisBookSnapshot, readTardisTrades } from '../../src/formats/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const bookHeader = ['exchange', 'symbol', 'timestamp', 'local_timestamp']
  .concat([0, 1].flatMap((i) => [`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`]))
  .join(',');

describe('Tardis CSV datasets', () => {
  it('book_snapshot_N: interleaved asks/bids per level, µs timestamps to ms, empty fields as missing levels', () => {
    const path = join(dir, 'book_snapshot_2.csv');
    writeFileSync(
      path,
      `${bookHeader}\n` +
        'binance,BTCUSDT,1598918403696000,1598918403810979,11657.08,1.714,11657.07,10.896,11657.54,5.4,11656.97,0.2\n' +
        'binance,BTCUSDT,1598918403888500,1598918403894256,11657.08,1.476,11657.07,10.896,,,11656.97,0.2\n',
    );
    expect(detectFormat(path)).toBe('tardis-book-snapshot');
    const book = readTardisBookSnapshot(path);
    expect(book.depth).toBe(2);
    expect(Array.from(book.tsMs)).toEqual([1598918403696, 1598918403888.5]);
    expect(book.localTsMs![0]).toBeCloseTo(1598918403810.979, 6);
    expect(Array.from(book.askPx[0])).toEqual([11657.08, 11657.08]);
    expect(Array.from(book.bidSz[1])).toEqual([0.2, 0.2]);
    expect(book.askPx[1][1]).toBeNaN();
    expect(book.meta.instrument).toBe('BTCUSDT');
    expect(readTableFile(path).kind).toBe('book');
  });

  it('trades: taker side, numeric ids', () => {
    const path = join(dir, 'trades.csv');
    writeFileSync(
      path,
      'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n' +
        'binance,BTCUSDT,1598918403696000,1598918403810979,3735683259,buy,11657.08,0.5\n' +
        'binance,BTCUSDT,1598918403697000,1598918403811000,3735683260,sell,11657.07,0.25\n',
    );
    expect(detectFormat(path)).toBe('tardis-trades');
    const trades = readTardisTrades(path);
    expect(Array.from(trades.side)).toEqual([1, -1]);
    expect(Array.from(trades.id)).toEqual([3735683259, 3735683260]);
    expect(Array.from(trades.sz)).toEqual([0.5, 0.25]);
  });

  it('names file, line and Tardis field on bad input', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, `${bookHeader}\nbinance,BTCUSDT,1,2,11657.08,1.7,11657.09,10.8,11657.54,5.4,11656.97,0.2\n`);
    expect(() => readTardisBookSnapshot(path)).toThrow(DataError);
    expect(() => readTardisBookSnapshot(path)).toThrow(/bad\.csv:2 asks\[0\]\.price: crossed/);
    writeFileSync(path, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nx,Y,1,2,abc-1,buy,1,1\n');
    expect(() => readTardisTrades(path)).toThrow(/bad\.csv:2 id: not numeric/);
  });
});
