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

  it('a file of two symbols or two exchanges is refused at the first row of the second, naming line, field and both', () => {
    // Tardis serves one file per symbol, but a download of several symbols or concatenated files hold more:
    // here BTCUSDT at about 11657, then ETHUSDT at about 390 (the same columns, another price series)
    const tradesHeader = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n';
    const trade = (exchange: string, symbol: string, i: number, px: number) => `${exchange},${symbol},${1598918403696000 + i * 1000},${1598918403810979 + i * 1000},${3735683259 + i},buy,${px},0.5\n`;
    const trades = join(dir, 'two-symbols-trades.csv');
    writeFileSync(trades, tradesHeader + trade('binance', 'BTCUSDT', 0, 11657.08) + trade('binance', 'BTCUSDT', 1, 11657.1) + trade('binance', 'ETHUSDT', 2, 390.5));
    expect(() => readTardisTrades(trades)).toThrow(DataError);
    expect(() => readTardisTrades(trades)).toThrow(/two-symbols-trades\.csv:4 symbol: a second symbol, "ETHUSDT", after "BTCUSDT" \(line 2 on\).*select one symbol/);
    // the same symbol on another exchange (Binance spot and USD-M futures both call it BTCUSDT)
    const exchanges = join(dir, 'two-exchanges-trades.csv');
    writeFileSync(exchanges, tradesHeader + trade('binance', 'BTCUSDT', 0, 11657.08) + trade('binance-futures', 'BTCUSDT', 1, 11651.2));
    expect(() => readTardisTrades(exchanges)).toThrow(/two-exchanges-trades\.csv:3 exchange: a second exchange, "binance-futures", after "binance"/);
    // a symbol that only starts like the first (same bytes, longer) is another symbol
    writeFileSync(trades, tradesHeader + trade('okex', 'BTC-USDT', 0, 11657.08) + trade('okex', 'BTC-USDT-SWAP', 1, 11651.2));
    expect(() => readTardisTrades(trades)).toThrow(/:3 symbol: a second symbol, "BTC-USDT-SWAP", after "BTC-USDT"/);

    const book = join(dir, 'two-symbols-book.csv');
    const bookRow = (symbol: string, i: number, px: number) => `binance,${symbol},${1598918403696000 + i * 1000},${1598918403810979 + i * 1000},${px + 0.01},1,${px},1,${px + 0.02},1,${px - 0.01},1\n`;
    writeFileSync(book, `${bookHeader}\n` + bookRow('BTCUSDT', 0, 11657.07) + bookRow('ETHUSDT', 1, 390.5));
    expect(() => readTardisBookSnapshot(book)).toThrow(/two-symbols-book\.csv:3 symbol: a second symbol, "ETHUSDT", after "BTCUSDT"/);
    // one symbol throughout reads, and says its exchange
    writeFileSync(book, `${bookHeader}\n` + bookRow('ETHUSDT', 0, 390.5) + bookRow('ETHUSDT', 1, 390.6));
    expect(readTardisBookSnapshot(book).meta).toMatchObject({ instrument: 'ETHUSDT', extra: { 'tardis.exchange': 'binance' } });
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
