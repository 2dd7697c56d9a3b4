import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { runAsmm } from './cli.js';

/** The capture's start (epoch ms): 2026-01-01T00:00Z. */
export const FALLING_ASK_T0 = Date.UTC(2026, 0, 1);

/**
 * A small Binance capture (hftbacktest's collector layout, gzipped) at `path`: 100.00 / 100.02 from 0.5 s; at
 * 0.55 s the bid level goes and the ask falls to 99.99 (a bid sent at 0.5 s with 100 ms of latency arrives into
 * it); a sell at 99.99 at 1.9 s; one more diff at 2 s. Times from FALLING_ASK_T0.
 */
export function writeFallingAskCapture(path: string): void {
  const T0 = FALLING_ASK_T0;
  const lines: [number, string][] = [];
  const put = (ms: number, obj: unknown) => lines.push([(ms + 1) * 1e6, JSON.stringify(obj)]);
  let uid = 100;
  put(T0 + 400, { lastUpdateId: uid, bids: [['100.00', '10'], ['99.98', '20']], asks: [['100.02', '50'], ['100.03', '20']] });
  const diff = (ms: number, b: string[][], a: string[][]) => {
    uid++;
    put(T0 + ms, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: T0 + ms, s: 'BTCUSDT', U: uid, u: uid, b, a } });
  };
  diff(500, [['99.97', '1']], []);
  diff(550, [['100.00', '0']], [['99.99', '5']]);
  put(T0 + 1900, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 1900, s: 'BTCUSDT', t: 1, p: '99.99', q: '0.001', T: T0 + 1900, m: true, M: true } });
  diff(2000, [['99.96', '1']], []);
  lines.sort((a, b) => a[0] - b[0]);
  writeFileSync(path, gzipSync(lines.map(([ns, json]) => `${ns} ${json}`).join('\n') + '\n'));
}

/**
 * `asmm backtest` of the falling-ask capture written into `dir` (symmetric ±0.01, orders of 1, tick 0.01, queue
 * fills, 100 ms entry and cancel latencies, maker −0.0001, taker 0.0005, plus `extra`), at full depth and at top 5;
 * then expects in both the one fill the tests work out by hand: the bid meets the ask fallen to 99.99 and buys 1
 * there as a taker (fee 0.0005 · 99.99), marked at the last mid 99.985. Returns the two results (`--json`).
 */
export function expectOneTakerFillInBothReplays(dir: string, extra: string[] = []): { full: Record<string, any>; top: Record<string, any> } {
  const file = join(dir, 'cross.gz');
  writeFallingAskCapture(file);
  const args = ['backtest', '--data', file, ...extra, '--fill', 'queue', '--strategy', 'symmetric', '--half-spread', '0.01', '--size', '1', '--tick', '0.01', '--entry-latency', '100ms', '--cancel-latency', '100ms', '--maker-fee=-0.0001', '--taker-fee=0.0005', '--json'];
  const full = runAsmm([...args, '--depth', 'full', '--report', join(dir, 'full.html')]);
  expect(full.code, full.stderr).toBe(0);
  const top = runAsmm([...args, '--report', join(dir, 'top.html')]);
  expect(top.code, top.stderr).toBe(0);
  const f = JSON.parse(full.stdout);
  const m = JSON.parse(top.stdout).metrics;
  const fee = 0.0005 * 99.99;
  for (const r of [{ fills: f.fills, cause: f.fillsByCause.marketable, inv: f.finalInventory, fees: f.fees, pnl: f.pnl }, { fills: m.fills, cause: m.fillsByCause.marketable, inv: m.finalInventory, fees: m.fees, pnl: m.pnl }]) {
    expect([r.fills, r.cause, r.inv]).toEqual([1, 1, 1]);
    expect(r.fees).toBeCloseTo(fee, 12);
    expect(r.pnl).toBeCloseTo(99.985 - 99.99 - fee, 9);
  }
  return { full: f, top: JSON.parse(top.stdout) };
}
