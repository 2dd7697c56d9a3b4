import { arrivalByDepth, describeDepthRange, type ArrivalByDepth, type DepthRange, type QuoteSide } from './arrivalByDepth.js';
import { chiSquareSurvival } from './chiSquare.js';
import type { ArrivalEstimate } from './intensity.js';
import type { MarketOrders } from './marketOrders.js';

/** The significance level below which a goodness-of-fit p-value fails the check. */
export const GOF_ALPHA = 0.01;

/** Adjacent cells are pooled until each holds at least this expected count (Pearson's χ² approximation). */
export const GOF_MIN_EXPECTED = 5;

/** One depth of the observed-against-fitted table: rates at j ticks past the touch. */
export interface DepthFitRow {
  readonly depthTicks: number;
  /** Orders reaching ≥ depthTicks. */
  readonly reaching: number;
  readonly observedPerSec: number;
  /** A·exp(−k·depthTicks·tick). */
  readonly fittedPerSec: number;
  /** fitted / observed (Infinity when none observed). */
  readonly ratio: number;
  /** Inside the depths the fit was made over. */
  readonly inRange: boolean;
}

/**
 * Pearson's goodness of fit of λ(δ) = A·e^{−kδ} over the fit's depths d0..d1: with Poisson arrivals the
 * counts of orders whose reach is exactly j (d0 ≤ j < d1) and at least d1 are independent Poisson counts
 * with means e_j = sides·T·(λ(j) − λ(j + 1)) and e_{d1} = sides·T·λ(d1). Adjacent cells are pooled (from the
 * touch outward) until each expects at least 5 orders; X² = Σ (c − e)²/e over the pooled cells, on
 * cells − 2 degrees of freedom (A and k fitted), p = P(χ²(df) ≥ X²). For the MLE the expected total equals
 * the orders reaching d0, so this is the multinomial test of the censored geometric. `passes` is p ≥ α
 * (`GOF_ALPHA` = 0.01).
 *
 * With two pooled cells or fewer (df < 1: few orders, or a depth range of one or two ticks) the test is not
 * defined — two fitted parameters match two cells exactly — so the check is `tested: false` with a `reason`
 * ("too few depth bins for a χ² test …"), and `statistic`, `df` and `pValue` are NaN (null in JSON) and
 * `passes` null: never a pass or a fail, and `arrivalWarnings` says the fit went unchecked.
 */
export interface GoodnessOfFit {
  /** X² over the pooled cells (NaN when not tested). */
  readonly statistic: number;
  /** cells − 2 (NaN when not tested: it would be 0 or negative). */
  readonly df: number;
  /** P(χ²(df) ≥ X²) (NaN when not tested). */
  readonly pValue: number;
  /** Pooled cells (each expecting ≥ `GOF_MIN_EXPECTED` orders). */
  readonly cells: number;
  readonly alpha: number;
  /** Whether the test was defined (df ≥ 1). */
  readonly tested: boolean;
  /** p ≥ alpha; null when not tested. */
  readonly passes: boolean | null;
  /** Why it was not tested (absent when tested). */
  readonly reason?: string;
  readonly method: string;
}

/** The reason of an untested goodness of fit: `cells` pooled cells, 3 needed for one degree of freedom. */
export function tooFewDepthBins(cells: number, range: DepthRange): string {
  return `too few depth bins for a χ² test (${cells} bin${cells === 1 ? '' : 's'} of ≥ ${GOF_MIN_EXPECTED} expected orders over ${describeDepthRange(range)}; a fit of A and k needs 3 for one degree of freedom: more orders or a wider --depths)`;
}

/** What the check says about one fit: the depth table, the test and the fit's depths. */
export interface ArrivalFitCheck {
  readonly side: QuoteSide;
  readonly fit: ArrivalEstimate;
  readonly depthRange: DepthRange;
  readonly rows: DepthFitRow[];
  readonly gof: GoodnessOfFit;
}

/** Pearson X² over cells pooled left to right until each expects ≥ minExpected (a short last group joins the one before). */
export function pooledPearson(observed: readonly number[], expected: readonly number[], minExpected = GOF_MIN_EXPECTED): { statistic: number; cells: number } {
  const groups: Array<[number, number]> = [];
  let o = 0;
  let e = 0;
  for (let i = 0; i < observed.length; i++) {
    o += observed[i];
    e += expected[i];
    if (e >= minExpected) {
      groups.push([o, e]);
      o = 0;
      e = 0;
    }
  }
  if (e > 0 || o > 0) {
    if (groups.length > 0) {
      groups[groups.length - 1][0] += o;
      groups[groups.length - 1][1] += e;
    } else groups.push([o, e]);
  }
  let x2 = 0;
  for (const [go, ge] of groups) x2 += ge > 0 ? ((go - ge) * (go - ge)) / ge : go > 0 ? Infinity : 0;
  return { statistic: x2, cells: groups.length };
}

/**
 * Observed against fitted arrival rates per depth (0..`showToTicks`, default the fit's last depth), and
 * Pearson's goodness of fit over the fit's own depths (see `GoodnessOfFit`).
 * @example // a fit that matches the counts exactly has X² = 0 and passes
 */
export function checkArrivalFit(orders: MarketOrders, durationSec: number, fit: ArrivalEstimate, showToTicks?: number): ArrivalFitCheck {
  const range = fit.depthRange;
  const maxShown = Math.max(range.toTicks, showToTicks ?? range.toTicks);
  const byDepth = arrivalByDepth(orders, durationSec, fit.side, maxShown + 1);
  return checkArrivalFitByDepth(byDepth, fit, maxShown);
}

/** `checkArrivalFit` on counts already made (`byDepth` must reach the fit's last depth + 1). */
export function checkArrivalFitByDepth(byDepth: ArrivalByDepth, fit: ArrivalEstimate, showToTicks?: number): ArrivalFitCheck {
  const range = fit.depthRange;
  const { fromTicks: d0, toTicks: d1 } = range;
  const scale = byDepth.sides * byDepth.durationSec;
  const lambda = (j: number) => fit.aPerSec * Math.exp(-fit.kPerTick * j);
  const maxShown = Math.min(byDepth.depthTicks.length - 1, Math.max(d1, showToTicks ?? d1));
  const rows: DepthFitRow[] = [];
  for (let j = 0; j <= maxShown; j++) {
    const observed = byDepth.perSec[j];
    const fitted = lambda(j);
    rows.push({ depthTicks: j, reaching: byDepth.reaching[j], observedPerSec: observed, fittedPerSec: fitted, ratio: observed > 0 ? fitted / observed : Infinity, inRange: j >= d0 && j <= d1 });
  }
  const reachingAt = (j: number) => (j < byDepth.reaching.length ? byDepth.reaching[j] : NaN);
  const obs: number[] = [];
  const exp: number[] = [];
  for (let j = d0; j < d1; j++) {
    obs.push(reachingAt(j) - reachingAt(j + 1));
    exp.push(scale * (lambda(j) - lambda(j + 1)));
  }
  obs.push(reachingAt(d1));
  exp.push(scale * lambda(d1));
  const { statistic, cells } = pooledPearson(obs, exp);
  const df = cells - 2;
  const method = `Pearson χ² of the orders per reach depth over ${describeDepthRange(range)} (cells pooled to ≥ ${GOF_MIN_EXPECTED} expected; df = cells − 2)`;
  const gof: GoodnessOfFit =
    df >= 1
      ? (() => {
          const pValue = chiSquareSurvival(statistic, df);
          return { statistic, df, pValue, cells, alpha: GOF_ALPHA, tested: true, passes: pValue >= GOF_ALPHA, method };
        })()
      : { statistic: NaN, df: NaN, pValue: NaN, cells, alpha: GOF_ALPHA, tested: false, passes: null, reason: tooFewDepthBins(cells, range), method };
  return { side: fit.side, fit, depthRange: range, rows, gof };
}

/** Whether two fits of one side agree: their 95 % intervals of A overlap, and those of k. */
export interface FitAgreement {
  readonly aOverlap: boolean;
  readonly kOverlap: boolean;
  readonly agree: boolean;
}

const overlap = (x: readonly [number, number], y: readonly [number, number]) => x[0] <= y[1] && y[0] <= x[1];

/**
 * Two estimates of the same λ(δ) agree when their 95 % intervals of A overlap and those of k overlap (a
 * conservative test: two estimates from the same orders are positively correlated, so their difference
 * varies less than either).
 */
export function fitsAgree(a: ArrivalEstimate, b: ArrivalEstimate): FitAgreement {
  const aOverlap = overlap(a.aCi95, b.aCi95);
  const kOverlap = overlap(a.kCi95, b.kCi95);
  return { aOverlap, kOverlap, agree: aOverlap && kOverlap };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));
const ci = (c: readonly [number, number]) => `[${f3(c[0])}, ${f3(c[1])}]`;

/** The worst depth of a check inside its range: the largest |log(fitted/observed)|. */
function worstRow(check: ArrivalFitCheck): DepthFitRow | undefined {
  let worst: DepthFitRow | undefined;
  for (const r of check.rows) if (r.inRange && (!worst || Math.abs(Math.log(r.ratio)) > Math.abs(Math.log(worst.ratio)))) worst = r;
  return worst;
}

/** A label of a fit: 'MLE', 'WLS' or its method. */
export function fitLabel(fit: ArrivalEstimate): string {
  if (fit.method.startsWith('maximum likelihood')) return 'MLE';
  if (fit.method.startsWith('weighted least squares')) return 'WLS';
  return fit.method;
}

/**
 * Warning lines (without the `WARNING` prefix) for one side: each check whose goodness of fit fails or could
 * not be tested (too few depth bins), and the MLE and WLS when their intervals do not overlap. Empty when
 * nothing is wrong.
 */
export function arrivalWarnings(checks: readonly ArrivalFitCheck[], agreement?: { readonly mle: ArrivalEstimate; readonly wls: ArrivalEstimate }): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (!c.gof.tested) {
      out.push(`${c.side}: the ${fitLabel(c.fit)} fit is not checked against the observed arrival rates: ${c.gof.reason}`);
      continue;
    }
    if (c.gof.passes !== false) continue;
    const w = worstRow(c);
    out.push(
      `${c.side}: the ${fitLabel(c.fit)} fit misses the observed arrival rates over ${describeDepthRange(c.depthRange)} ` +
        `(Pearson χ² ${f3(c.gof.statistic)} on ${c.gof.df} df, p = ${c.gof.pValue.toExponential(1)} < ${c.gof.alpha})` +
        (w ? `; worst at +${w.depthTicks}: fitted ${f3(w.fittedPerSec)}/s, observed ${f3(w.observedPerSec)}/s` : '') +
        ': λ(δ) there is not A·exp(−k·δ)',
    );
  }
  if (agreement) {
    const g = fitsAgree(agreement.mle, agreement.wls);
    if (!g.agree) {
      const parts: string[] = [];
      if (!g.aOverlap) parts.push(`A ${ci(agreement.mle.aCi95)} vs ${ci(agreement.wls.aCi95)} /s`);
      if (!g.kOverlap) parts.push(`k ${ci(agreement.mle.kCi95)} vs ${ci(agreement.wls.kCi95)} /price`);
      out.push(`${agreement.mle.side}: MLE and WLS disagree beyond their 95 % intervals (${parts.join('; ')})`);
    }
  }
  return out;
}
