import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTables } from '../../src/formats/index.js';
import { fitArrivalMle, marketOrdersFromTrades } from '../../src/estimate/index.js';
import { writeSampleMarket, generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('asmm-estimate-');
const market = generateSampleMarket({ durationSec: 1800, seed: 77 });
writeSampleMarket(dir, market);

interface EstimateJson {
  tickSize: number;
  sigma: { realized: { price: { sigmaPerSqrtSec: number; ci95: [number, number] }; log: { sigmaPerSqrtSec: number } } };
  arrival: { mle: Record<'ask' | 'bid' | 'pooled', { aPerSec: number; kPerPrice: number; kCi95: [number, number] }> };
  rolling: { evaluations: number; file: string };
}

describe('asmm estimate', () => {
  it('--json on the sample: the truth inside the intervals, the rolling series written', () => {
    const out = join(dir, 'rolling.csv');
    const r = runAsmm(['estimate', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.csv'), '--window', '300s', '--step', '10s', '--rolling-out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as EstimateJson;
    const p = market.params;
    expect(e.tickSize).toBe(p.tickSize);
    const [lo, hi] = e.sigma.realized.price.ci95;
    expect(lo).toBeLessThanOrEqual(p.sigmaPerSqrtSec);
    expect(hi).toBeGreaterThanOrEqual(p.sigmaPerSqrtSec);
    expect(e.sigma.realized.log.sigmaPerSqrtSec).toBeCloseTo(e.sigma.realized.price.sigmaPerSqrtSec / p.mid0, 5);
    expect(e.arrival.mle.pooled.kCi95[0]).toBeLessThanOrEqual(p.kPerPrice);
    expect(e.arrival.mle.pooled.kCi95[1]).toBeGreaterThanOrEqual(p.kPerPrice);
    // the same numbers as the library
    const orders = marketOrdersFromTrades(market.book, market.trades, p.tickSize);
    const duration = (market.book.tsMs[market.book.tsMs.length - 1] - market.book.tsMs[0]) / 1000;
    expect(e.arrival.mle.ask.kPerPrice).toBeCloseTo(fitArrivalMle(orders, duration, 'ask').kPerPrice, 10);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_ms,sigma_price_per_sqrt_s,sigma_log_per_sqrt_s,sigma_ewma_price_per_sqrt_s,increments,observed_s,a_ask_per_s,a_bid_per_s,a_pooled_per_s,k_ask_per_price,k_bid_per_price,k_pooled_per_price,orders_ask,orders_bid');
    expect(csv.length - 1).toBe(e.rolling.evaluations);
  });

  it('--rolling-out says each window\'s observed time: a window inside a mask is not a quiet one (observed_s, and a count in the text)', () => {
    // trades masked over [600 s, 900 s) of the sample (a recorder gap, say): the 300 s window ending at 900 s
    // saw no trade, not because none came, and the windows around it saw part of their time
    const masked = join(dir, 'masked');
    mkdirSync(masked, { recursive: true });
    copyFileSync(join(dir, 'books.csv'), join(masked, 'books.csv'));
    copyFileSync(join(dir, 'trades.csv'), join(masked, 'trades.csv'));
    const t0 = market.book.tsMs[0];
    writeFileSync(join(masked, 'trades.masked.csv'), `from_ts_ms,to_ts_ms,reason\n${t0 + 600_000},${t0 + 900_000},"recorder gap"\n`);
    const out = join(masked, 'rolling.csv');
    const r = runAsmm(['estimate', '--data', join(masked, 'books.csv'), '--trades', join(masked, 'trades.csv'), '--window', '300s', '--step', '60s', '--rolling-out', out]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    expect(col('observed_s')).toBeGreaterThan(0);
    const at = (tSec: number) => rows.find((row) => Number(row[0]) === t0 + tSec * 1000) as string[];
    // windows [t − 300 s, t): before the mask whole, at 900 s entirely inside it, at 720 s 180 s of it masked
    expect(Number(at(600)[col('observed_s')])).toBeCloseTo(300, 6);
    expect(Number(at(900)[col('observed_s')])).toBe(0);
    expect(Number(at(900)[col('orders_ask')])).toBe(0);
    expect(Number(at(720)[col('observed_s')])).toBeCloseTo(300 - 120, 6);
    // windows ending in (600 s, 1200 s) lose time to the mask: 9 of the 25, the one ending at 900 s all of it
    expect(r.stdout).toMatch(/9 of 25 windows lose time to masked or stale intervals, 1 all of it \(no A or k there\); A is over each window's observed time \(observed_s in the series\)/);
  });

  it('readable output names the units and methods; books without trades say so; bad input is a clear error', () => {
    const r = runAsmm(['estimate', '--data', join(dir, 'books.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/σ price\/√s/);
    expect(r.stdout).toMatch(/no trades: A and k not estimated/);
    expect(runAsmm(['estimate']).stderr).toMatch(/^asmm estimate: --data FILE .*is required/);
    const inferred = runAsmm(['estimate', '--data', join(dir, 'books.csv'), '--infer-from-book']);
    expect(inferred.code, inferred.stderr).toBe(0);
    expect(inferred.stdout).toMatch(/arrival λ\(δ\) = A·exp\(−k·δ\) from inferred from the book \(no trades\)/);
    expect(runAsmm(['estimate', '--data', join(dir, 'books.csv'), '--window', '10h']).stderr).toMatch(/asmm estimate: the data span .* is shorter than one window/);
  });
});

const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const binance = join(shared, 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');

describe.skipIf(!existsSync(binance))('estimates on the real Binance BTCUSDT capture (../shared/data)', () => {
  // The two halves are NOT stable within their intervals: σ is 3.3 USDT/√s in the first ~3 minutes and 8.3 in
  // the next (volatility clusters; the intervals assume a constant σ over each half), and A and k move with it.
  // So this test asserts what must hold (finite, positive, intervals around their estimates) and prints both
  // halves for the record.
  it('are finite and positive in each half, with intervals around them (halves printed: they differ, see comment)', async () => {
    const { tables } = await loadTables(binance);
    const book = tables.find((t) => t.kind === 'book');
    const trades = tables.find((t) => t.kind === 'trades');
    if (book?.kind !== 'book' || trades?.kind !== 'trades') throw new Error('expected a book and a trade table');
    const { midPrices } = await import('../../src/data/tables.js');
    const { previousTickGrid, realizedVolatility } = await import('../../src/estimate/index.js');
    const half = (book.tsMs[0] + book.tsMs[book.tsMs.length - 1]) / 2;
    const results = [0, 1].map((h) => {
      const rows = Array.from(book.tsMs.keys()).filter((i) => (h === 0 ? book.tsMs[i] < half : book.tsMs[i] >= half));
      const ts = rows.map((i) => book.tsMs[i]);
      const sigma = realizedVolatility(previousTickGrid(ts, rows.map((i) => midPrices(book)[i]), 100));
      const sub = { ...book, tsMs: Float64Array.from(ts), bidPx: book.bidPx.map((c) => Float64Array.from(rows, (i) => c[i])), askPx: book.askPx.map((c) => Float64Array.from(rows, (i) => c[i])) };
      const tIdx = Array.from(trades.tsMs.keys()).filter((i) => trades.tsMs[i] >= ts[0] && trades.tsMs[i] <= ts[ts.length - 1]);
      const subTrades = { ...trades, tsMs: Float64Array.from(tIdx, (i) => trades.tsMs[i]), side: Int8Array.from(tIdx, (i) => trades.side[i]), px: Float64Array.from(tIdx, (i) => trades.px[i]) };
      const fit = fitArrivalMle(marketOrdersFromTrades(sub, subTrades, 0.01), (ts[ts.length - 1] - ts[0]) / 1000, 'pooled');
      return { sigma, fit };
    });
    for (const { sigma, fit } of results) {
      for (const v of [sigma.sigmaPerSqrtSec, fit.aPerSec, fit.kPerPrice]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    }
    console.log(`Binance BTCUSDT halves: σ ${results.map((r) => `${r.sigma.sigmaPerSqrtSec.toFixed(3)} [${r.sigma.ci95.map((x) => x.toFixed(3)).join(', ')}]`).join(' | ')}; A ${results.map((r) => `${r.fit.aPerSec.toFixed(2)} [${r.fit.aCi95.map((x) => x.toFixed(2)).join(', ')}]`).join(' | ')}; k ${results.map((r) => `${r.fit.kPerPrice.toFixed(3)} [${r.fit.kCi95.map((x) => x.toFixed(3)).join(', ')}]`).join(' | ')}`);
    for (const { sigma, fit } of results) {
      expect(sigma.ci95[0]).toBeLessThan(sigma.sigmaPerSqrtSec);
      expect(fit.kCi95[0]).toBeGreaterThan(0);
      expect(fit.kCi95[1]).toBeGreaterThan(fit.kPerPrice);
    }
  }, 60_000);
});
