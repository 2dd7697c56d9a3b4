import { asAverageSpread, spreadConstantTerm } from '../model/avellanedaStoikov.js';
import { createRng } from '../random/index.js';
import { summarize, type SampleSummary } from '../stats/index.js';
import { simulationParams, type AsSimulationParams } from './params.js';

/**
 * Probability that a quote `distance` from the mid fills within one step of length dt, with intensity
 * λ(δ) = A·exp(−k·δ): the paper's literal λ·dt clamped to [0, 1] (`linear`), or the Poisson 1 − exp(−λ·dt).
 * @example stepFillProbability(0, 140, 1.5, 0.005, true) // 0.7; with linear = false: 1 − e^−0.7 = 0.5034
 */
export function stepFillProbability(distance: number, A: number, k: number, dt: number, linear: boolean): number {
  const intensityDt = A * Math.exp(-k * distance) * dt;
  if (linear) return intensityDt > 1 ? 1 : intensityDt;
  return 1 - Math.exp(-intensityDt);
}

/** Per-strategy outcome over all paths. */
export interface StrategyOutcome {
  readonly strategy: 'inventory' | 'symmetric';
  /** Mean quoted spread ask − bid over all steps and paths. */
  readonly meanSpread: number;
  /** Final profit (cash + q·s_T) per path, and final inventory per path. */
  readonly profit: Float64Array;
  readonly finalInventory: Float64Array;
  readonly profitSummary: SampleSummary;
  readonly inventorySummary: SampleSummary;
  /** Mean number of fills per path on each side. */
  readonly meanBidFills: number;
  readonly meanAskFills: number;
}

/** The first path of the inventory strategy, step by step (N + 1 points; quotes at the last point are NaN). */
export interface SamplePath {
  readonly time: Float64Array;
  readonly mid: Float64Array;
  readonly reservation: Float64Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly inventory: Float64Array;
}

export interface AsSimulationResult {
  readonly params: AsSimulationParams;
  readonly inventory: StrategyOutcome;
  readonly symmetric: StrategyOutcome;
  readonly samplePath: SamplePath;
}

/**
 * Monte-Carlo simulation of the AS inventory strategy against the symmetric benchmark, as in the paper.
 *
 * Each step n (t = n·dt), for each strategy: quote with the mid s_t (inventory strategy: AS quotes around
 * r = s − q·γσ²(T − t); symmetric: the same spread around s, see `symmetricSpread`); the ask is hit with
 * probability p(δa) and the bid with p(δb) independently (both may fill), δ measured from s_t, p as
 * `fillProbability`; a fill moves one unit at the quoted price; then the mid moves ±σ√dt with probability ½.
 * Profit at T is cash + q·s_T. Both strategies see the same mid path and the same uniform draws (common
 * random numbers), so their difference is estimated with less noise; each is still distributed as the paper's.
 * Deterministic for a given `seed`. Typed arrays, no allocation per step.
 */
export function simulateAs(overrides: Partial<AsSimulationParams> = {}): AsSimulationResult {
  const p = simulationParams(overrides);
  const steps = Math.round(p.horizon / p.dt);
  const rng = createRng(p.seed);
  const { gamma, sigma, k, A, dt } = p;
  const move = sigma * Math.sqrt(dt);
  const riskPerTime = gamma * sigma * sigma;
  const constant = spreadConstantTerm(gamma, k);
  const averageSpread = asAverageSpread(p.horizon, p);
  const linear = p.fillProbability === 'linear';

  const profitInv = new Float64Array(p.paths);
  const profitSym = new Float64Array(p.paths);
  const qInv = new Float64Array(p.paths);
  const qSym = new Float64Array(p.paths);
  let fillsBidInv = 0;
  let fillsAskInv = 0;
  let fillsBidSym = 0;
  let fillsAskSym = 0;
  const sample: SamplePath = {
    time: new Float64Array(steps + 1),
    mid: new Float64Array(steps + 1),
    reservation: new Float64Array(steps + 1).fill(NaN),
    bid: new Float64Array(steps + 1).fill(NaN),
    ask: new Float64Array(steps + 1).fill(NaN),
    inventory: new Float64Array(steps + 1),
  };

  // Everything that does not depend on the path is computed once per step. For the inventory strategy at
  // inventory q: δa = h − q·ρ and δb = h + q·ρ (h the half spread, ρ = γσ²(T − t)), so
  // λ(δa)·dt = λ(h)·dt·e^(kqρ) and λ(δb)·dt = λ(h)·dt·e^(−kqρ): one exp per step instead of two.
  const halfSpread = new Float64Array(steps);
  const riskAtStep = new Float64Array(steps);
  const baseIntensityDt = new Float64Array(steps);
  const symmetricHalf = new Float64Array(steps);
  const symmetricProbability = new Float64Array(steps);
  for (let n = 0; n < steps; n++) {
    const timeLeft = p.horizon - n * dt;
    riskAtStep[n] = riskPerTime * timeLeft;
    halfSpread[n] = 0.5 * (riskAtStep[n] + constant);
    baseIntensityDt[n] = A * Math.exp(-k * halfSpread[n]) * dt;
    symmetricHalf[n] = p.symmetricSpread === 'timeVarying' ? halfSpread[n] : p.symmetricSpread === 'average' ? 0.5 * averageSpread : 0.5 * constant;
    symmetricProbability[n] = stepFillProbability(symmetricHalf[n], A, k, dt, linear);
  }
  const probability = (intensityDt: number): number => (linear ? (intensityDt > 1 ? 1 : intensityDt) : 1 - Math.exp(-intensityDt));

  for (let path = 0; path < p.paths; path++) {
    let s = p.s0;
    let q1 = p.q0;
    let cash1 = 0;
    let q2 = p.q0;
    let cash2 = 0;
    for (let n = 0; n < steps; n++) {
      const half = halfSpread[n];
      const rho = riskAtStep[n];
      // Inventory strategy.
      const reservation = s - q1 * rho;
      const bid1 = reservation - half;
      const ask1 = reservation + half;
      const skew = q1 === 0 ? 1 : Math.exp(k * q1 * rho);
      const pAsk1 = probability(baseIntensityDt[n] * skew);
      const pBid1 = probability(baseIntensityDt[n] / skew);
      // Symmetric strategy.
      const symHalf = symmetricHalf[n];
      const pSym = symmetricProbability[n];
      if (path === 0) {
        sample.time[n] = n * dt;
        sample.mid[n] = s;
        sample.reservation[n] = reservation;
        sample.bid[n] = bid1;
        sample.ask[n] = ask1;
        sample.inventory[n] = q1;
      }
      const uAsk = rng.next();
      const uBid = rng.next();
      if (uAsk < pAsk1) {
        q1 -= 1;
        cash1 += ask1;
        fillsAskInv++;
      }
      if (uBid < pBid1) {
        q1 += 1;
        cash1 -= bid1;
        fillsBidInv++;
      }
      if (uAsk < pSym) {
        q2 -= 1;
        cash2 += s + symHalf;
        fillsAskSym++;
      }
      if (uBid < pSym) {
        q2 += 1;
        cash2 -= s - symHalf;
        fillsBidSym++;
      }
      s += rng.next() < 0.5 ? move : -move;
    }
    if (path === 0) {
      sample.time[steps] = steps * dt;
      sample.mid[steps] = s;
      sample.inventory[steps] = q1;
    }
    profitInv[path] = cash1 + q1 * s;
    profitSym[path] = cash2 + q2 * s;
    qInv[path] = q1;
    qSym[path] = q2;
  }
  let stepSpreadSum = 0;
  let stepSymmetricSum = 0;
  for (let n = 0; n < steps; n++) {
    stepSpreadSum += 2 * halfSpread[n];
    stepSymmetricSum += 2 * symmetricHalf[n];
  }
  const spreadSumInv = stepSpreadSum * p.paths;
  const spreadSumSym = stepSymmetricSum * p.paths;

  const outcome = (
    strategy: StrategyOutcome['strategy'],
    profit: Float64Array,
    finalInventory: Float64Array,
    spreadSum: number,
    bids: number,
    asks: number,
  ): StrategyOutcome => ({
    strategy,
    meanSpread: spreadSum / (p.paths * steps),
    profit,
    finalInventory,
    profitSummary: summarize(profit),
    inventorySummary: summarize(finalInventory),
    meanBidFills: bids / p.paths,
    meanAskFills: asks / p.paths,
  });
  return {
    params: p,
    inventory: outcome('inventory', profitInv, qInv, spreadSumInv, fillsBidInv, fillsAskInv),
    symmetric: outcome('symmetric', profitSym, qSym, spreadSumSym, fillsBidSym, fillsAskSym),
    samplePath: sample,
  };
}
