import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TickBook } from '../../src/book/tickBook.js';
import { recordFakeSession } from '../../src/capture/index.js';
import { replayCryptofeedOkx } from '../../src/formats/cryptofeedOkx.js';
import type { RecordedLevelChanges } from '../../src/formats/levelChanges.js';
import { replayRecorderRaw } from '../../src/formats/recorderRaw.js';
import type { BookTable } from '../../src/data/tables.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// An asmm recording of the fake OKX exchange (books with seqId and checksum, books5, trades), with a checksum
// fault and a sequence gap: its level changes, as the full-depth replay reads them, rebuild every top-5 row the
// recording's own normalizer emitted (an independent rebuild: TickBook against the normalizer's order book).
describe('an asmm recording as level changes (replayRecorderRaw native)', () => {
  it('the books stream\'s level changes rebuild its rows, clears at each snapshot, order counts carried; the integrity faults are masked', async () => {
    const outDir = tempDir('asmm-recorder-native-');
    await recordFakeSession({ outDir, steps: 500, faults: [{ afterDataFrames: 300, kind: 'checksum' }, { afterDataFrames: 700, kind: 'seqGap' }] });
    const replay = await replayRecorderRaw(outDir, 5, { native: true });
    const books = replay.books.find((b) => b.stream.channel === 'books')!;
    const native = books.native!;
    const rows = books.book;
    expect(rows.tsMs.length).toBeGreaterThan(200);
    expect(native.side.filter((s) => s === 0).length).toBeGreaterThanOrEqual(3); // the first snapshot and the two rebuilds
    expect(Array.from(native.orders).filter((c, i) => native.side[i] !== 0 && native.qty[i] > 0).every((c) => c >= 1)).toBe(true);
    expect(rows.masked?.length ?? 0).toBeGreaterThanOrEqual(2);
    const compared = rebuildsRows(native, rows, 0.01);
    expect(compared).toBeGreaterThan(200);

    // asmm backtest --depth full replays the recording, orderCount from its counts, and says what it masked
    const r = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-cli-report.html'), '--data', outDir, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--queue-model', 'orderCount', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { nativeEvents: number; orders: number; masked: unknown[]; notes: string[] };
    expect(out.nativeEvents).toBe(native.tsMs.length + replay.instruments.get('ETH-USDT')!.trades!.tsMs.length);
    expect(out.orders).toBeGreaterThan(10);
    expect(out.masked.length).toBeGreaterThanOrEqual(2);
    expect(out.notes.join('\n')).toMatch(/ETH-USDT books: \d+ level changes/);
  }, 60_000);
});

/** Folds the level changes into a TickBook and compares its top 5 with every row (the last of each time); the rows compared. */
function rebuildsRows(native: RecordedLevelChanges, rows: BookTable, tick: number): number {
  const book = new TickBook(tick);
  const ticks = new Float64Array(5);
  const sizes = new Float64Array(5);
  let e = 0;
  let compared = 0;
  for (let r = 0; r < rows.tsMs.length; r++) {
    if (r + 1 < rows.tsMs.length && rows.tsMs[r + 1] === rows.tsMs[r]) continue; // rows of one time: the last
    for (; e < native.tsMs.length && native.tsMs[e] <= rows.tsMs[r]; e++) {
      if (native.side[e] === 0) book.clear();
      else (native.side[e] > 0 ? book.bids : book.asks).set(book.toTick(native.px[e]), native.qty[e]);
    }
    for (const [side, pxs, szs] of [[book.bids, rows.bidPx, rows.bidSz], [book.asks, rows.askPx, rows.askSz]] as const) {
      const n = side.top(5, ticks, sizes);
      for (let l = 0; l < 5; l++) {
        expect(l < n ? book.toPrice(ticks[l]) : NaN, `row ${r} level ${l}`).toBe(pxs[l][r]);
        expect(l < n ? sizes[l] : NaN, `row ${r} level ${l}`).toBe(szs[l][r]);
      }
    }
    compared++;
  }
  return compared;
}

const cryptofeed = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
if (!existsSync(cryptofeed)) process.stderr.write(`test/formats/recorderNative.test.ts: the cryptofeed part is skipped, ${cryptofeed} is absent (../shared/data)\n`);
describe.skipIf(!existsSync(cryptofeed))('a cryptofeed OKX capture as level changes (needs ../shared/data)', () => {
  it('BTC-USDT books: its level changes rebuild every row, each level with its order count; --depth full replays it with orderCount', async () => {
    const replay = await replayCryptofeedOkx(cryptofeed, 5, { native: true });
    const { book, native } = replay.instruments.get('BTC-USDT')!;
    expect(native!.tsMs.length).toBeGreaterThan(1000);
    expect(rebuildsRows(native!, book!, 0.1)).toBeGreaterThan(50);
    expect(Array.from(native!.orders).filter((c, i) => native!.side[i] !== 0 && native!.qty[i] > 0).every((c) => c >= 1)).toBe(true);
    const r = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-cli-report.html'), '--data', cryptofeed, '--inst', 'BTC-USDT', '--depth', 'full', '--strategy', 'symmetric', '--queue-model', 'orderCount', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { nativeEvents: number; orders: number };
    expect(out.nativeEvents).toBe(native!.tsMs.length + replay.instruments.get('BTC-USDT')!.trades!.tsMs.length);
    expect(out.orders).toBeGreaterThan(5);
  });
});
