/**
 * Seedable pseudo-random numbers. Every random function in asmm takes an `Rng` argument
 * (never `Math.random`), so that a seed reproduces a result bit for bit.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * state seeded by splitmix32 so that any 32-bit integer seed gives a well-mixed state.
 * Doubles take 53 random bits from two 32-bit outputs.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A xoshiro128** generator seeded from a 32-bit integer (signed or unsigned; larger seeds are rejected
 * rather than silently truncated, so two different seeds never give the same stream).
 * @example createRng(1).nextUint32() // the same value on every run and platform
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < -0x80000000 || seed > 0xffffffff) {
    throw new RangeError(`createRng: seed must be an integer in [-2^31, 2^32), got ${seed}`);
  }
  const mix = splitmix32(Math.trunc(seed) | 0);
  return xoshiro128StarStar(mix(), mix(), mix(), mix());
}

/**
 * xoshiro128** from an explicit 128-bit state (four 32-bit words, not all zero), as in the reference C code.
 * @example xoshiro128StarStar(1, 2, 3, 4).nextUint32() === 11520
 */
export function xoshiro128StarStar(state0: number, state1: number, state2: number, state3: number): Rng {
  let s0 = state0 >>> 0;
  let s1 = state1 >>> 0;
  let s2 = state2 >>> 0;
  let s3 = state3 >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    next: () => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Derives an independent seed for a named sub-stream, so that each component of a simulation
 * (mid path, book sizes, trades, ...) has its own stream and changing one leaves the others intact.
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = (Math.trunc(seed) ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  return splitmix32(h)();
}
