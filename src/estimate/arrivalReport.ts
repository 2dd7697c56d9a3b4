import { arrivalByDepth, DEFAULT_DEPTH_RANGE, type ArrivalByDepth, type DepthRange, type QuoteSide } from './arrivalByDepth.js';
import { EstimationError } from './errors.js';
import { arrivalWarnings, checkArrivalFitByDepth, fitsAgree, type ArrivalFitCheck, type FitAgreement } from './fitDiagnostics.js';
import { fitArrivalMle, fitArrivalWls, type ArrivalEstimate } from './intensity.js';
import type { MarketOrders } from './marketOrders.js';

/** A fit, or the reason it could not be made. */
export type FitOrError = ArrivalEstimate | { readonly error: string };

/** Both fits of one side over the same depths, their checks against the observed rates, and what is wrong. */
export interface SideArrival {
  readonly side: QuoteSide;
  readonly mle: FitOrError;
  readonly wls: FitOrError;
  /** Observed orders reaching each depth 0..`showToTicks`. */
  readonly byDepth: ArrivalByDepth;
  readonly mleCheck?: ArrivalFitCheck;
  readonly wlsCheck?: ArrivalFitCheck;
  readonly agreement?: FitAgreement;
  /** Warning texts (no prefix): a fit that misses the observed rates, or the fits disagreeing. */
  readonly warnings: string[];
}

/** `arrivalReport`'s result: ask, bid and pooled over one depth range. */
export interface ArrivalReport {
  readonly depths: DepthRange;
  readonly durationSec: number;
  readonly sides: Record<QuoteSide, SideArrival>;
  /** Every side's warnings, in order ask, bid, pooled. */
  readonly warnings: string[];
}

export interface ArrivalReportOptions {
  /** Depths of both fits, ticks past the touch (default `DEFAULT_DEPTH_RANGE`). */
  readonly depths?: DepthRange;
  /** WLS bootstrap resamples (default 200) and seed (default 1). */
  readonly bootstrap?: number;
  readonly seed?: number;
  /** The deepest depth of the observed/fitted tables (default: the range's last depth). */
  readonly showToTicks?: number;
}

function attempt(f: () => ArrivalEstimate): FitOrError {
  try {
    return f();
  } catch (error) {
    if (error instanceof EstimationError) return { error: error.message };
    throw error;
  }
}

export const isFit = (f: FitOrError | undefined): f is ArrivalEstimate => f !== undefined && !('error' in f);

/**
 * MLE and WLS of λ(δ) = A·e^{−kδ} per side (ask, bid, pooled) over the same depths and orders, each checked
 * against the observed rates per depth (`checkArrivalFitByDepth`: Pearson χ², fails at p < 0.01), and the two
 * compared (`fitsAgree`: their 95 % intervals of A and of k overlap). The warnings say which side and fit
 * misses and by how much. A fit that cannot be made is reported by its reason, never as a number.
 */
export function arrivalReport(orders: MarketOrders, durationSec: number, options: ArrivalReportOptions = {}): ArrivalReport {
  const depths = options.depths ?? DEFAULT_DEPTH_RANGE;
  const showTo = Math.max(depths.toTicks, options.showToTicks ?? depths.toTicks);
  const sides = {} as Record<QuoteSide, SideArrival>;
  const warnings: string[] = [];
  for (const side of ['ask', 'bid', 'pooled'] as const) {
    const mle = attempt(() => fitArrivalMle(orders, durationSec, side, { depths }));
    const wls = attempt(() => fitArrivalWls(orders, durationSec, side, { depths, bootstrap: options.bootstrap, seed: options.seed }));
    const byDepth = arrivalByDepth(orders, durationSec, side, showTo + 1);
    const mleCheck = isFit(mle) ? checkArrivalFitByDepth(byDepth, mle, showTo) : undefined;
    const wlsCheck = isFit(wls) ? checkArrivalFitByDepth(byDepth, wls, showTo) : undefined;
    const both = isFit(mle) && isFit(wls) ? { mle, wls } : undefined;
    const sideWarnings = arrivalWarnings([mleCheck, wlsCheck].filter((c): c is ArrivalFitCheck => c !== undefined), both);
    warnings.push(...sideWarnings);
    sides[side] = { side, mle, wls, byDepth, mleCheck, wlsCheck, agreement: both && fitsAgree(both.mle, both.wls), warnings: sideWarnings };
  }
  return { depths, durationSec, sides, warnings };
}
