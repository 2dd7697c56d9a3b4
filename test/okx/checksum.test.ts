import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Signed } from '../../src/okx/crc32.js';
import { okxChecksum, okxChecksumString } from '../../src/okx/checksum.js';

const lv = (px: string, sz: string) => ({ px, sz });

describe('CRC-32', () => {
  it('gives the standard check value for "123456789" (0xCBF43926) and agrees with zlib', () => {
    expect(crc32Signed('123456789') >>> 0).toBe(0xcbf43926);
    for (const text of ['', 'a', '3366.1:7:3366.8:9', 'x'.repeat(1000)]) expect(crc32Signed(text) >>> 0).toBe(crc32(text));
  });
});

describe('OKX order-book checksum: the worked examples of the OKX documentation', () => {
  it('equal depth: bids 3366.1×7, 3366×6; asks 3366.8×9, 3368×8 → -1881014294', () => {
    const bids = [lv('3366.1', '7'), lv('3366', '6')];
    const asks = [lv('3366.8', '9'), lv('3368', '8')];
    expect(okxChecksumString(bids, asks)).toBe('3366.1:7:3366.8:9:3366:6:3368:8');
    expect(okxChecksum(bids, asks)).toBe(-1881014294);
  });

  it('unequal depth: bids 3366.1×7; asks 3366.8×9, 3368×8, 3372×8 → 831078360', () => {
    const bids = [lv('3366.1', '7')];
    const asks = [lv('3366.8', '9'), lv('3368', '8'), lv('3372', '8')];
    expect(okxChecksumString(bids, asks)).toBe('3366.1:7:3366.8:9:3368:8:3372:8');
    expect(okxChecksum(bids, asks)).toBe(831078360);
  });

  it('uses only the best 25 levels per side', () => {
    const bids = Array.from({ length: 30 }, (_, i) => lv(String(100 - i), '1'));
    const asks = Array.from({ length: 30 }, (_, i) => lv(String(101 + i), '1'));
    expect(okxChecksum(bids, asks)).toBe(okxChecksum(bids.slice(0, 25), asks.slice(0, 25)));
    expect(okxChecksum(bids, asks)).not.toBe(okxChecksum(bids.slice(0, 24), asks.slice(0, 25)));
  });
});

describe('okxBookChecksum (the recorder\'s allocation-free path)', () => {
  it('equals okxChecksum on the documented examples and on books of every depth from 0 to 40 per side', async () => {
    const { okxBookChecksum } = await import('../../src/okx/checksum.js');
    const side = (levels: Array<{ px: string; sz: string }>) => ({ length: levels.length, priceText: (i: number) => levels[i].px, sizeText: (i: number) => levels[i].sz });
    expect(okxBookChecksum(side([lv('3366.1', '7'), lv('3366', '6')]), side([lv('3366.8', '9'), lv('3368', '8')]))).toBe(-1881014294);
    expect(okxBookChecksum(side([lv('3366.1', '7')]), side([lv('3366.8', '9'), lv('3368', '8'), lv('3372', '8')]))).toBe(831078360);
    for (let nb = 0; nb <= 40; nb += 3) {
      for (let na = 0; na <= 40; na += 7) {
        const bids = Array.from({ length: nb }, (_, i) => lv((3000 - i * 0.1).toFixed(1), String(i + 1)));
        const asks = Array.from({ length: na }, (_, i) => lv((3001 + i * 0.1).toFixed(1), `0.${i + 1}`));
        expect(okxBookChecksum(side(bids), side(asks))).toBe(okxChecksum(bids, asks));
      }
    }
  });
});
