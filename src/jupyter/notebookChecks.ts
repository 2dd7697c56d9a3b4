/**
 * Checks that keep a notebook's prose true. A number the markdown states is either printed from code, or kept in
 * the prose and asserted here with a stated tolerance: when the data or the code change it, the cell throws,
 * the notebook run fails (`npm test` runs every notebook headless) and the prose has to be updated with it.
 */

/** A number a notebook's prose states no longer holds. Its message names the quantity, the value and the bound. */
export class NotebookCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookCheckError';
  }
}

/** Four significant digits, as the notebooks print numbers (non-finite values as they are). @example fmt(6.28318) // '6.283' */
export function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

/**
 * Asserts |value − expected| ≤ tol (absolute, in the value's units) and returns the value, so a cell can print it.
 * @throws NotebookCheckError when it does not hold, or when value is NaN or tol negative.
 * @example expectNear(6.31, 6.3, 0.1, 'σ at 100 ms (USDT/√s)') // 6.31
 */
export function expectNear(value: number, expected: number, tol: number, what: string): number {
  if (!(tol >= 0)) throw new NotebookCheckError(`${what}: the tolerance must be non-negative, got ${tol}`);
  if (!(Math.abs(value - expected) <= tol)) {
    throw new NotebookCheckError(`${what}: ${fmt(value)}, not within ±${fmt(tol)} of ${fmt(expected)} as the prose states: update the prose (or find what changed)`);
  }
  return value;
}

/**
 * Asserts low ≤ value ≤ high and returns the value.
 * @throws NotebookCheckError when it does not hold (NaN never holds), or when low > high.
 * @example expectBetween(0.78, 0.75, 0.8, 'share of orders at the touch') // 0.78
 */
export function expectBetween(value: number, low: number, high: number, what: string): number {
  if (!(low <= high)) throw new NotebookCheckError(`${what}: the range [${low}, ${high}] is empty`);
  if (!(value >= low && value <= high)) {
    throw new NotebookCheckError(`${what}: ${fmt(value)}, outside [${fmt(low)}, ${fmt(high)}] as the prose states: update the prose (or find what changed)`);
  }
  return value;
}

/**
 * Asserts a statement of the prose that is not a single number (an order, a sign, a comparison).
 * @throws NotebookCheckError naming the statement when it does not hold.
 * @example expectThat(2 > 1, 'queue fills more often than tradeThrough')
 */
export function expectThat(holds: boolean, statement: string): void {
  if (!holds) throw new NotebookCheckError(`no longer true: ${statement}: update the prose (or find what changed)`);
}
