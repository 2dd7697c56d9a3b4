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

/**
 * The place value of the last digit of a number written in exponent notation, `buf[start, end)`: what it was
 * rounded to when written. `1.7672256e+12` → 1e5 (its last digit, the 6, stands for 100,000), `1.767225600102e12`
 * → 1, `17672256E5` → 1e5. A number written without an exponent → 0: its digits say nothing of rounding (and a
 * plain integer is whole). A spreadsheet saving a 13-digit ms time writes `1.76723E+12`: 10^7 ms, 2.8 hours.
 * @example exponentPlace(Buffer.from('1.7672256e+12'), 0, 13) === 1e5
 * @example exponentPlace(Buffer.from('1767225600102'), 0, 13) === 0
 */
export function exponentPlace(buf: Uint8Array, start: number, end: number): number {
  let e = -1;
  for (let i = start; i < end; i++) {
    if (buf[i] === 101 || buf[i] === 69) {
      e = i;
      break;
    }
  }
  if (e < 0) return 0;
  let fractionDigits = 0;
  let seenDot = false;
  for (let i = start; i < e; i++) {
    if (buf[i] === 46) seenDot = true;
    else if (seenDot && buf[i] >= 48 && buf[i] <= 57) fractionDigits++;
  }
  const exponent = Number(decoder.decode(buf.subarray(e + 1, end)));
  return Number.isFinite(exponent) ? 10 ** (exponent - fractionDigits) : 0;
}
