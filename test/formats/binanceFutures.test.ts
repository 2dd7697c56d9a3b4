import { describe, expect, it } from 'vitest';
import { replayBinanceCapture } from '../../src/formats/binanceCapture.js';
import { DataError } from '../../src/data/errors.js';
import { loadTables } from '../../src/formats/loadAny.js';
import { tempDir } from '../helpers/tmp.js';
import { generate, linesWithTickers, writeCapture, type Capture } from './binanceSynthetic.js';

/** Rows the generator expects: the diffs a correct replay applies, in order. */
function expectRows(replay: Awaited<ReturnType<typeof replayBinanceCapture>>, capture: Capture, applied: number[]): void {
  const { book } = replay;
  expect(book.tsMs.length).toBe(applied.length);
  applied.forEach((d, i) => {
    const diff = capture.diffs[d];
    expect(book.tsMs[i]).toBe(diff.T);
    expect(replay.rowUpdateId[i]).toBe(diff.u);
    for (let l = 0; l < 5; l++) {
      expect([book.bidPx[l][i], book.bidSz[l][i], book.askPx[l][i], book.askSz[l][i]]).toEqual([diff.bids5[l][0], diff.bids5[l][1], diff.asks5[l][0], diff.asks5[l][1]]);
    }
  });
}

const range = (from: number, toInclusive: number) => Array.from({ length: toInclusive - from + 1 }, (_, i) => from + i);

const dir = tempDir('asmm-binance-');

describe('Binance USD-M/COIN-M futures capture (diffs with pu)', () => {
  // The snapshot holds the book after diff 20 (lastUpdateId = u of diff 20) and arrives after diff 25.
  const clean = generate({ market: 'futures', n: 200, snapshots: [{ stateAfter: 20, receivedAfter: 25 }] });
  const cleanPath = writeCapture(dir, 'btcusdt_futures.gz', clean.lines);

  it('is a capture on which the spot rule (U = previous u + 1) would see false gaps', () => {
    // futures update ids are not contiguous: the spot rule breaks on almost every diff
    expect(clean.spotRuleBreaks).toBeGreaterThan(150);
  });

  it('loads with the futures rule: diffs with u < lastUpdateId dropped, the one with U <= lastUpdateId <= u applied first, then pu = previous u', async () => {
    const replay = await replayBinanceCapture(cleanPath, 5);
    expect(replay.stats.market).toBe('futures');
    expect(replay.stats.sequenceRule).toMatch(/pu/);
    expect(replay.stats.diffs).toBe(200);
    expect(replay.stats.gaps).toBe(0);
    // diffs 0..19 have u < lastUpdateId = u(20); diff 20 has u = lastUpdateId and is applied (the spot rule would drop it)
    expect(replay.stats.diffsBeforeSnapshotDropped).toBe(20);
    expect(replay.stats.diffsApplied).toBe(180);
    expectRows(replay, clean, range(20, 199));
    expect(replay.book.masked ?? []).toEqual([]);
    expect(replay.book.meta.instrument).toBe('BTCUSDT');
    expect(replay.trades.tsMs.length).toBe(clean.trades);
  });

  it('a first diff whose pu is the snapshot lastUpdateId connects (the diff with u = lastUpdateId is not in the file)', async () => {
    const capture = generate({ market: 'futures', n: 200, drop: [20], snapshots: [{ stateAfter: 20, receivedAfter: 25 }] });
    const replay = await replayBinanceCapture(writeCapture(dir, 'btcusdt_futures_pu_connects.gz', capture.lines), 5);
    // diff 21 has U > lastUpdateId = u(20) but pu = u(20): the snapshot is exactly the state it was computed from
    expect(capture.diffs[21].U).toBeGreaterThan(capture.diffs[20].u);
    expect(replay.stats.gaps).toBe(0);
    expectRows(replay, capture, range(21, 199));
  });

  it('the bookTicker cross-check compares the book where a ticker update id is a diff final id, and agrees on a clean capture', async () => {
    const replay = await replayBinanceCapture(cleanPath, 5);
    const appliedU = new Set(range(20, 199).map((d) => clean.diffs[d].u));
    const comparable = clean.tickers.filter((t) => appliedU.has(t.u));
    // tickers inside a diff's [U, u) are not comparable; a capture with both kinds tests the matching rule
    expect(clean.tickers.filter((t) => !t.comparable).length).toBeGreaterThan(20);
    expect(comparable.length).toBeGreaterThan(30);
    expect(replay.stats.bookTicker.tickers).toBe(clean.tickers.length);
    expect(replay.stats.bookTicker.compared).toBe(comparable.length);
    expect(replay.stats.bookTicker.mismatches).toBe(0);
  });

  it('counts bookTicker mismatches on a corrupted capture and warns in the notes', async () => {
    const corrupted = generate({ market: 'futures', n: 200, snapshots: [{ stateAfter: 20, receivedAfter: 25 }] });
    const appliedU = new Set(range(20, 199).map((d) => corrupted.diffs[d].u));
    const victims = corrupted.tickers.filter((t) => appliedU.has(t.u)).slice(0, 3);
    for (const t of victims) t.message.b = '1.00';
    const again = linesWithTickers(corrupted);
    const path = writeCapture(dir, 'btcusdt_futures_bad_ticker.gz', again);
    const replay = await replayBinanceCapture(path, 5);
    expect(replay.stats.bookTicker.mismatches).toBe(3);
    expect(replay.stats.bookTicker.firstMismatches.length).toBe(3);
    expect(replay.stats.bookTicker.firstMismatches[0]).toContain(String(victims[0].u));
    const loaded = await loadTables(path, 5);
    expect(loaded.notes.some((n) => n.startsWith('WARNING') && n.includes('bookTicker') && n.includes('3'))).toBe(true);
  });

  it('an injected pu break is one gap, masks the book from the last good row to the first row after the next REST snapshot', async () => {
    // diff 100 is lost: diff 101's pu is u(100), not u(99). The collector then fetches a snapshot: the book after
    // diff 130, received after diff 140.
    const gapped = generate({ market: 'futures', n: 200, drop: [100], snapshots: [{ stateAfter: 20, receivedAfter: 25 }, { stateAfter: 130, receivedAfter: 140 }] });
    const path = writeCapture(dir, 'btcusdt_futures_gap.gz', gapped.lines);
    const replay = await replayBinanceCapture(path, 5);
    expect(replay.stats.gaps).toBe(1);
    expect(replay.stats.snapshots).toBe(2);
    // applied: 20..99, then 130..199; diffs 101..129 are older than the second snapshot
    expectRows(replay, gapped, [...range(20, 99), ...range(130, 199)]);
    expect(replay.stats.diffsBeforeSnapshotDropped).toBe(20 + 29);
    expect(replay.book.masked).toHaveLength(1);
    const mask = replay.book.masked![0];
    expect([mask.fromMs, mask.toMs]).toEqual([gapped.diffs[99].T, gapped.diffs[130].T]);
    expect(mask.reason).toContain(`pu ${gapped.diffs[100].u}`);
    // no row inside the mask
    for (let i = 0; i < replay.book.tsMs.length; i++) expect(replay.book.tsMs[i] > mask.fromMs && replay.book.tsMs[i] < mask.toMs).toBe(false);
    const loaded = await loadTables(path, 5);
    expect(loaded.notes.join('\n')).toMatch(/1 sequence gaps/);
    expect(loaded.notes.join('\n')).toMatch(/masked: 1 interval/);
  });

  it('a gap with no later snapshot masks the book to the end of the data', async () => {
    const gapped = generate({ market: 'futures', n: 200, drop: [150], snapshots: [{ stateAfter: 20, receivedAfter: 25 }] });
    const path = writeCapture(dir, 'btcusdt_futures_gap_end.gz', gapped.lines);
    const replay = await replayBinanceCapture(path, 5);
    expect(replay.stats.gaps).toBe(1);
    expectRows(replay, gapped, range(20, 149));
    expect(replay.book.masked).toEqual([{ fromMs: gapped.diffs[149].T, toMs: gapped.maxExchangeMs + 1, reason: expect.stringContaining('no later snapshot') }]);
  });

  for (const stream of ['depth', 'depth@100ms', 'depth@250ms', 'depth@500ms', 'depth@0ms']) {
    it(`reads the diff stream <sym>@${stream}`, async () => {
      const capture = generate({ market: 'futures', n: 40, symbol: 'ETHUSD_PERP', depthStream: stream, snapshots: [{ stateAfter: 5, receivedAfter: 8 }] });
      const replay = await replayBinanceCapture(writeCapture(dir, `eth_${stream.replace('@', '_')}.gz`, capture.lines), 5);
      expect(replay.stats.diffsApplied).toBe(35);
      expect(replay.book.meta.instrument).toBe('ETHUSD_PERP');
    });
  }

  it('prefers @trade over @aggTrade when both are recorded (no double count)', async () => {
    const capture = generate({ market: 'futures', n: 60, aggTrades: true, snapshots: [{ stateAfter: 5, receivedAfter: 8 }] });
    const replay = await replayBinanceCapture(writeCapture(dir, 'agg.gz', capture.lines), 5);
    expect(replay.trades.tsMs.length).toBe(capture.trades);
    expect(replay.stats.aggTrades).toBe(capture.trades);
  });
});

describe('Binance spot capture (diffs without pu)', () => {
  it('a U break is one gap with the spot rule and masks to the next snapshot; the clean part has 0 gaps', async () => {
    const gapped = generate({ market: 'spot', n: 120, drop: [60], snapshots: [{ stateAfter: 10, receivedAfter: 13 }, { stateAfter: 80, receivedAfter: 84 }] });
    const replay = await replayBinanceCapture(writeCapture(dir, 'spot_gap.gz', gapped.lines), 5);
    expect(replay.stats.market).toBe('spot');
    expect(replay.stats.gaps).toBe(1);
    // spot: diffs with u <= lastUpdateId dropped, so diff 10 (u = lastUpdateId) is dropped and 11 applied first
    expectRows(replay, gapped, [...range(11, 59), ...range(81, 119)]);
    expect(replay.book.masked!.map((m) => [m.fromMs, m.toMs])).toEqual([[gapped.diffs[59].E, gapped.diffs[81].E]]);
    expect(replay.stats.bookTicker.mismatches).toBe(0);
    expect(replay.stats.bookTicker.compared).toBeGreaterThan(10);
  });
});

describe('Binance captures that must not load as an empty book', () => {
  it('a capture whose only depth stream is not a diff stream (partial book depth @depth5) is an error naming the file and the stream', async () => {
    const lines = [
      `1723161254087891268 ${JSON.stringify({ stream: 'btcusdt@depth5@100ms', data: { lastUpdateId: 160, bids: [['0.0024', '14.7']], asks: [['0.0026', '3.6']] } })}`,
      `1723161254187891268 ${JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E: 1723161255208, s: 'BTCUSDT', t: 1, p: '0.0025', q: '1.0', T: 1723161255207, m: true, M: true } })}`,
    ];
    const path = writeCapture(dir, 'partial_depth.gz', lines);
    const error = await replayBinanceCapture(path, 5).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(String((error as Error).message)).toContain(path);
    expect(String((error as Error).message)).toContain('btcusdt@depth5@100ms');
  });

  it('depth diffs with no REST snapshot (none applied) are an error, not an empty table', async () => {
    const capture = generate({ market: 'futures', n: 30, snapshots: [] });
    const path = writeCapture(dir, 'no_snapshot.gz', capture.lines);
    await expect(replayBinanceCapture(path, 5)).rejects.toThrow(DataError);
    await expect(replayBinanceCapture(path, 5)).rejects.toThrow(/30 depth diffs.*none applied/);
  });

  it('an unrecognised stream beside a good one is counted and reported', async () => {
    const capture = generate({ market: 'futures', n: 40, snapshots: [{ stateAfter: 5, receivedAfter: 8 }] });
    const mark = { e: 'markPriceUpdate', E: 1723161255300, s: 'BTCUSDT', p: '24000.0', i: '24000.1', P: '24000.2', r: '0.0001', T: 1723161258000 };
    const path = writeCapture(dir, 'with_mark.gz', [...capture.lines, `1723161256087891268 ${JSON.stringify({ stream: 'btcusdt@markPrice@1s', data: mark })}`]);
    const replay = await replayBinanceCapture(path, 5);
    expect(replay.stats.unrecognised).toEqual({ 'btcusdt@markPrice@1s': 1 });
    const loaded = await loadTables(path, 5);
    expect(loaded.notes.join('\n')).toContain('btcusdt@markPrice@1s');
  });
});
