import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayBinanceCapture } from '../../src/formats/binanceCapture.js';
import { bookRowProblem, tradeRowProblem } from '../../src/data/index.js';
import { projectRootForTests } from '../helpers/cli.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
const present = existsSync(capture);

describe.skipIf(!present)(`real Binance spot capture (hftbacktest btcusdt_20240808.gz)${present ? '' : ': skipped, ../shared/data is absent'}`, async () => {
  const replay = present ? await replayBinanceCapture(capture, 5) : undefined;

  it('rebuilds the book from the REST snapshot plus diffs with no sequence gap', () => {
    const { stats } = replay!;
    // PROVENANCE.md: 3,451 depth diffs, 3 of them received before the snapshot; the third straddles
    // lastUpdateId (U ≤ lastUpdateId + 1 ≤ u), so by Binance's rule it is applied, not dropped.
    expect(stats.diffs).toBe(3451);
    expect(stats.diffsBeforeSnapshotDropped).toBe(2);
    expect(stats.gaps).toBe(0);
    expect(stats.diffsApplied).toBe(3449);
    expect(replay!.book.tsMs.length).toBe(3449);
    for (let i = 0; i < replay!.book.tsMs.length; i++) expect(bookRowProblem(replay!.book, i)).toBeNull();
  });

  it('agrees exactly with the independent bookTicker stream wherever both carry the same update id', () => {
    const rowByUpdateId = new Map<number, number>();
    replay!.rowUpdateId.forEach((u, i) => rowByUpdateId.set(u, i));
    let compared = 0;
    const mismatches: string[] = [];
    const ticker = replay!.bookTicker;
    for (let j = 0; j < ticker.updateId.length; j++) {
      const i = rowByUpdateId.get(ticker.updateId[j]);
      if (i === undefined) continue;
      compared++;
      if (replay!.book.bidPx[0][i] !== ticker.bidPx[j] || replay!.book.askPx[0][i] !== ticker.askPx[j]) mismatches.push(`update ${ticker.updateId[j]}`);
    }
    expect(compared).toBeGreaterThan(500);
    expect(mismatches).toEqual([]);
    // the replay's own cross-check (prices and sizes) finds the same comparable points and agrees
    expect(replay!.stats.bookTicker).toEqual({ tickers: 28040, compared, mismatches: 0, firstMismatches: [] });
  });

  it('is read with the spot rule (its diffs carry no pu) and masks nothing', () => {
    expect(replay!.stats.market).toBe('spot');
    expect(replay!.stats.snapshots).toBe(1);
    expect(replay!.book.masked).toEqual([]);
    expect(replay!.book.meta.instrument).toBe('BTCUSDT');
  });

  it('keeps every trade with the taker side (m = buyer is maker → a sell)', () => {
    const { trades } = replay!;
    expect(trades.tsMs.length).toBe(9757);
    let sells = 0;
    for (let i = 0; i < trades.side.length; i++) if (trades.side[i] === -1) sells++;
    expect(sells).toBe(5654);
    for (let i = 0; i < trades.tsMs.length; i++) expect(tradeRowProblem(trades, i)).toBeNull();
  });
});
