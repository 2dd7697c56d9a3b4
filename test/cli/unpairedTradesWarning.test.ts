import { describe, expect, it } from 'vitest';
import { UnpairedTradesWarning } from '../../src/cli/catalogMarket.js';
import type { PairingSoFar } from '../../src/estimate/streamedMarketOrders.js';

// The streamed commands' early word that most trades so far cannot be paired (the pairing's error comes only
// after the whole range): said once, at the first day where the counts so far make the error's rule.

const soFar = (trades: number, unpairedAfterRows: number): PairingSoFar => ({
  trades,
  outsideMasks: trades,
  unpaired: unpairedAfterRows,
  unpairedAfterRows,
  maxStalenessMs: 5000,
  mostUnpaired: unpairedAfterRows >= 100 && 2 * unpairedAfterRows > trades,
});

describe('UnpairedTradesWarning', () => {
  it('says nothing while most trades pair, then once, naming the day and the counts', () => {
    const said: string[] = [];
    const w = new UnpairedTradesWarning((line) => said.push(line));
    w.after('2026-01-01', undefined);
    w.after('2026-01-02', soFar(1000, 10));
    expect(said).toEqual([]);
    w.after('2026-01-03', soFar(2000, 1500));
    w.after('2026-01-04', soFar(3000, 2500));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^ {2}2026-01-03: WARNING 1500 of 2000 trades so far \(75 %\) came more than 5000 ms after the book's row in force/);
  });
});
