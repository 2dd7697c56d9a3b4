import { expect } from 'vitest';

/**
 * An equality tester for typed arrays that gives toEqual's answer (and toStrictEqual's, toMatchObject's) without
 * its cost. vitest compares two typed arrays value by value and then compares `Object.entries` of both, an
 * array of [key, value] pairs per index, walked key by key: about 6 µs per value, so 2.4 s of CPU for one
 * Float64Array of 400,000 values, and seconds per test that checks level changes column by column. Here about
 * 0.5 µs a value, nearly all of it the two `Object.keys` that look for properties besides the indices.
 *
 * The same rule as vitest's `iterableEquality` for typed arrays: the same constructor, the same length, every
 * value equal by `Object.is` (NaN equals NaN, 0 differs from −0). An array with own enumerable properties besides
 * its indices is left to vitest (`undefined`), which compares those too. DataView and everything else: `undefined`.
 */
export function typedArrayEquality(a: unknown, b: unknown): boolean | undefined {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a instanceof DataView || b instanceof DataView) return undefined;
  const x = a as unknown as ArrayLike<unknown>;
  const y = b as unknown as ArrayLike<unknown>;
  if (a.constructor !== b.constructor) return false;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  if (Object.keys(a).length !== x.length || Object.keys(b).length !== y.length) return undefined;
  return true;
}

// vitest set-up file (vitest.config.ts setupFiles): registered once per worker, as it runs before every test file
const registered = Symbol.for('asmm.typedArrayEquality');
const state = globalThis as { [registered]?: true };
if (!state[registered]) {
  expect.addEqualityTesters([typedArrayEquality]);
  state[registered] = true;
}
