/** A growable typed-array column (amortised doubling); `finish()` returns an exact-length copy. */
export class Float64ColumnBuilder {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 1 << 14) {
    this.data = new Float64Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  /** The backing array (valid up to `length`); replaced when the builder grows. */
  get array(): Float64Array {
    return this.data;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export class Int8ColumnBuilder {
  private data: Int8Array;
  length = 0;
  constructor(capacity = 1 << 14) {
    this.data = new Int8Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int8Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  get array(): Int8Array {
    return this.data;
  }
  finish(): Int8Array {
    return this.data.slice(0, this.length);
  }
}
