/** A replay's result: its series, fills, metrics inputs and notes (`backtestResult`). */
import { type MaskSummary } from '../data/masks.js';
import type { BacktestConfig, BacktestResult, OrderRecords } from './types.js';
import type { OrderLog } from './orders.js';
import type { Replay } from './replay.js';
import { remainderCrossWarning } from './remainderCrosses.js';

/**
 * The result of a replay (out of line: the replay's optimised loop never runs into code it has no type
 * feedback for, which would throw the optimised code away at the end of every run).
 */
export function backtestResult(config: BacktestConfig, replay: Replay, notes: string[], masks: MaskSummary, totalTrades: number, streamedSeries: boolean): BacktestResult {
  const { desk, rec, events, decisions } = replay;
  const n = streamedSeries ? 0 : rec;
  const row = desk.row;
  const finalMid = row >= 0 ? 0.5 * (desk.bid0[row] + desk.ask0[row]) : NaN;
  const model = config.fill;
  if (model === 'tradeThrough' && totalTrades === 0) notes.push('no trade in the data: tradeThrough fills only orders marketable on arrival');
  if (model === 'queue' && totalTrades === 0) notes.push('no trade in the data: queue fills only orders the opposite side of the book reaches, or marketable on arrival');
  const remainders = remainderCrossWarning(desk.remainderCrosses, desk.remainderCrossQty);
  if (remainders) notes.push(remainders);
  return {
    config: { ...config, strategy: config.strategy.name, calibration: undefined } as BacktestResult['config'],
    series: {
      tMs: trimmed(replay.sT, n),
      midPx: trimmed(replay.sMid, n),
      reservationPx: trimmed(replay.sR, n),
      bidPx: trimmed(replay.sBid, n),
      askPx: trimmed(replay.sAsk, n),
      inventory: trimmed(replay.sInv, n),
      cash: trimmed(replay.sCash, n),
      equity: trimmed(replay.sEq, n),
    },
    fills: {
      tsMs: desk.fills.tsMs.slice(0, desk.fills.length),
      side: desk.fills.side.slice(0, desk.fills.length),
      px: desk.fills.px.slice(0, desk.fills.length),
      qty: desk.fills.qty.slice(0, desk.fills.length),
      fee: desk.fills.fee.slice(0, desk.fills.length),
      midPx: desk.fills.midPx.slice(0, desk.fills.length),
      sentMs: desk.fills.sentMs.slice(0, desk.fills.length),
      maker: desk.fills.maker.slice(0, desk.fills.length),
      cause: desk.fills.cause.slice(0, desk.fills.length),
    },
    finalInventory: desk.inventory,
    finalCash: desk.cash,
    finalMidPx: finalMid,
    events,
    decisions,
    ...(desk.orderLog ? { orders: orderRecords(desk.orderLog) } : {}),
    masked: masks,
    maskedEvents: { trades: replay.maskedTrades, bookRows: replay.maskedRows, decisions: replay.maskedDecisions },
    notes,
  };
}

const END_REASONS = ['open', 'filled', 'cancelled', 'replaced', 'pulled'] as const;

function orderRecords(log: OrderLog): OrderRecords {
  const n = log.length;
  return {
    side: log.side.slice(0, n),
    px: log.px.slice(0, n),
    qty: log.qty.slice(0, n),
    sentMs: log.sentMs.slice(0, n),
    activeMs: log.activeMs.slice(0, n),
    endMs: log.endMs.slice(0, n),
    endReason: Array.from(log.endReason.subarray(0, n), (r) => END_REASONS[r]),
    firstFillMs: log.firstFillMs.slice(0, n),
    queueSamples: { order: Int32Array.from(log.queueSamples.row), tMs: Float64Array.from(log.queueSamples.tMs), aheadQty: Float64Array.from(log.queueSamples.aheadQty) },
  };
}

/** The first n values of `a`: `a` itself when it holds exactly n (the usual case), else an exact-length copy. */
function trimmed(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.slice(0, n);
}

/**
 * What the engine's events are, for a result's readers (`asmm backtest --json` reports them as `nativeEvents`
 * beside `replaySec`, so a rate can be computed on any data): the rows of a `depth`-level book table and the
 * trades. A row is one message or snapshot of the source with every level change in it folded into one top-N
 * view: a change below level `depth`, or a second change in the same message, is not an event of its own.
 */
export function replayedEventsAre(depth: number): string {
  return `book rows (top-${depth} views, one per message or snapshot of the source, level changes folded; changes below level ${depth} unseen) and trades`;
}
