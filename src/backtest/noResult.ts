import { DEFAULT_DEPTH_RANGE } from '../estimate/arrivalByDepth.js';
import type { MarketOrders } from '../estimate/marketOrders.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import { quotePlacement, type QuotePlacement } from './metrics.js';
import type { Strategy } from './strategy.js';
import type { BacktestResult, FillModel } from './types.js';

const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/**
 * The inputs a strategy reads that its rolling calibration never gave (NaN in every evaluation), in words: why
 * it never quoted, when that is the cause. Undefined when each input was defined somewhere.
 */
export function neverCalibrated(strategy: Pick<Strategy, 'name' | 'requires'>, cal: RollingCalibration | undefined): string | undefined {
  if (!cal || cal.tMs.length === 0) return undefined;
  const series = { sigma: cal.sigmaPricePerSqrtSec, a: cal.aPooledPerSec, k: cal.kPooledPerPrice } as const;
  const names = { sigma: 'σ', a: 'A', k: 'k' } as const;
  const missing = strategy.requires.filter((r) => series[r].every((v) => Number.isNaN(v)));
  if (missing.length === 0) return undefined;
  const { fromTicks: d0, toTicks: d1 } = DEFAULT_DEPTH_RANGE;
  const why = missing.includes('k') ? ` (k needs 2 market orders in a window reaching ${d0}..${d1} ticks past the touch, some of them short of ${d1}: asmm estimate shows where the orders stop)` : '';
  return `${strategy.name} never quoted: ${missing.map((r) => names[r]).join(', ')} ${missing.length === 1 ? 'was' : 'were'} not estimated in any of the ${cal.tMs.length} rolling ${cal.windowSec} s windows${why}`;
}

/**
 * Why a run that quoted never filled, in words (a PnL of 0 from no fill is no result): quotes farther from the
 * mid than any market order of the data reached (for AS and GLFT, a γ not scaled to the instrument's price: the
 * shared BTC capture at the default γ 0.1 quoted a median 38,260 ticks away); else what the fill model needed
 * and did not see. (A quote whose fill would pass --max-position is not sent, so no fill is refused for it.)
 */
function noFillCause(gammaOf: 'AS' | 'GLFT' | undefined, fill: FillModel, q: QuotePlacement, orders: MarketOrders | undefined): string {
  const nearestTicks = Math.min(q.bidQuoted > 0 ? q.bidMedianTicksFromMid : Infinity, q.askQuoted > 0 ? q.askMedianTicksFromMid : Infinity);
  const count = orders?.depthPx.length ?? 0;
  let deepestTicks = -Infinity;
  for (let i = 0; i < count; i++) deepestTicks = Math.max(deepestTicks, orders!.depthPx[i] / orders!.tickSize);
  const gamma = gammaOf ? `; ${gammaOf} sets its spread from γ per unit of price (through γσ²), so a γ not scaled to this instrument's price level puts every quote out of reach: sweep it (asmm calibrate --grid "gamma=…")` : '';
  // (under midCross the market orders fill nothing: the mid's moves are what the quotes are against)
  if (fill === 'midCross') return `midCross fills an order when a book row's mid reaches its price, and no mid reached a quote (a median ${num(nearestTicks)} ticks from the mid; market orders do not fill under midCross)${gamma}`;
  if (count > 0 && nearestTicks > deepestTicks) {
    return `the quotes sat a median ${num(nearestTicks)} ticks from the mid, farther than any of the ${count} market orders reached (the deepest: ${num(deepestTicks)} ticks from the mid)${gamma}`;
  }
  if (fill === 'queue') return `none of the ${count} market orders traded through a resting quote, those at its price left some of the queue ahead of it (--queue-model), and no book row crossed it`;
  return `none of the ${count} market orders traded at or through a resting quote's price`;
}

/**
 * Why a backtest is no result, in words (without the `WARNING` prefix), or undefined when it quoted and filled:
 * it never quoted (an input the strategy reads was never estimated, the position limit, the calibration window),
 * or it quoted and never filled (where the quotes sat against the market orders). A PnL of 0 with NaN per fill
 * is no result; `asmm backtest` prints this as a WARNING and the notebooks beside their tables. `orders`: the
 * market orders of the data, to say how deep they reached against the quotes.
 */
export function noResultWarning(
  result: BacktestResult,
  strategy: Pick<Strategy, 'name' | 'requires'>,
  calibration: RollingCalibration | undefined,
  orders?: MarketOrders,
): string | undefined {
  const quotes = quotePlacement(result, result.config.tickSize);
  const { orderSize, maxPosition = Infinity } = result.config;
  if (quotes.bidQuoted + quotes.askQuoted === 0) {
    const never = neverCalibrated(strategy, calibration);
    if (never) return never;
    const cause = orderSize > maxPosition ? `--max-position ${maxPosition} is below the order size ${orderSize}: every quote would take the position past it` : 'the strategy waited for its calibration window, or every quote was refused (crossed, or past --max-position)';
    return `no quote at any of the ${quotes.decisions} decisions: ${cause}`;
  }
  // the strategies whose spread comes from γ (through γσ²): AS (both horizons) and GLFT; the symmetric one reads nothing
  const gammaOf = strategy.requires.length === 0 ? undefined : strategy.name.startsWith('GLFT') ? 'GLFT' : 'AS';
  if (result.fills.tsMs.length === 0) return `no fill in ${quotes.decisions} decisions: ${noFillCause(gammaOf, result.config.fill, quotes, orders)}`;
  return undefined;
}
