import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { replayRecorderRaw } from '../../src/formats/recorderRaw.js';
import { runAsmm } from '../helpers/cli.js';
import { BOOK_LATENCY, INST, RawLog, sessionA, sessionB, T0, TRADE_LATENCY, writeOverlappingRecording } from '../helpers/recorderRawLog.js';
import { tempDir } from '../helpers/tmp.js';

// Issue 14, defects 5 and 2 (recorder side): a recording directory's sessions replay in order, as separate
// segments, with the time between them, a killed recorder's tail, the recorder's gap records and the breaks
// found on replay as masked intervals (exchange time) on the books and trades.
//
// The raw logs are built by hand from the record types documented in src/capture/rawRecords.ts and OKX v5
// message shapes ("Order book channel": books5 / books with seqId and prevSeqId; "Trades channel"), with
// chosen latencies: every book row is received 5 ms after its exchange time and every trade 8 ms after, so
// local − exchange time ranges over [5, 8] ms and every expected interval below is worked out by hand.

const root = tempDir('asmm-replay-sessions-');

function nonDecreasing(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}

describe('replaying a recording directory with several sessions', () => {
  it('replays sessions in order of their start (not of their file names), each on its own connections, with the time between them masked', async () => {
    const dir = join(root, 'restart');
    sessionA().write(dir);
    // "20261204T100000Z-2" sorts before "20261204T100000Z." by name, though it started later
    sessionB().write(dir);
    const replay = await replayRecorderRaw(dir);
    expect(replay.sessions.map((s) => s.session)).toEqual(['20261204T100000Z', '20261204T100000Z-2']);
    const book = replay.instruments.get(INST)?.book;
    const trades = replay.instruments.get(INST)?.trades;
    // B's conn 1 is not A's retired conn 1: all six rows and both trades are there, in time order
    expect(Array.from(book?.tsMs ?? [])).toEqual([100, 200, 300, 700, 800, 850].map((t) => T0 + t));
    expect(Array.from(trades?.id ?? [])).toEqual([1, 2]);
    expect(nonDecreasing(book?.tsMs ?? [])).toBe(true);
    // books5: from the last row before A's gap (row at +300, received +305 <= +350) through the time
    // between the sessions to B's first row (+700): one merged interval
    expect(book?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[300, 700]]);
    expect(book?.masked?.[0].reason).toMatch(/notice 64008/);
    expect(book?.masked?.[0].reason).toMatch(/between recording sessions 20261204T100000Z and 20261204T100000Z-2/);
    // trades: A's gap [350 − 8, 400 − 5) and the time between the sessions [400 − 8, B's trades ack 620 − 5)
    expect(trades?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[342, 615]]);
    expect(replay.notes.join('\n')).toMatch(/2 recording sessions/);
  });

  it('overlapping sessions (two recorders in one directory) are an error naming both sessions\' files', async () => {
    const dir = join(root, 'overlap');
    const { first: a, second: b } = writeOverlappingRecording(dir); // B starts before A stopped
    const error = await replayRecorderRaw(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).file).toBe(b);
    expect((error as Error).message).toContain(a);
    expect((error as Error).message).toMatch(/two recorders/);
    // every command that reads it says so in one line, exit 1
    for (const args of [['inspect', dir], ['convert', dir, '--to', 'csv', join(root, 'overlap-out')]]) {
      const run = runAsmm(args);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('okx.20261204T100000Z.0001.raw.ndjson');
      expect(run.stderr).toContain('okx.20261204T100000Z-2.0001.raw.ndjson');
    }
  });

  it('a killed session (.partial, last line cut) is reported as an abrupt end and its unflushed tail masked until the next session', async () => {
    const dir = join(root, 'killed');
    // A killed after its row at +300 (the retire, gap and close records were never flushed; the last line is cut)
    const a = new RawLog('20261204T100000Z', 1, T0).open(1, T0 + 1).ack(1, T0 + 20, 'books5').ack(1, T0 + 20, 'trades').books5(1, T0 + 100).trade(1, T0 + 150, 1).books5(1, T0 + 200).books5(1, T0 + 300);
    a.books5(1, T0 + 320); // the cut line
    const partial = a.write(dir, 1, true);
    sessionB('20261204T100005Z', T0 + 5_000).write(dir);
    const replay = await replayRecorderRaw(dir);
    expect(replay.sessions.map((s) => [s.session, s.abrupt])).toEqual([
      ['20261204T100000Z', true],
      ['20261204T100005Z', false],
    ]);
    const notes = replay.notes.join('\n');
    expect(notes).toContain(`${partial}:9: last line cut short`);
    expect(notes).toMatch(new RegExp(`session 20261204T100000Z ended abruptly at ${new Date(T0 + 305).toISOString()}: .*\\.partial .*masked until session 20261204T100005Z started`));
    const book = replay.instruments.get(INST)?.book;
    // the last complete record is the row at +300 (received +305); B's first row is at 5000 + 100
    expect(book?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[300, 5_100]]);
    expect(book?.masked?.[0].reason).toMatch(/recorder killed: session 20261204T100000Z ended abruptly/);
    // trades: from the last record (+305) − 8 to B's trades ack (5000 + 20) − 5
    expect(replay.instruments.get(INST)?.trades?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[297, 5_015]]);
  });

  it('a killed last session: an abrupt end in the notes, nothing after it to mask', async () => {
    const dir = join(root, 'killed-last');
    const a = new RawLog('20261204T100000Z', 1, T0).open(1, T0 + 1).ack(1, T0 + 20, 'books5').books5(1, T0 + 100).books5(1, T0 + 200);
    a.write(dir, 1, true);
    const replay = await replayRecorderRaw(dir);
    expect(replay.notes.join('\n')).toMatch(/session 20261204T100000Z ended abruptly .*data after its last flushed record is lost/);
    expect(replay.instruments.get(INST)?.book?.masked ?? []).toEqual([]);
  });

  it('a sequence break found on replay masks that book from its last good row to the resubscribe\'s snapshot', async () => {
    const dir = join(root, 'seq-gap');
    new RawLog('20261204T100000Z', 1, T0, ['books'])
      .open(1, T0 + 1)
      .ack(1, T0 + 20, 'books')
      .books(1, T0 + 100, 'snapshot', -1, 10)
      .books(1, T0 + 200, 'update', 10, 11, '100.01')
      .books(1, T0 + 300, 'update', 13, 14, '100.02') // 12 and 13 never arrived
      .books(1, T0 + 400, 'update', 14, 15, '100.03')
      .books(1, T0 + 500, 'snapshot', -1, 20, '100.04') // after the recorder's resubscribe
      .books(1, T0 + 600, 'update', 20, 21, '100.05')
      .close(1, T0 + 700)
      .write(dir);
    const replay = await replayRecorderRaw(dir);
    const book = replay.books.find((b) => b.stream.channel === 'books')?.book;
    expect(Array.from(book?.tsMs ?? [])).toEqual([100, 200, 500, 600].map((t) => T0 + t));
    expect(book?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[200, 500]]);
    expect(book?.masked?.[0].reason).toMatch(/sequence-gap found on replay \(prevSeqId 13 does not follow the last seqId 11\)/);
  });

  it('the recorder\'s gap records mask the books (row to row) and trades (widened by the observed latencies) they name, in exchange time', async () => {
    const dir = join(root, 'gap-records');
    new RawLog('20261204T100000Z', 1, T0, ['books5', 'trades'])
      .open(1, T0 + 1)
      .ack(1, T0 + 20, 'books5')
      .ack(1, T0 + 20, 'trades')
      .books5(1, T0 + 100)
      .trade(1, T0 + 120, 1)
      .books5(1, T0 + 200)
      .gap('trades', T0 + 250, T0 + 520, 'connection closed (code 1006)')
      .open(2, T0 + 510)
      .ack(2, T0 + 520, 'books5')
      .ack(2, T0 + 520, 'trades')
      .books5(2, T0 + 515) // received at +520: the book is whole again
      .gap('books5', T0 + 250, T0 + 520, 'connection closed (code 1006)')
      .trade(2, T0 + 600, 2)
      .books5(2, T0 + 650)
      .close(2, T0 + 700)
      .write(dir);
    const replay = await replayRecorderRaw(dir);
    expect(replay.instruments.get(INST)?.book?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[200, 515]]);
    expect(replay.instruments.get(INST)?.book?.masked?.[0].reason).toMatch(/connection closed \(code 1006\)/);
    // local − exchange over the rows: 5 (books) to 8 (trades): [250 − 8, 520 − 5)
    expect(replay.instruments.get(INST)?.trades?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[242, 515]]);
    expect(replay.sessions[0].offsetMs).toEqual({ min: BOOK_LATENCY, max: TRADE_LATENCY });
  });

  it('the offsets that widen a trades mask are those observed near the gap, not a latency spike minutes earlier', async () => {
    const dir = join(root, 'gap-far-spike');
    const log = new RawLog('20261204T100000Z', 1, T0, ['books5', 'trades']).open(1, T0 + 1).ack(1, T0 + 20, 'books5').ack(1, T0 + 20, 'trades').books5(1, T0 + 100);
    // a trade received 3 s late, five minutes before the gap
    log.recv(1, T0 + 3_200, { arg: { channel: 'trades', instId: INST }, data: [{ instId: INST, tradeId: '1', px: '100.05', sz: '0.5', side: 'buy', ts: String(T0 + 200) }] });
    for (let t = 240_000; t <= 300_000; t += 10_000) log.books5(1, T0 + t).trade(1, T0 + t + 1, t);
    log
      .gap('trades', T0 + 300_100, T0 + 300_500, 'connection closed (code 1006)')
      .books5(1, T0 + 300_600)
      .trade(1, T0 + 300_601, 400_000)
      .close(1, T0 + 301_000)
      .write(dir);
    const replay = await replayRecorderRaw(dir);
    expect(replay.sessions[0].offsetMs).toEqual({ min: BOOK_LATENCY, max: 3_000 });
    expect(replay.instruments.get(INST)?.trades?.masked?.map((m) => [m.fromMs - T0, m.toMs - T0])).toEqual([[300_100 - TRADE_LATENCY, 300_500 - BOOK_LATENCY]]);
  });
});
