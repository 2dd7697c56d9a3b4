import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/capture/index.js';
import { replayRecorderRaw } from '../../src/formats/recorderRaw.js';
import { startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { runAsmm, spawnAsmm, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Issue 14, defect 5 end to end: `asmm record` killed with SIGKILL, restarted into the same --out; the
// directory then replays as two ordered sessions with the restart masked, and the commands say so.

const root = tempDir('asmm-kill-restart-');

describe('asmm record killed with SIGKILL and restarted into the same directory', () => {
  it('the stale lock is taken over; replay gives two ordered sessions, the abrupt end noted, the restart masked on books and trades', async () => {
    const server = await startFakeOkxServer({ stepIntervalMs: 5, lifetimeMs: 90_000 });
    const out = join(root, 'out');
    const args = ['record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books5,trades', '--out', out];
    const first = spawnAsmm(args);
    try {
      // killed once it has flushed data to disk (the recorder flushes every second)
      const flushedBytes = () => {
        if (!existsSync(out)) return 0;
        const raw = readdirSync(out).find((f) => f.endsWith('.raw.ndjson.partial'));
        return raw ? statSync(join(out, raw)).size : 0;
      };
      await waitFor(() => flushedBytes() > 50_000, 60_000);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(existsSync(join(out, LOCK_FILE_NAME))).toBe(true);
      expect(readdirSync(out).some((f) => f.endsWith('.raw.ndjson.partial'))).toBe(true);
      await new Promise((r) => setTimeout(r, 1100)); // a new second: a new session name
      const second = spawnAsmm([...args, '--duration', '2s']);
      expect(await second.exited, second.output().stderr).toBe(0);
      expect(second.output().stderr).toMatch(/taking over the lock of pid \d+/);
      expect(existsSync(join(out, LOCK_FILE_NAME))).toBe(false);
    } finally {
      first.child.kill('SIGKILL');
      await server.close();
    }
    const replay = await replayRecorderRaw(out);
    expect(replay.sessions).toHaveLength(2);
    const [a, b] = replay.sessions;
    expect(a.abrupt).toBe(true);
    expect(b.abrupt).toBe(false);
    expect(b.firstLocalMs).toBeGreaterThan(a.lastLocalMs);
    const book = replay.instruments.get('ETH-USDT')?.book;
    const trades = replay.instruments.get('ETH-USDT')?.trades;
    expect(book && trades).toBeTruthy();
    const ts = book?.tsMs as Float64Array;
    const local = book?.localTsMs as Float64Array;
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
    // the book is masked from A's last row to B's first row
    let lastA = -1;
    for (let i = 0; i < local.length; i++) if (local[i] <= a.lastLocalMs) lastA = i;
    expect(lastA).toBeGreaterThan(10);
    expect(lastA + 1).toBeLessThan(ts.length);
    expect(book?.masked?.some((m) => m.fromMs <= ts[lastA] && m.toMs >= ts[lastA + 1] && /recorder killed/.test(m.reason))).toBe(true);
    // (the fake exchange's clock pauses while nobody is subscribed, so its exchange time does not follow the
    // wall clock: the trades mask's width is checked on hand-built logs, replaySessions.test.ts)
    expect(trades?.masked?.some((m) => /recorder killed/.test(m.reason) && m.toMs > m.fromMs)).toBe(true);
    // the commands read it with exit 0 and tell the user
    const inspected = runAsmm(['inspect', out, '--json']);
    expect(inspected.code, inspected.stderr).toBe(0);
    const notes = (JSON.parse(inspected.stdout) as { notes: string[] }).notes.join('\n');
    expect(notes).toMatch(/2 recording sessions/);
    expect(notes).toMatch(/ended abruptly .*\.partial .*masked until session/);
  }, 120_000);
});
