/**
 * The 97.5 % quantile of Student's t distribution with `df` degrees of freedom: the multiplier of the standard
 * error in a two-sided 95 % interval of a mean of df + 1 values (1.96 only as df → ∞; 12.71 for two values).
 * df 1..30 from the published table (Fisher & Yates; e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2, to 4 decimals);
 * beyond, the Cornish–Fisher expansion of t in powers of 1/df around the normal quantile (Abramowitz &
 * Stegun 26.7.5), within 2e-4 of the table at df = 30 and closer above. NaN for df < 1 or not an integer.
 * @example studentT975(1) // 12.7062
 * @example studentT975(4) // 2.7764 (five values)
 */
export function studentT975(df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) return NaN;
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** t₀.₉₇₅ for df = 1..30 (published table, 4 decimals). */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739,
  2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];
