import { equals, iterableEquality } from '@vitest/expect';
import { describe, expect, it } from 'vitest';
import { typedArrayEquality } from './typedArrayEquality.js';

/** vitest's toEqual without the tester (its own testers only), toEqual with it, and toStrictEqual likewise. */
const plain = (a: unknown, b: unknown) => equals(a, b, [iterableEquality]);
const withTester = (a: unknown, b: unknown) => equals(a, b, [typedArrayEquality, iterableEquality]);
const plainStrict = (a: unknown, b: unknown) => equals(a, b, [iterableEquality], true);
/** What objectContaining, arrayContaining and toContainEqual use: equals without iterableEquality. */
const plainContaining = (a: unknown, b: unknown) => equals(a, b, []);
const withTesterContaining = (a: unknown, b: unknown) => equals(a, b, [typedArrayEquality]);
const withTesterStrict = (a: unknown, b: unknown) => equals(a, b, [typedArrayEquality, iterableEquality], true);

const withProp = <T extends object>(a: T, value: number) => Object.assign(a, { extra: value });
const withSymbol = <T extends object>(a: T, value: number) => Object.assign(a, { [Symbol.for('asmm.test')]: value });

const CASES: Array<[string, unknown, unknown]> = [
  ['equal Float64Arrays', Float64Array.of(1, 2.5, -3), Float64Array.of(1, 2.5, -3)],
  ['one value differs', Float64Array.of(1, 2.5, -3), Float64Array.of(1, 2.5, -3.0000001)],
  ['NaN and NaN', Float64Array.of(NaN, 1), Float64Array.of(NaN, 1)],
  ['NaN and a number', Float64Array.of(NaN, 1), Float64Array.of(0, 1)],
  ['0 and −0', Float64Array.of(0), Float64Array.of(-0)],
  ['lengths differ', Float64Array.of(1, 2), Float64Array.of(1, 2, 3)],
  ['Float64Array and Float32Array', Float64Array.of(1, 2), Float32Array.of(1, 2)],
  ['Int8Array and Uint8Array', Int8Array.of(1, 2), Uint8Array.of(1, 2)],
  ['Buffer and Uint8Array', Buffer.from([1, 2]), Uint8Array.of(1, 2)],
  ['equal Buffers', Buffer.from([1, 2]), Buffer.from([1, 2])],
  ['equal BigInt64Arrays', BigInt64Array.of(1n, -2n), BigInt64Array.of(1n, -2n)],
  ['empty arrays', new Int32Array(0), new Int32Array(0)],
  ['a typed array and a plain array', Float64Array.of(1, 2), [1, 2]],
  ['a typed array and an object', Float64Array.of(1, 2), { 0: 1, 1: 2 }],
  ['equal own properties', withProp(Float64Array.of(1), 1), withProp(Float64Array.of(1), 1)],
  ['different own properties', withProp(Float64Array.of(1), 1), withProp(Float64Array.of(1), 2)],
  ['an own property on one side', withProp(Float64Array.of(1), 1), Float64Array.of(1)],
  ['different symbol-keyed properties', withSymbol(Float64Array.of(1), 1), withSymbol(Float64Array.of(1), 2)],
  ['a Float64Array subclass and a Float64Array', new (class Sub extends Float64Array {})(2), new Float64Array(2)],
  ['a subarray and a copy', Float64Array.of(0, 1, 2).subarray(1), Float64Array.of(1, 2)],
  ['equal DataViews', new DataView(Uint8Array.of(1, 2).buffer), new DataView(Uint8Array.of(1, 2).buffer)],
  ['different DataViews', new DataView(Uint8Array.of(1, 2).buffer), new DataView(Uint8Array.of(1, 3).buffer)],
  ['tables of columns, equal', { tsMs: Float64Array.of(1, 2), side: Int8Array.of(1, -1), meta: {} }, { tsMs: Float64Array.of(1, 2), side: Int8Array.of(1, -1), meta: {} }],
  ['tables of columns, a column differs', { tsMs: Float64Array.of(1, 2), side: Int8Array.of(1, -1) }, { tsMs: Float64Array.of(1, 2), side: Int8Array.of(1, 1) }],
  ['arrays of typed arrays', [Float64Array.of(1), Float64Array.of(NaN)], [Float64Array.of(1), Float64Array.of(NaN)]],
];

describe('typedArrayEquality (the vitest set-up tester for typed arrays)', () => {
  it.each(CASES)('%s: the answer of toEqual, toStrictEqual and the containing matchers without it', (_, a, b) => {
    expect(withTester(a, b)).toBe(plain(a, b));
    expect(withTester(b, a)).toBe(plain(b, a));
    expect(withTesterStrict(a, b)).toBe(plainStrict(a, b));
    expect(withTesterContaining(a, b)).toBe(plainContaining(a, b));
    expect(withTesterContaining(b, a)).toBe(plainContaining(b, a));
  });

  it('the cases are not all one answer', () => {
    const answers = CASES.map(([, a, b]) => plain(a, b));
    expect(answers.filter((x) => x).length).toBeGreaterThan(5);
    expect(answers.filter((x) => !x).length).toBeGreaterThan(5);
  });

  it('is registered for every test file (vitest set-up file), and finds a difference in the last of 200,000 values', () => {
    // vitest keeps the testers of expect.addEqualityTesters on this global (as jest does)
    const state = (globalThis as Record<symbol, { customEqualityTesters?: Array<{ name: string }> } | undefined>)[Symbol.for('$$jest-matchers-object')];
    expect(state?.customEqualityTesters?.map((t) => t.name)).toContain('typedArrayEquality');
    const a = Float64Array.from({ length: 200_000 }, (_, i) => i / 3);
    const b = Float64Array.from(a);
    expect(a).toEqual(b);
    b[b.length - 1] = -1;
    expect(typedArrayEquality(a, b)).toBe(false);
    expect(() => expect(a).toEqual(b)).toThrow();
    expect(() => expect(a.subarray(-3)).toEqual(b.subarray(-3))).toThrow();
  });
});
