import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hand-built raw logs of `asmm record` (record types of src/capture/rawRecords.ts, frames in OKX v5 message
 * shapes: "Order book channel" books5 / books with seqId and prevSeqId, "Trades channel"), with chosen
 * latencies: every book row is received BOOK_LATENCY ms after its exchange time, every trade TRADE_LATENCY ms
 * after. For tests of the recording replay (test/capture/replaySessions.test.ts) and the robustness table.
 */
export const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
export const INST = 'ETH-USDT';
export const BOOK_LATENCY = 5;
export const TRADE_LATENCY = 8;

export class RawLog {
  readonly lines: string[] = [];
  private seq = 0;
  constructor(readonly session: string, segmentNo: number, localMs: number, channels = ['books5', 'trades']) {
    const args = channels.map((channel) => ({ channel, instId: INST }));
    this.push({ type: 'segment', session, segment: `${session}.${String(segmentNo).padStart(4, '0')}`, url: 'ws://127.0.0.1:1', args, depth: 5, local_ts_ms: localMs });
  }
  private push(record: object): this {
    this.lines.push(JSON.stringify(record));
    return this;
  }
  open(conn: number, localMs: number): this {
    return this.push({ type: 'open', conn, local_ts_ms: localMs, url: 'ws://127.0.0.1:1' });
  }
  recv(conn: number, localMs: number, frame: object | string): this {
    return this.push({ type: 'recv', conn, local_ts_ms: localMs, frame: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  ack(conn: number, localMs: number, channel: string): this {
    return this.recv(conn, localMs, { event: 'subscribe', arg: { channel, instId: INST }, connId: 'a1' });
  }
  /** A books5 push with exchange time tsMs, received BOOK_LATENCY later. */
  books5(conn: number, tsMs: number, bid = '100.0', ask = '100.1'): this {
    const data = { asks: [[ask, '1', '0', '1']], bids: [[bid, '1', '0', '1']], instId: INST, ts: String(tsMs), seqId: ++this.seq };
    return this.recv(conn, tsMs + BOOK_LATENCY, { arg: { channel: 'books5', instId: INST }, data: [data] });
  }
  /** A `books` message (no checksum sent) with the given sequence ids. */
  books(conn: number, tsMs: number, action: 'snapshot' | 'update', prevSeqId: number, seqId: number, bid = '100.0'): this {
    const data = { asks: [['100.1', '1', '0', '1']], bids: [[bid, '1', '0', '1']], ts: String(tsMs), prevSeqId, seqId };
    return this.recv(conn, tsMs + BOOK_LATENCY, { arg: { channel: 'books', instId: INST }, action, data: [data] });
  }
  /** A trade with exchange time tsMs, received TRADE_LATENCY later. */
  trade(conn: number, tsMs: number, id: number): this {
    const data = { instId: INST, tradeId: String(id), px: '100.05', sz: '0.5', side: 'buy', ts: String(tsMs) };
    return this.recv(conn, tsMs + TRADE_LATENCY, { arg: { channel: 'trades', instId: INST }, data: [data] });
  }
  retire(conn: number, localMs: number, reason: string): this {
    return this.push({ type: 'retire', conn, local_ts_ms: localMs, reason });
  }
  gap(channel: string, fromMs: number, toMs: number, reason: string): this {
    return this.push({ type: 'gap', inst: INST, channel, from_local_ts_ms: fromMs, to_local_ts_ms: toMs, reason });
  }
  close(conn: number, localMs: number): this {
    return this.push({ type: 'close', conn, local_ts_ms: localMs, code: 1000, reason: 'recorder stopped: test' });
  }
  /** Writes the file as a finished segment, or as `.partial` with its last line cut in half (SIGKILL). */
  write(dir: string, segmentNo = 1, killed = false): string {
    mkdirSync(dir, { recursive: true });
    const name = `okx.${this.session}.${String(segmentNo).padStart(4, '0')}.raw.ndjson`;
    if (!killed) {
      writeFileSync(join(dir, name), this.lines.join('\n') + '\n');
      return join(dir, name);
    }
    const last = this.lines[this.lines.length - 1];
    writeFileSync(join(dir, `${name}.partial`), this.lines.slice(0, -1).join('\n') + '\n' + last.slice(0, Math.floor(last.length / 2)));
    return join(dir, `${name}.partial`);
  }
}

/** Session A, 10:00:00.000–.400: books5 rows at +100, +200, +300, a trade at +150; conn 1 retired at +350, stopped at +400. */
export function sessionA(name = '20261204T100000Z'): RawLog {
  return new RawLog(name, 1, T0)
    .open(1, T0 + 1)
    .ack(1, T0 + 20, 'books5')
    .ack(1, T0 + 20, 'trades')
    .books5(1, T0 + 100)
    .trade(1, T0 + 150, 1)
    .books5(1, T0 + 200)
    .books5(1, T0 + 300)
    .retire(1, T0 + 350, 'notice 64008: service upgrade')
    .gap('books5', T0 + 350, T0 + 400, 'notice 64008: service upgrade; not recovered when recording stopped (test)')
    .gap('trades', T0 + 350, T0 + 400, 'notice 64008: service upgrade; not recovered when recording stopped (test)')
    .close(1, T0 + 400);
}

/** Session B (a restart in the same second), 10:00:00.600–.900: conn 1 again, trades acknowledged at +620, rows from +700. */
export function sessionB(name = '20261204T100000Z-2', startMs = T0 + 600): RawLog {
  const d = startMs - (T0 + 600);
  return new RawLog(name, 1, startMs)
    .open(1, startMs + 1)
    .ack(1, startMs + 20, 'books5')
    .ack(1, startMs + 20, 'trades')
    .books5(1, T0 + 700 + d, '101.0', '101.1')
    .trade(1, T0 + 750 + d, 2)
    .books5(1, T0 + 800 + d, '101.0', '101.1')
    .books5(1, T0 + 850 + d, '101.0', '101.1')
    .close(1, startMs + 300);
}

/**
 * Two sessions of `asmm record` written into `dir` at the same time (B starts while A still records), as two
 * recorders on one `--out` left them before the lock: replaying the directory must fail naming both files.
 */
export function writeOverlappingRecording(dir: string): { first: string; second: string } {
  const first = sessionA().write(dir);
  const second = sessionB('20261204T100000Z-2', T0 + 250).write(dir);
  return { first, second };
}
