import { asInfiniteQuotes, asInfiniteQuotesInto, asQuotes, asQuotesInto, spreadConstantTerm } from '../model/avellanedaStoikov.js';
import { glftCoefficients, glftQuotes, glftQuotesInto } from '../model/glft.js';
import type { MutableQuotes, Quotes } from '../model/types.js';

export type { MutableQuotes };

/**
 * What a strategy sees when it quotes, at decision time t: market data up to t − feed latency, its own
 * inventory as known then, and the calibration in force (values estimated from data strictly before).
 * Inventory `q` is in orders (inventory / orderSize), as in the AS and GLFT models.
 */
export interface QuoteContext {
  /** Decision time, ms (exchange clock). */
  readonly tMs: number;
  readonly midPx: number;
  readonly bestBidPx: number;
  readonly bestAskPx: number;
  /** Inventory in orders of `orderSize` (q of the models). */
  readonly q: number;
  /** σ, quote currency per √s. */
  readonly sigmaPerSqrtSec: number;
  /** A, market orders per second per side. */
  readonly aPerSec: number;
  /** k, per unit of price. */
  readonly kPerPrice: number;
  /** Seconds since the backtest's first decision. */
  readonly elapsedSec: number;
}

/** A quoting rule: bid and ask prices (NaN = no quote on that side) and the reservation price. */
export interface Strategy {
  readonly name: string;
  /** Calibrated inputs it needs; until they are available (first calibration window) it does not quote. */
  readonly requires: ReadonlyArray<'sigma' | 'a' | 'k'>;
  quote(context: QuoteContext): Quotes;
  /**
   * Optional allocation-free form of `quote`: writes the same three numbers into `out`. The backtest calls it
   * (once per decision) when present, `quote` otherwise.
   */
  quoteInto?(context: QuoteContext, out: MutableQuotes): void;
  /**
   * True when the quotes depend on the context's prices, `q` and calibration only, never on `tMs` or
   * `elapsedSec` (nor on how often the strategy is asked): the full-depth replay then skips a decision whose
   * inputs and orders are those of the one before, which would change nothing (most book changes leave the
   * touch where it was). Leave it unset when in doubt: every decision then calls the strategy.
   */
  readonly timeInvariant?: boolean;
}

/** Whether the strategy quotes with A or k, the fit of λ(δ) = A·exp(−k·δ) (whose fit to the orders a run then checks). */
export function readsArrivalModel(strategy: Pick<Strategy, 'requires'>): boolean {
  return strategy.requires.includes('k') || strategy.requires.includes('a');
}

/**
 * Finite-horizon AS (2008) quotes with a repeating horizon: T − t = horizonSec − (elapsed mod horizonSec)
 * seconds, so a long backtest is a sequence of sessions of `horizonSec`. γ per unit of price per order.
 */
export function asStrategy(gamma: number, horizonSec: number): Strategy {
  // State in an object's fields, not in `let` variables the closure captures: V8 boxes a fractional number
  // stored to a captured variable in a new heap object per store, but updates an object's number field in place.
  const state = {
    // the spread's constant term (2/γ)·ln(1 + γ/k) changes only with k (once per calibration step)
    lastK: NaN,
    constantTerm: NaN,
    // start of the current session (elapsed seconds), so that elapsed mod horizon is one subtraction per
    // decision. It equals `%` exactly (both are elapsed − n·horizon) when n·horizon is exact, i.e. for a whole
    // number of seconds; other horizons use `%` every time, so no result depends on an earlier run.
    sessionStartSec: NaN,
  };
  const wholeSeconds = Number.isInteger(horizonSec);
  return {
    name: `AS finite horizon (γ ${gamma}, T ${horizonSec} s)`,
    requires: ['sigma', 'k'],
    quote: (c) => asQuotes(c.midPx, c.q, horizonSec - (c.elapsedSec % horizonSec), { gamma, sigma: c.sigmaPerSqrtSec, k: c.kPerPrice }),
    quoteInto: (c, out) => {
      const k = c.kPerPrice;
      if (k !== state.lastK) {
        state.lastK = k;
        state.constantTerm = spreadConstantTerm(gamma, k);
      }
      const elapsed = c.elapsedSec;
      let inSession = elapsed - state.sessionStartSec;
      if (!(wholeSeconds && inSession >= 0 && inSession < horizonSec)) {
        inSession = elapsed % horizonSec;
        state.sessionStartSec = elapsed - inSession;
      }
      asQuotesInto(out, c.midPx, c.q, horizonSec - inSession, gamma, c.sigmaPerSqrtSec, k, state.constantTerm);
    },
  };
}

/** Infinite-horizon AS (2008 §2.3) quotes; |q| ≤ qMax orders. */
export function asInfiniteStrategy(gamma: number, qMax: number): Strategy {
  const params = { gamma, sigma: NaN, k: NaN, qMax }; // refilled by quoteInto
  return {
    name: `AS infinite horizon (γ ${gamma}, qMax ${qMax})`,
    requires: ['sigma', 'k'],
    timeInvariant: true,
    quote: (c) => asInfiniteQuotes(c.midPx, c.q, { gamma, sigma: c.sigmaPerSqrtSec, k: c.kPerPrice, qMax }),
    quoteInto: (c, out) => {
      params.sigma = c.sigmaPerSqrtSec;
      params.k = c.kPerPrice;
      asInfiniteQuotesInto(out, c.midPx, c.q, params);
    },
  };
}

/** GLFT closed-form quotes with inventory bound qMax orders (one order per fill). */
export function glftStrategy(gamma: number, qMax: number): Strategy {
  // refilled by quoteInto; the coefficients change only with A and k (once per calibration step)
  const params = { gamma, sigma: NaN, A: NaN, k: NaN, qMax, orderSize: 1 };
  let coefficients = glftCoefficients(params);
  return {
    name: `GLFT (γ ${gamma}, qMax ${qMax})`,
    requires: ['sigma', 'a', 'k'],
    timeInvariant: true,
    quote: (c) => glftQuotes(c.midPx, c.q, { gamma, sigma: c.sigmaPerSqrtSec, A: c.aPerSec, k: c.kPerPrice, qMax, orderSize: 1 }),
    quoteInto: (c, out) => {
      params.sigma = c.sigmaPerSqrtSec;
      if (c.aPerSec !== params.A || c.kPerPrice !== params.k) {
        params.A = c.aPerSec;
        params.k = c.kPerPrice;
        coefficients = glftCoefficients(params);
      }
      glftQuotesInto(out, c.midPx, c.q, params, coefficients);
    },
  };
}

/** The symmetric benchmark: bid and ask `halfSpreadPx` either side of the mid, whatever the inventory. */
export function symmetricStrategy(halfSpreadPx: number): Strategy {
  return {
    name: `symmetric (±${halfSpreadPx})`,
    requires: [],
    timeInvariant: true,
    quote: (c) => ({ reservationPx: c.midPx, bidPx: c.midPx - halfSpreadPx, askPx: c.midPx + halfSpreadPx }),
    quoteInto: (c, out) => {
      out.reservationPx = c.midPx;
      out.bidPx = c.midPx - halfSpreadPx;
      out.askPx = c.midPx + halfSpreadPx;
    },
  };
}
