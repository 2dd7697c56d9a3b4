import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server started for one local run: its URL, and how to stop it. */
export interface LocalRedis {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** redis-server on the PATH (or Debian's /usr/bin), or undefined. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'].filter(Boolean);
  return dirs.map((dir) => join(dir, 'redis-server')).find((path) => existsSync(path));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server on 127.0.0.1 only (on `port`, default a free one), its files in `dir` (AOF on and
 * written at every command, so that a killed server loses nothing; no RDB snapshots), and waits until it
 * answers PING (at most `timeoutMs`). Throws naming the binary when it does not start.
 */
export async function startLocalRedis(binary: string, dir: string, options: { port?: number; timeoutMs?: number } = {}): Promise<LocalRedis> {
  const port = options.port ?? (await freeLocalPort());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = `redis://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with code ${child.exitCode} before answering: ${log.trim().split('\n').slice(-3).join(' | ')}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return { url, process: child, stop };
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} did not answer on ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
