import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSeedCompat } from '../../src/backtest/index.js';
import { readReferenceCsv } from '../../src/data/index.js';
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

/**
 * The reference market maker written out plainly, independently of src/: per row, fills by mid cross, then
 * σ = sample std of the last W mids, k = 1/(messages per second), t = (ts − first)/(last − first),
 * r = mid − q·γ·σ²·(1 − t), spread = γσ²(1 − t) + (2/γ)·ln(1 + γ/k), new orders of 0.1 at r ∓ spread/2,
 * five per side (the oldest dropped).
 */
function plainReference(ts: number[], mids: number[], gamma: number, window: number) {
  const n = mids.length;
  const rate = (n - 1) / ((ts[n - 1] - ts[0]) / 1000);
  const k = 1 / rate;
  let q = 0;
  let cash = 0;
  let bids: number[] = [];
  let asks: number[] = [];
  const inventory: number[] = [];
  const cashes: number[] = [];
  const pnl: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = mids[i];
    const keptBids: number[] = [];
    for (const b of bids) {
      if (b >= m) {
        q += 0.1;
        cash -= b * 0.1;
      } else keptBids.push(b);
    }
    bids = keptBids;
    const keptAsks: number[] = [];
    for (const a of asks) {
      if (a <= m) {
        q -= 0.1;
        cash += a * 0.1;
      } else keptAsks.push(a);
    }
    asks = keptAsks;
    if (i >= window - 1) {
      const w = mids.slice(i - window + 1, i + 1);
      const mean = w.reduce((x, y) => x + y, 0) / window;
      const sigma = Math.sqrt(w.reduce((x, y) => x + (y - mean) ** 2, 0) / (window - 1));
      const t = (ts[i] - ts[0]) / (ts[n - 1] - ts[0]);
      const r = m - q * gamma * sigma * sigma * (1 - t);
      const spread = gamma * sigma * sigma * (1 - t) + (2 / gamma) * Math.log(1 + gamma / k);
      bids.push(r - spread / 2);
      asks.push(r + spread / 2);
      if (bids.length > 5) bids.shift();
      if (asks.length > 5) asks.shift();
    }
    inventory.push(q);
    cashes.push(cash);
    pnl.push(cash + q * m);
  }
  return { inventory, cash: cashes, pnl };
}

describe('seed-compatible reference market maker', () => {
  // mids that swing by more than the quoted half-spread (≈ 0.95 at k = 1, γ = 0.1) so orders fill both ways
  const mids = [100, 100, 100.2, 99.9, 98.6, 98.7, 100.9, 101.6, 101.2, 99.4, 98.2, 98.9, 100.5, 102.1, 101.9, 100.3, 99.0, 98.4, 99.6, 101.3];

  it('inventory, cash and PnL match a plain re-implementation row by row, with fills on both sides', () => {
    const path = join(dir, 'ref.csv');
    writeFileSync(path, referenceCsv(mids));
    const book = readReferenceCsv(path);
    const ours = runSeedCompat(book, { gamma: 0.1, sigmaWindowRows: 3 });
    const plain = plainReference(Array.from(book.tsMs), mids, 0.1, 3);
    expect(ours.messageRatePerSec).toBeCloseTo(1, 12);
    expect(ours.fills.side.filter((s) => s > 0).length).toBeGreaterThan(0);
    expect(ours.fills.side.filter((s) => s < 0).length).toBeGreaterThan(0);
    for (let i = 0; i < mids.length; i++) {
      expect(ours.midPx[i]).toBeCloseTo(mids[i], 9);
      expect(ours.inventory[i], `row ${i}`).toBeCloseTo(plain.inventory[i], 12);
      expect(ours.cash[i], `row ${i}`).toBeCloseTo(plain.cash[i], 9);
      expect(ours.pnl[i], `row ${i}`).toBeCloseTo(plain.pnl[i], 9);
    }
  });

  it('by hand: a bid resting below the mid fills when the mid falls to it, at the bid', () => {
    // window 2: σ at row 1 = |0|/… = 0, so the spread is (2/γ)·ln(1 + γ/k) with k = 1: 1.9062; bid = 100 − 0.9531
    const small = [100, 100, 99.0, 99.0];
    const path = join(dir, 'hand.csv');
    writeFileSync(path, referenceCsv(small));
    const r = runSeedCompat(readReferenceCsv(path), { gamma: 0.1, sigmaWindowRows: 2 });
    const half = (2 / 0.1) * Math.log(1.1) / 2;
    expect(r.bidPx[1]).toBeCloseTo(100 - half, 9);
    // row 2: mid 99.0 ≤ bid 99.0469 (placed at row 1) → bought 0.1 at 99.0469
    expect(r.fills.tsMs).toHaveLength(1);
    expect(r.fills.px[0]).toBeCloseTo(100 - half, 9);
    expect(r.inventory[2]).toBeCloseTo(0.1, 12);
    expect(r.cash[2]).toBeCloseTo(-0.1 * (100 - half), 9);
    expect(r.pnl[2]).toBeCloseTo(0.1 * (99 - (100 - half)), 9);
  });
});

describe('asmm backtest --seed-compat', () => {
  it('runs the reference market maker on a reference-layout CSV and reports what the library computes', async () => {
    const { runAsmm } = await import('../helpers/cli.js');
    const mids = [100, 100, 100.2, 99.9, 98.6, 98.7, 100.9, 101.6, 101.2, 99.4, 98.2, 98.9, 100.5, 102.1, 101.9, 100.3, 99.0, 98.4, 99.6, 101.3];
    const path = join(dir, 'cli-ref.csv');
    writeFileSync(path, referenceCsv(mids));
    const r = runAsmm(['backtest', '--seed-compat', '--sigma-rows', '3', '--data', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { finalInventory: number; finalCash: number; pnl: number; fills: number; note: string };
    const lib = runSeedCompat(readReferenceCsv(path), { sigmaWindowRows: 3 });
    const n = lib.tsMs.length;
    expect(out.fills).toBe(lib.fills.side.length);
    expect(out.fills).toBeGreaterThan(0);
    expect(out.finalInventory).toBeCloseTo(lib.inventory[n - 1], 12);
    expect(out.pnl).toBeCloseTo(lib.pnl[n - 1], 9);
    expect(out.note).toMatch(/λ-sized/);
  }, 60_000);
});
