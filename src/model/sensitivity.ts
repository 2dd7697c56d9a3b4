import { asQuotes, type AsParams } from './avellanedaStoikov.js';

/** A point of departure for a sensitivity sweep of the finite-horizon AS quotes. */
export interface AsScenario {
  readonly midPx: number;
  readonly inventory: number;
  readonly timeToHorizon: number;
  readonly params: AsParams;
}

export type AsInput = 'gamma' | 'k' | 'sigma' | 'timeToHorizon' | 'inventory';

/** Quotes along a sweep of one input, the others held at the scenario's values. */
export interface QuoteSweep {
  readonly input: AsInput;
  readonly values: Float64Array;
  readonly reservation: Float64Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
}

/** Finite-horizon AS quotes as one input varies over `values` (e.g. γ from 0.01 to 1). */
export function sweepAsQuotes(scenario: AsScenario, input: AsInput, values: readonly number[]): QuoteSweep {
  const n = values.length;
  const sweep: QuoteSweep = {
    input,
    values: Float64Array.from(values),
    reservation: new Float64Array(n),
    bid: new Float64Array(n),
    ask: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const params: AsParams = {
      gamma: input === 'gamma' ? v : scenario.params.gamma,
      sigma: input === 'sigma' ? v : scenario.params.sigma,
      k: input === 'k' ? v : scenario.params.k,
    };
    const quotes = asQuotes(
      scenario.midPx,
      input === 'inventory' ? v : scenario.inventory,
      input === 'timeToHorizon' ? v : scenario.timeToHorizon,
      params,
    );
    sweep.reservation[i] = quotes.reservationPx;
    sweep.bid[i] = quotes.bidPx;
    sweep.ask[i] = quotes.askPx;
  }
  return sweep;
}

/** n values evenly spaced from `from` to `to` inclusive (log-spaced when `log`). */
export function linspace(from: number, to: number, n: number, log = false): number[] {
  if (n < 2) return [from];
  return Array.from({ length: n }, (_, i) => {
    const f = i / (n - 1);
    return log ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from);
  });
}
