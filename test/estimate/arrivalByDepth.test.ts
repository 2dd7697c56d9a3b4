import { describe, expect, it } from 'vitest';
import {
  arrivalByDepth,
  arrivalFromStats,
  arrivalReport,
  arrivalWarnings,
  checkArrivalFit,
  chiSquareSurvival,
  fitArrivalMle,
  fitArrivalWls,
  fitsAgree,
  marketOrdersFromTrades,
  parseDepthRange,
  pooledPearson,
  reachStats,
  type ArrivalEstimate,
  type DepthRange,
} from '../../src/estimate/index.js';
import { captureLike, exponentialAbove, generateReachMarket, TICK } from './reachMarket.js';

const inside = (ci: readonly [number, number], truth: number) => ci[0] <= truth && truth <= ci[1];
const ordersOf = (m: ReturnType<typeof generateReachMarket>) => marketOrdersFromTrades(m.book, m.trades, TICK);

describe('chiSquareSurvival', () => {
  it('matches closed forms and SciPy', () => {
    // closed form: df = 2 is Exponential(1/2), P(X ≥ x) = e^{−x/2}
    for (const x of [0.1, 1, 4, 10, 50]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
    // reference values from SciPy 1.17: scipy.stats.chi2.sf(x, df)
    const table: Array<[number, number, number]> = [
      [3.841458820694124, 1, 0.04999999999999989],
      [1, 1, 0.31731050786291115],
      [18.307038053275146, 10, 0.05000000000000005],
      [9.52283711430677, 6, 0.1462383884159567],
      [74.4, 4, 2.668754570314116e-15],
      [0.5, 3, 0.9188914116546758],
      [30, 30, 0.4656537089440098],
      [200, 150, 0.003973185970821635],
      [2, 0.5, 0.06792113201010888],
    ];
    for (const [x, df, p] of table) expect(Math.abs(chiSquareSurvival(x, df) / p - 1), `x ${x} df ${df}`).toBeLessThan(1e-10);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(5, 0)).toBeNaN();
  });
});

describe('depth ranges and the sufficient statistics', () => {
  it('parses d0..d1 and refuses anything else', () => {
    expect(parseDepthRange('1..10')).toEqual({ fromTicks: 1, toTicks: 10 });
    expect(parseDepthRange(' 0 .. 3 ')).toEqual({ fromTicks: 0, toTicks: 3 });
    for (const bad of ['3', '5..5', '6..2', '-1..4', '1.5..4', 'a..b']) expect(() => parseDepthRange(bad), bad).toThrow(RangeError);
  });

  it('a hand-worked example: 4 buys reaching 1, 1, 2, 3 ticks past the touch and one at the touch, in 2 s', () => {
    const m = generateReachMarket(() => 1, 1, 1); // only for its book: trades replaced below
    const px = [100.02, 100.02, 100.03, 100.04, 100.01];
    const trades = { ...m.trades, tsMs: Float64Array.from([100, 200, 300, 400, 500]), id: Float64Array.from([1, 2, 3, 4, 5]), side: Int8Array.from([1, 1, 1, 1, 1]), px: Float64Array.from(px), sz: Float64Array.from([1, 1, 1, 1, 1]) };
    const orders = marketOrdersFromTrades(m.book, trades, TICK);
    expect(arrivalByDepth(orders, 2, 'ask', 4).reaching).toEqual([5, 4, 2, 1, 0]);
    // depths 1..10: N₀ = 4, none censored, S = 0 + 0 + 1 + 2 = 3 → q̂ = 3/7, Â = (4/2)·(7/3)
    const fit = fitArrivalMle(orders, 2, 'ask', { depths: { fromTicks: 1, toTicks: 10 } });
    expect(fit.kPerTick).toBeCloseTo(Math.log(7 / 3), 12);
    expect(fit.aPerSec).toBeCloseTo(2 * (7 / 3), 12);
    expect(fit.ordersUsed).toBe(4);
    // depths 1..2: J = 3 and J = 2 are censored at 2: N_u = 2, S = 0 + 0 + 1 + 1 = 2 → q̂ = 1/2
    const cut = fitArrivalMle(orders, 2, 'ask', { depths: { fromTicks: 1, toTicks: 2 } });
    expect(reachStats(orders, 'ask', { fromTicks: 1, toTicks: 2 })).toEqual({ orders: 5, reached: 4, censored: 2, uncensored: 2, excessTicks: 2 });
    expect(cut.kPerTick).toBeCloseTo(Math.log(2), 12);
    expect(cut.aPerSec).toBeCloseTo(2 * 2, 12);
    expect(cut.ordersCensored).toBe(2);
    // the sufficient-statistics form gives the same numbers
    const s = arrivalFromStats(reachStats(orders, 'ask', { fromTicks: 1, toTicks: 10 }), 2, 1, TICK, { fromTicks: 1, toTicks: 10 });
    expect(s.aPerSec).toBeCloseTo(fit.aPerSec, 12);
    expect(s.kPerPrice).toBeCloseTo(fit.kPerPrice, 9);
  });
});

/**
 * Recovery: λ(j) = A·e^{−k·tick·j} holds exactly for j ≥ d0 (A = 1.5 /s, k = 20 /USDT = 0.2 per tick), and
 * below d0 extra orders stop at the touch (2.5 /s) and one tick past it (0.4 /s), like the real capture. The
 * old estimator (Â = N/T over all orders) gives A ≈ 4.4 here.
 */
describe('recovery of A and k from generated Poisson arrivals with λ = A·exp(−k·δ) over the depth range', () => {
  const A = 1.5;
  const K = 20;
  const range: DepthRange = { fromTicks: 2, toTicks: 15 };
  const lambda = exponentialAbove(A, K, range.fromTicks, [2.5, 0.4]);
  const reps = 40;
  const results = Array.from({ length: reps }, (_, r) => {
    const m = generateReachMarket(lambda, 1800, 500 + r);
    const orders = ordersOf(m);
    const mle = { ask: fitArrivalMle(orders, m.durationSec, 'ask', { depths: range }), pooled: fitArrivalMle(orders, m.durationSec, 'pooled', { depths: range }) };
    const wls = fitArrivalWls(orders, m.durationSec, 'ask', { depths: range, bootstrap: 100, seed: r });
    return { orders, m, mle, wls };
  });

  it(`${reps} seeds of 30 min: A within 12 % and k within 15 % every time; the truth inside the MLE's 95 % intervals in at least 35 of them`, () => {
    const covered = { a: 0, k: 0, aPooled: 0, kPooled: 0 };
    for (const { mle } of results) {
      for (const f of [mle.ask, mle.pooled]) {
        expect(Math.abs(f.aPerSec / A - 1), `A ${f.side}`).toBeLessThan(0.12);
        expect(Math.abs(f.kPerPrice / K - 1), `k ${f.side}`).toBeLessThan(0.15);
      }
      if (inside(mle.ask.aCi95, A)) covered.a++;
      if (inside(mle.ask.kCi95, K)) covered.k++;
      if (inside(mle.pooled.aCi95, A)) covered.aPooled++;
      if (inside(mle.pooled.kCi95, K)) covered.kPooled++;
    }
    console.log(`[arrival recovery] 95 % coverage in ${reps}: ${JSON.stringify(covered)}`);
    // at least 35 of 40: for exact 95 % intervals P(fewer) = 1.4 % (binomial, SciPy binom.cdf(34, 40, 0.95))
    for (const [name, c] of Object.entries(covered)) expect(c, name).toBeGreaterThanOrEqual(35);
  });

  it('the WLS over the same depths recovers them too, and agrees with the MLE within their intervals', () => {
    let agree = 0;
    for (const { mle, wls } of results) {
      expect(Math.abs(wls.aPerSec / A - 1)).toBeLessThan(0.15);
      expect(Math.abs(wls.kPerPrice / K - 1)).toBeLessThan(0.2);
      if (fitsAgree(mle.ask, wls).agree) agree++;
    }
    expect(agree).toBe(reps);
  });

  it('the goodness-of-fit check passes at α = 0.01 on data that follow the model (at most a few false alarms)', () => {
    let fails = 0;
    for (const { orders, m, mle } of results) if (checkArrivalFit(orders, m.durationSec, mle.ask).gof.passes === false) fails++;
    expect(fails).toBeLessThanOrEqual(3); // 0.4 expected; P(≥ 4 of 40) < 1e−3
  });

  it('the check has power: the same data against a k 30 % off fails every time', () => {
    for (const { orders, m, mle } of results.slice(0, 10)) {
      const wrong: ArrivalEstimate = { ...mle.ask, kPerPrice: mle.ask.kPerPrice * 1.3, kPerTick: mle.ask.kPerTick * 1.3 };
      expect(checkArrivalFit(orders, m.durationSec, wrong).gof.passes).toBe(false);
    }
  });
});

describe('a market like the real capture: mass at the touch, a step one tick past it, a long flat tail', () => {
  const m = generateReachMarket(captureLike, 346, 8);
  const orders = ordersOf(m);
  const T = m.durationSec;

  it('a fit over depths that include the touch or the step fails the check, with a WARNING naming side and depths', () => {
    for (const depths of [{ fromTicks: 0, toTicks: 10 }, { fromTicks: 1, toTicks: 10 }]) {
      const report = arrivalReport(orders, T, { depths, bootstrap: 50 });
      for (const side of ['ask', 'bid'] as const) {
        const check = report.sides[side].mleCheck!;
        expect(check.gof.passes, `${side} ${depths.fromTicks}..${depths.toTicks}`).toBe(false);
        expect(report.warnings.some((w) => w.startsWith(`${side}: the MLE fit misses the observed arrival rates over ${depths.fromTicks}..${depths.toTicks} ticks past the touch`))).toBe(true);
      }
    }
  });

  it('over the default depths (5..50), where λ is one exponential, it passes and A, k are the tail\'s', () => {
    const report = arrivalReport(orders, T, { bootstrap: 50 });
    expect(report.depths).toEqual({ fromTicks: 5, toTicks: 50 });
    const a5 = captureLike(5) * Math.exp(0.2 * TICK * 5); // the tail's λ extrapolated to the touch
    for (const side of ['ask', 'bid'] as const) {
      const r = report.sides[side];
      expect(r.mleCheck!.gof.passes).toBe(true);
      const mle = r.mle as ArrivalEstimate;
      expect(inside(mle.aCi95, a5), `${side} A ${mle.aPerSec} vs ${a5}`).toBe(true);
    }
    expect(report.warnings.filter((w) => w.includes('misses'))).toEqual([]);
  });

  it('the old estimator (Â = N/T over all orders, k from the orders past the touch) misses the rates at every quoted depth by ×3, and the disagreement is warned', () => {
    const all = fitArrivalMle(orders, T, 'ask', { depths: { fromTicks: 0, toTicks: 1 } }); // Â = N/T
    const tail = fitArrivalMle(orders, T, 'ask', { depths: { fromTicks: 1, toTicks: 100_000 } }); // old k
    const old: ArrivalEstimate = { ...tail, aPerSec: all.aPerSec, aSe: all.aSe, aCi95: all.aCi95, method: 'maximum likelihood (old: A from all orders)' };
    const check = checkArrivalFit(orders, T, { ...old, depthRange: { fromTicks: 1, toTicks: 10 } });
    for (const row of check.rows.filter((r) => r.depthTicks >= 1)) expect(row.ratio).toBeGreaterThan(3);
    expect(check.gof.passes).toBe(false);
    const wls = fitArrivalWls(orders, T, 'ask', { depths: { fromTicks: 1, toTicks: 10 }, bootstrap: 50 });
    expect(fitsAgree(old, wls).agree).toBe(false);
    expect(arrivalWarnings([], { mle: old, wls }).join('\n')).toMatch(/^ask: MLE and WLS disagree beyond their 95 % intervals \(A \[/);
  });
});

describe('a goodness of fit on fewer than 3 pooled depth bins is not a test', () => {
  // df = cells − 2 < 1: two fitted parameters match one or two cells exactly, so χ² is not defined there.
  // A 20 s market has about 20 orders per side reaching 5 ticks (one bin of ≥ 5 expected: "df −1"), and
  // --depths 1..2 has at most two cells ("df 0"); the 346 s market over 5..50 has many.
  const short = generateReachMarket(captureLike, 20, 8);
  const long = generateReachMarket(captureLike, 346, 8);
  const cases = [
    { m: short, depths: undefined },
    { m: long, depths: { fromTicks: 1, toTicks: 2 } },
    { m: long, depths: { fromTicks: 5, toTicks: 50 } },
  ];

  it('tested exactly when the pooled cells are ≥ 3; otherwise NaN statistic, df and p, passes null, a reason, and a warning naming side and fit', () => {
    let untested = 0;
    let tested = 0;
    let oneCell = 0;
    for (const { m, depths } of cases) {
      const report = arrivalReport(ordersOf(m), m.durationSec, { bootstrap: 20, ...(depths ? { depths } : {}) });
      for (const side of ['ask', 'bid', 'pooled'] as const) {
        for (const [label, check] of [['MLE', report.sides[side].mleCheck], ['WLS', report.sides[side].wlsCheck]] as const) {
          if (!check) continue;
          // the cells counted independently of checkArrivalFitByDepth: each depth's orders against the fit's
          const { fromTicks: d0, toTicks: d1 } = check.fit.depthRange;
          const by = report.sides[side].byDepth;
          const lambda = (j: number) => check.fit.aPerSec * Math.exp(-check.fit.kPerTick * j);
          const scale = by.sides * by.durationSec;
          const obs = [...Array.from({ length: d1 - d0 }, (_, i) => by.reaching[d0 + i] - by.reaching[d0 + i + 1]), by.reaching[d1]];
          const exp = [...Array.from({ length: d1 - d0 }, (_, i) => scale * (lambda(d0 + i) - lambda(d0 + i + 1))), scale * lambda(d1)];
          const cells = pooledPearson(obs, exp).cells;
          expect(check.gof.cells).toBe(cells);
          const what = `${side} ${label} ${d0}..${d1}`;
          if (cells >= 3) {
            tested++;
            expect(check.gof, what).toMatchObject({ tested: true, df: cells - 2 });
            expect(typeof check.gof.passes, what).toBe('boolean');
            expect(check.gof.pValue).toBeGreaterThanOrEqual(0);
            expect(check.gof.reason).toBeUndefined();
            expect(report.sides[side].warnings.some((w) => w.includes(`the ${label} fit is not checked`)), what).toBe(false);
          } else {
            untested++;
            if (cells === 1) oneCell++;
            expect(check.gof, what).toMatchObject({ tested: false, passes: null, statistic: NaN, df: NaN, pValue: NaN });
            expect(check.gof.reason, what).toMatch(new RegExp(`^too few depth bins for a χ² test \\(${cells} bins? of ≥ 5 expected orders over ${d0}\\.\\.${d1} ticks past the touch`));
            expect(report.sides[side].warnings, what).toContain(`${side}: the ${label} fit is not checked against the observed arrival rates: ${check.gof.reason}`);
            expect(report.warnings).toContain(`${side}: the ${label} fit is not checked against the observed arrival rates: ${check.gof.reason}`);
          }
        }
      }
    }
    // the cases cover both branches, and a one-cell check (the "−1 df" of the report)
    expect(untested).toBeGreaterThanOrEqual(6);
    expect(tested).toBeGreaterThanOrEqual(6);
    expect(oneCell).toBeGreaterThan(0);
  });
});

describe('pooledPearson', () => {
  it('pools cells left to right until each expects 5, a short remainder joining the last group', () => {
    // cells expecting 2, 3, 6, 1: groups (2+3), (6+1) → X² = (o−e)²/e per group
    const r = pooledPearson([1, 6, 4, 3], [2, 3, 6, 1]);
    expect(r.cells).toBe(2);
    expect(r.statistic).toBeCloseTo((7 - 5) ** 2 / 5 + (7 - 7) ** 2 / 7, 12);
  });
});
