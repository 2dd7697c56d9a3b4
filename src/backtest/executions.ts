import type { BookTable, TradeTable } from '../data/tables.js';
import { inferredTradeTable, marketOrdersFromBook } from '../estimate/bookInferredOrders.js';
import { marketOrdersFromTrades, type MarketOrders, type PairingOptions } from '../estimate/marketOrders.js';
import type { FillModel } from './types.js';

/** What a backtest on a market replays and estimates its order arrivals from. */
export interface BacktestExecutions {
  /**
   * The trades the fill models replay: the recorded ones; on books only, for `tradeThrough` and `queue`, the
   * executions inferred from the book; undefined on books only with `midCross` (which needs no trades).
   */
  readonly trades: TradeTable | undefined;
  /** The market orders A and k are estimated from: from the recorded trades, or inferred from the book. */
  readonly marketOrders: MarketOrders;
  /** What was inferred rather than recorded, in words (empty with recorded trades). */
  readonly notes: readonly string[];
}

/** The note a backtest on books only carries when `fill` replays executions inferred from the book. */
export function inferredFillsNote(fill: FillModel): string {
  return `no trades recorded: ${fill} fills use executions inferred from the book (touch depletion and price moves; an approximation, see marketOrdersFromBook)`;
}

/** The note for A and k estimated from executions inferred from the book. */
export const INFERRED_ARRIVALS_NOTE = 'no trades recorded: A and k are estimated from market orders inferred from the book (an approximation, see marketOrdersFromBook)';

/**
 * The executions of a backtest on `book`: with `recorded` trades, those trades and the market orders they show
 * (`marketOrdersFromTrades`); on books only, the market orders inferred from the book (`marketOrdersFromBook`,
 * an approximation whose biases it lists), which also serve as the trades of the `tradeThrough` and `queue`
 * fill models (`inferredTradeTable`), with notes that say so. Inferred once here, so that a sweep over many
 * windows and parameter sets does not infer again in each backtest. `pairing` names the files in errors and
 * sets the staleness limit of the trades' pairing with the book (see `marketOrdersFromTrades`).
 */
export function backtestExecutions(book: BookTable, recorded: TradeTable | undefined, fill: FillModel, tickSize: number, pairing: PairingOptions = {}): BacktestExecutions {
  if (recorded) return { trades: recorded, marketOrders: marketOrdersFromTrades(book, recorded, tickSize, pairing), notes: [] };
  const inferred = marketOrdersFromBook(book, tickSize);
  if (fill === 'midCross') return { trades: undefined, marketOrders: inferred, notes: [INFERRED_ARRIVALS_NOTE] };
  return { trades: inferredTradeTable(inferred), marketOrders: inferred, notes: [inferredFillsNote(fill), INFERRED_ARRIVALS_NOTE] };
}
