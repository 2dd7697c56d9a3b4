import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { detectFormat, loadTables } from '../../src/formats/index.js';
import {
  BOOK_SIDE_ASK,
  BOOK_SIDE_BID,
  DELTA_MESSAGE_END,
  DELTA_SNAPSHOT,
  DELTA_SNAPSHOT_START,
  DELTA_UPDATE,
  OkxBookLineParser,
  OkxBooksDecoder,
  openOkxBooks,
  readOkxBooksTable,
  type OkxBookDeltaBatch,
  type OkxBooksSummary,
} from '../../src/formats/okxHistoryBooks.js';
import { dayWindowMs } from '../../src/formats/okxHistoryLayout.js';
import { okxHistoryBookText, okxHistoryChunkParams, writeOkxHistoryDay, type OkxHistoryDayOptions } from '../../src/sample/okxHistory.js';
import { generateSampleMarket } from '../../src/sample/sampleMarket.js';
import { expectSameColumn } from '../helpers/columns.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const DATE = '2025-11-01';
const DAY_START = Date.UTC(2025, 10, 1);
/** A small day: 10 minutes from 00:00 UTC, 40 levels per side, a snapshot every 2 minutes; the market starts there. */
const SMALL = { date: DATE, inst: 'ETH-USDT', seed: 7, originMs: DAY_START, durationSec: 600, bookLevels: 40, snapshotEveryMs: 120_000, deepRefreshSec: 60 } as const;

async function readAll(path: string): Promise<{ batches: OkxBookDeltaBatch[]; summary: OkxBooksSummary }> {
  const stream = await openOkxBooks(path, { batchLevels: 10_000 });
  const batches: OkxBookDeltaBatch[] = [];
  for await (const b of stream) batches.push(b);
  return { batches, summary: stream.summary() };
}

function decode(text: string, path = 'mem/ETH-USDT-L2orderbook-400lv-2025-11-01.data'): OkxBooksSummary {
  const d = new OkxBooksDecoder(path, path);
  d.push(Buffer.from(text));
  d.finish();
  return d.summary();
}

const line = (action: string, ts: number, asks: string[][], bids: string[][], inst = 'ETH-USDT') => JSON.stringify({ instId: inst, action, ts: String(ts), asks, bids }) + '\n';

/**
 * An independent reference: JSON.parse per line, a Map per side, and the top 5 after each line, written
 * without any of the reader's code.
 */
function referenceReplay(text: string) {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const changes: Array<[number, number, number, number]> = []; // ts, side, px, qty
  const tops: number[][] = [];
  let started = false;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    const m = JSON.parse(raw) as { action: string; ts: string; asks: string[][]; bids: string[][] };
    if (m.action === 'snapshot') {
      bids.clear();
      asks.clear();
      started = true;
    } else if (!started) continue;
    for (const [side, levels, book] of [[1, m.bids, bids], [-1, m.asks, asks]] as const) {
      for (const [px, sz] of levels) {
        const p = Number(px);
        const q = Number(sz);
        if (q === 0) book.delete(p);
        else book.set(p, q);
        if (!(m.action === 'snapshot' && q === 0)) changes.push([Number(m.ts), side, p, q]);
      }
    }
    const b = [...bids].sort((x, y) => y[0] - x[0]).slice(0, 5);
    const a = [...asks].sort((x, y) => x[0] - y[0]).slice(0, 5);
    const row = [Number(m.ts)];
    for (let l = 0; l < 5; l++) row.push(b[l]?.[0] ?? NaN, b[l]?.[1] ?? NaN, a[l]?.[0] ?? NaN, a[l]?.[1] ?? NaN);
    if (tops.length === 0 || m.action === 'snapshot' || JSON.stringify(row.slice(1)) !== JSON.stringify(tops[tops.length - 1].slice(1))) tops.push(row);
  }
  return { changes, tops, bids, asks };
}

describe('OKX daily order-book history: generator → reader', () => {
  it('round trip: every snapshot agrees with the book rebuilt from the deltas; counts equal the generator', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, dir, kind: 'books' });
    expect(file.path.endsWith('ETH-USDT-L2orderbook-400lv-2025-11-01.tar.gz')).toBe(true);
    const { batches, summary } = await readAll(file.path);
    expect(summary.memberName).toBe('ETH-USDT-L2orderbook-400lv-2025-11-01.data');
    expect(summary.lines).toBe(file.lines);
    expect(summary.snapshots).toBe(file.snapshots);
    expect(summary.snapshots).toBe(5); // 00:00, 02:00, …, 08:00
    expect(summary.snapshotsChecked).toBe(4);
    expect(summary.snapshotDisagreements).toBe(0);
    expect(summary.crossedLines).toBe(0);
    expect(summary.bytes).toBe(file.bytesUncompressed);
    expect(summary.maxBidLevels).toBe(40);
    expect(summary.maxAskLevels).toBe(40);
    expect(summary.masked).toEqual([]);
    expect(summary.notes.join('\n')).toMatch(/no seqId and no checksum .* a gap inside the file cannot be detected/);
    expect(batches.reduce((n, b) => n + b.length, 0)).toBe(summary.levelChanges);
    // flags: snapshot rows start with SNAPSHOT_START; every line ends with MESSAGE_END
    const flags = batches.flatMap((b) => [...b.flags]);
    expect(flags.filter((f) => f & DELTA_SNAPSHOT_START).length).toBe(5);
    expect(flags.filter((f) => f & DELTA_MESSAGE_END).length).toBe(summary.lines);
    expect(flags.every((f) => (f & DELTA_SNAPSHOT) !== 0 !== ((f & DELTA_UPDATE) !== 0))).toBe(true);
    expect(flags.length).toBeGreaterThan(10_000); // several batches
    expect(batches.length).toBeGreaterThan(2);
  });

  it('the top of every line equals the sample market the generator was given (generateSampleMarket called here)', async () => {
    const { book } = await readOkxBooksTable((await writeOkxHistoryDay({ ...SMALL, dir, kind: 'books', archive: 'zip' })).path, 5);
    // the first hour of the market, rebuilt from the generator's documented parameters
    const market = generateSampleMarket(okxHistoryChunkParams(SMALL, 0));
    // the row of the file in force at each of the market's rows in the file's 10 minutes
    const rowAt: number[] = [];
    let row = -1;
    for (let i = 0; i < market.book.tsMs.length; i++) {
      const ts = market.book.tsMs[i];
      if (ts >= DAY_START + 600_000) break;
      while (row + 1 < book.tsMs.length && book.tsMs[row + 1] <= ts) row++;
      rowAt.push(row);
    }
    expect(rowAt.length).toBe(6000);
    // each level's prices and sizes there equal the market's, row by row (Object.is, as toBe)
    for (const side of ['bidPx', 'bidSz', 'askPx', 'askSz'] as const) {
      for (let l = 0; l < 5; l++) {
        expectSameColumn(
          rowAt.map((r) => book[side][l][r]),
          market.book[side][l].subarray(0, rowAt.length),
          `${side}[${l}]`,
        );
      }
    }
  });

  it('agrees with an independent JSON.parse replay: every level change and every top-5 row', () => {
    const { text } = okxHistoryBookText({ ...SMALL, durationSec: 120, bookLevels: 20 });
    const d = new OkxBooksDecoder('mem/ETH-USDT-L2orderbook-400lv-2025-11-01.data', 'x', { batchLevels: 1000 });
    d.push(Buffer.from(text));
    d.finish();
    const batches = d.takeBatches();
    const ref = referenceReplay(text);
    const got: Array<[number, number, number, number]> = [];
    for (const b of batches) for (let i = 0; i < b.length; i++) got.push([b.tsMs[i], b.side[i], b.px[i], b.qty[i]]);
    expect(got).toEqual(ref.changes);
    const tops: number[][] = [];
    for (const b of batches) {
      const t = b.top!;
      for (let r = 0; r < t.tsMs.length; r++) {
        const row = [t.tsMs[r]];
        for (let l = 0; l < 5; l++) row.push(t.bidPx[l][r], t.bidSz[l][r], t.askPx[l][r], t.askSz[l][r]);
        tops.push(row);
      }
    }
    expect(tops).toEqual(ref.tops);
    expect(d.summary().snapshotDisagreements).toBe(0);
  });

  it('batches given back with recycle lend their arrays to later batches, and what each said before it went back stays the JSON.parse replay', () => {
    const { text } = okxHistoryBookText({ ...SMALL, durationSec: 120, bookLevels: 20 });
    const d = new OkxBooksDecoder('mem/ETH-USDT-L2orderbook-400lv-2025-11-01.data', 'x', { batchLevels: 1000 });
    const bytes = Buffer.from(text);
    const got: Array<[number, number, number, number]> = [];
    const tops: number[][] = [];
    const buffers = new Set<ArrayBufferLike>();
    let batches = 0;
    let reused = 0;
    const take = () => {
      for (const b of d.takeBatches()) {
        batches++;
        if (buffers.has(b.px.buffer)) reused++;
        buffers.add(b.px.buffer);
        for (let i = 0; i < b.length; i++) got.push([b.tsMs[i], b.side[i], b.px[i], b.qty[i]]);
        const t = b.top!;
        for (let r = 0; r < t.tsMs.length; r++) {
          const row = [t.tsMs[r]];
          for (let l = 0; l < 5; l++) row.push(t.bidPx[l][r], t.bidSz[l][r], t.askPx[l][r], t.askSz[l][r]);
          tops.push(row);
        }
        d.recycle(b);
        d.recycle(b); // twice: ignored (else two later batches would share the arrays)
      }
    };
    // chunks of 4 KB (at most one batch ready at a time) and of 64 KB (several: each needs arrays of its own)
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = k % 4 === 3 ? 65_536 : 4096;
      d.push(bytes.subarray(at, at + size));
      at += size;
      take();
    }
    d.finish();
    take();
    const ref = referenceReplay(text);
    // rows that differ, counted (a diff of two long arrays that disagree everywhere takes minutes to print)
    const differing = (a: number[][], b: number[][]) => a.filter((row, i) => JSON.stringify(row) !== JSON.stringify(b[i])).length + Math.abs(a.length - b.length);
    expect([differing(got, ref.changes), differing(tops, ref.tops)]).toEqual([0, 0]);
    expect(got.length).toBe(ref.changes.length);
    expect(batches).toBeGreaterThan(10);
    // a few sets of arrays take turns (as many as batches were ready at once, plus the one filling)
    expect(reused).toBeGreaterThan(batches - 10);
    expect(buffers.size).toBeLessThan(10);
  });

  it('a snapshot that disagrees with the built book is reported (time, line, level) and its interval masked', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, dir: `${dir}/fault`, kind: 'books', faults: { snapshotMismatch: [2] } });
    const { summary } = await readAll(file.path);
    expect(summary.snapshotDisagreements).toBeGreaterThanOrEqual(1);
    const first = summary.firstDisagreements[0];
    expect(first.tsMs).toBe(DAY_START + 240_000); // the second periodic snapshot
    expect(first.levels).toBe(1);
    expect(first.first[0].side).toBe('bid');
    expect(first.first[0].snapshotSz - first.first[0].builtSz).toBeCloseTo(0.0001, 10); // one lot more in the snapshot
    expect(summary.masked[0]).toMatchObject({ fromMs: DAY_START + 120_000, toMs: DAY_START + 240_000 });
    expect(summary.notes.join('\n')).toMatch(/4 snapshots checked against the book built up to them: [12] disagreed \(first at 2025-11-01T00:04:00.000Z, line \d+, 1 levels\)/);
  });

  it('a dropped update line (a gap) shows as deletes of levels the book did not hold; none without the gap', () => {
    const base = { ...SMALL, bookLevels: 40 };
    const clean = okxHistoryBookText(base);
    expect(decode(clean.text).deletesOfAbsentLevels).toBe(0);
    const gap = okxHistoryBookText({ ...base, faults: { dropLines: [10] } });
    expect(gap.stats.lines).toBe(clean.stats.lines - 1);
    const s = decode(gap.text);
    expect(s.lines).toBe(clean.stats.lines - 1);
    // the dropped line's far-end levels are deleted later: the reader sees deletes of levels it never held
    expect(s.deletesOfAbsentLevels).toBeGreaterThan(0);
    expect(s.notes.join('\n')).toMatch(/deletes of levels the book did not hold \(a lost update would show this way/);
  });

  it('a malformed line is an error naming the file, the line and the field', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, durationSec: 60, dir: `${dir}/bad`, kind: 'books', faults: { malformedLine: 17 } });
    const stream = await openOkxBooks(file.path);
    const consume = async () => {
      for await (const _ of stream);
    };
    await expect(consume()).rejects.toThrow(new RegExp(`ETH-USDT-L2orderbook-400lv-2025-11-01\\.tar\\.gz:17 (asks|bids)\\[0\\]\\[1\\]: not a decimal \\("abc"\\)`));
  });

  it('each error path names line and field', () => {
    const snap = line('snapshot', 1000, [['101', '1', '1']], [['100', '1', '1']]);
    const cases: Array<[string, RegExp]> = [
      [snap + line('update', 1100, [], [], 'BTC-USDT'), /:2 instId: expected ETH-USDT, found BTC-USDT/],
      [snap + line('update', 900, [['101', '2', '1']], []), /:2 ts: goes backwards: 900 after 1000/],
      [snap + line('update', 1100, [['101', '2', '1', '0']], []), /:2 asks\[0\]: expected three elements \[px, sz, count\], found 4/],
      [snap + line('update', 1100, [['101', 'x', '1']], []), /:2 asks\[0\]\[1\]: not a decimal \("x"\)/],
      [snap + line('update', 1100, [['-1', '1', '1']], []), /:2 asks\[0\]\[0\]: price must be positive/],
      [snap + line('update', 1100, [['101', '-1', '1']], []), /:2 asks\[0\]\[1\]: size must not be negative/],
      [snap + line('delete', 1100, [], []), /:2 action: expected "snapshot" or "update", found "delete"/],
      [snap + '{"instId":"ETH-USDT","action":"update","ts":"1100","asks":[]}\n', /:2 bids: missing/],
      [snap + '{"instId":"ETH-USDT","action":"update","ts":1100x,"asks":[],"bids":[]}\n', /:2 ts: expected "," or "}" after the value, found "x"/],
      [snap + '{"instId":"ETH-USDT","action":"update","ts":"11a0","asks":[],"bids":[]}\n', /:2 ts: not an epoch-ms integer \("11a0"\)/],
      [snap + '{"instId":"ETH-USDT","action":"update","ts":"1100","asks":[["101","1","1"],"bids":[]}\n', /:2 asks\[1\]: expected a level/],
      [line('snapshot', 1000, [['101', '1', '1'], ['101', '2', '1']], []), /:1 asks\[1\]\[0\]: price 101 repeats within the snapshot/],
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
      expect((error as Error).message.startsWith('mem/ETH-USDT-L2orderbook-400lv-2025-11-01.data:')).toBe(true);
    }
  });

  it('a crossed book, updates before the first snapshot, deletes of absent levels and unknown fields are reported', () => {
    const text =
      line('update', 500, [['102', '1', '1']], []) +
      line('snapshot', 1000, [['101', '1', '1']], [['100', '1', '1']]) +
      line('update', 1100, [], [['101.5', '1', '1']]) + // best bid 101.5 ≥ best ask 101: crossed
      line('update', 1200, [['101', '0', '0']], []) + // ask 101 deleted: best ask gone, not crossed
      line('update', 1300, [['99', '0', '0']], []) + // delete of an absent level
      '{"instId":"ETH-USDT","action":"update","ts":"1400","asks":[["103","1","1"]],"bids":[],"extra":{"a":[1,"]"]}}\n';
    const s = decode(text);
    expect(s.linesBeforeFirstSnapshot).toBe(1);
    expect(s.crossedLines).toBe(1);
    expect(s.firstCrossedTsMs).toEqual([1100]);
    expect(s.deletesOfAbsentLevels).toBe(1);
    expect(s.unknownFields).toEqual({ extra: 1 });
    expect(s.masked).toEqual([
      { fromMs: 500, toMs: 1000, reason: '1 lines before the first snapshot (book unknown)' },
      { fromMs: 1100, toMs: 1200, reason: 'crossed book (best bid ≥ best ask)' },
    ]);
    expect(s.notes.join('\n')).toMatch(/fields not in the layout \(ignored\): extra \(1 lines\)/);
  });

  it('decides UTC or UTC+8 days from the data and reports the UTC dates of the lines', async () => {
    // a UTC+8 file dated 2025-11-01 starts at 2025-10-31 16:00 UTC
    const utc8Start = dayWindowMs(DATE, 'utc+8')[0];
    const base: Omit<OkxHistoryDayOptions, 'dir' | 'kind'> = { ...SMALL, durationSec: 60 };
    const utc8 = okxHistoryBookText({ ...base, originMs: utc8Start, dayBoundary: 'utc+8' });
    expect(decode(utc8.text).day).toMatchObject({ boundary: 'utc+8', utcDates: [{ date: '2025-10-31', rows: utc8.stats.lines }] });
    // a UTC file's lines after 16:00 UTC lie outside the UTC+8 day
    const late = okxHistoryBookText({ ...base, originMs: DAY_START + 20 * 3_600_000, startOffsetSec: 20 * 3600, dayBoundary: 'utc' });
    const day = decode(late.text).day!;
    expect(day.boundary).toBe('utc');
    expect(day.utcDates.map((d) => d.date)).toEqual(['2025-11-01']);
    expect(day.description).toMatch(/runs on UTC days/);
    // the first minutes of a UTC day lie in both windows: undetermined, and said so
    expect(decode(okxHistoryBookText(base).text).day!.boundary).toBe('either');
  });

  it('is a registered format: detected by content and loaded by loadTables with the summary as notes', async () => {
    const file = await writeOkxHistoryDay({ ...SMALL, durationSec: 60, dir: `${dir}/reg`, kind: 'books' });
    expect(detectFormat(file.path)).toBe('okx-history-books');
    const zip = await writeOkxHistoryDay({ ...SMALL, durationSec: 60, dir: `${dir}/reg`, kind: 'books', archive: 'zip' });
    expect(detectFormat(zip.path)).toBe('okx-history-books');
    const loaded = await loadTables(file.path, 3);
    expect(loaded.format).toBe('okx-history-books');
    expect(loaded.tables[0].kind).toBe('book');
    expect(loaded.tables[0].kind === 'book' && loaded.tables[0].depth).toBe(3);
    expect(loaded.notes.join('\n')).toMatch(/snapshots checked/);
  });

  it('side constants and bounded batches', async () => {
    expect([BOOK_SIDE_BID, BOOK_SIDE_ASK]).toEqual([1, -1]);
    const file = await writeOkxHistoryDay({ ...SMALL, durationSec: 120, dir: `${dir}/b`, kind: 'books' });
    const stream = await openOkxBooks(file.path, { batchLevels: 2000 });
    let max = 0;
    for await (const b of stream) max = Math.max(max, b.length);
    // a batch ends after the line that fills it: at most batchLevels + one line (≤ 2 × 40 levels here)
    expect(max).toBeLessThanOrEqual(2000 + 80);
  });
});

describe('OkxBookLineParser: the one-pass path for the usual line and the general reader agree', () => {
  type Parsed = { inst: string; action: number; tsMs: number; bids: number[][]; asks: number[][]; unknown: string[] } | { error: string };
  const parse = (line: string, fastPath: boolean): Parsed => {
    const parser = new OkxBookLineParser('f.data', fastPath);
    const buf = Buffer.from(line);
    try {
      parser.parse(buf, 0, buf.length, 3);
    } catch (error) {
      return { error: (error as Error).message };
    }
    const levels = (l: typeof parser.bids) => Array.from({ length: l.n }, (_, k) => [l.px[k], l.sz[k], l.count[k]]);
    return { inst: buf.toString('utf8', parser.instStart, parser.instEnd), action: parser.action, tsMs: parser.tsMs, bids: levels(parser.bids), asks: levels(parser.asks), unknown: parser.unknown };
  };
  const usual = '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["89921.5","5.91202","119"],["89922","0","0"]],"bids":[["89921.4","0.00000001","1"]]}';
  const lines = [
    usual,
    '{"instId":"BTC-USDT","action":"snapshot","ts":"1761955200004","asks":[],"bids":[]}',
    '{"bids":[["1.","2","3"]],"ts":1761955200004,"asks":[[".5","0.25","7"]],"action":"update","instId":"X"}',
    '{"instId":"BTC-USDT", "action":"update","ts":"1761955200004","asks":[],"bids":[]}', // whitespace
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1e3","1","1"]],"bids":[]}', // exponent
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["-1","1","1"]],"bids":[]}', // negative price
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["0","1","1"]],"bids":[]}', // zero price
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1234567890.1234567","1","1"]],"bids":[]}', // 17 digits
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1","1","1","1"]],"bids":[]}', // four elements
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[],"bids":[],"seqId":5}', // unknown field
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[],"bids":[],"asks":[]}', // repeated field
    '{"instId":"BTC-USDT","action":"update","asks":[],"bids":[]}', // missing ts
    '{"instId":"BTC-USDT","action":"partial","ts":"1761955200004","asks":[],"bids":[]}',
    '{"instId":"BTC\\"USDT","action":"update","ts":"1761955200004","asks":[],"bids":[]}', // escape
    '{"instId":"BTC-USDT","action":"update","ts":"17619a","asks":[],"bids":[]}',
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1","1","1"],],"bids":[]}',
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1","1","1"]],"bids":[]} ',
    '{"instId":"BTC-USDT","action":"update","ts":"1761955200004","asks":[["1","","1"]],"bids":[]}',
  ];
  it.each(lines.map((l, i) => [i, l]))('line %i: same fields or the same error', (_i, line) => {
    expect(parse(line as string, true)).toEqual(parse(line as string, false));
  });
  it('the usual line is read as written (values checked by hand)', () => {
    const p = parse(usual, true);
    expect(p).toEqual({ inst: 'BTC-USDT', action: 2, tsMs: 1761955200004, asks: [[89921.5, 5.91202, 119], [89922, 0, 0]], bids: [[89921.4, 1e-8, 1]], unknown: [] });
  });
});
