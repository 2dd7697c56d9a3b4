/**
 * A decimal grid such as a price tick (0.01) or a size lot (0.0001), held as integers so that grid values
 * print as short decimals: value(n) = n·units/scale, where units/scale is the step exactly and the one
 * division is correctly rounded (3000.01, never 3000.0100000000002).
 */
export interface DecimalGrid {
  readonly step: number;
  /** Integer numerator and power-of-ten denominator of the step. */
  readonly units: number;
  readonly scale: number;
}

export function decimalGrid(step: number): DecimalGrid {
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`decimal grid step must be positive, got ${step}`);
  let scale = 1;
  let decimals = 0;
  while (Math.abs(Math.round(step * scale) - step * scale) > 1e-9 * step * scale && decimals < 12) {
    scale *= 10;
    decimals++;
  }
  return { step, units: Math.round(step * scale), scale };
}

/** Value of grid point n (n an integer). */
export function gridValue(grid: DecimalGrid, n: number): number {
  return (n * grid.units) / grid.scale;
}

/** x expressed in grid steps (not rounded). */
export function inSteps(grid: DecimalGrid, x: number): number {
  return (x * grid.scale) / grid.units;
}
