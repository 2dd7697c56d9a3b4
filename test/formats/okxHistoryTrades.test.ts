import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../src/data/archive.js';
import { DataError } from '../../src/data/errors.js';
import type { TradeTable } from '../../src/data/tables.js';
import { detectFormat, loadTables } from '../../src/formats/index.js';
import { dayWindowMs, OKX_TRADE_HEADER_BILINGUAL } from '../../src/formats/okxHistoryLayout.js';
import { OkxTradesDecoder, openOkxTrades, readOkxTradesTable, type OkxTradesSummary } from '../../src/formats/okxHistoryTrades.js';
import { clearOkxHistoryCache, okxHistoryChunkParams, writeOkxHistoryDay, writeOkxHistoryDays } from '../../src/sample/okxHistory.js';
import { openArchiveMember } from '../../src/data/archive.js';
import { generateSampleMarket } from '../../src/sample/sampleMarket.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const DATE = '2025-11-01';
const UTC8_START = dayWindowMs(DATE, 'utc+8')[0]; // 2025-10-31 16:00 UTC
/** Ten minutes of trades from the start of the file's UTC+8 day, where the market starts. */
const SMALL = { date: DATE, inst: 'ETH-USDT', seed: 3, originMs: UTC8_START, durationSec: 600 } as const;

function decode(text: string, path = 'mem/ETH-USDT-trades-2025-11-01.csv'): OkxTradesSummary {
  const d = new OkxTradesDecoder(path, path);
  d.push(Buffer.from(text));
  d.finish();
  return d.summary();
}

/** The trades the generator was given: the first hour of its market, rebuilt here from the documented parameters. */
function expectedTrades(fromMs: number, toMs: number) {
  const market = generateSampleMarket(okxHistoryChunkParams(SMALL, 0));
  const t = market.trades;
  const rows: Array<[number, number, number, number, number]> = [];
  for (let i = 0; i < t.tsMs.length; i++) if (t.tsMs[i] >= fromMs && t.tsMs[i] < toMs) rows.push([t.tsMs[i], 1_000_000 + i, t.side[i], t.px[i], t.sz[i]]);
  return rows;
}

const rowsOf = (t: TradeTable) => Array.from(t.tsMs, (ts, i) => [ts, t.id[i], t.side[i], t.px[i], t.sz[i]]);

describe('OKX daily trade history: generator → reader', () => {
  it('current header with source: rows, ids, taker sides, prices and sizes equal the sample market the generator was given', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, dir, kind: 'trades' });
    expect(file.path.endsWith('ETH-USDT-trades-2025-11-01.zip')).toBe(true);
    const { trades, summary } = await readOkxTradesTable(file.path);
    const expected = expectedTrades(UTC8_START, UTC8_START + 600_000);
    expect(rowsOf(trades)).toEqual(expected);
    expect(summary).toMatchObject({ header: 'current', hasSource: true, sources: { '0': expected.length }, rows: file.trades, buys: file.buys, sells: file.sells, idsNotIncreasing: 0, instId: 'ETH-USDT' });
    expect(summary.memberName).toBe('ETH-USDT-trades-2025-11-01.csv');
    expect(summary.buys).toBe(expected.filter((r) => r[2] === 1).length);
    // taker side as OKX states it: buy → +1, sell → −1 (asmm's TradeTable convention)
    expect(new Set(trades.side)).toEqual(new Set([1, -1]));
  });

  it('the bilingual header (size before price) and the current header without source read to the same table', async () => {
    const current = await readOkxTradesTable((await writeOkxHistoryDay({ ...SMALL, dir: `${dir}/c`, kind: 'trades', tradeSource: false })).path);
    const bilingualFile = await writeOkxHistoryDay({ ...SMALL, dir: `${dir}/b`, kind: 'trades', tradeHeader: 'bilingual' });
    if ((() => { try { execFileSync('unzip', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; } })()) {
      const head = execFileSync('unzip', ['-p', bilingualFile.path]).toString('utf8').split('\n', 2);
      expect(head[0]).toBe('trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间');
      expect(head[1]).toMatch(/^1\d{6},(buy|sell),[\d.]+,\d+(\.\d+)?,\d{13}$/);
    }
    const bilingual = await readOkxTradesTable(bilingualFile.path);
    expect(current.summary).toMatchObject({ header: 'current', hasSource: false });
    expect(bilingual.summary).toMatchObject({ header: 'bilingual', hasSource: false, instId: 'ETH-USDT' });
    expect(rowsOf(bilingual.trades)).toEqual(rowsOf(current.trades));
    expect(bilingual.summary.notes[0]).toMatch(/bilingual header \(no instrument column: ETH-USDT from the file name\)/);
  });

  it('agrees with an independent split-based parse of the same CSV', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, durationSec: 120, dir: `${dir}/x`, kind: 'trades' });
    const csv = execFileSyncSafe(file.path);
    if (csv === undefined) return;
    const [header, ...lines] = csv.trim().split('\n');
    const cols = header.split(',');
    const ref = lines.map((l) => {
      const f = l.split(',');
      const get = (name: string) => f[cols.indexOf(name)];
      return [Number(get('created_time')), Number(get('trade_id')), get('side') === 'buy' ? 1 : -1, Number(get('price')), Number(get('size'))];
    });
    expect(rowsOf((await readOkxTradesTable(file.path)).trades)).toEqual(ref);
  });

  it('UTC+8 and UTC days are told apart from the data; rows are attributed to their UTC dates', async () => {
    const utc8 = await openOkxTrades((await writeOkxHistoryDay({ ...SMALL, dir: `${dir}/u8`, kind: 'trades' })).path);
    for await (const _ of utc8);
    expect(utc8.summary().day).toMatchObject({ boundary: 'utc+8', utcDates: [{ date: '2025-10-31' }] });
    // a UTC file: 20:00–20:10 UTC on the date lies outside its UTC+8 day
    const late = Date.UTC(2025, 10, 1, 20);
    const utc = await openOkxTrades((await writeOkxHistoryDay({ ...SMALL, originMs: late, startOffsetSec: 20 * 3600, dayBoundary: 'utc', dir: `${dir}/u0`, kind: 'trades' })).path);
    for await (const _ of utc);
    expect(utc.summary().day).toMatchObject({ boundary: 'utc', utcDates: [{ date: '2025-11-01' }] });
    // a UTC+8 file spanning its whole day falls on two UTC dates, counted separately
    const csv = ['instrument_name,trade_id,side,price,size,created_time', `ETH-USDT,1,buy,3000,1,${UTC8_START + 1000}`, `ETH-USDT,2,sell,3000,1,${Date.UTC(2025, 10, 1, 15, 59)}`].join('\n');
    expect(decode(csv).day).toMatchObject({ boundary: 'utc+8', utcDates: [{ date: '2025-10-31', rows: 1 }, { date: '2025-11-01', rows: 1 }] });
  });

  it('each error names the file, the line and the field', async () => {
    const head = 'instrument_name,trade_id,side,price,size,created_time';
    const ok = 'ETH-USDT,1,buy,3000.1,0.5,1761955200000';
    const cases: Array<[string, RegExp]> = [
      [`${head}\n${ok}\nBTC-USDT,2,buy,3000.1,0.5,1761955200001`, /:3 instrument_name: expected ETH-USDT, found BTC-USDT/],
      [`${head}\n${ok}\nETH-USDT,2,taker,3000.1,0.5,1761955200001`, /:3 side: expected buy or sell, found "taker"/],
      [`${head}\n${ok}\nETH-USDT,2,buy,abc,0.5,1761955200001`, /:3 price: not a decimal \("abc"\)/],
      [`${head}\n${ok}\nETH-USDT,2,buy,3000,0,1761955200001`, /:3 size: size must be positive \(0\)/],
      [`${head}\n${ok}\nETH-USDT,2,buy,3000,1,1761955100000`, /:3 created_time: goes backwards: 1761955100000 after 1761955200000/],
      [`${head}\n${ok}\nETH-USDT,x2,buy,3000,1,1761955200001`, /:3 trade_id: not an integer trade id \("x2"\)/],
      [`${head}\n${ok}\nETH-USDT,2,buy,3000,1`, /:3 created_time: missing \(expected 6 fields, found 5\)/],
      [`${head}\n${ok}\nETH-USDT,2,buy,3000,1,1761955200001,0`, /:3 field 7: unexpected \(expected 6 fields, found 7\)/],
      [`instrument_name,trade_id,side,px,size,created_time\n${ok}`, /:1 header: not an OKX trades header: column 4 is "px", expected "price"/],
      [`${OKX_TRADE_HEADER_BILINGUAL.join(',')}\n1,buy,abc,3000,1761955200000`, /:2 size\/数量: not a decimal \("abc"\)/],
    ];
    for (const [text, pattern] of cases) {
      let error: unknown;
      try {
        decode(text);
      } catch (e) {
        error = e;
      }
      expect(error, pattern.source).toBeInstanceOf(DataError);
      expect((error as Error).message, pattern.source).toMatch(pattern);
      expect((error as Error).message.startsWith('mem/ETH-USDT-trades-2025-11-01.csv:')).toBe(true);
    }
    // the generator's malformed-line fault, through the archive
    const bad = await writeOkxHistoryDay({ ...SMALL, durationSec: 60, dir: `${dir}/bad`, kind: 'trades', faults: { malformedLine: 5 } });
    await expect(readOkxTradesTable(bad.path)).rejects.toThrow(/ETH-USDT-trades-2025-11-01\.zip:5 price: not a decimal \("abc"\)/);
  });

  it('a trade id that does not increase is counted, not refused; a CRLF file and a BOM read alike', () => {
    const s = decode('\uFEFFinstrument_name,trade_id,side,price,size,created_time\r\nETH-USDT,5,buy,3000,1,1\r\nETH-USDT,4,sell,3000,1,2\r\n');
    expect(s).toMatchObject({ rows: 2, buys: 1, sells: 1, idsNotIncreasing: 1 });
    expect(s.notes.join('\n')).toMatch(/1 trade ids not above the previous row's/);
  });

  it('a day written alone equals the same day of a multi-day run (market path and trade ids continue across days)', async () => {
    const text = async (path: string) => {
      const parts: Buffer[] = [];
      for await (const c of (await openArchiveMember(path)).stream) parts.push(c as Buffer);
      return Buffer.concat(parts).toString('utf8');
    };
    const base = { ...SMALL, durationSec: 60, kind: 'trades' as const };
    clearOkxHistoryCache();
    const alone = await text((await writeOkxHistoryDay({ ...base, date: '2025-11-02', dir: `${dir}/alone` })).path);
    clearOkxHistoryCache();
    const run = await writeOkxHistoryDays({ ...base, days: 2, dir: `${dir}/run` });
    expect(run.map((f) => f.date)).toEqual(['2025-11-01', '2025-11-02']);
    expect(await text(run[1].path)).toBe(alone);
    // ids continue: the second day's first id is above the first day's last
    const [first, second] = await Promise.all(run.map((f) => readOkxTradesTable(f.path)));
    expect(second.trades.id[0]).toBeGreaterThan(first.trades.id[first.trades.id.length - 1]);
  });

  it('is a registered format, detected by content (the zip member name) and loaded by loadTables', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, durationSec: 60, dir: `${dir}/reg`, kind: 'trades' });
    expect(detectFormat(file.path)).toBe('okx-history-trades');
    const loaded = await loadTables(file.path);
    expect(loaded.tables[0].kind).toBe('trades');
    expect(loaded.notes.join('\n')).toMatch(/runs on UTC\+8 days/);
    // a zip of another CSV is not taken for OKX trades
    const other = `${dir}/other.zip`;
    await writeZip(other, 'prices.csv', ['a,b\n1,2\n']);
    expect(detectFormat(other)).toBe('unknown');
  });
});

function execFileSyncSafe(zip: string): string | undefined {
  try {
    return execFileSync('unzip', ['-p', zip]).toString('utf8');
  } catch {
    return undefined;
  }
}
