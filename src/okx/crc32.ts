/** The CRC-32 (IEEE, reflected) lookup table. */
export const CRC_TABLE = new Int32Array(256);
const TABLE = CRC_TABLE;
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  TABLE[i] = c;
}

/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib.crc32) of the UTF-8 bytes of an ASCII
 * string, as a signed 32-bit integer (OKX sends checksums signed).
 * @example crc32Signed('123456789') === -873187034 // 0xCBF43926, the standard check value
 */
export function crc32Signed(text: string): number {
  let crc = -1;
  for (let i = 0; i < text.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ text.charCodeAt(i)) & 0xff];
  return ~crc;
}

/** Continues a CRC-32 (state as returned by a previous call, start with −1) over an ASCII string. */
export function crc32Update(state: number, text: string): number {
  let crc = state;
  for (let i = 0; i < text.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ text.charCodeAt(i)) & 0xff];
  return crc;
}
