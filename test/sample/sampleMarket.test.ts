import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { midPrices, type BookTable, type TradeTable } from '../../src/data/index.js';
import { DEFAULT_SAMPLE_PARAMS, SAMPLE_FILES, generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** Index of the last snapshot at or before `ts` (the book a trade at `ts` saw). */
function snapshotBefore(book: BookTable, ts: number, from: number): number {
  let i = from;
  while (i + 1 < book.tsMs.length && book.tsMs[i + 1] <= ts) i++;
  return i;
}

/**
 * k from trade depth beyond the touch. A print at or beyond touch + j ticks (j ≥ 1) means the order walked
 * past that price, so N = (px − touch)/tick − 1 for prints beyond the touch is geometric with
 * P(N ≥ n) = q^n, q = exp(−k·tick) (memorylessness of the exponential walk depth). MLE: q = N̄/(1 + N̄).
 */
function kFromDepthBeyondTouch(book: BookTable, trades: TradeTable, tick: number): { k: number; samples: number } {
  let sum = 0;
  let count = 0;
  let j = 0;
  for (let t = 0; t < trades.tsMs.length; t++) {
    j = snapshotBefore(book, trades.tsMs[t], j);
    const touch = trades.side[t] === 1 ? book.askPx[0][j] : book.bidPx[0][j];
    const ticksBeyond = Math.round((trades.side[t] * (trades.px[t] - touch)) / tick);
    if (ticksBeyond >= 1) {
      sum += ticksBeyond - 1;
      count++;
    }
  }
  const mean = sum / count;
  return { k: -Math.log(mean / (1 + mean)) / tick, samples: count };
}

describe('sample market files', () => {
  it('same seed gives byte-identical files; a different seed gives different ones', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    writeSampleMarket(a, generateSampleMarket({ durationSec: 60, seed: 5 }));
    writeSampleMarket(b, generateSampleMarket({ durationSec: 60, seed: 5 }));
    writeSampleMarket(c, generateSampleMarket({ durationSec: 60, seed: 6 }));
    const names = Object.values(SAMPLE_FILES);
    expect(readdirSync(a).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(readFileSync(join(b, name)).equals(readFileSync(join(a, name))), `${name} same seed`).toBe(true);
      expect(readFileSync(join(c, name)).equals(readFileSync(join(a, name))), `${name} other seed`).toBe(false);
    }
  });
});

describe('sample market model (one hour at 100 ms: 36,000 snapshots, about 14,400 trades)', () => {
  const p = DEFAULT_SAMPLE_PARAMS;
  const market = generateSampleMarket({ durationSec: 3600, seed: 2024 });
  const { book, trades } = market;

  it('has a valid book: 5 levels, tick grid, 100 ms snapshots, best bid < best ask, positive sizes', () => {
    expect(book.depth).toBe(5);
    expect(book.tsMs.length).toBe(36_000);
    const violations: string[] = [];
    const onTick = (px: number) => Math.abs(px * 100 - Math.round(px * 100)) < 1e-6;
    for (let i = 0; i < book.tsMs.length && violations.length < 5; i++) {
      if (i > 0 && book.tsMs[i] - book.tsMs[i - 1] !== 100) violations.push(`row ${i}: interval`);
      if (!(book.bidPx[0][i] < book.askPx[0][i])) violations.push(`row ${i}: crossed`);
      for (let l = 0; l < 5; l++) {
        if (!onTick(book.bidPx[l][i]) || !onTick(book.askPx[l][i])) violations.push(`row ${i} level ${l + 1}: off tick`);
        if (!(book.bidSz[l][i] > 0 && book.askSz[l][i] > 0)) violations.push(`row ${i} level ${l + 1}: size`);
        if (l > 0 && Math.abs(book.bidPx[l - 1][i] - book.bidPx[l][i] - 0.01) > 1e-9) violations.push(`row ${i} level ${l + 1}: bid step`);
        if (l > 0 && Math.abs(book.askPx[l][i] - book.askPx[l - 1][i] - 0.01) > 1e-9) violations.push(`row ${i} level ${l + 1}: ask step`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('mid increments have variance σ²·Δt within 3 standard errors', () => {
    const mid = midPrices(book);
    const n = mid.length - 1;
    const sq = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = mid[i + 1] - mid[i];
      sq[i] = d * d;
      sum += sq[i];
    }
    const variance = sum / n;
    let dev = 0;
    for (let i = 0; i < n; i++) dev += (sq[i] - variance) ** 2;
    const standardError = Math.sqrt(dev / (n - 1) / n);
    const expected = p.sigmaPerSqrtSec ** 2 * 0.1;
    expect(Math.abs(variance - expected)).toBeLessThan(3 * standardError);
  });

  it('σ is per √second whatever the snapshot interval (250 ms snapshots)', () => {
    const slow = generateSampleMarket({ durationSec: 3600, seed: 77, snapshotIntervalMs: 250 });
    const mid = midPrices(slow.book);
    let sum = 0;
    for (let i = 1; i < mid.length; i++) sum += (mid[i] - mid[i - 1]) ** 2;
    const sigmaHat = Math.sqrt(sum / (mid.length - 1) / 0.25);
    expect(Math.abs(sigmaHat / p.sigmaPerSqrtSec - 1)).toBeLessThan(0.03);
  });

  it('trade rate on each side matches A within 10 %', () => {
    const hours = (book.tsMs[book.tsMs.length - 1] + 100 - book.tsMs[0]) / 1000;
    for (const side of [1, -1]) {
      let count = 0;
      for (let t = 0; t < trades.side.length; t++) if (trades.side[t] === side) count++;
      expect(Math.abs(count / hours / p.arrivalRatePerSec - 1), `side ${side}`).toBeLessThan(0.1);
    }
  });

  it('trade depth beyond the touch recovers k within 10 %', () => {
    const { k, samples } = kFromDepthBeyondTouch(book, trades, p.tickSize);
    expect(samples).toBeGreaterThan(10_000);
    expect(Math.abs(k / p.kPerPrice - 1)).toBeLessThan(0.1);
  });

  it('trades are consistent with the book: buys at or above the ask, sells at or below the bid, ids in order', () => {
    let j = 0;
    const violations: string[] = [];
    for (let t = 0; t < trades.tsMs.length && violations.length < 5; t++) {
      j = snapshotBefore(book, trades.tsMs[t], j);
      if (trades.side[t] === 1 ? trades.px[t] < book.askPx[0][j] : trades.px[t] > book.bidPx[0][j]) violations.push(`trade ${t}: inside the spread`);
      if (trades.id[t] !== t + 1) violations.push(`trade ${t}: id`);
      if (t > 0 && trades.tsMs[t] < trades.tsMs[t - 1]) violations.push(`trade ${t}: time order`);
    }
    expect(violations).toEqual([]);
  });
});
