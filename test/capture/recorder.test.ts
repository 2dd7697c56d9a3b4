import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OkxRecorder, type RecorderSummary } from '../../src/capture/index.js';
import { readBookCsv, readTradeCsv } from '../../src/data/csv.js';
import { replayRecorderRaw } from '../../src/formats/recorderRaw.js';
import { startFakeOkxServer, type FakeFaultKind, type FakeOkxServer } from '../../src/okx/fakeServer.js';
import { tempDir } from '../helpers/tmp.js';

const ARGS = [
  { channel: 'books', instId: 'ETH-USDT' },
  { channel: 'books5', instId: 'ETH-USDT' },
  { channel: 'trades', instId: 'ETH-USDT' },
];
const STEPS = 400;

interface Session {
  readonly dir: string;
  readonly server: FakeOkxServer;
  readonly summary: RecorderSummary;
  readonly records: Array<Record<string, unknown>>;
}

const root = tempDir('asmm-recorder-');
let sessions = 0;

/** Records from a fake exchange that runs STEPS market steps (injecting `fault` midway), then stops both. */
async function recordSession(fault: FakeFaultKind | undefined): Promise<Session> {
  const dir = join(root, `session-${++sessions}-${fault ?? 'clean'}`);
  const server = await startFakeOkxServer({
    stepIntervalMs: 2,
    maxSteps: STEPS,
    faults: fault ? [{ afterDataFrames: 300, kind: fault }] : [],
    noticeGraceMs: 1000,
    lifetimeMs: 20_000,
  });
  const recorder = new OkxRecorder({
    url: server.url,
    args: ARGS,
    outDir: dir,
    keepAlive: { pingAfterMs: 100, pongTimeoutMs: 150 },
    backoff: { initialMs: 20, maxMs: 200, factor: 2 },
  });
  const done = recorder.start();
  // Stop once the server has run all its steps and the recorder has received every frame the server sent.
  const poll = setInterval(() => {
    if (server.counts.steps >= STEPS && recorder.snapshot().frames === server.counts.frames) recorder.stop('test done');
  }, 50);
  const summary = await done;
  clearInterval(poll);
  await server.close();
  const records = readdirSync(dir)
    .filter((f) => f.endsWith('.raw.ndjson'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { dir, server, summary, records };
}

function counted(frames: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of frames) m.set(f, (m.get(f) ?? 0) + 1);
  return m;
}

/** Every frame the server's socket accepted is in the raw log exactly once, and nothing else was received. */
function expectLossless(session: Session): void {
  const received = session.records.filter((r) => r.type === 'recv').map((r) => r.frame as string);
  const sent = session.server.sent.map((s) => s.frame);
  expect(received.length).toBe(sent.length);
  expect(counted(received)).toEqual(counted(sent));
  // and in the order each connection sent them
  const byConn = (frames: Array<{ conn: number; frame: string }>) => {
    const m = new Map<number, string[]>();
    for (const { conn, frame } of frames) m.set(conn, [...(m.get(conn) ?? []), frame]);
    return [...m.values()];
  };
  expect(byConn(session.records.filter((r) => r.type === 'recv').map((r) => ({ conn: r.conn as number, frame: r.frame as string })))).toEqual(byConn(session.server.sent));
}

function tableFile(dir: string, infix: string): string {
  const files = readdirSync(dir).filter((f) => f.startsWith(`ETH-USDT.${infix}.`) && f.endsWith('.csv'));
  expect(files).toHaveLength(1);
  return join(dir, files[0]);
}

/** The normalized files written live equal a replay of the raw log, and hold no duplicate trade. */
async function expectTablesRebuildFromRaw(session: Session): Promise<void> {
  const replay = await replayRecorderRaw(session.dir);
  const trades = readTradeCsv(tableFile(session.dir, 'trades'));
  expect(new Set(trades.id).size).toBe(trades.id.length);
  expect(replay.instruments.get('ETH-USDT')?.trades?.id).toEqual(trades.id);
  expect(replay.instruments.get('ETH-USDT')?.trades?.localTsMs).toEqual(trades.localTsMs);
  for (const channel of ['books', 'books5']) {
    const live = readBookCsv(tableFile(session.dir, channel));
    const rebuilt = replay.books.find((b) => b.stream.channel === channel)?.book;
    expect(rebuilt?.tsMs).toEqual(live.tsMs);
    expect(rebuilt?.bidPx).toEqual(live.bidPx);
    expect(rebuilt?.askSz).toEqual(live.askSz);
    // the orders per level the channel gives (the fake exchange: one per level) are kept in the live file too
    expect(live.bidCount?.[0].length).toBe(live.tsMs.length);
    expect(rebuilt?.bidCount).toEqual(live.bidCount);
    expect(rebuilt?.askCount).toEqual(live.askCount);
  }
  expect(replay.gaps.length).toBe(session.summary.stats.gaps);
}

/**
 * Each gap record masks the replayed books it names: the mask spans, in exchange time, from the last row
 * received at or before the gap's start to the first row received at or after its end, as read off the table
 * files the recorder wrote live. (When the fake exchange paused while nobody was subscribed, no exchange time
 * passed between the two rows: nothing to mask.) Trade gaps mask the trades.
 */
async function expectGapsMasked(session: Session, records: ReturnType<typeof gaps>): Promise<void> {
  const replay = await replayRecorderRaw(session.dir);
  for (const gap of records) {
    for (const channel of gap.channel === '*' ? ['books', 'books5'] : gap.channel === 'trades' ? [] : [gap.channel]) {
      const live = readBookCsv(tableFile(session.dir, channel));
      const local = live.localTsMs as Float64Array;
      let i = local.length - 1;
      while (i >= 0 && local[i] > gap.from_local_ts_ms) i--;
      let j = 0;
      while (j < local.length && local[j] < gap.to_local_ts_ms) j++;
      expect(i).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(local.length);
      if (!(live.tsMs[j] > live.tsMs[i])) continue;
      const masked = replay.books.find((b) => b.stream.channel === channel)?.book.masked ?? [];
      expect(
        masked.some((m) => m.fromMs <= live.tsMs[i] && m.toMs >= live.tsMs[j]),
        `${channel}: [${live.tsMs[i]}, ${live.tsMs[j]}) not in ${JSON.stringify(masked)}`,
      ).toBe(true);
    }
    if (gap.channel === 'trades' || gap.channel === '*') expect(replay.instruments.get('ETH-USDT')?.trades?.masked?.length ?? 0).toBeGreaterThan(0);
  }
}

function gaps(session: Session): Array<{ inst: string; channel: string; from_local_ts_ms: number; to_local_ts_ms: number; reason: string }> {
  return session.records.filter((r) => r.type === 'gap') as never;
}

/** Book rows of a channel received after `ms` (the recorder delivered data again). */
function rowsAfter(session: Session, channel: string, ms: number): number {
  const table = channel === 'trades' ? readTradeCsv(tableFile(session.dir, 'trades')) : readBookCsv(tableFile(session.dir, channel));
  return (table.localTsMs as Float64Array).filter((t) => t > ms).length;
}

describe('recorder against the fake OKX exchange', () => {
  it('a clean session: every frame once, no gap, tables rebuildable from raw, checksums verified', async () => {
    const s = await recordSession(undefined);
    expectLossless(s);
    expect(gaps(s)).toEqual([]);
    expect(s.summary.stats.connections).toBe(1);
    await expectTablesRebuildFromRaw(s);
    const replay = await replayRecorderRaw(s.dir);
    expect(replay.stats.checksumsVerified).toBe(STEPS + 1);
    expect(readdirSync(s.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  // fault → the reason its gap must carry, and whether the recorder must have reconnected
  const cases: Array<[FakeFaultKind, RegExp, boolean, string[]]> = [
    ['close', /connection closed \(code 1006\)/, true, ['books', 'books5', 'trades']],
    ['stall', /no pong within 150 ms/, true, ['books', 'books5', 'trades']],
    ['notice', /notice 64008/, true, ['books', 'books5', 'trades']],
    ['error', /error event 60012/, true, ['books', 'books5', 'trades']],
    ['malformed', /malformed frame/, false, ['*']],
    ['checksum', /checksum-mismatch/, false, ['books']],
    ['seqGap', /sequence-gap: prevSeqId \d+ does not follow the last seqId \d+/, false, ['books']],
  ];
  for (const [fault, reason, reconnects, channels] of cases) {
    it(`${fault}: frames recorded exactly once, the interval marked as a gap, recovery on its own`, async () => {
      const s = await recordSession(fault);
      expect(s.server.counts.faults).toBe(1);
      expectLossless(s);
      const g = gaps(s);
      expect(g.map((x) => x.channel).sort()).toEqual([...channels].sort());
      for (const gap of g) {
        expect(gap.reason).toMatch(reason);
        expect(gap.reason).not.toMatch(/not recovered/);
        expect(gap.to_local_ts_ms).toBeGreaterThanOrEqual(gap.from_local_ts_ms);
      }
      expect(s.summary.stats.connections).toBe(reconnects ? 2 : 1);
      // recovered: every book channel has rows after its gap closed
      for (const gap of g) {
        for (const channel of gap.channel === '*' ? ['books', 'books5'] : gap.channel === 'trades' ? [] : [gap.channel]) {
          expect(rowsAfter(s, channel, gap.to_local_ts_ms)).toBeGreaterThan(50);
        }
      }
      await expectTablesRebuildFromRaw(s);
      await expectGapsMasked(s, g);
    });
  }
});

describe('segments', () => {
  it('size rotation splits raw and tables into complete segments that replay, in order, to the same tables', async () => {
    const dir = join(root, 'rotation');
    const server = await startFakeOkxServer({ stepIntervalMs: 1, maxSteps: 600, lifetimeMs: 20_000 });
    const recorder = new OkxRecorder({ url: server.url, args: ARGS, outDir: dir, rotation: { hourly: true, maxRawBytes: 100_000 } });
    const done = recorder.start();
    const poll = setInterval(() => {
      if (server.counts.steps >= 600 && recorder.snapshot().frames === server.counts.frames) recorder.stop('test done');
    }, 50);
    const summary = await done;
    clearInterval(poll);
    await server.close();
    const files = readdirSync(dir).sort();
    const raws = files.filter((f) => f.endsWith('.raw.ndjson'));
    expect(raws.length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(summary.files.length).toBe(files.length);
    // each raw segment starts with its header
    for (const f of raws) expect(JSON.parse(readFileSync(join(dir, f), 'utf8').split('\n', 1)[0]).type).toBe('segment');
    const concat = (prefix: string) =>
      files
        .filter((f) => f.startsWith(prefix))
        .flatMap((f) => Array.from(readBookCsv(join(dir, f)).bidPx[0]));
    const replay = await replayRecorderRaw(dir);
    expect(concat('ETH-USDT.books.')).toEqual(Array.from(replay.books.find((b) => b.stream.channel === 'books')?.book.bidPx[0] ?? []));
    expect(replay.stats.checksumsVerified).toBe(601);
    expect(replay.stats.framesReceived).toBe(server.counts.frames);
  });
});

describe('a book channel silent when the recording stops', () => {
  // A stall shorter than the keep-alive's ping (20 s by default) is caught by nothing while recording: the
  // recording ended with exit 0 and no gap. Reference: the fake exchange stops sending after its steps, while the
  // connection stays open; the recorder stops later.
  async function quietTail(quietAtEndMs: number): Promise<{ summary: RecorderSummary; gaps: Array<Record<string, unknown>>; lastRecvMs: number; stopMs: number }> {
    const dir = join(root, `quiet-tail-${quietAtEndMs}`);
    // 20 steps 2 ms apart, then silence until the recording stops at 1.5 s (100 steps took up to a second on a
    // loaded 2-core machine, each timer late, and left too short a tail for the check below)
    const server = await startFakeOkxServer({ stepIntervalMs: 2, maxSteps: 20, lifetimeMs: 20_000 });
    try {
      const recorder = new OkxRecorder({ url: server.url, args: ARGS, outDir: dir, durationMs: 1500, quietAtEndMs });
      const summary = await recorder.start();
      const records = readdirSync(dir)
        .filter((f) => f.endsWith('.raw.ndjson'))
        .flatMap((f) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const replay = await replayRecorderRaw(dir);
      const recv = records.filter((r) => r.type === 'recv').map((r) => r.local_ts_ms as number);
      const stop = records.filter((r) => r.type === 'close').map((r) => r.local_ts_ms as number);
      return { summary, gaps: replay.gaps as unknown as Array<Record<string, unknown>>, lastRecvMs: Math.max(...recv), stopMs: Math.max(...stop) };
    } finally {
      await server.close();
    }
  }

  it('is a gap from its last message to the stop, named in the summary; not below the threshold', async () => {
    const quiet = await quietTail(500);
    expect(quiet.stopMs - quiet.lastRecvMs).toBeGreaterThan(600);
    expect(quiet.summary.quietAtEnd.map((q) => q.channel).sort()).toEqual(['books', 'books5']);
    for (const q of quiet.summary.quietAtEnd) expect(q.quietMs).toBeGreaterThanOrEqual(500);
    const tail = quiet.gaps.filter((g) => /before the recording stopped/.test(String(g.reason)));
    expect(tail.map((g) => g.channel).sort()).toEqual(['books', 'books5']);
    for (const g of tail) expect(g.to_local_ts_ms).toBe(quiet.stopMs);
    const loud = await quietTail(5000);
    expect(loud.summary.quietAtEnd).toEqual([]);
    expect(loud.gaps.filter((g) => /before the recording stopped/.test(String(g.reason)))).toEqual([]);
  });
});
