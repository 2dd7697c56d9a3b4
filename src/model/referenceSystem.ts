import { asQuotes } from './avellanedaStoikov.js';
import type { Quotes } from './types.js';

/** Inputs as the reference system (the Python books5 recorder/backtester asmm replaces) forms them. */
export interface ReferenceQuoteInputs {
  readonly midPx: number;
  readonly inventory: number;
  /** Time of this row and of the file's first and last rows, ms. */
  readonly tsMs: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** Its "σ": the standard deviation of recent mid prices, a price level (not per √time). */
  readonly sigmaPriceLevel: number;
  readonly gamma: number;
  readonly k: number;
}

/**
 * The reference system's use of the AS formula, reproduced for comparison: time is normalised to [0, 1] over
 * the whole file (t = (ts − first)/(last − first), T = 1, which needs the file's end, i.e. looks ahead), and
 * σ is a price level whose size depends on how many messages the window spans rather than on time. The
 * formula itself is `asQuotes` with T − t = 1 − t and σ = that level. asmm's own strategies instead take
 * σ per √second from `estimate/` and a horizon in seconds.
 */
export function referenceSystemQuotes(inputs: ReferenceQuoteInputs): Quotes {
  const span = inputs.lastTsMs - inputs.firstTsMs;
  const t = span > 0 ? (inputs.tsMs - inputs.firstTsMs) / span : 0;
  return asQuotes(inputs.midPx, inputs.inventory, 1 - t, { gamma: inputs.gamma, sigma: inputs.sigmaPriceLevel, k: inputs.k });
}
