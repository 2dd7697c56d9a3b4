import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/index.js';
import { detectFormat, FORMATS, formatNamed, probeFile, readTableFile, type FileFormat } from '../../src/formats/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/**
 * The first bytes of one file of each format, written from each format's documented layout (not from asmm's
 * writers): the asmm CSV headers, the reference system's books5 header, Tardis.dev's CSV headers, a
 * cryptofeed raw-capture connection line, an `asmm record` segment header, hftbacktest's `<local_ts_ns> <json>`
 * line, and the Arrow IPC file magic.
 */
const HEADS: ReadonlyArray<readonly [Exclude<FileFormat, 'unknown'>, string | Buffer]> = [
  ['arrow', Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(16)])],
  ['asmm-book-csv', 'ts_ms,local_ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1\n1,2,3,4,5,6\n'],
  ['asmm-trades-csv', 'ts_ms,local_ts_ms,side,px,sz,id\n1,2,buy,3,4,x\n'],
  ['reference-books5-csv', '"Timestamp","Bid List","Bid Size List","Ask List","Ask Size List"\n'],
  ['tardis-book-snapshot', 'exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount\n'],
  ['tardis-trades', 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n'],
  ['okx-cryptofeed-capture', 'wss://ws.okx.com:8443/ws/v5/public <-> 1700000000.123\n'],
  ['asmm-recorder-raw', '{"type":"segment","session":"20261128T120000Z"}\n'],
  ['binance-hftbacktest-capture', '1700000000123456789 {"stream":"btcusdt@depth@100ms","data":{}}\n'],
  ['okx-history-books', '{"instId":"BTC-USDT","action":"snapshot","ts":"1761955200000","asks":[["90000.1","0.5","2"]],"bids":[["90000","1","3"]]}\n'],
  ['okx-history-trades', 'instrument_name,trade_id,side,price,size,created_time,source\nBTC-USDT,1,buy,90000.1,0.01,1761955200000,0\n'],
];

describe('format registry', () => {
  it('registers each format once, with a loader of its kind', () => {
    const names = FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(HEADS.map(([name]) => name).sort());
    for (const f of FORMATS) expect(typeof (f.holds === 'table' ? f.read : f.replay)).toBe('function');
    expect(formatNamed('unknown')).toBeUndefined();
  });

  for (const [name, head] of HEADS) {
    it(`${name}: exactly one format accepts its content, plain or gzipped (Arrow: plain only)`, () => {
      const path = join(dir, `${name}.bin`);
      writeFileSync(path, head);
      expect(FORMATS.filter((f) => f.canHandle(probeFile(path))).map((f) => f.name)).toEqual([name]);
      expect(detectFormat(path)).toBe(name);
      const gz = join(dir, `${name}.gz.bin`);
      writeFileSync(gz, gzipSync(head));
      expect(detectFormat(gz)).toBe(name === 'arrow' ? 'unknown' : name);
    });
  }

  it('a directory of recorder segments is one recording; any other directory is refused', () => {
    const rec = join(dir, 'rec');
    mkdirSync(rec);
    writeFileSync(join(rec, 'a.raw.ndjson.partial'), '');
    expect(detectFormat(rec)).toBe('asmm-recorder-raw');
    const other = join(dir, 'other');
    mkdirSync(other);
    expect(() => detectFormat(other)).toThrow(/is a directory, not a data file/);
  });

  it('raw captures are refused by the table reader; unknown content names what is expected', () => {
    const capture = join(dir, 'asmm-recorder-raw.bin');
    expect(() => readTableFile(capture)).toThrow(DataError);
    expect(() => readTableFile(capture)).toThrow(/asmm-recorder-raw holds raw exchange messages/);
    const unknown = join(dir, 'unknown.txt');
    writeFileSync(unknown, 'hello,world\n');
    expect(detectFormat(unknown)).toBe('unknown');
    expect(() => readTableFile(unknown)).toThrow(/unrecognised format: expected an asmm book or trade CSV/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect(() => detectFormat(empty)).toThrow(/empty file/);
  });
});
