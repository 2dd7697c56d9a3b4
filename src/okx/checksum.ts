import { CRC_TABLE, crc32Signed } from './crc32.js';

/** A book level as OKX sends it: price and size as the exchange's own decimal strings. */
export interface LevelText {
  readonly px: string;
  readonly sz: string;
}

/**
 * The string OKX's order-book checksum is computed over: the best 25 bids (descending) and asks (ascending)
 * interleaved as `bid1px:bid1sz:ask1px:ask1sz:bid2px:...`; when one side has fewer levels the other side's
 * remaining levels follow alone. Prices and sizes are the strings as received (no reformatting).
 * @see OKX API v5 docs, WebSocket "Order book channel", section "Checksum".
 */
export function okxChecksumString(bids: readonly LevelText[], asks: readonly LevelText[], levels = 25): string {
  const parts: string[] = [];
  for (let i = 0; i < levels; i++) {
    if (i < bids.length) parts.push(bids[i].px, bids[i].sz);
    if (i < asks.length) parts.push(asks[i].px, asks[i].sz);
  }
  return parts.join(':');
}

/** OKX's order-book checksum: signed CRC-32 of `okxChecksumString`. */
export function okxChecksum(bids: readonly LevelText[], asks: readonly LevelText[]): number {
  return crc32Signed(okxChecksumString(bids, asks));
}

/** A book side's levels, best first, as the exchange's price and size strings (as `BookSide` gives them). */
export interface LevelTexts {
  readonly length: number;
  priceText(i: number): string;
  sizeText(i: number): string;
}

const COLON = 58; // ':'

/**
 * `okxChecksum` computed straight from a book's level strings, without building the checksum string
 * (the recorder's hot path; equal to `okxChecksum` by test).
 */
export function okxBookChecksum(bids: LevelTexts, asks: LevelTexts, levels = 25): number {
  let crc = -1;
  let first = true;
  const nb = Math.min(levels, bids.length);
  const na = Math.min(levels, asks.length);
  for (let i = 0; i < levels && (i < nb || i < na); i++) {
    for (let part = 0; part < 4; part++) {
      const isBid = part < 2;
      if (isBid ? i >= nb : i >= na) continue;
      const side = isBid ? bids : asks;
      const text = part % 2 === 0 ? side.priceText(i) : side.sizeText(i);
      if (!first) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ COLON) & 0xff];
      first = false;
      for (let c = 0; c < text.length; c++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ text.charCodeAt(c)) & 0xff];
    }
  }
  return ~crc;
}
