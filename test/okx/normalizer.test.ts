import { describe, expect, it } from 'vitest';
import { FakeInstrument } from '../../src/okx/fakeMarket.js';
import { parseOkxFrame } from '../../src/okx/messages.js';
import { OkxNormalizer } from '../../src/okx/normalizer.js';
import { createRng } from '../../src/random/rng.js';

function run(frames: string[], depth = 5) {
  const n = new OkxNormalizer(depth);
  const events = frames.flatMap((f, i) => n.accept(parseOkxFrame(f), 1000 + i));
  return { n, events };
}

describe('OkxNormalizer', () => {
  it('the book rebuilt from books snapshot + updates equals the books5 snapshot after every message', () => {
    const inst = new FakeInstrument('ETH-USDT', createRng(11));
    const books = [inst.booksSnapshotFrame()];
    const books5 = [inst.books5Frame()];
    for (let i = 0; i < 2000; i++) {
      inst.step();
      books.push(inst.booksUpdateFrame());
      books5.push(inst.books5Frame());
    }
    const fromDiffs = run(books);
    const fromSnapshots = run(books5);
    expect(fromDiffs.events).toEqual([]);
    expect(fromDiffs.n.stats.checksumsVerified).toBe(2001);
    const a = fromDiffs.n.tables('ETH-USDT', {}, 'books').book!;
    const b = fromSnapshots.n.tables('ETH-USDT', {}, 'books5').book!;
    expect(a.tsMs.length).toBe(2001);
    expect(a.bidPx).toEqual(b.bidPx);
    expect(a.askSz).toEqual(b.askSz);
  });

  it('a checksum of 0 (what OKX sends since 2026) is "not provided", not a mismatch', () => {
    const inst = new FakeInstrument('ETH-USDT', createRng(12), 30, undefined, 'zero');
    const frames = [inst.booksSnapshotFrame()];
    for (let i = 0; i < 50; i++) {
      inst.step();
      frames.push(inst.booksUpdateFrame());
    }
    const { n, events } = run(frames);
    expect(events).toEqual([]);
    expect(n.stats.checksumsSkipped).toBe(51);
    expect(n.stats.checksumsVerified).toBe(0);
    expect(n.stats.bookRows).toBe(51);
  });

  it('after a sequence gap no row is emitted until the next snapshot; then rows resume', () => {
    const inst = new FakeInstrument('ETH-USDT', createRng(13));
    const frames = [inst.booksSnapshotFrame()];
    for (let i = 0; i < 10; i++) {
      inst.step();
      if (i !== 4) frames.push(inst.booksUpdateFrame()); // update 5 lost
    }
    frames.push(inst.booksSnapshotFrame());
    inst.step();
    frames.push(inst.booksUpdateFrame());
    const { n, events } = run(frames);
    expect(events.map((e) => e.kind)).toEqual(['sequence-gap']);
    // snapshot + 4 updates before the gap, then the new snapshot and one update
    expect(n.stats.bookRows).toBe(1 + 4 + 2);
  });

  it('bbo-tbt pushes are whole one-level books', () => {
    const frame = (bid: string, ask: string, ts: number) =>
      JSON.stringify({ arg: { channel: 'bbo-tbt', instId: 'BTC-USDT' }, data: [{ asks: [[ask, '1', '0', '1']], bids: [[bid, '2', '0', '1']], ts: String(ts), seqId: ts }] });
    const { n, events } = run([frame('100.1', '100.2', 1), frame('100.0', '100.3', 2)], 1);
    expect(events).toEqual([]);
    const book = n.tables('BTC-USDT').book!;
    expect(Array.from(book.bidPx[0])).toEqual([100.1, 100.0]);
    expect(Array.from(book.askPx[0])).toEqual([100.2, 100.3]);
    expect(book.meta.extra?.channel).toBe('bbo-tbt');
  });

  it('a trade re-sent with the same instrument and id is recorded once', () => {
    const trade = (id: string) => JSON.stringify({ arg: { channel: 'trades', instId: 'ETH-USDT' }, data: [{ instId: 'ETH-USDT', tradeId: id, px: '3000.1', sz: '0.5', side: 'buy', ts: '1700000000000' }] });
    const { n } = run([trade('1'), trade('2'), trade('2'), trade('3'), trade('1')]);
    expect(Array.from(n.tables('ETH-USDT').trades!.id)).toEqual([1, 2, 3]);
    expect(n.stats.duplicateTrades).toBe(2);
  });
});
