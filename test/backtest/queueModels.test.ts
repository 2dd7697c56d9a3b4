import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/index.js';
import { frontAfterDecrease, parseQueueModel, queueProbability, QUEUE_MODEL_NAMES, type QueueModelSpec } from '../../src/backtest/queueModels.js';
import { base, book, fixed, trades } from '../helpers/handBuilt.js';

// References: the closed forms of hftbacktest's probability functions (hftbacktest/src/backtest/models/queue.rs:
// PowerProbQueueFunc f(b)/(f(b)+f(a)), PowerProbQueueFunc2 f(b)/f(a+b), PowerProbQueueFunc3 1 − f(a/(a+b)),
// LogProbQueueFunc and LogProbQueueFunc2 with f(x) = ln(1 + x)), evaluated by hand at front 1, back 3.
describe('queue models (hftbacktest probability functions)', () => {
  it('give the closed forms at front 1, back 3', () => {
    const at = (spec: QueueModelSpec) => queueProbability(spec)(1, 3);
    expect(at({ name: 'power', n: 2 })).toBeCloseTo(9 / 10, 14);
    expect(at({ name: 'power', n: 1 })).toBeCloseTo(3 / 4, 14);
    expect(at({ name: 'power2', n: 2 })).toBeCloseTo(9 / 16, 14);
    expect(at({ name: 'power3' })).toBeCloseTo(1 - 1 / 64, 14); // n = 3 by default
    expect(at({ name: 'log' })).toBeCloseTo(Math.log(4) / (Math.log(4) + Math.log(2)), 14);
    expect(at({ name: 'log2' })).toBeCloseTo(Math.log(4) / Math.log(5), 14);
  });

  it('move the front by (1 − p)·decrease, take from the front what the back cannot give, and never below 0', () => {
    const power2 = queueProbability({ name: 'power', n: 2 });
    // front 10, back 10, 6 cancelled: p = 1/2, 3 from the front
    expect(frontAfterDecrease(10, 20, 6, power2)).toBeCloseTo(7, 14);
    // front 10, back 1, 6 cancelled: p = 1/101; (100/101)·6 from the front, and the back gives 6/101 < 1
    expect(frontAfterDecrease(10, 11, 6, power2)).toBeCloseTo(10 - (100 / 101) * 6, 12);
    // front 3, back 1, 3 cancelled, power 1: p = 1/4; the back's share 3/4 fits, (3/4)·3 from the front
    expect(frontAfterDecrease(3, 4, 3, queueProbability({ name: 'power', n: 1 }))).toBeCloseTo(3 - 2.25, 14);
    // front 5, back 1, 6 cancelled: the estimate is −0.77 (hftbacktest would count it a fill); here 0
    expect(frontAfterDecrease(5, 6, 6, power2)).toBe(0);
    // the level held only us (front 0, back 0: 0/0): p is taken as 1, the front stays 0
    expect(frontAfterDecrease(0, 0, 1, power2)).toBe(0);
  });

  it('parse from the command line, refusing what is not a model', () => {
    expect(parseQueueModel('power')).toEqual({ name: 'power' });
    expect(parseQueueModel('power:3')).toEqual({ name: 'power', n: 3 });
    expect(parseQueueModel('log2')).toEqual({ name: 'log2' });
    expect(() => parseQueueModel('log:2')).toThrow(/takes no power/);
    expect(() => parseQueueModel('power:-1')).toThrow(/positive/);
    expect(() => parseQueueModel('fifo')).toThrow(new RegExp(QUEUE_MODEL_NAMES.join(', ')));
    expect(() => parseQueueModel('riskAverse:2')).toThrow(/takes no power/);
  });

  it('bound the family: riskAverse takes a decrease from behind us first (hftbacktest RiskAdverseQueueModel: min(front, new size)), optimistic from the front', () => {
    const averse = queueProbability(parseQueueModel('riskAverse'));
    const optimistic = queueProbability(parseQueueModel('optimistic'));
    // 4 ahead, 6 behind (10 shown), 3 cancelled: behind absorbs it / front absorbs it
    expect(frontAfterDecrease(4, 10, 3, averse)).toBe(4);
    expect(frontAfterDecrease(4, 10, 3, optimistic)).toBe(1);
    // 8 cancelled: more than behind us, so 2 came from the front even for riskAverse (= min(4, 10 − 8))
    expect(frontAfterDecrease(4, 10, 8, averse)).toBe(Math.min(4, 10 - 8));
    expect(frontAfterDecrease(4, 10, 8, optimistic)).toBe(0);
    // and every other model lies between them
    for (const name of ['power', 'power2', 'power3', 'log', 'log2'] as const) {
      const f = frontAfterDecrease(4, 10, 3, queueProbability({ name }));
      expect(f).toBeGreaterThanOrEqual(1);
      expect(f).toBeLessThanOrEqual(4);
    }
  });

  it('decide the fill in the engine: 10 ahead, 10 more behind, 6 cancelled, then a sell of 9 at our price', () => {
    // our bid 99 joins behind the 10 shown (t 0); 10 are added behind us (t 10); 6 are cancelled (t 20); a sell of
    // 9 prints at 99 (t 30). What is ahead at t 30 is 10 − (1 − p)·6, p by the model at front 10, back 10:
    const b = book([
      [0, 99, 10, 101, 4],
      [10, 99, 20, 101, 4],
      [20, 99, 14, 101, 4],
      [40, 99, 14, 101, 4],
    ]);
    const t = trades([[30, -1, 99, 9]]);
    const filled = (spec: QueueModelSpec) => {
      const r = runBacktest(b, t, { ...base(fixed(99, 101), 'queue'), queueModel: spec });
      return r.fills.qty.reduce((a, q) => a + q, 0);
    };
    const expected = (p: number) => Math.min(2, Math.max(0, 9 - (10 - (1 - p) * 6)));
    expect(filled({ name: 'power', n: 2 })).toBeCloseTo(expected(0.5), 12); // ahead 7: 2 beyond, our 2 filled
    expect(filled({ name: 'log2' })).toBeCloseTo(expected(Math.log(11) / Math.log(21)), 12); // ahead 8.73: 0.27
    expect(filled({ name: 'power3', n: 3 })).toBe(0); // p = 7/8: ahead 9.25, the 9 do not reach us
    expect(filled({ name: 'power2', n: 2 })).toBeCloseTo(expected(0.25), 12); // ahead 5.5: our 2 filled
    expect(filled({ name: 'log2' })).toBeGreaterThan(0.27);
    expect(filled({ name: 'log2' })).toBeLessThan(0.28);
  });

  it('orderCount moves us up by the share of the orders ahead, from the counts per level (a hand-built book)', () => {
    // our bid 99 joins behind 2 orders of 5 (10 shown, count 2); 2 orders of 5 join behind us (t 10: 20, count 4);
    // one order of 5 is cancelled (t 20: 15, count 3); a sell of 8 prints at 99 (t 30).
    // orderCount: half the orders were ahead, so half the 5 came off the front: ahead 10 − 2.5 = 7.5, 0.5 beyond it.
    // power 2 (front 10, back 10: p = 1/2) happens to agree here; with 1 ahead of 3 orders it would not:
    const rows = [
      [0, 99, 10, 101, 4],
      [10, 99, 20, 101, 4],
      [20, 99, 15, 101, 4],
      [40, 99, 15, 101, 4],
    ];
    const counted = (counts: number[]) => {
      const b = book(rows);
      return { ...b, bidCount: [Float64Array.from(counts), Float64Array.from(counts, () => 3)], askCount: [Float64Array.from(rows, () => 2), Float64Array.from(rows, () => 3)] };
    };
    const t = trades([[30, -1, 99, 8]]);
    const filled = (b: ReturnType<typeof counted>, spec: QueueModelSpec) => runBacktest(b, t, { ...base(fixed(99, 101), 'queue'), queueModel: spec }).fills.qty.reduce((a, q) => a + q, 0);
    expect(filled(counted([2, 4, 3, 3]), { name: 'orderCount' })).toBeCloseTo(0.5, 12);
    // the same sizes, but the 10 ahead were 1 order and the 10 behind 3 (the 5 cancelled one of those 3): a
    // quarter of the orders were ahead, so 1.25 came off the front: ahead 8.75, nothing beyond the sell of 8
    expect(filled(counted([1, 4, 3, 3]), { name: 'orderCount' })).toBe(0);
    // a size model cannot tell the two apart
    expect(filled(counted([1, 4, 3, 3]), { name: 'power', n: 2 })).toBeCloseTo(filled(counted([2, 4, 3, 3]), { name: 'power', n: 2 }), 12);
  });

  it('orderCount refuses a book without order counts, saying which data has them', () => {
    const b = book([[0, 99, 10, 101, 4]]);
    expect(() => runBacktest(b, trades([[1, -1, 99, 1]]), { ...base(fixed(99, 101), 'queue'), queueModel: { name: 'orderCount' } })).toThrow(/orderCount: the book has no order counts per level \(OKX books/);
  });
});
