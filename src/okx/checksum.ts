import { crc32Signed } from './crc32.js';

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
