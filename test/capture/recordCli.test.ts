import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBookCsv, readTradeCsv } from '../../src/data/csv.js';
import { replayRecorderRaw } from '../../src/formats/recorderRaw.js';
import { startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { runAsmm, spawnAsmm, waitFor } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('asmm-record-cli-');

describe('asmm record', () => {
  it('SIGINT while frames stream in at full speed leaves every file complete, valid and lossless', async () => {
    const server = await startFakeOkxServer({ stepIntervalMs: 0, lifetimeMs: 30_000 });
    const out = join(root, 'sigint');
    const run = spawnAsmm(['record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books,books5,trades', '--out', out, '--progress-every', '200ms']);
    try {
      await waitFor(() => server.counts.dataFrames > 20_000, 20_000);
      run.child.kill('SIGINT');
      const code = await run.exited;
      expect(code, run.output().stderr).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      await server.close();
    }
    const { stderr } = run.output();
    expect(stderr).toMatch(/\d+ msg\/s \| \d+ msgs \| rows \d+ book, \d+ trades \| reconnects 0 \| gaps 0 \| [\d.]+ MB/);
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(files).not.toContain('.asmm-record.lock'); // SIGINT released the directory
    expect(files.filter((f) => f.endsWith('.csv')).length).toBe(4); // books, books5, trades, gaps
    // raw: every line a complete record; what was received is exactly a prefix of what the server sent
    const raw = files.filter((f) => f.endsWith('.raw.ndjson')).map((f) => readFileSync(join(out, f), 'utf8'));
    expect(raw).toHaveLength(1);
    expect(raw[0].endsWith('\n')).toBe(true);
    const records = raw[0].trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; frame?: string });
    const received = records.filter((r) => r.type === 'recv').map((r) => r.frame);
    expect(received.length).toBeGreaterThan(10_000);
    expect(received).toEqual(server.sent.slice(0, received.length).map((s) => s.frame));
    // tables: valid under the strict readers, and exactly what the raw log rebuilds
    const replay = await replayRecorderRaw(out);
    for (const channel of ['books', 'books5']) {
      const file = files.find((f) => f.startsWith(`ETH-USDT.${channel}.`)) as string;
      const live = readBookCsv(join(out, file));
      expect(live.tsMs.length).toBeGreaterThan(1000);
      expect(replay.books.find((b) => b.stream.channel === channel)?.book.askPx).toEqual(live.askPx);
    }
    const trades = readTradeCsv(join(out, files.find((f) => f.startsWith('ETH-USDT.trades.')) as string));
    expect(replay.instruments.get('ETH-USDT')?.trades?.id).toEqual(trades.id);
    // inspect and convert understand a recording directory
    const inspected = runAsmm(['inspect', out, '--json']);
    expect(inspected.code, inspected.stderr).toBe(0);
    const report = JSON.parse(inspected.stdout) as { format: string; tables: Array<{ kind: string; rows: number }>; notes: string[] };
    expect(report.format).toBe('asmm-recorder-raw');
    expect(report.tables.map((t) => t.kind)).toEqual(['book', 'book', 'trades']);
    expect(report.tables[2].rows).toBe(trades.id.length);
    expect(report.notes[0]).toMatch(/0 malformed, \d+ checksums verified, 0 mismatches, 0 duplicate trades dropped, 0 gap record/);
    const sampled = JSON.parse(runAsmm(['inspect', out, '--every', '100ms', '--json']).stdout) as { tables: Array<{ kind: string; rows: number; intervalMs: { min: number; max: number } }> };
    expect(sampled.tables[0].intervalMs).toMatchObject({ min: 100, max: 100 });
    const converted = runAsmm(['convert', out, '--to', 'arrow', join(root, 'converted')]);
    expect(converted.code, converted.stderr).toBe(0);
    expect(readdirSync(join(root, 'converted')).sort()).toEqual(['ETH-USDT.books.arrow', 'ETH-USDT.books5.arrow', 'ETH-USDT.trades.arrow']);
    const gapsFile = files.find((f) => f.startsWith('gaps.')) as string;
    expect(readFileSync(join(out, gapsFile), 'utf8')).toBe('from_local_ts_ms,to_local_ts_ms,inst,channel,reason\n');
    expect(statSync(join(out, gapsFile)).size).toBeGreaterThan(0);
  }, 60_000);

  it('a subscription OKX rejects ends the recording with the exchange\'s error, exit code 1', async () => {
    const server = await startFakeOkxServer({ lifetimeMs: 20_000 });
    try {
      const out = join(root, 'rejected');
      const run = spawnAsmm(['record', '--url', server.url, '--inst', 'NOPE-USDT', '--channels', 'books5', '--out', out]);
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toMatch(/OKX rejected the subscription: error 60018: .*NOPE-USDT/);
      expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('bad arguments get a one-line usage error', () => {
    for (const args of [
      ['record'],
      ['record', '--inst', 'ETH-USDT', '--channels', 'books7'],
      ['record', '--inst', 'ETH-USDT', '--duration', 'soon'],
      ['record', '--inst', 'eth usdt'],
      ['record', '--inst', 'ETH-USDT', '--url', 'http://example.com'],
    ]) {
      const { code, stderr } = runAsmm(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n')[0]).toMatch(/^asmm record: /);
    }
  });
});
