import { asInfiniteStrategy, asStrategy, glftStrategy, symmetricStrategy, type Strategy } from './strategy.js';

/**
 * The one registry of strategies by name: `asmm backtest --strategy`, `asmm calibrate --strategy`, a grid's
 * `strategy=` axis (`parseGridSpec`) and a calibration's `ParamSet` all read it. A new strategy is one entry
 * here (and its factory in `strategy.ts`).
 */

/** Every parameter a registered strategy may read (units in the names: γ per unit of price per order, s, orders, price). */
export interface StrategyParams {
  readonly gamma: number;
  readonly horizonSec: number;
  readonly qMax: number;
  readonly halfSpreadPx: number;
}

/** A registered strategy: its factory and the parameters it reads (the others do not change its quotes). */
export interface StrategyEntry {
  readonly reads: ReadonlyArray<keyof StrategyParams>;
  /** Whether its quotes depend on the inventory q it is shown (so `--inventory-target`, which shifts q, can act). */
  readonly readsInventory: boolean;
  readonly create: (params: StrategyParams) => Strategy;
}

/** A registered strategy's name. */
export type StrategyName = 'as' | 'as-infinite' | 'glft' | 'symmetric';

/** Strategies by the name the CLI and grids use. */
export const STRATEGIES: { readonly [N in StrategyName]: StrategyEntry } = {
  /** Finite-horizon AS (2008) with a repeating horizon. */
  as: { reads: ['gamma', 'horizonSec'], readsInventory: true, create: (p) => asStrategy(p.gamma, p.horizonSec) },
  /** Infinite-horizon AS (2008 §2.3), |q| ≤ qMax. */
  'as-infinite': { reads: ['gamma', 'qMax'], readsInventory: true, create: (p) => asInfiniteStrategy(p.gamma, p.qMax) },
  /** GLFT closed form, |q| ≤ qMax. */
  glft: { reads: ['gamma', 'qMax'], readsInventory: true, create: (p) => glftStrategy(p.gamma, p.qMax) },
  /** The symmetric benchmark, ±halfSpreadPx around the mid. */
  symmetric: { reads: ['halfSpreadPx'], readsInventory: false, create: (p) => symmetricStrategy(p.halfSpreadPx) },
};

/** The registered names, in registry order: `as, as-infinite, glft, symmetric`. */
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

/** Whether `name` is a registered strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, name);
}

/** The named strategy with these parameters (it reads only its entry's `reads`). */
export function createStrategy(name: StrategyName, params: StrategyParams): Strategy {
  return STRATEGIES[name].create(params);
}
