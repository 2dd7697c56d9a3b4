/**
 * Parameters of the offline sample market, with their units. Defaults resemble OKX ETH-USDT spot.
 *
 * Model (see docs in `sampleMarket.ts`):
 * - mid: arithmetic Brownian motion, dS = σ dW, σ in USDT per √second, sampled every snapshot interval;
 * - book: 5 tick-rounded levels per side around the mid, log-sizes an AR(1) process per level;
 * - trades: per side, market orders arrive as a Poisson process with rate A per second, each walks the book
 *   to a depth δ ~ Exponential(k) from the mid, so a resting quote δ away is reached with intensity A·exp(−k·δ).
 */
export interface SampleMarketParams {
  /** Seed of every random stream (mid, book sizes, buys, sells). */
  readonly seed: number;
  /** Time of the first snapshot, ms since epoch (default 2026-01-01T00:00:00Z). */
  readonly startMs: number;
  /** Length of the sample in seconds. */
  readonly durationSec: number;
  /** Interval between book snapshots in ms. */
  readonly snapshotIntervalMs: number;
  readonly instrument: string;
  /** Initial mid price, USDT. */
  readonly mid0: number;
  /** Volatility of the mid, USDT per √second (ABM: Var[S(t+Δ) − S(t)] = σ²·Δ). */
  readonly sigmaPerSqrtSec: number;
  /** Price tick, USDT. */
  readonly tickSize: number;
  /** Size lot, ETH. */
  readonly lotSize: number;
  /** Levels per side. */
  readonly depth: number;
  /** A: market orders per second on each side. */
  readonly arrivalRatePerSec: number;
  /** k: decay of the fill intensity per USDT of distance from the mid (mean walk depth 1/k USDT). */
  readonly kPerPrice: number;
  /** Mean size at the best level, ETH; level L has mean touchSizeMean·(1 + levelSizeGrowth·(L − 1)). */
  readonly touchSizeMean: number;
  readonly levelSizeGrowth: number;
  /** Standard deviation of log-size around its mean (stationary), and its per-snapshot persistence in [0, 1). */
  readonly sizeLogStd: number;
  readonly sizePersistence: number;
  /** Mean trade size, ETH (exponential). */
  readonly tradeSizeMean: number;
}

export const DEFAULT_SAMPLE_PARAMS: SampleMarketParams = {
  seed: 1,
  startMs: Date.UTC(2026, 0, 1),
  durationSec: 3600,
  snapshotIntervalMs: 100,
  instrument: 'ETH-USDT',
  mid0: 3000,
  sigmaPerSqrtSec: 0.3,
  tickSize: 0.01,
  lotSize: 0.0001,
  depth: 5,
  arrivalRatePerSec: 2,
  kPerPrice: 10,
  touchSizeMean: 2,
  levelSizeGrowth: 0.5,
  sizeLogStd: 0.5,
  sizePersistence: 0.95,
  tradeSizeMean: 0.5,
};

/** Fills defaults and rejects impossible values with a message naming the parameter. */
export function sampleParams(overrides: Partial<SampleMarketParams> = {}): SampleMarketParams {
  const p: SampleMarketParams = { ...DEFAULT_SAMPLE_PARAMS, ...overrides };
  const positive: Array<keyof SampleMarketParams> = [
    'durationSec', 'snapshotIntervalMs', 'mid0', 'tickSize', 'lotSize', 'depth', 'arrivalRatePerSec', 'kPerPrice',
    'touchSizeMean', 'tradeSizeMean',
  ];
  for (const key of positive) {
    const value = p[key] as number;
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`sample market: ${key} must be positive and finite, got ${value}`);
  }
  const nonNegative: Array<keyof SampleMarketParams> = ['sigmaPerSqrtSec', 'levelSizeGrowth', 'sizeLogStd'];
  for (const key of nonNegative) {
    const value = p[key] as number;
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`sample market: ${key} must be non-negative and finite, got ${value}`);
  }
  if (!(p.sizePersistence >= 0 && p.sizePersistence < 1)) throw new RangeError(`sample market: sizePersistence must be in [0, 1), got ${p.sizePersistence}`);
  if (!Number.isInteger(p.depth)) throw new RangeError(`sample market: depth must be an integer, got ${p.depth}`);
  if (!Number.isInteger(p.snapshotIntervalMs)) throw new RangeError(`sample market: snapshotIntervalMs must be whole ms, got ${p.snapshotIntervalMs}`);
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > 0xffffffff) throw new RangeError(`sample market: seed must be an integer in [0, 2^32), got ${p.seed}`);
  return p;
}
