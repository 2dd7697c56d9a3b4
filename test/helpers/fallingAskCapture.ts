import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

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
