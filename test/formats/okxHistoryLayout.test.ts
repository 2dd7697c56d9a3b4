import { describe, expect, it } from 'vitest';
import {
  addDays,
  DayAlignment,
  dayWindowMs,
  okxBooksFileName,
  okxBooksMemberName,
  okxHistoryUrl,
  okxTradesFileName,
  okxTradesMemberName,
  parseOkxHistoryFileName,
  utcDayStartMs,
} from '../../src/formats/okxHistoryLayout.js';

/** Names and URLs as they appear in public downloaders and research notes (cited in okxHistoryLayout.ts). */
describe('OKX history layout', () => {
  it('file, member and URL names', () => {
    expect(okxBooksFileName('BTC-USDT-SWAP', '2024-01-05')).toBe('BTC-USDT-SWAP-L2orderbook-400lv-2024-01-05.tar.gz');
    expect(okxBooksFileName('BTC-USDT', '2025-11-01', 5000, 'zip')).toBe('BTC-USDT-L2orderbook-5000lv-2025-11-01.zip');
    expect(okxBooksMemberName('BTC-USDT-260626', '2026-06-02')).toBe('BTC-USDT-260626-L2orderbook-400lv-2026-06-02.data');
    expect(okxTradesFileName('BTC-USDT', '2025-04-19')).toBe('BTC-USDT-trades-2025-04-19.zip');
    expect(okxTradesMemberName('BTC-USDT', '2025-04-19')).toBe('BTC-USDT-trades-2025-04-19.csv');
    expect(okxHistoryUrl('books', 'BTC-USDT', '2025-08-01')).toBe('https://static.okx.com/cdn/okx/match/orderbook/L2/400lv/daily/20250801/BTC-USDT-L2orderbook-400lv-2025-08-01.tar.gz');
    expect(okxHistoryUrl('trades', 'BTC-USDT', '2025-04-19')).toBe('https://static.okx.com/cdn/okex/traderecords/trades/daily/20250419/BTC-USDT-trades-2025-04-19.zip');
    expect(okxHistoryUrl('trades', 'ETH-USDT-SWAP', '2025-11-02', { baseUrl: 'http://127.0.0.1:8080/' })).toBe('http://127.0.0.1:8080/cdn/okex/traderecords/trades/daily/20251102/ETH-USDT-SWAP-trades-2025-11-02.zip');
    expect(() => okxHistoryUrl('books', 'BTC-USDT', '2025-02-30')).toThrow(/not a date \(YYYY-MM-DD\): 2025-02-30/);
  });

  it('parses names back (instruments with dashes and expiries included)', () => {
    expect(parseOkxHistoryFileName('data/BTC-USD-260626-80000-C-L2orderbook-400lv-2026-05-01.data')).toEqual({ kind: 'books', inst: 'BTC-USD-260626-80000-C', levels: 400, date: '2026-05-01', extension: 'data' });
    expect(parseOkxHistoryFileName('ETH-USDT-SWAP-trades-2025-11-02.zip')).toEqual({ kind: 'trades', inst: 'ETH-USDT-SWAP', date: '2025-11-02', extension: 'zip' });
    expect(parseOkxHistoryFileName('BTC-USDT-L2orderbook-50lv-2025-11-01.tar.gz')).toBeUndefined();
    expect(parseOkxHistoryFileName('books.csv')).toBeUndefined();
  });

  it('day windows and the alignment decision', () => {
    expect(dayWindowMs('2025-11-01', 'utc')).toEqual([Date.UTC(2025, 10, 1), Date.UTC(2025, 10, 2)]);
    expect(dayWindowMs('2025-11-01', 'utc+8')).toEqual([Date.UTC(2025, 9, 31, 16), Date.UTC(2025, 10, 1, 16)]);
    expect(addDays('2025-11-30', 1)).toBe('2025-12-01');
    expect(utcDayStartMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    const at = (...ts: number[]) => {
      const a = new DayAlignment('2025-11-01');
      for (const t of ts) a.add(t);
      return a.result();
    };
    expect(at(Date.UTC(2025, 9, 31, 16), Date.UTC(2025, 10, 1, 15, 59)).boundary).toBe('utc+8');
    expect(at(Date.UTC(2025, 10, 1, 0), Date.UTC(2025, 10, 1, 23, 59)).boundary).toBe('utc');
    expect(at(Date.UTC(2025, 10, 1, 1), Date.UTC(2025, 10, 1, 15)).boundary).toBe('either');
    const neither = at(Date.UTC(2025, 9, 31, 18), Date.UTC(2025, 10, 1, 20));
    expect(neither).toMatchObject({ boundary: 'neither', outsideUtc: 1, outsideUtc8: 1 });
    expect(neither.description).toMatch(/fits neither the UTC nor the UTC\+8 day of 2025-11-01/);
    expect(at().boundary).toBe('either');
    expect(at(Date.UTC(2025, 10, 1, 15, 59), Date.UTC(2025, 9, 31, 17)).utcDates).toEqual([
      { date: '2025-10-31', rows: 1, minTsMs: Date.UTC(2025, 9, 31, 17), maxTsMs: Date.UTC(2025, 9, 31, 17) },
      { date: '2025-11-01', rows: 1, minTsMs: Date.UTC(2025, 10, 1, 15, 59), maxTsMs: Date.UTC(2025, 10, 1, 15, 59) },
    ]);
  });
});
