import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv } from '../../src/data/csv.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A book with a 3-hour hole (the recorder was down, nothing masked it): σ once carried the last price through
// the hole as a flat price and counted its time, 0.083 for a market of σ = 0.3 (0.3·√(900/11700)), exit 0.
// σ now takes no increment across a stretch where the book is stale (no row for more than --max-staleness,
// as the pairing of trades already did), and says so.

const dir = tempDir('asmm-stale-sigma-');
const market = generateSampleMarket({ durationSec: 900, seed: 12 }); // σ = 0.3 price units per √s
const cutMs = market.book.tsMs[0] + 450_000;
const HOLE_MS = 3 * 3_600_000;
const holed = join(dir, 'books-hole.csv');
writeBookCsv(holed, { ...market.book, tsMs: market.book.tsMs.map((t) => (t >= cutMs ? t + HOLE_MS : t)) });

type Json = { sigma: { realized: { price: { sigmaPerSqrtSec: number; ci95: [number, number] } } }; bookStale: { stretches: number; ms: number; maxStalenessMs: number } | null; sigmaIncrementsDropped: number };

describe('σ across a hole in the book', () => {
  it('recovers the market σ, leaves the hole out and warns', () => {
    const r = runAsmm(['estimate', '--data', holed, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    const s = out.sigma.realized.price;
    expect(s.ci95[0]).toBeLessThan(0.3);
    expect(s.ci95[1]).toBeGreaterThan(0.3);
    expect(out.bookStale).toEqual({ stretches: 1, ms: expect.closeTo(HOLE_MS, -4), maxStalenessMs: 5000, rowsWithoutPrice: 0 });
    expect(out.sigmaIncrementsDropped).toBeGreaterThan(HOLE_MS / 100 - 100);
    const text = runAsmm(['estimate', '--data', holed]);
    expect(text.stdout).toMatch(/WARNING +the book is stale \(no row for more than 5\.0 s\) in 1 stretch, 3\.00 h in all/);
  });

  it('a limit above the hole takes it as a quiet book: σ shrinks by √(time traded / time spanned), and nothing warns', () => {
    const out = JSON.parse(runAsmm(['estimate', '--data', holed, '--max-staleness', '4h', '--json']).stdout) as Json;
    expect(out.bookStale).toEqual({ stretches: 0, ms: 0, maxStalenessMs: 4 * 3_600_000, rowsWithoutPrice: 0 });
    expect(out.sigma.realized.price.sigmaPerSqrtSec).toBeCloseTo(0.3 * Math.sqrt(900 / (900 + HOLE_MS / 1000)), 1);
  });
});

// A book whose ask side is empty for an hour (rows keep coming, bids only): σ carried the last mid through the
// hour as a flat price, uncounted, and came out too low. Rows without a price now count as no row: the stretch
// is stale, σ takes no increment across it, and the output counts the rows.
const oneSided = join(dir, 'books-one-sided.csv');
const ONE_SIDED_MS = 3_600_000;
{
  const b = generateSampleMarket({ durationSec: 900 + 3600, seed: 12 }).book;
  const from = b.tsMs[0] + 450_000;
  const emptyAsk = (c: Float64Array) => c.map((v, i) => (b.tsMs[i] >= from && b.tsMs[i] < from + ONE_SIDED_MS ? NaN : v));
  writeBookCsv(oneSided, { ...b, askPx: b.askPx.map(emptyAsk), askSz: b.askSz.map(emptyAsk) });
}

describe('σ across an hour of one-sided rows', () => {
  it('recovers the market σ, counts the rows and leaves the hour out', () => {
    const r = runAsmm(['estimate', '--data', oneSided, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Json & { bookStale: { rowsWithoutPrice: number } };
    const s = out.sigma.realized.price;
    expect(s.ci95[0]).toBeLessThan(0.3);
    expect(s.ci95[1]).toBeGreaterThan(0.3);
    expect(out.bookStale).toEqual({ stretches: 1, ms: expect.closeTo(ONE_SIDED_MS - 5000, -3), maxStalenessMs: 5000, rowsWithoutPrice: ONE_SIDED_MS / 100 });
    const text = runAsmm(['estimate', '--data', oneSided]);
    expect(text.stdout).toMatch(/WARNING +the book is stale \(no row with a price for more than 5\.0 s\) in 1 stretch/);
    expect(text.stdout).toContain(`σ           ${ONE_SIDED_MS / 100} book rows without a price (a side of the book empty)`);
  });
});
