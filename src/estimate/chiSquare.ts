/**
 * Upper tail of the chi-square distribution, P(X ≥ x) for X ~ χ²(df): the p-value of a Pearson or deviance
 * goodness-of-fit statistic x on df degrees of freedom. It is the regularized upper incomplete gamma
 * Q(df/2, x/2), computed by its series (x < a + 1) or its continued fraction (modified Lentz), as in
 * Press et al., Numerical Recipes (3rd ed., 2007), §6.2, `gammp`/`gammq`; relative error about 1e−14.
 * NaN for df ≤ 0 or a NaN argument; 1 for x ≤ 0.
 * @example chiSquareSurvival(3.841458820694124, 1) // 0.05 (the 95 % point of χ²(1))
 * @example chiSquareSurvival(4, 2) // e^(−2) = 0.1353352832366127
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const a = df / 2;
  const z = x / 2;
  const logPrefix = -z + a * Math.log(z) - logGamma(a);
  if (z < a + 1) {
    // series for P(a, z) = e^{−z} z^a / Γ(a) · Σ z^n / (a (a+1) … (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= z / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // continued fraction for Q(a, z) (modified Lentz)
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/**
 * ln Γ(a) for a > 0 by the Lanczos approximation (g = 7, 9 coefficients; the set used by Boost and SciPy's
 * older `gammaln`), with the reflection-free form valid for a ≥ 0.5 and Γ(a) = Γ(a + 1)/a below it.
 */
function logGamma(a: number): number {
  if (a < 0.5) return logGamma(a + 1) - Math.log(a);
  const g = 7;
  const coef = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const x = a - 1;
  let s = coef[0];
  for (let i = 1; i < g + 2; i++) s += coef[i] / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}
