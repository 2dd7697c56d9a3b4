import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import type { BookTable, TradeTable } from '../../src/data/tables.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// asmm estimate on trades that do not belong to the book (issue 14, defect 4: trades a day off gave A = 1.08,
// k = 1.45 and exit 0) and on a book with a masked interval (defect 2): what was dropped and masked is in the
// text and the --json, and most trades unpaired is one line on stderr naming both files, exit 1.

const DAY_MS = 86_400_000;
const dir = tempDir('asmm-estimate-pairing-');
const market = generateSampleMarket({ durationSec: 900, seed: 12 });
const start = market.book.tsMs[0];
const n = market.trades.tsMs.length;
const booksCsv = join(dir, 'books.csv');
writeBookCsv(booksCsv, market.book);
const tradesCsv = join(dir, 'trades.csv');
writeTradeCsv(tradesCsv, market.trades);
const shiftedCsv = join(dir, 'trades-next-day.csv');
writeTradeCsv(shiftedCsv, { ...market.trades, tsMs: market.trades.tsMs.map((t) => t + DAY_MS) });
const fewShiftedCsv = join(dir, 'trades-few-shifted.csv');
writeTradeCsv(fewShiftedCsv, { ...market.trades, tsMs: market.trades.tsMs.map((t, i) => (i >= n - 5 ? t + DAY_MS : t)) });

// the book frozen in [300 s, 450 s) and masked there (a CSV sidecar carries the mask); trades keep coming
const a = start + 300_000;
const b = start + 450_000;
const frozenRow = market.book.tsMs.findIndex((t) => t >= a) - 1;
const freeze = (c: Float64Array) => c.map((v, i) => (market.book.tsMs[i] >= a && market.book.tsMs[i] < b ? c[frozenRow] : v));
const maskedBook: BookTable = {
  ...market.book,
  bidPx: market.book.bidPx.map(freeze),
  bidSz: market.book.bidSz.map(freeze),
  askPx: market.book.askPx.map(freeze),
  askSz: market.book.askSz.map(freeze),
  masked: [{ fromMs: a, toMs: b, reason: 'sequence gap (test)' }],
};
const maskedCsv = join(dir, 'books-masked.csv');
writeBookCsv(maskedCsv, maskedBook);
const tradesInMask = (t: TradeTable) => t.tsMs.filter((x) => x >= a && x < b).length;

interface EstimateJson {
  masked: { count: number; totalMs: number; intervals: Array<{ fromMs: number; toMs: number; reason: string }> };
  sigmaIncrementsDropped: number;
  pairing: { tradesWithoutBook: number; tradesAfterBook: number; tradesStale: number; maxStalenessMs: number; droppedInMask: number; observedMs: number; spanMs: number; maskedMs: number };
  sigma: { realized: { price: { droppedIncrements: number; maskedMs: number; increments: number } } };
}

function expectOneLineError(r: { code: number; stdout: string; stderr: string }): string {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('asmm estimate: trades that do not belong to the book', () => {
  it('every trade a day later: one line naming both files, with the counts, exit 1', () => {
    const line = expectOneLineError(runAsmm(['estimate', '--data', booksCsv, '--trades', shiftedCsv]));
    expect(line.startsWith(`asmm estimate: trades ${shiftedCsv} against book ${booksCsv}: ${n} of ${n} trades (100 %) cannot be paired`)).toBe(true);
    expect(line).toContain(`${n} after its last`);
    // --json too: an error, not a JSON result
    expectOneLineError(runAsmm(['estimate', '--data', booksCsv, '--trades', shiftedCsv, '--json']));
  });

  it('--max-staleness: rows 100 ms apart, a limit of 10 ms makes the whole book stale (an error naming the limit); the default keeps it', () => {
    // σ takes no increment across stale stretches, so with the whole book stale σ fails first, and says why
    // (the 90 ms between rows where 3 trades printed are a dead book at that limit: one WARNING line first)
    const tight = runAsmm(['estimate', '--data', booksCsv, '--trades', tradesCsv, '--max-staleness', '10ms']);
    const [warning, ...rest] = tight.stderr.trim().split('\n');
    expect(warning).toMatch(/^WARNING .*books\.csv: the book did not change for more than 10 ms while trades printed/);
    const line = expectOneLineError({ ...tight, stderr: rest.join('\n') });
    expect(line).toMatch(/the book is stale \(no row for more than 10 ms\) in \d+ stretches, .*is --max-staleness below the interval of the book's rows\?/);
    const ok = runAsmm(['estimate', '--data', booksCsv, '--trades', tradesCsv, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const e = JSON.parse(ok.stdout) as EstimateJson;
    expect(e.pairing.tradesStale).toBe(0);
    expect(e.pairing.maxStalenessMs).toBe(5000);
    expect(runAsmm(['estimate', '--data', booksCsv, '--max-staleness', 'soon']).code).toBe(2);
  });

  it('a few trades a day later: counted in the text and the --json, the fit made on the rest', () => {
    const r = runAsmm(['estimate', '--data', booksCsv, '--trades', fewShiftedCsv, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as EstimateJson;
    const base = JSON.parse(runAsmm(['estimate', '--data', booksCsv, '--trades', tradesCsv, '--json']).stdout) as EstimateJson;
    // the 5 shifted, and those of the rest stamped after the last book row (the sample's trades run to the end of its last interval)
    const lastRowMs = market.book.tsMs[market.book.tsMs.length - 1];
    expect(e.pairing.tradesAfterBook).toBe(5 + market.trades.tsMs.subarray(0, n - 5).filter((t) => t > lastRowMs).length);
    expect(e.pairing.observedMs).toBe(base.pairing.observedMs);
    const text = runAsmm(['estimate', '--data', booksCsv, '--trades', fewShiftedCsv]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`dropped ${e.pairing.tradesAfterBook} after the last book row`);
  });
});

describe('asmm estimate on a book with a masked interval', () => {
  it('--json lists the interval and its duration, the σ increments and trades dropped, and T net of the mask', () => {
    const r = runAsmm(['estimate', '--data', maskedCsv, '--trades', tradesCsv, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as EstimateJson;
    expect(e.masked).toEqual({ count: 1, totalMs: b - a, intervals: [{ fromMs: a, toMs: b, reason: 'sequence gap (test)' }] });
    // rows every 100 ms on the 100 ms grid: the increments ending in [a, b]
    expect(e.sigmaIncrementsDropped).toBe((b - a) / 100 + 1);
    expect(e.sigma.realized.price.droppedIncrements).toBe((b - a) / 100 + 1);
    expect(e.sigma.realized.price.maskedMs).toBe(b - a);
    expect(e.pairing.droppedInMask).toBe(tradesInMask(market.trades));
    expect(e.pairing.maskedMs).toBe(b - a);
    expect(e.pairing.observedMs).toBe(e.pairing.spanMs - (b - a));
  });

  it('the text says the same in words', () => {
    const r = runAsmm(['estimate', '--data', maskedCsv, '--trades', tradesCsv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('masked: 1 interval(s), 2.5 min in total');
    expect(r.stdout).toContain(`masked ${new Date(a).toISOString()} .. ${new Date(b).toISOString()} (2.5 min): sequence gap (test)`);
    expect(r.stdout).toContain(`${(b - a) / 100 + 1} grid increments overlapping masked intervals left out`);
    expect(r.stdout).toContain(`${tradesInMask(market.trades)} inside masked intervals`);
    expect(r.stdout).toContain('(2.5 min masked left out)');
  });
});
