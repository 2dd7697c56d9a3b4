import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, OkxRecorder, OutDirLockedError } from '../../src/capture/index.js';
import { startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { spawnAsmm, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Defect 5 of issue 14 (part): two recorders on one --out interleaved their sessions; refuse the second.

const root = tempDir('asmm-lock-');
const ARGS = [{ channel: 'books5', instId: 'ETH-USDT' }];

describe('the output directory lock', () => {
  it('a second recorder into a directory in use is refused, naming the lock file and its holder; the lock goes with a clean stop', async () => {
    const server = await startFakeOkxServer({ stepIntervalMs: 5, lifetimeMs: 20_000 });
    const dir = join(root, 'in-process');
    try {
      const first = new OkxRecorder({ url: server.url, args: ARGS, outDir: dir });
      const done = first.start();
      const lockPath = join(dir, LOCK_FILE_NAME);
      const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number; startedMs: number };
      expect(lock.pid).toBe(process.pid);
      expect(lock.startedMs).toBe(first.stats.startedMs);
      let refused: unknown;
      try {
        new OkxRecorder({ url: server.url, args: ARGS, outDir: dir });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(OutDirLockedError);
      expect((refused as Error).message).toContain(lockPath);
      expect((refused as Error).message).toContain(`pid ${process.pid}`);
      first.stop('test done');
      await done;
      expect(existsSync(lockPath)).toBe(false);
      // free again: a new session (even within the same second) starts in the same directory
      const second = new OkxRecorder({ url: server.url, args: ARGS, outDir: dir });
      expect(second.session).not.toBe(first.session);
      const again = second.start();
      second.stop('test done');
      await again;
      expect(existsSync(lockPath)).toBe(false);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('a stale lock (its pid no longer runs) is taken over with a warning', async () => {
    const dir = join(root, 'stale');
    mkdirSync(dir, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    const lockPath = join(dir, LOCK_FILE_NAME);
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid, host: hostname(), startedMs: 0, started: new Date(0).toISOString() }) + '\n');
    const events: string[] = [];
    const recorder = new OkxRecorder({ url: 'ws://127.0.0.1:9', args: ARGS, outDir: dir, onEvent: (m) => events.push(m) });
    expect(events.some((e) => e.includes(`taking over the lock of pid ${deadPid}`))).toBe(true);
    expect((JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    const done = recorder.start();
    recorder.stop('test done');
    await done;
    expect(existsSync(lockPath)).toBe(false);
  }, 20_000);

  it('asmm record: a second recorder on the same --out exits 2 with one line; SIGTERM on the first removes its lock', async () => {
    const server = await startFakeOkxServer({ stepIntervalMs: 5, lifetimeMs: 60_000 });
    const out = join(root, 'cli');
    const first = spawnAsmm(['record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books5', '--out', out]);
    try {
      const lockPath = join(out, LOCK_FILE_NAME);
      await waitFor(() => existsSync(lockPath) && server.counts.dataFrames > 10, 30_000);
      const second = spawnAsmm(['record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books5', '--out', out, '--duration', '1s']);
      expect(await second.exited).toBe(2);
      const lines = second.output().stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^asmm record: .*\.asmm-record\.lock: another recorder \(pid \d+ /);
      expect(lines[0]).toContain(`pid ${first.child.pid}`);
      first.child.kill('SIGTERM');
      expect(await first.exited, first.output().stderr).toBe(0);
      expect(existsSync(lockPath)).toBe(false);
    } finally {
      first.child.kill('SIGKILL');
      await server.close();
    }
  }, 60_000);
});
