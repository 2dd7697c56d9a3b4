import { STRATEGIES, type StrategyParams } from '../backtest/strategies.js';
import type { GridSpec, ParamSet } from './params.js';

/** The grid names of the strategy parameters (as `--grid` writes them). */
const STRATEGY_AXES: { readonly [K in keyof StrategyParams]: string } = { gamma: 'gamma', horizonSec: 'horizon', qMax: 'q-max', halfSpreadPx: 'half-spread' };

/**
 * The axes of a calibration grid whose values no set of it reads, each with the reason: a strategy parameter
 * that none of the grid's strategies reads (`gamma` with symmetric quotes, `half-spread` with AS: the registry's
 * `reads`), `level-spacing` where every set quotes one order a side, `inventory-target` where no strategy reads
 * the inventory. Every set along such an axis gives the same result, and the walk-forward's choice between
 * them is a tie settled by the first value: a sweep that seems to compare values compares nothing.
 * @example unreadGridAxes({ gamma: [0.1, 1] }, [{ strategy: 'symmetric', … }, …]) // ['gamma=0.1,1: symmetric reads none of it …']
 */
export function unreadGridAxes(spec: GridSpec, sets: readonly ParamSet[]): string[] {
  const out: string[] = [];
  const strategies = [...new Set(sets.map((s) => s.strategy))];
  const values = (key: keyof ParamSet) => (spec[key] as ReadonlyArray<unknown>).join(',');
  for (const key of Object.keys(STRATEGY_AXES) as Array<keyof StrategyParams>) {
    if (!spec[key] || spec[key]!.length < 2) continue;
    if (strategies.some((s) => STRATEGIES[s].reads.includes(key))) continue;
    out.push(`${STRATEGY_AXES[key]}=${values(key)}: ${strategies.join(', ')} read${strategies.length === 1 ? 's' : ''} no ${STRATEGY_AXES[key]} (${strategies.map((s) => `${s} reads ${STRATEGIES[s].reads.map((r) => STRATEGY_AXES[r]).join(', ')}`).join('; ')})`);
  }
  if (spec.levelSpacingTicks && spec.levelSpacingTicks.length > 1 && sets.every((s) => s.orderLevels <= 1)) {
    out.push(`level-spacing=${values('levelSpacingTicks')}: every set quotes one order a side, so there is no spacing (a levels= axis above 1 gives it one)`);
  }
  if (spec.inventoryTarget && spec.inventoryTarget.length > 1 && !strategies.some((s) => STRATEGIES[s].readsInventory)) {
    out.push(`inventory-target=${values('inventoryTarget')}: ${strategies.join(', ')} quote${strategies.length === 1 ? 's' : ''} without reading the inventory, so no target moves them`);
  }
  return out;
}
