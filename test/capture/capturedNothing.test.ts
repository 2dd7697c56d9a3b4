import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { freeLocalPort } from '../../src/project/localRedis.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OkxRecorder, type RecorderOptions } from '../../src/capture/index.js';
import { startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Defect 6 of issue 14: a recording that captured nothing looked like success (reconnects 0, no gap, exit 0).

const root = tempDir('asmm-captured-nothing-');
const ARGS = [
  { channel: 'books5', instId: 'ETH-USDT' },
  { channel: 'trades', instId: 'ETH-USDT' },
];
let runs = 0;

/** A port on 127.0.0.1 with nothing listening (bound once by the OS, then released). */
const closedPort = freeLocalPort;

interface GapRow {
  from: number;
  to: number;
  inst: string;
  channel: string;
  reason: string;
}

function gapRows(dir: string): GapRow[] {
  const file = readdirSync(dir).find((f) => f.startsWith('gaps.') && f.endsWith('.csv')) as string;
  const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n').slice(1);
  return lines.map((line) => {
    const [from, to, inst, channel, ...rest] = line.split(',');
    return { from: Number(from), to: Number(to), inst, channel, reason: rest.join(',') };
  });
}

async function record(options: Omit<RecorderOptions, 'outDir' | 'args'>) {
  const dir = join(root, `run-${++runs}`);
  const events: string[] = [];
  const recorder = new OkxRecorder({ args: ARGS, outDir: dir, backoff: { initialMs: 40, maxMs: 200, factor: 2 }, onEvent: (m) => events.push(m), ...options });
  const summary = await recorder.start();
  return { dir, events, summary };
}

/** Runs the CLI without blocking this process (the fake exchange must keep answering). */
function asmmAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(projectRootForTests, 'bin', 'asmm.mjs'), ...args], { cwd: projectRootForTests, env: { ...process.env, ASMM_ROOT: projectRootForTests } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

describe('a recording that captured nothing', () => {
  it('unreachable port: every failed attempt is a reconnect, the whole recording is a gap per subscription, no data reported', async () => {
    const port = await closedPort();
    const { dir, summary } = await record({ url: `ws://127.0.0.1:${port}`, durationMs: 1500 });
    const { stats } = summary;
    expect(stats.connections).toBe(0);
    expect(stats.failedConnections).toBeGreaterThanOrEqual(3);
    expect(stats.reconnects).toBe(stats.failedConnections - 1);
    expect(summary.noData.map((a) => `${a.channel} ${a.instId}`)).toEqual(['books5 ETH-USDT', 'trades ETH-USDT']);
    const gaps = gapRows(dir);
    expect(gaps.map((g) => g.channel).sort()).toEqual(['books5', 'trades']);
    for (const g of gaps) {
      expect(g.from).toBe(stats.startedMs);
      expect(g.to - g.from).toBeGreaterThanOrEqual(1400);
      expect(g.reason).toMatch(/no data/);
      expect(g.reason).toMatch(/ECONNREFUSED/);
    }
    expect(stats.gaps).toBe(2);
  }, 20_000);

  it('an attempt still connecting when the recording stops counts as failed: every attempt after the first is a reconnect', async () => {
    // a TCP server that accepts and never answers the WebSocket handshake: the one attempt is in flight at the stop
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { summary } = await record({ url: `ws://127.0.0.1:${port}`, durationMs: 300 });
      expect(sockets.length).toBe(1);
      expect(summary.stats.connections).toBe(0);
      expect(summary.stats.failedConnections).toBe(1);
      expect(summary.stats.reconnects).toBe(0);
      expect(summary.noData).toHaveLength(2);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 20_000);

  it('a server that answers ping but never acknowledges the subscription: retried after the acknowledgement timeout, a gap, no data reported', async () => {
    const server = await startFakeOkxServer({ acknowledgeSubscriptions: false, lifetimeMs: 20_000 });
    try {
      const { dir, events, summary } = await record({ url: server.url, durationMs: 2500, subscribeTimeoutMs: 300, keepAlive: { pingAfterMs: 100, pongTimeoutMs: 1000 } });
      expect(server.counts.frames).toBeGreaterThan(0); // it did answer pings
      expect(events.some((e) => /no acknowledgement of the subscription to books5 ETH-USDT, trades ETH-USDT within 300 ms/.test(e))).toBe(true);
      expect(summary.stats.connections).toBeGreaterThanOrEqual(2);
      expect(summary.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(summary.stats.bookRows + summary.stats.trades).toBe(0);
      expect(summary.noData).toHaveLength(2);
      const gaps = gapRows(dir);
      expect(gaps.map((g) => g.channel).sort()).toEqual(['books5', 'trades']);
      for (const g of gaps) {
        expect(g.from).toBe(summary.stats.startedMs);
        expect(g.reason).toMatch(/no acknowledgement/);
      }
    } finally {
      await server.close();
    }
  }, 20_000);

  it('an exchange reachable only after a while: the time before the first data is a gap naming the failures; then data, nothing missing', async () => {
    const port = await closedPort();
    let server: Awaited<ReturnType<typeof startFakeOkxServer>> | undefined;
    const late = new Promise<void>((resolve) => setTimeout(async () => {
      server = await startFakeOkxServer({ port, stepIntervalMs: 5, lifetimeMs: 20_000 });
      resolve();
    }, 400));
    try {
      const { dir, summary } = await record({ url: `ws://127.0.0.1:${port}`, durationMs: 2500 });
      await late;
      expect(summary.noData).toEqual([]);
      expect(summary.stats.failedConnections).toBeGreaterThanOrEqual(1);
      expect(summary.stats.connections).toBe(1);
      expect(summary.stats.reconnects).toBe(summary.stats.failedConnections);
      expect(summary.stats.bookRows).toBeGreaterThan(10);
      const gaps = gapRows(dir);
      expect(gaps.map((g) => g.channel).sort()).toEqual(['books5', 'trades']);
      for (const g of gaps) {
        expect(g.from).toBe(summary.stats.startedMs);
        expect(g.to - g.from).toBeGreaterThanOrEqual(350);
        expect(g.reason).toMatch(/before the first data/);
        expect(g.reason).toMatch(/ECONNREFUSED/);
        expect(g.reason).not.toMatch(/not recovered/);
      }
    } finally {
      await late;
      await server?.close();
    }
  }, 20_000);

  it('asmm record exits 1 with one line naming the channels without data (unreachable port)', async () => {
    const port = await closedPort();
    const out = join(root, 'cli-closed');
    const run = await asmmAsync(['record', '--url', `ws://127.0.0.1:${port}`, '--inst', 'ETH-USDT', '--channels', 'books5,trades', '--duration', '2s', '--out', out]);
    expect(run.code, run.stderr).toBe(1);
    const last = run.stderr.trimEnd().split('\n').pop() as string;
    expect(last).toMatch(/^asmm record: no data recorded for books5 ETH-USDT, trades ETH-USDT/);
    expect(last).toMatch(/ECONNREFUSED/);
    expect(run.stdout).toMatch(/reconnects [1-9]/);
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 30_000);

  it('asmm record --ack-timeout: a server that never acknowledges gives exit 1 naming the channels', async () => {
    const server = await startFakeOkxServer({ acknowledgeSubscriptions: false, lifetimeMs: 30_000 });
    try {
      const out = join(root, 'cli-silent');
      const run = await asmmAsync(['record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books5', '--duration', '2s', '--ack-timeout', '300ms', '--out', out]);
      expect(run.code, run.stderr).toBe(1);
      const last = run.stderr.trimEnd().split('\n').pop() as string;
      expect(last).toMatch(/^asmm record: no data recorded for books5 ETH-USDT .*no acknowledgement/);
    } finally {
      await server.close();
    }
  }, 30_000);
});
