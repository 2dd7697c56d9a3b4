import { describe, expect, it } from 'vitest';
import { relativeTimeUnitProblem } from '../../src/data/index.js';

// Relative times (below 1e9 ms) pass the epoch check whatever their unit: seconds from 0 read as ms once gave
// σ per √s √1000 times too large with no word. A median step below 1 ms in fractions of a ms is flagged.

const steps = (n: number, step: number, from = 0) => Float64Array.from({ length: n }, (_, i) => from + i * step);

describe('relativeTimeUnitProblem', () => {
  it('flags seconds (steps of 0.1 read as ms) and says by how much rates and σ would be off', () => {
    const problem = relativeTimeUnitProblem(steps(9000, 0.1));
    expect(problem).toMatch(/^the times are relative \(below 1e9\) and step by 0\.1 ms at the median, in fractions of a ms: seconds read as ms\? Read as ms, the 9000 rows span 899\.9 ms; .*1000 times .*√1000 times too large/);
  });

  it('leaves ms alone: whole ms steps, equal stamps, and epochs whatever their steps', () => {
    expect(relativeTimeUnitProblem(steps(9000, 100))).toBeNull();
    expect(relativeTimeUnitProblem(Float64Array.of(0, 0, 0, 1, 1, 2, 5))).toBeNull();
    expect(relativeTimeUnitProblem(steps(9000, 0.001, 1.7e12))).toBeNull();
    // whole numbers stepping by less than a ms cannot happen; fractional ms stepping by 1 ms or more are ms
    expect(relativeTimeUnitProblem(steps(100, 1.5, 0.25))).toBeNull();
    expect(relativeTimeUnitProblem(Float64Array.of(0, 0.5))).toBeNull();
  });
});
