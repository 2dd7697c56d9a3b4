import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSeedCompat } from '../../src/backtest/index.js';
import { readReferenceCsv } from '../../src/formats/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('asmm-seedcompat-');

/** A small file in the reference system's layout: one row per second, 2 levels, the mid given per row. */
function referenceCsv(mids: number[]): string {
  const lines = ['Timestamp,Bid List,Bid Size List,Ask List,Ask Size List'];
  mids.forEach((m, i) => {
    const ts = new Date(Date.UTC(2024, 4, 1, 12, 0, i)).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${ts},"[${(m - 0.05).toFixed(2)}, ${(m - 0.1).toFixed(2)}]","[1.0, 2.0]","[${(m + 0.05).toFixed(2)}, ${(m + 0.1).toFixed(2)}]","[1.5, 2.5]"`);
  });
  return lines.join('\n') + '\n';
}

interface Resting {
  px: number;
  size: number;
}

/**
 * The reference market maker written out plainly, independently of src/ (its rules as the reference code
 * states them). Rows W.. are traded (the first W have no σ or rate); per row, with q before the row's fills:
 * σ = sample std of the last W mids, rate = W/(seconds since the row W before), k = 1/rate,
 * t' = (last − ts)/(last − first traded), r = mid − q·σ²·γ·t', spread = γσ²t' + (2/γ)·ln(1 + γ/k);
 * sizes 0.1/0.1 within |q| ≤ 3, else 0 on the side adding to the position and
 * (rate/1.5)·exp(−k·|touch − quote|) on the other; the new orders join, each side keeps its five best
 * prices; then every bid ≥ mid and ask ≤ mid fills at its price.
 */
function plainReference(ts: number[], mids: number[], gamma: number, window: number, q0 = 0, cash0 = 0) {
  const n = mids.length;
  let q = q0;
  let cash = cash0;
  let bids: Resting[] = [];
  let asks: Resting[] = [];
  const out = { inventory: [] as number[], cash: [] as number[], pnl: [] as number[], reservation: [] as number[], askSize: [] as number[] };
  for (let i = window; i < n; i++) {
    const m = mids[i];
    const w = mids.slice(i - window + 1, i + 1);
    const mean = w.reduce((x, y) => x + y, 0) / window;
    const variance = w.reduce((x, y) => x + (y - mean) ** 2, 0) / (window - 1);
    const rate = window / ((ts[i] - ts[i - window]) / 1000);
    const k = 1 / rate;
    const timeLeft = (ts[n - 1] - ts[i]) / (ts[n - 1] - ts[window]);
    const r = m - q * variance * gamma * timeLeft;
    const spread = gamma * variance * timeLeft + (2 / gamma) * Math.log(1 + gamma / k);
    const bid = r - spread / 2;
    const ask = r + spread / 2;
    const bid1 = m - 0.05;
    const ask1 = m + 0.05;
    let bidSize = 0.1;
    let askSize = 0.1;
    if (q > 3) {
      bidSize = 0;
      askSize = (rate / 1.5) * Math.exp(-k * Math.abs(ask1 - ask));
    } else if (q < -3) {
      bidSize = (rate / 1.5) * Math.exp(-k * Math.abs(bid - bid1));
      askSize = 0;
    }
    bids = [...bids, { px: bid, size: bidSize }].sort((a, b) => b.px - a.px).slice(0, 5);
    asks = [...asks, { px: ask, size: askSize }].sort((a, b) => a.px - b.px).slice(0, 5);
    for (const b of bids.filter((o) => o.px >= m)) {
      q += b.size;
      cash -= b.px * b.size;
    }
    for (const a of asks.filter((o) => o.px <= m)) {
      q -= a.size;
      cash += a.px * a.size;
    }
    bids = bids.filter((o) => o.px < m);
    asks = asks.filter((o) => o.px > m);
    out.inventory.push(q);
    out.cash.push(cash);
    out.pnl.push(cash + q * m);
    out.reservation.push(r);
    out.askSize.push(askSize);
  }
  return out;
}

function writeRef(name: string, mids: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, referenceCsv(mids));
  return path;
}

describe('seed-compatible reference market maker', () => {
  // mids that swing by more than the quoted half-spread (≈ 0.95 at k = 1 s, γ = 0.1) so orders fill both ways
  const mids = [100, 100, 100.2, 99.9, 98.6, 98.7, 100.9, 101.6, 101.2, 99.4, 98.2, 98.9, 100.5, 102.1, 101.9, 100.3, 99.0, 98.4, 99.6, 101.3];

  it('inventory, cash and PnL match a plain re-implementation row by row, with fills on both sides', () => {
    const book = readReferenceCsv(writeRef('ref.csv', mids));
    const ours = runSeedCompat(book, { gamma: 0.1, windowRows: 3 });
    const plain = plainReference(Array.from(book.tsMs), mids, 0.1, 3);
    expect(ours.tsMs).toHaveLength(mids.length - 3);
    expect(ours.rows[0]).toBe(3);
    expect(ours.messageRatePerSec[0]).toBeCloseTo(1, 12);
    expect(ours.fills.side.filter((s) => s > 0).length).toBeGreaterThan(0);
    expect(ours.fills.side.filter((s) => s < 0).length).toBeGreaterThan(0);
    for (let x = 0; x < plain.inventory.length; x++) {
      expect(ours.midPx[x]).toBeCloseTo(mids[x + 3], 9);
      expect(ours.reservationPx[x], `row ${x}`).toBeCloseTo(plain.reservation[x], 9);
      expect(ours.inventory[x], `row ${x}`).toBeCloseTo(plain.inventory[x], 12);
      expect(ours.cash[x], `row ${x}`).toBeCloseTo(plain.cash[x], 9);
      expect(ours.pnl[x], `row ${x}`).toBeCloseTo(plain.pnl[x], 9);
    }
  });

  it('beyond |q| > 3 it quotes one side only, λ-sized, and matches the plain re-implementation', () => {
    const book = readReferenceCsv(writeRef('ref-lambda.csv', mids));
    for (const q0 of [3.5, -3.5]) {
      const ours = runSeedCompat(book, { gamma: 0.1, windowRows: 3, initialInventory: q0, initialCash: 1000 });
      const plain = plainReference(Array.from(book.tsMs), mids, 0.1, 3, q0, 1000);
      expect(q0 > 0 ? ours.bidSize[0] : ours.askSize[0]).toBe(0);
      const lambda = q0 > 0 ? ours.askSize[0] : ours.bidSize[0];
      expect(lambda).toBeGreaterThan(0);
      expect(lambda).not.toBeCloseTo(0.1, 3);
      for (let x = 0; x < plain.inventory.length; x++) {
        expect(ours.inventory[x], `q0 ${q0} row ${x}`).toBeCloseTo(plain.inventory[x], 12);
        expect(ours.cash[x], `q0 ${q0} row ${x}`).toBeCloseTo(plain.cash[x], 9);
        expect(ours.pnl[x], `q0 ${q0} row ${x}`).toBeCloseTo(plain.pnl[x], 9);
      }
    }
  });

  it('by hand: a bid resting below the mid fills when the mid falls to it, at the bid', () => {
    // window 2, rows 2.. traded. Row 2: σ = std(100, 100) = 0, rate = 2 rows / 2 s, k = 1 s:
    // bid = 100 − (1/γ)·ln(1 + γ/k) = 100 − 10·ln 1.1 = 99.04690
    const r = runSeedCompat(readReferenceCsv(writeRef('hand.csv', [100, 100, 100, 99.0, 99.0])), { gamma: 0.1, windowRows: 2 });
    const half = (2 / 0.1) * Math.log(1.1) / 2;
    expect(r.bidPx[0]).toBeCloseTo(100 - half, 9);
    // row 3: mid 99.0 ≤ that bid → bought 0.1 at 99.04690
    expect(r.fills.tsMs).toHaveLength(1);
    expect(r.fills.px[0]).toBeCloseTo(100 - half, 9);
    expect(r.inventory[1]).toBeCloseTo(0.1, 12);
    expect(r.cash[1]).toBeCloseTo(-0.1 * (100 - half), 9);
    expect(r.pnl[1]).toBeCloseTo(0.1 * (99 - (100 - half)), 9);
  });

  it('by hand: the λ-sized ask at q = 3.5 is (1/k)/1.5 · exp(−k·|ask₁ − ask|) and sells when the mid rises to it', () => {
    // row 2 as above but q = 3.5 > 3: no bid (size 0), ask = 100 + 0.95310 (σ = 0), ask₁ = 100.05, k = 1:
    // size = (1/1.5)·exp(−0.90310) = 0.27023
    const r = runSeedCompat(readReferenceCsv(writeRef('hand-lambda.csv', [100, 100, 100, 101.5])), { gamma: 0.1, windowRows: 2, initialInventory: 3.5 });
    const ask = 100 + 10 * Math.log(1.1);
    const size = (1 / 1.5) * Math.exp(-Math.abs(100.05 - ask));
    expect(size).toBeCloseTo(0.27023, 4);
    expect(r.bidSize[0]).toBe(0);
    expect(r.askSize[0]).toBeCloseTo(size, 12);
    // row 3: mid 101.5 ≥ ask → sold `size` at `ask`; the new ask is above 101.5
    expect(r.fills.side).toEqual([-1]);
    expect(r.inventory[1]).toBeCloseTo(3.5 - size, 12);
    expect(r.cash[1]).toBeCloseTo(ask * size, 9);
  });

  it('by hand: each side keeps its five best prices, dropping a new worse order rather than the oldest', () => {
    // mids drift down by 0.01 per row: each new bid is lower than the last, so after five bids the sixth
    // (the newest) is the one dropped; then the mid falls through all of them and exactly five bids fill,
    // the five placed first
    const drift = [100, 100, 100, 99.99, 99.98, 99.97, 99.96, 99.95, 97];
    const r = runSeedCompat(readReferenceCsv(writeRef('five.csv', drift)), { gamma: 0.1, windowRows: 2 });
    const bought = r.fills.px.filter((_, i) => r.fills.side[i] > 0);
    expect(bought).toHaveLength(5);
    expect(bought.sort((a, b) => b - a)).toEqual(Array.from(r.bidPx.slice(0, 5)).sort((a, b) => b - a));
    expect(bought).not.toContain(r.bidPx[5]);
  });
});

describe('asmm backtest --seed-compat', () => {
  it('runs the reference market maker on a reference-layout CSV and reports what the library computes', async () => {
    const { runAsmm } = await import('../helpers/cli.js');
    const mids = [100, 100, 100.2, 99.9, 98.6, 98.7, 100.9, 101.6, 101.2, 99.4, 98.2, 98.9, 100.5, 102.1, 101.9, 100.3, 99.0, 98.4, 99.6, 101.3];
    const path = join(dir, 'cli-ref.csv');
    writeFileSync(path, referenceCsv(mids));
    const r = runAsmm(['backtest', '--seed-compat', '--window-rows', '3', '--initial-inventory', '3.5', '--data', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { finalInventory: number; finalCash: number; pnl: number; fills: number; note: string; rowsBeyondInventoryLimit: number };
    const lib = runSeedCompat(readReferenceCsv(path), { windowRows: 3, initialInventory: 3.5 });
    const n = lib.tsMs.length;
    expect(out.fills).toBe(lib.fills.side.length);
    expect(out.fills).toBeGreaterThan(0);
    expect(out.finalInventory).toBeCloseTo(lib.inventory[n - 1], 12);
    expect(out.pnl).toBeCloseTo(lib.pnl[n - 1], 9);
    expect(out.note).toMatch(/λ-sized/);
    expect(out.rowsBeyondInventoryLimit).toBeGreaterThan(0);
    // the text table prints the inventories to 12 significant digits (--json keeps the sums exact: no lot here)
    const text = runAsmm(['backtest', '--seed-compat', '--window-rows', '3', '--initial-inventory', '3.5', '--data', path]);
    expect(text.code, text.stderr).toBe(0);
    const significant = (v: string) => v.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/e.*$/, '').length;
    for (const [key, exact] of [['finalInventory', out.finalInventory], ['maxAbsInventory', (JSON.parse(r.stdout) as { maxAbsInventory: number }).maxAbsInventory]] as const) {
      const printed = new RegExp(`^${key}\\s+(\\S+)$`, 'm').exec(text.stdout)?.[1];
      expect(printed, key).toBeDefined();
      expect(Math.abs(Number(printed) - exact), key).toBeLessThan(1e-11 * Math.max(1, Math.abs(exact)));
      expect(significant(printed!), `${key} ${printed}`).toBeLessThanOrEqual(12);
    }
    expect(significant(String(out.finalInventory)), 'the sum has more than 12 significant digits').toBeGreaterThan(12);
    // cash and PnL to 6 significant digits, as asmm backtest prints its metrics (the JSON ones are exact sums)
    for (const [key, exact] of [['finalCash', out.finalCash], ['pnl', out.pnl]] as const) expect(new RegExp(`^${key}\\s+(\\S+)$`, 'm').exec(text.stdout)?.[1], key).toBe(String(Number(exact.toPrecision(6))));
  }, 60_000);

  it('says which clock it used (whole seconds, or the finer stamps a file has) and writes the same report as other runs', async () => {
    const { runAsmm } = await import('../helpers/cli.js');
    const mids = [100, 100.2, 99.9, 98.6, 98.7, 100.9, 101.6, 101.2, 99.4, 98.2];
    const secondsPath = join(dir, 'cli-ref-s.csv');
    writeFileSync(secondsPath, referenceCsv(mids));
    // the same rows with millisecond digits: 12:00:00.250, 12:00:01.250, ...
    const msPath = join(dir, 'cli-ref-ms.csv');
    writeFileSync(msPath, referenceCsv(mids).replace(/(\d{2}:\d{2}:\d{2}),/g, '$1.250,'));
    const report = join(dir, 'seed-report.html');
    const s = runAsmm(['backtest', '--seed-compat', '--window-rows', '3', '--data', secondsPath, '--json', '--report', report]);
    expect(s.code, s.stderr).toBe(0);
    expect((JSON.parse(s.stdout) as { clock: string }).clock).toMatch(/\(1 s resolution\)/);
    expect(readFileSync(report, 'utf8')).toContain('reference market maker (seed-compatible)');
    const ms = runAsmm(['backtest', '--seed-compat', '--window-rows', '3', '--data', msPath]);
    expect(ms.code, ms.stderr).toBe(0);
    expect(ms.stdout).toMatch(/\(10 ms resolution\)/);
    expect(ms.stdout).not.toMatch(/1 s resolution/);
    expect(ms.stdout).toMatch(/report: reports\/backtest-seed-compat\.html/);
  }, 60_000);
});
