import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { spawnAsmm } from '../helpers/cli.js';

/** The `ts` (exchange time, epoch ms) of the first books5 frame the server at `url` sends for ETH-USDT. */
async function firstBooks5Ts(url: string): Promise<number> {
  const ws = new WebSocket(url);
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no books5 frame from ${url} in 10 s`)), 10_000);
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books5', instId: 'ETH-USDT' }] })));
      ws.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { arg?: { channel?: string }; data?: Array<{ ts: string }> };
        if (message.arg?.channel !== 'books5' || !message.data) return;
        clearTimeout(timer);
        resolve(Number(message.data[0].ts));
      });
    });
  } finally {
    ws.close();
  }
}

describe('the fake exchange\'s clock', () => {
  it('simulated (the library default): exchange time from 2026-01-01T00:00Z, whatever the wall time', async () => {
    const server = await startFakeOkxServer({ lifetimeMs: 10_000, keepSentFrames: false });
    try {
      const ts = await firstBooks5Ts(server.url);
      expect(ts - Date.UTC(2026, 0, 1)).toBeGreaterThanOrEqual(0);
      expect(ts - Date.UTC(2026, 0, 1)).toBeLessThan(60_000);
    } finally {
      await server.close();
    }
  });

  it('wall: frames carry the machine\'s time, as a real exchange\'s stamps (within the seconds the test takes)', async () => {
    const server = await startFakeOkxServer({ lifetimeMs: 10_000, keepSentFrames: false, clock: 'wall' });
    try {
      const before = Date.now();
      const ts = await firstBooks5Ts(server.url);
      expect(ts).toBeGreaterThanOrEqual(before - 1000);
      expect(ts).toBeLessThanOrEqual(Date.now());
    } finally {
      await server.close();
    }
  });

  it('asmm fake-exchange keeps the machine\'s time by default (offline tryouts then see receive stamps a few ms after exchange stamps, not 11 months)', async () => {
    const run = spawnAsmm(['fake-exchange', '--port', '0', '--lifetime', '8s', '--json']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no --json line from asmm fake-exchange: ${out}`)), 20_000);
        run.child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /"url":\s*"([^"]+)"/.exec(out);
          if (m && /"clock":\s*"wall"/.test(out)) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      const before = Date.now();
      const ts = await firstBooks5Ts(url);
      expect(ts).toBeGreaterThanOrEqual(before - 1000);
      expect(ts).toBeLessThanOrEqual(Date.now());
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
    }
  }, 40_000);
});
