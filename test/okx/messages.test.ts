import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/book/index.js';
import { OkxParseError, SequenceChain, parseOkxFrame, subscribeRequest } from '../../src/okx/index.js';
import { createRng } from '../../src/random/index.js';

describe('OKX v5 frame parsing', () => {
  it('parses pong, subscribe/unsubscribe replies, error and notice events', () => {
    expect(parseOkxFrame('pong')).toEqual({ type: 'pong' });
    expect(parseOkxFrame('{"event":"subscribe","arg":{"channel":"books5","instId":"ETH-USDT"},"connId":"a4d3ae55"}')).toEqual({
      type: 'subscribe',
      arg: { channel: 'books5', instId: 'ETH-USDT' },
      connId: 'a4d3ae55',
    });
    expect(parseOkxFrame('{"event":"error","code":"60012","msg":"Invalid request","connId":"x"}')).toMatchObject({ type: 'error', code: '60012', msg: 'Invalid request' });
    expect(parseOkxFrame('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade."}')).toMatchObject({ type: 'notice', code: '64008' });
  });

  it('parses books (with seqId/prevSeqId/checksum), books5 (no action) and trades', () => {
    const book = parseOkxFrame(
      '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["8476.98","415","0","13"]],"bids":[],"ts":"1597026383085","checksum":-855196043,"prevSeqId":123456,"seqId":123457}]}',
    );
    expect(book).toMatchObject({ type: 'book', action: 'update', arg: { channel: 'books', instId: 'BTC-USDT' } });
    if (book.type !== 'book') throw new Error('not a book');
    expect(book.data[0]).toMatchObject({ tsMs: 1597026383085, checksum: -855196043, seqId: 123457, prevSeqId: 123456 });
    expect(book.data[0].asks[0].slice(0, 2)).toEqual(['8476.98', '415']);
    const five = parseOkxFrame('{"arg":{"channel":"books5","instId":"ETH-USDT"},"data":[{"asks":[["3000.1","1","0","1"]],"bids":[["3000","2","0","1"]],"ts":"1700000000000","seqId":5}]}');
    expect(five).toMatchObject({ type: 'book', action: 'snapshot' });
    const trades = parseOkxFrame('{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897"}]}');
    expect(trades).toEqual({
      type: 'trades',
      arg: { channel: 'trades', instId: 'BTC-USDT' },
      data: [{ instId: 'BTC-USDT', tradeId: '130639474', px: '42219.9', sz: '0.12060306', side: 'buy', tsMs: 1630048897897 }],
    });
  });

  it('rejects malformed frames naming the field', () => {
    const cases: Array<[string, string]> = [
      ['{not json', '$'],
      ['{"arg":{"channel":"books","instId":"X"},"action":"update","data":[{"asks":[["1.0","abc"]],"bids":[],"ts":"1"}]}', 'data[0].asks[0][1]'],
      ['{"arg":{"channel":"books","instId":"X"},"action":"update","data":[{"asks":[],"bids":[],"ts":"soon"}]}', 'data[0].ts'],
      ['{"arg":{"channel":"trades","instId":"X"},"data":[{"instId":"X","tradeId":"1","px":"1","sz":"1","side":"up","ts":"1"}]}', 'data[0].side'],
      ['{"arg":{"channel":"books","instId":"X"},"action":"merge","data":[]}', 'action'],
      ['{"data":[]}', 'arg'],
    ];
    for (const [frame, path] of cases) {
      let caught: unknown;
      try {
        parseOkxFrame(frame);
      } catch (error) {
        caught = error;
      }
      expect(caught, frame).toBeInstanceOf(OkxParseError);
      expect((caught as OkxParseError).path, frame).toBe(path);
    }
  });

  it('builds subscribe requests as OKX documents them', () => {
    expect(JSON.parse(subscribeRequest([{ channel: 'books5', instId: 'ETH-USDT' }]))).toEqual({ op: 'subscribe', args: [{ channel: 'books5', instId: 'ETH-USDT' }] });
  });
});

describe('seqId/prevSeqId chain', () => {
  it('follows OKX rules: snapshot starts, prevSeqId = last is ok, equal ids are a heartbeat, a decrease is a reset, else a gap', () => {
    const chain = new SequenceChain();
    expect(chain.accept('update', 10, 9)).toBe('gap');
    expect(chain.accept('snapshot', 10, -1)).toBe('start');
    expect(chain.accept('update', 11, 10)).toBe('ok');
    expect(chain.accept('update', 11, 11)).toBe('heartbeat');
    expect(chain.accept('update', 3, 11)).toBe('reset');
    expect(chain.accept('update', 4, 3)).toBe('ok');
    expect(chain.accept('update', 9, 7)).toBe('gap');
    expect(chain.accept('update', undefined, undefined)).toBe('unsequenced');
  });
});

describe('order book', () => {
  it('a book replayed from snapshot plus random deltas equals the book built from the final state', () => {
    const rng = createRng(17);
    const truth = new Map<number, number>();
    const book = new OrderBook();
    const snapshot: Array<[string, string]> = [];
    for (let i = 1; i <= 50; i++) {
      truth.set(100 - i * 0.5, i);
      snapshot.push([String(100 - i * 0.5), String(i)]);
    }
    book.applySnapshot(snapshot, [['101', '1']]);
    for (let step = 0; step < 2000; step++) {
      const px = 100 - (1 + Math.floor(rng.next() * 80)) * 0.5;
      const size = rng.next() < 0.3 ? 0 : Math.floor(rng.next() * 10) + 1;
      if (size === 0) truth.delete(px);
      else truth.set(px, size);
      book.applyUpdate([[String(px), String(size)]], []);
    }
    const expected = [...truth.entries()].sort((a, b) => b[0] - a[0]);
    expect(book.bids.prices).toEqual(expected.map(([p]) => p));
    expect(book.bids.sizes).toEqual(expected.map(([, s]) => s));
    expect(book.asks.prices).toEqual([101]);
  });
});
