/**
 * The Monte-Carlo set-up of Avellaneda & Stoikov (2008), §4 ("Numerical simulations"), with its defaults:
 * s0 = 100, T = 1, σ = 2, dt = 0.005 (200 steps), q0 = 0, k = 1.5, A = 140, 1000 paths per γ.
 */
export interface AsSimulationParams {
  /** Initial mid price. */
  readonly s0: number;
  /** Horizon T (time units). */
  readonly horizon: number;
  /** σ, price units per √(time unit); the mid moves ±σ√dt each step with probability ½ each. */
  readonly sigma: number;
  readonly dt: number;
  readonly q0: number;
  /** Intensity λ(δ) = A·exp(−k·δ): A per time unit, k per price unit. */
  readonly A: number;
  readonly k: number;
  readonly gamma: number;
  readonly paths: number;
  readonly seed: number;
  /**
   * Fill probability of a quote in one step: 'linear' is the paper's λ(δ)·dt clamped to [0, 1]
   * (A·dt = 0.7 is not small, so it differs from the exact Poisson probability); 'poisson' is 1 − exp(−λ(δ)·dt).
   */
  readonly fillProbability: 'linear' | 'poisson';
  /**
   * The spread of the symmetric benchmark (quotes centred on the mid), which the paper leaves ambiguous:
   * 'timeVarying': the inventory strategy's spread at each step, γσ²(T − t) + (2/γ)ln(1 + γ/k);
   * 'average': its time average over the path, γσ²T/2 + (2/γ)ln(1 + γ/k), held constant (the journal's column);
   * 'constantTerm': (2/γ)ln(1 + γ/k), held constant (the preprint's column).
   * The AS spread does not depend on inventory, so "per path" and "across paths" averages coincide.
   */
  readonly symmetricSpread: 'timeVarying' | 'average' | 'constantTerm';
}

export const PAPER_SIMULATION: AsSimulationParams = {
  s0: 100,
  horizon: 1,
  sigma: 2,
  dt: 0.005,
  q0: 0,
  A: 140,
  k: 1.5,
  gamma: 0.1,
  paths: 1000,
  seed: 1,
  fillProbability: 'linear',
  symmetricSpread: 'average',
};

export function simulationParams(overrides: Partial<AsSimulationParams> = {}): AsSimulationParams {
  const p = { ...PAPER_SIMULATION, ...overrides };
  if (!(p.sigma >= 0) || !Number.isFinite(p.sigma)) throw new RangeError(`AS simulation: sigma must be non-negative and finite, got ${p.sigma}`);
  for (const key of ['horizon', 'dt', 'A', 'k', 'gamma', 'paths'] as const) {
    if (!(p[key] > 0) || !Number.isFinite(p[key])) throw new RangeError(`AS simulation: ${key} must be positive and finite, got ${p[key]}`);
  }
  if (!Number.isInteger(p.paths)) throw new RangeError(`AS simulation: paths must be an integer, got ${p.paths}`);
  if (!['linear', 'poisson'].includes(p.fillProbability)) throw new RangeError(`AS simulation: fillProbability must be linear or poisson, got ${p.fillProbability}`);
  if (!['timeVarying', 'average', 'constantTerm'].includes(p.symmetricSpread)) {
    throw new RangeError(`AS simulation: symmetricSpread must be timeVarying, average or constantTerm, got ${p.symmetricSpread}`);
  }
  return p;
}
