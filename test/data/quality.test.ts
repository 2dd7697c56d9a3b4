import { describe, expect, it } from 'vitest';
import { depthProfile, eventRate, inferTickSize, offGridTickWarning, silences, spreadTicksHistogram, tickInference, tickInferenceWarning } from '../../src/data/quality.js';
import type { BookTable } from '../../src/data/tables.js';
import { generateSampleMarket } from '../../src/sample/index.js';

/** A 2-level book from rows of [bid1, bid2, ask1, ask2] prices with sizes [1, 2] / [3, NaN]. */
function book(rows: number[][]): BookTable {
  const col = (f: (r: number[]) => number) => Float64Array.from(rows, f);
  return {
    kind: 'book',
    depth: 2,
    tsMs: Float64Array.from(rows, (_, i) => i * 1000),
    bidPx: [col((r) => r[0]), col((r) => r[1])],
    askPx: [col((r) => r[2]), col((r) => r[3])],
    bidSz: [col(() => 1), col(() => 2)],
    askSz: [col(() => 3), col((r) => (Number.isNaN(r[3]) ? NaN : 5))],
    meta: {},
  };
}

describe('data-quality measures', () => {
  it('eventRate counts per bin as events per second', () => {
    const r = eventRate([0, 100, 1500, 1999, 4000], 1000);
    expect(Array.from(r.binStartMs)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(Array.from(r.perSec)).toEqual([2, 2, 0, 0, 1]);
    expect(Array.from(eventRate([0, 100], 500).perSec)).toEqual([4]);
    expect(eventRate([], 1000).perSec.length).toBe(0);
    expect(() => eventRate([1], 0)).toThrow(/binMs/);
  });

  it('spread in ticks, tick inference, depth profile on a hand-made book', () => {
    const b = book([
      [100.0, 99.99, 100.01, 100.02],
      [100.0, 99.98, 100.03, NaN],
      [NaN, NaN, 100.03, 100.04],
    ]);
    expect(inferTickSize(b)).toBe(0.01);
    const h = spreadTicksHistogram(b, 0.01);
    expect(h.ticks).toEqual([1, 3]);
    expect(h.rows).toEqual([1, 1]);
    expect(h.oneSided).toBe(1);
    const d = depthProfile(b);
    expect(d.level).toEqual([1, 2]);
    expect(d.bidMeanSz).toEqual([1, 2]);
    expect(d.askMeanSz).toEqual([3, 5]);
    expect(d.askMissingShare[1]).toBeCloseTo(1 / 3, 12);
  });

  it('on the sample market: the model tick is recovered and the spread is one tick unless the mid sits on a tick', () => {
    const m = generateSampleMarket({ durationSec: 600, seed: 3 });
    expect(inferTickSize(m.book)).toBe(m.params.tickSize);
    const h = spreadTicksHistogram(m.book, m.params.tickSize);
    const total = h.rows.reduce((a, b) => a + b, 0);
    expect(total).toBe(m.book.tsMs.length);
    expect(h.rows[h.ticks.indexOf(1)] / total).toBeGreaterThan(0.95);
    expect(h.ticks.every((t) => t === 1 || t === 2)).toBe(true);
  });

  it('tickInference counts the rows the tick rests on; one stray half-tick row of 200 is warned about, a tick most rows show is not', () => {
    // 200 rows on 0.01 steps (spread 1 tick, levels 1 tick apart), counted by hand
    const rows = Array.from({ length: 200 }, (_, i) => [100 + i / 100, 100 + i / 100 - 0.01, 100.01 + i / 100, 100.02 + i / 100]);
    const clean = tickInference(book(rows));
    expect(clean).toEqual({ tickSize: 0.01, rowsWithStep: 200, rowsAtTick: 200, firstRowAtTick: 0, nextStep: NaN });
    expect(tickInferenceWarning(clean, 'b.csv')).toBeUndefined();
    // row 120 (the 121st) with its second bid half a tick from the first
    const stray = rows.map((r, i) => (i === 120 ? [r[0], Number((r[0] - 0.005).toFixed(3)), r[2], r[3]] : r));
    const t = tickInference(book(stray));
    expect(t).toEqual({ tickSize: 0.005, rowsWithStep: 200, rowsAtTick: 1, firstRowAtTick: 120, nextStep: 0.01 });
    expect(inferTickSize(book(stray))).toBe(0.005);
    expect(tickInferenceWarning(t, 'b.csv')).toMatch(/^b\.csv: tick 0\.005 inferred from 1 of 200 book rows \(the first: book row 121\); every other row steps by 0\.01 or more: .*pass --tick/);
    // a book whose spread is one tick in 2 rows of 100 and 2 ticks elsewhere: 2 % of rows, at or above the 1 % share: no warning
    const wide = Array.from({ length: 100 }, (_, i) => (i < 2 ? [100, 99.98, 100.01, 100.03] : [100, 99.98, 100.02, 100.04]));
    const w = tickInference(book(wide));
    expect(w).toMatchObject({ tickSize: 0.01, rowsAtTick: 2, nextStep: 0.02 });
    expect(tickInferenceWarning(w, 'b.csv')).toBeUndefined();
  });

  it('offGridTickWarning: a tick the prices are not on is said (5 ticks of 0.01 given as 0.05), a tick they are on (0.01, 0.005) is not; BTC-sized prices raise no float noise', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [100 + i / 100, 100 + i / 100 - 0.01, 100.01 + i / 100, 100.02 + i / 100]);
    // counted by hand: a row is on the 0.05 grid only when both its bid (100 + i/100) and ask (100.01 + i/100) are, which never happens
    expect(offGridTickWarning(book(rows), 0.05, '--tick 0.05')).toMatch(/^--tick 0\.05: 100 of 100 book rows have a best price off its grid \(the first: book row 1, bid 100, ask 100\.01\).*own finest step is 0\.01\)$/);
    expect(offGridTickWarning(book(rows), 0.01, '--tick 0.01')).toBeUndefined();
    expect(offGridTickWarning(book(rows), 0.005, '--tick 0.005')).toBeUndefined();
    const btc = Array.from({ length: 100 }, (_, i) => [67000.11 + i / 100, 67000.1 + i / 100, 67000.12 + i / 100, 67000.13 + i / 100]);
    expect(offGridTickWarning(book(btc), 0.01, '--tick 0.01')).toBeUndefined();
  });

  it('silences lists intervals longer than the threshold', () => {
    expect(silences([0, 100, 5100, 5200], 1000)).toEqual([{ fromMs: 100, toMs: 5100, label: 'no row for 5.0 s (quiet market or lost data)' }]);
  });
});

describe('sampleBookEvery', () => {
  it('takes the row in force at each grid time (previous tick), never a later one', async () => {
    const { sampleBookEvery } = await import('../../src/data/sampling.js');
    const b = book([
      [100.0, 99.99, 100.01, 100.02],
      [100.0, 99.98, 100.03, NaN],
      [99.9, 99.8, 100.03, 100.04],
    ]);
    const shifted = { ...b, tsMs: Float64Array.from([0, 250, 1200]) };
    const s = sampleBookEvery(shifted, 500);
    expect(Array.from(s.tsMs)).toEqual([0, 500, 1000]);
    expect(Array.from(s.bidPx[1])).toEqual([99.99, 99.98, 99.98]);
    expect(Array.from(s.askPx[1])).toEqual([100.02, NaN, NaN]);
    expect(s.meta.extra?.sampled_every_ms).toBe('500');
    // grid not starting at a row: first grid time is the first multiple at or after the first row
    const late = sampleBookEvery({ ...b, tsMs: Float64Array.from([130, 700, 1700]) }, 500);
    expect(Array.from(late.tsMs)).toEqual([500, 1000, 1500]);
    expect(Array.from(late.bidPx[0])).toEqual([100.0, 100.0, 100.0]);
    expect(() => sampleBookEvery(b, 0)).toThrow(/intervalMs/);
  });

  it('masks the grid points in a hole of the source (no row for more than the limit) instead of repeating the row before it', async () => {
    const { sampleBookEvery } = await import('../../src/data/sampling.js');
    const b = book([
      [100.0, 99.99, 100.01, 100.02],
      [100.0, 99.98, 100.03, NaN],
      [99.9, 99.8, 100.03, 100.04],
    ]);
    // a 20 s hole between the second and third rows; the book's own mask is kept
    const own = { fromMs: 100, toMs: 200, reason: 'sequence gap' };
    const s = sampleBookEvery({ ...b, tsMs: Float64Array.from([0, 1000, 21_000]), masked: [own] }, 500, 5000);
    expect(s.tsMs).toHaveLength(43);
    expect(s.masked).toEqual([own, { fromMs: 6000, toMs: 21_000, reason: 'no source row for more than 5000 ms (sampled every 500 ms)' }]);
    // rows no further apart than the limit: nothing added
    expect(sampleBookEvery({ ...b, tsMs: Float64Array.from([0, 1000, 6000]) }, 500, 5000).masked).toBeUndefined();
  });
});

describe('microPrices', () => {
  it('weights each side by the other side\'s size, and equals the mid when sizes are equal', async () => {
    const { microPrices, midPrices } = await import('../../src/data/tables.js');
    const b = book([[100.0, 99.99, 100.02, 100.03]]);
    // bid size 1, ask size 3: (100·3 + 100.02·1)/4 = 100.005
    expect(microPrices(b)[0]).toBeCloseTo(100.005, 12);
    const equal = { ...b, askSz: b.bidSz };
    expect(microPrices(equal)[0]).toBeCloseTo(midPrices(equal)[0], 12);
  });
});
