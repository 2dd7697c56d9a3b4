/** The typed arrays asmm's columns use. */
export type TypedColumn = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/**
 * A copy of `array` with room for `capacity` elements (`capacity` ≥ its length): the same kind of typed array,
 * `array` copied to its start, zeros after. The one growth step of every growable column in asmm
 * (`ColumnBuilder`, the CSV scanner's field offsets, the backtest's fill and order columns, the catalog's `PartColumns`,
 * the OKX history decoder's rows and book sides, the reference CSV's columns, the streamed rolling windows;
 * test/architecture/oneHelper.test.ts finds a copy of this step written by hand).
 * @example withCapacity(Float64Array.of(1, 2), 4) // Float64Array [1, 2, 0, 0]
 */
export function withCapacity<A extends TypedColumn>(array: A, capacity: number): A {
  if (!(capacity >= array.length)) throw new RangeError(`withCapacity: capacity ${capacity} is below the length ${array.length}`);
  const grown = new (array.constructor as new (length: number) => A)(capacity);
  grown.set(array);
  return grown;
}

/**
 * A growable typed-array column (amortised doubling): `push` appends, `array` is the backing array (valid up
 * to `length`; replaced when the column grows), `finish()` an exact-length copy.
 * @example const c = new ColumnBuilder(Int8Array, 1); c.push(1); c.push(-1); c.finish() // Int8Array [1, -1]
 */
export class ColumnBuilder<A extends TypedColumn> {
  private data: A;
  length = 0;
  constructor(kind: new (length: number) => A, capacity = 1 << 14) {
    this.data = new kind(Math.max(1, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) this.data = withCapacity(this.data, this.data.length * 2);
    this.data[this.length++] = value;
  }
  /** The backing array (valid up to `length`); replaced when the builder grows. */
  get array(): A {
    return this.data;
  }
  finish(): A {
    return this.data.slice(0, this.length) as A;
  }
}

/** A growable Float64Array column (prices, sizes, times). */
export class Float64ColumnBuilder extends ColumnBuilder<Float64Array> {
  constructor(capacity?: number) {
    super(Float64Array, capacity);
  }
}

/** A growable Int8Array column (trade sides). */
export class Int8ColumnBuilder extends ColumnBuilder<Int8Array> {
  constructor(capacity?: number) {
    super(Int8Array, capacity);
  }
}
