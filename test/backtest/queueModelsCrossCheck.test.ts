import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A bid of 1 resting at 100.00 behind 10, on a hand-built Binance capture: others join behind (16), a sell of 3 at our
// price with the level at 13 after it (no cancellation: the trade explains the decrease), 4 cancelled (9), a sell of 5
// (level 4), a sell of 1.5 (level 2.5). Expected quantities filled by 4 s and by 5 s: bench/crosscheck/queue_models.py,
// an independent Python model of hftbacktest's ProbQueueModel (queue.rs: trade, depth with the trades netted, the
// *ProbQueueFunc) with asmm's documented rules (partial fills past the queue ahead; a cancellation never takes the
// quantity ahead below 0).
const EXPECTED: Record<string, [number, number]> = {
  power: [0.305882352941, 1],
  power2: [1, 1],
  power3: [0, 0.124487938097],
  log: [0.066345205529, 1],
  log2: [0, 0.550598140149],
  riskAverse: [0, 0],
  optimistic: [1, 1],
};

const T0 = Date.UTC(2026, 0, 1);
const EVENTS: [number, 'level' | 'sell', number][] = [
  [1000, 'level', 16], [2000, 'sell', 3], [2000, 'level', 13], [3000, 'level', 9],
  [4000, 'sell', 5], [4000, 'level', 4], [5000, 'sell', 1.5], [5000, 'level', 2.5],
];

function capture(path: string, untilMs: number): void {
  const lines: [number, string][] = [];
  const put = (ms: number, obj: unknown) => lines.push([(ms + 1) * 1e6, JSON.stringify(obj)]);
  let uid = 100;
  put(T0 + 400, { lastUpdateId: uid, bids: [['100.00000000', '10.00000000'], ['99.99000000', '20.00000000']], asks: [['100.02000000', '50.00000000'], ['100.03000000', '20.00000000']] });
  const diff = (ms: number, b: string[][]) => {
    uid++;
    put(T0 + ms, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: T0 + ms, s: 'BTCUSDT', U: uid, u: uid, b, a: [] } });
  };
  diff(500, [['99.98000000', '1.00000000']]);
  let tid = 1;
  for (const [ms, kind, v] of EVENTS.filter((e) => e[0] <= untilMs)) {
    if (kind === 'sell') put(T0 + ms, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + ms, s: 'BTCUSDT', t: tid++, p: '100.00000000', q: v.toFixed(8), T: T0 + ms, m: true, M: true } });
    else diff(ms, [['100.00000000', v.toFixed(8)]]);
  }
  diff(6000, [['99.97000000', '1.00000000']]);
  lines.sort((a, b) => a[0] - b[0]);
  writeFileSync(path, gzipSync(lines.map(([ns, json]) => `${ns} ${json}`).join('\n') + '\n'));
}

describe('queue models on a hand-built level against an independent Python model of hftbacktest ProbQueueModel', () => {
  const dir = tempDir('asmm-queue-xcheck-');
  const files = [join(dir, 'to4s.gz'), join(dir, 'to5s.gz')];
  capture(files[0], 4000);
  capture(files[1], 5000);
  for (const [model, expected] of Object.entries(EXPECTED)) {
    it(`${model}: the quantity filled by 4 s and by 5 s, full depth and top 5`, () => {
      for (let i = 0; i < 2; i++) {
        const args = ['backtest', '--data', files[i], '--fill', 'queue', '--queue-model', model, '--strategy', 'symmetric', '--half-spread', '0.01', '--size', '1', '--tick', '0.01', '--json'];
        const full = runAsmm([...args, '--depth', 'full', '--report', join(dir, `${model}-${i}-full.html`)]);
        expect(full.code, full.stderr).toBe(0);
        expect(JSON.parse(full.stdout).finalInventory).toBeCloseTo(expected[i], 9);
        const top = runAsmm([...args, '--report', join(dir, `${model}-${i}-top.html`)]);
        expect(top.code, top.stderr).toBe(0);
        expect(JSON.parse(top.stdout).metrics.finalInventory).toBeCloseTo(expected[i], 9);
      }
    });
  }
});
