const powers: number[] = [];
for (let e = 0; e <= 22; e++) powers.push(Number(`1e${e}`));
/** 10^e for e = 0..22, each an exact double (the divisors of the fast path below). */
export const POW10: readonly number[] = powers;
const MANTISSA_LIMIT = 900719925474099; // (2^53 − 1)/10: mantissa·10 + digit stays exact below this
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decoder = new TextDecoder();

/**
 * Parses a decimal number written as ASCII bytes `buf[start, end)`, e.g. `3000.01`, `-2`, `1e-3`.
 * Plain decimals with at most 15 significant digits take a fast path, mantissa / 10^fractionDigits, which
 * is correctly rounded because both operands are exact doubles; anything else goes through `Number`.
 * Returns NaN when the bytes are not a number (including the empty range); callers decide what empty means.
 * @example parseDecimalBytes(Buffer.from('3000.01'), 0, 7) === 3000.01
 */
export function parseDecimalBytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === 45 || buf[i] === 43)) {
    negative = buf[i] === 45;
    i++;
  }
  let mantissa = 0;
  let fractionDigits = 0;
  let digits = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      if (mantissa >= MANTISSA_LIMIT) return parseSlow(buf, start, end);
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenDot) fractionDigits++;
    } else if (c === 46 && !seenDot) {
      seenDot = true;
    } else {
      return parseSlow(buf, start, end);
    }
  }
  if (digits === 0) return NaN;
  if (fractionDigits > 22) return parseSlow(buf, start, end);
  const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
  return negative ? -value : value;
}

function parseSlow(buf: Uint8Array, start: number, end: number): number {
  const text = decoder.decode(buf.subarray(start, end));
  return NUMBER_TEXT.test(text) ? Number(text) : NaN;
}

/** Text of `buf[start, end)`, shortened for error messages. */
export function fieldText(buf: Uint8Array, start: number, end: number): string {
  const text = decoder.decode(buf.subarray(start, Math.min(end, start + 40)));
  return end - start > 40 ? `${text}…` : text;
}
