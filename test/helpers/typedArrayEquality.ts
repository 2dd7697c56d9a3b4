import { expect } from 'vitest';

/**
 * An equality tester for typed arrays that gives toEqual's answer (and toStrictEqual's, toMatchObject's) without
 * its cost. vitest compares two typed arrays value by value and then compares `Object.entries` of both, an
 * array of [key, value] pairs per index, walked key by key: about 6 µs per value, so 2.4 s of CPU for one
 * Float64Array of 400,000 values, and seconds per test that checks level changes column by column. Here about
 * 0.5 µs a value, nearly all of it the two `Object.keys` that look for properties besides the indices.
 *
 * The same rule as vitest's `iterableEquality` for typed arrays of one constructor: the same length, every value
 * equal by `Object.is` (NaN equals NaN, 0 differs from −0). Arrays of different constructors, and arrays with own
 * properties besides their indices (symbol-keyed ones too), are left to vitest (`undefined`), which compares
 * those as each matcher does. DataView and everything else: `undefined`.
 */
export function typedArrayEquality(a: unknown, b: unknown): boolean | undefined {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a instanceof DataView || b instanceof DataView) return undefined;
  const x = a as unknown as ArrayLike<unknown>;
  const y = b as unknown as ArrayLike<unknown>;
  // different constructors (Buffer and Uint8Array, another realm's Float64Array) are left to vitest: toEqual tells
  // them apart, objectContaining and toContainEqual do not
  if (a.constructor !== b.constructor) return undefined;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  if (Object.keys(a).length !== x.length || Object.keys(b).length !== y.length) return undefined;
  if (Object.getOwnPropertySymbols(a).length > 0 || Object.getOwnPropertySymbols(b).length > 0) return undefined;
  return true;
}

// vitest set-up file (vitest.config.ts setupFiles): registered once per worker, as it runs before every test file
const registered = Symbol.for('asmm.typedArrayEquality');
const state = globalThis as { [registered]?: true };
if (!state[registered]) {
  expect.addEqualityTesters([typedArrayEquality]);
  state[registered] = true;
}
