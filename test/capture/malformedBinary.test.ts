import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OkxRecorder } from '../../src/capture/index.js';
import { FAKE_BINARY_GARBAGE, startFakeOkxServer } from '../../src/okx/fakeServer.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('asmm-binary-frame-');

// Anything a terminal or a CSV reader would act on: C0 controls (ESC, BEL, NUL, CR, LF, ...), DEL and the C1
// controls (0x80-0x9f, e.g. 0x9b = CSI), which a latin-1 decoding of binary bytes produces.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('a malformed binary frame', () => {
  it('is described escaped and truncated (with its byte length) in events and gaps.csv, and kept verbatim in the raw log only', async () => {
    const server = await startFakeOkxServer({ stepIntervalMs: 2, maxSteps: 200, faults: [{ afterDataFrames: 100, kind: 'binary' }], lifetimeMs: 20_000 });
    const dir = join(root, 'binary');
    const events: string[] = [];
    const recorder = new OkxRecorder({
      url: server.url,
      args: [{ channel: 'books5', instId: 'ETH-USDT' }, { channel: 'trades', instId: 'ETH-USDT' }],
      outDir: dir,
      onEvent: (m) => events.push(m),
    });
    const done = recorder.start();
    const poll = setInterval(() => {
      if (server.counts.steps >= 200 && recorder.snapshot().frames === server.counts.frames) recorder.stop('test done');
    }, 50);
    const summary = await done;
    clearInterval(poll);
    await server.close();
    expect(server.counts.faults).toBe(1);
    expect(summary.stats.malformedFrames).toBe(1);

    const malformedEvents = events.filter((e) => /malformed/.test(e));
    expect(malformedEvents.length).toBeGreaterThan(0);
    for (const e of events) expect(e, JSON.stringify(e)).not.toMatch(CONTROL);

    const gapsFile = readdirSync(dir).find((f) => f.startsWith('gaps.')) as string;
    const gapsText = readFileSync(join(dir, gapsFile), 'utf8');
    expect(gapsText, JSON.stringify(gapsText)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const lines = gapsText.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // header and the one gap, on one line
    const reason = lines[1].split(',').slice(4).join(',');
    expect(reason).toMatch(/malformed frame \(binary, /);
    expect(reason).toContain(`${FAKE_BINARY_GARBAGE.length} bytes`);
    // the frame's preview is JSON-escaped (ESC as \u001b) and cut to at most 80 characters
    expect(reason).toContain('\\u001b[2J');
    const preview = /"((?:[^"\\]|\\.)*)"/.exec(reason.replace(/""/g, '"'));
    expect(preview).not.toBeNull();
    expect((preview as RegExpExecArray)[1].length).toBeLessThanOrEqual(80);
    expect(reason.length).toBeLessThan(400);

    // the raw log keeps the frame byte for byte (as latin-1 text in a JSON string)
    const raw = readdirSync(dir).filter((f) => f.endsWith('.raw.ndjson')).flatMap((f) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n'));
    const frames = raw.map((l) => JSON.parse(l) as { type: string; frame?: string }).filter((r) => r.type === 'recv').map((r) => r.frame);
    expect(frames).toContain(FAKE_BINARY_GARBAGE.toString('latin1'));
  }, 30_000);
});
