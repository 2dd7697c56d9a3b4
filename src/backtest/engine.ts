/** The backtest engine's entry points: `runBacktest` (whole tables) and `BacktestReplay` (chunk by chunk). */
import { describeMasks, maskSummary, mergeMasks, type MaskedInterval } from '../data/masks.js';
import { lowerBound } from '../data/search.js';
import { mapBookColumns, type BookTable, type TradeTable } from '../data/tables.js';
import { backtestExecutions, inferredFillsNote } from './executions.js';
import { feedArrivalStream } from './feedArrival.js';
import { constantLatencyMs } from './latency.js';
import type { BacktestConfig, BacktestResult, BacktestSeries, Fills } from './types.js';
import { NO_VALUES } from './orders.js';
import { checkTimeOrder, joined, Replay, type CalibrationRows } from './replay.js';
import { backtestResult } from './results.js';
export type { CalibrationRows } from './replay.js';

/**
 * Replays books and trades through a strategy. Events are processed in exchange-time order; at equal
 * timestamps trades come before book rows: a depth update stamped with its trade's time shows the book after
 * the trade, so the trade meets the book stamped strictly before it (taken the other way, a queue model counted
 * the trade's size twice, once as cancellations: grading/fillModels.ts measured 25 % too many fills).
 * `estimate/` still pairs a trade with the book stamped at or before it. Decisions happen at book time + feed latency (refreshMs 0) or every
 * refreshMs; each sees the book stamped ≤ t − feed latency, its fills up to then and the calibration in force
 * then; quotes are rounded outward to the tick (bid down, ask up), sizes down to the lot. A changed quote
 * cancels the resting order (effective after the cancel latency) and sends a new one (resting after the entry
 * latency; a replacement rests once the order it replaces is gone); an unchanged quote keeps its order and
 * queue place. Fills are maker fills at our price, except an order marketable on arrival, which takes the
 * opposite touch as a taker (taker fee). Both tables must be in time order with finite times (as the loaders
 * guarantee; an error names the first row that is not), and book levels as the tables' contract orders them
 * (the loaders check it; the replay reads the deepest visible price from the last level).
 *
 * Without trades (books only), `tradeThrough` and `queue` fill on the executions inferred from the book
 * (`marketOrdersFromBook`, an approximation) and the result's notes say so; `backtestExecutions` infers them
 * once for many runs on the same book.
 */
export function runBacktest(book: BookTable, trades: TradeTable | undefined, config: BacktestConfig): BacktestResult {
  const nb = book.tsMs.length;
  if (nb === 0) throw new Error('runBacktest: empty book');
  if (!(config.tickSize > 0 && config.tickSize < Infinity)) throw new RangeError(`runBacktest: tickSize must be a positive number, got ${config.tickSize}`);
  const notes: string[] = [];
  if (trades === undefined && config.fill !== 'midCross' && nb >= 2) {
    trades = backtestExecutions(book, undefined, config.fill, config.tickSize).trades;
    notes.push(inferredFillsNote(config.fill));
  }
  // one chunk fed to the streamed replay: its rows are replayed in place (no copy)
  const replay = new BacktestReplay(config, { label: 'runBacktest', notes });
  replay.feed(book, trades);
  return replay.finish();
}

/** Options of a streamed replay. */
export interface BacktestReplayOptions {
  /**
   * Receives the series in pieces, in decision order, after each chunk (and at `finish`), instead of the
   * result keeping it: the replay's memory then stays bounded by a chunk and the carried state. The result's
   * `series` is then empty; `streamedMetrics` computes the metrics from the pieces exactly as
   * `backtestMetrics` does from a whole series. The pieces' arrays are reused: copy what is kept.
   */
  readonly seriesSink?: (piece: BacktestSeries) => void;
  /**
   * A chunk of more than twice this many rows is replayed in two parts: its first `bridgeRows` rows joined to
   * the rows carried from the chunk before (a copy of a few thousand rows), then the rest in place, as views of
   * the chunk's own columns (no copy of the day). Default 8192; the result does not depend on it (tests set
   * it small to exercise both paths).
   */
  readonly bridgeRows?: number;
  /** Name in error messages (default "BacktestReplay"). */
  readonly label?: string;
  /** Notes the result starts with. */
  readonly notes?: readonly string[];
}

/**
 * A replay fed in chunks (e.g. one day partition after another), with the state carried across each boundary:
 * the book row in force and the strategy's newest row, resting and pending orders with their queue positions,
 * latency events in flight (orders on their way, cancels, fills not yet notified, rows not yet arrived: the
 * latency samplers continue their streams), inventory and cash, the masked interval in force, the calibration
 * in force, counters. The result equals `runBacktest` on the concatenated tables bit for bit (same fills,
 * series, PnL).
 *
 * How: events are replayed only while they are stamped before the last book row fed so far, the `horizon`.
 * Everything that depends on later data is then decided by data at hand, because a chunk's rows and trades are
 * stamped at or after the horizon of the chunks before it (checked): a decision before the horizon cannot see
 * a row of a later chunk (arrival ≥ stamp ≥ horizon), the events stamped at the horizon (book rows before
 * trades, then the decision at that time) wait for the next chunk, which may hold more of them. The rows
 * still referenced (the row in force, the strategy's newest row, the row whose arrival triggers the next
 * decision, rows of fills not yet notified) and the trades not yet replayed are carried into the next chunk's
 * arrays: a few rows, not the day. Masked intervals of a later chunk may extend the one in force, or start
 * after the time replayed (else an error: they cannot be applied backwards); calibration rows (`feed`'s
 * third argument) must come by the time they can be in force, i.e. every row stamped at or before the
 * chunk's last book row (as `StreamedRollingCalibration.feed` returns them).
 *
 * Not streamed: executions inferred from a book without trades (`tradeThrough`/`queue` on books only need
 * the trades of each chunk, e.g. `inferredTradeTable` per chunk, said in the notes), and the fills (kept
 * whole in the result: one row per fill, far fewer than rows or decisions).
 * @example
 * const replay = new BacktestReplay(config);
 * for await (const day of days) replay.feed(day.book, day.trades);
 * const result = replay.finish(); // === runBacktest(concat(books), concat(trades), config), bit for bit
 */
export class BacktestReplay {
  private readonly replay: Replay;
  private readonly config: BacktestConfig;
  private readonly options: BacktestReplayOptions;
  private readonly label: string;
  private readonly arrivalOf: ((book: BookTable) => Float64Array) | undefined;
  private readonly bookMasks: MaskedInterval[] = [];
  private readonly tradeMasks: MaskedInterval[] = [];
  private chunks = 0;
  private lastBookMs = -Infinity;
  private lastTradeMs = -Infinity;
  private totalRows = 0;
  private totalTrades = 0;
  private finished = false;

  constructor(config: BacktestConfig, options: BacktestReplayOptions = {}) {
    this.label = options.label ?? 'BacktestReplay';
    if (!(config.tickSize > 0 && config.tickSize < Infinity)) throw new RangeError(`${this.label}: tickSize must be a positive number, got ${config.tickSize}`);
    this.config = config;
    this.options = options;
    const feedSpec = config.feedLatencyMs ?? 0;
    this.arrivalOf = constantLatencyMs(feedSpec) >= 0 ? undefined : feedArrivalStream(feedSpec);
    this.replay = new Replay(config);
  }

  /** Book rows fed so far. */
  get rows(): number {
    return this.totalRows;
  }

  /**
   * The account as the replay stands (after the events replayed so far: those before the last book row fed),
   * for progress lines and per-day tables: inventory, cash, the mid of the book row in force, equity marked to
   * it, fills, events and decisions so far, and the time of the last event replayed (ms).
   */
  state(): { readonly inventory: number; readonly cash: number; readonly midPx: number; readonly equity: number; readonly fills: number; readonly events: number; readonly decisions: number; readonly lastEventMs: number } {
    const r = this.replay;
    const d = r.desk;
    const midPx = d.row >= 0 ? 0.5 * (d.bid0[d.row] + d.ask0[d.row]) : NaN;
    return { inventory: d.inventory, cash: d.cash, midPx, equity: d.cash + d.inventory * midPx, fills: d.fills.length, events: r.events, decisions: r.decisions, lastEventMs: r.lastEventMs };
  }

  /**
   * Replays the next chunk: book rows and trades (in time order, and stamped at or after the previous chunks'
   * last book row; a chunk may hold no rows or no trades), with the calibration rows that come into force
   * up to its last book row when the calibration is streamed (else `config.calibration` holds it whole).
   */
  feed(book: BookTable, trades?: TradeTable, calibration?: CalibrationRows): void {
    if (this.finished) throw new Error(`${this.label}: feed after finish`);
    const chunk = this.chunks++;
    const where = this.chunks > 1 ? ` (chunk ${chunk})` : '';
    checkTimeOrder(`${this.label}: book${where}`, book.tsMs);
    checkTimeOrder(`${this.label}: trades${where}`, trades?.tsMs ?? NO_VALUES);
    const horizon = this.lastBookMs;
    if (book.tsMs.length > 0 && book.tsMs[0] < horizon) throw new Error(`${this.label}: book${where} row 0 is ${book.tsMs[0]}, before the previous chunk's last row ${horizon}: chunks must follow each other in time`);
    if (trades && trades.tsMs.length > 0) {
      const floor = Math.max(horizon, this.lastTradeMs);
      if (trades.tsMs[0] < floor) throw new Error(`${this.label}: trades${where} row 0 is ${trades.tsMs[0]}, before ${floor} (the previous chunk's last ${floor === this.lastTradeMs ? 'trade' : 'book row'}): chunks must follow each other in time`);
    }
    if (calibration && this.config.calibration) throw new Error(`${this.label}: calibration rows fed with a chunk while config.calibration holds a whole calibration`);
    if (book.masked) this.bookMasks.push(...book.masked);
    if (trades?.masked) this.tradeMasks.push(...trades.masked);
    const r = this.replay;
    const arrival = this.arrivalOf ? this.arrivalOf(book) : undefined;
    r.setMasks(mergeMasks(this.bookMasks, this.tradeMasks), this.label);
    if (calibration) r.appendCalibration(calibration, this.label);
    const n = book.tsMs.length;
    const head = this.options.bridgeRows ?? 8192;
    if (this.totalRows > 0 && n > 2 * head) {
      // the head joined to the carried rows, replayed to its last row; then the rest in place
      const cut = trades ? lowerBound(trades.tsMs, book.tsMs[head]) : 0;
      const rows = (c: Float64Array) => c.subarray(0, head);
      const headBook = mapBookColumns(book, rows);
      const headTrades: TradeTable | undefined = trades ? { ...trades, tsMs: trades.tsMs.subarray(0, cut), id: trades.id.subarray(0, cut), side: trades.side.subarray(0, cut), px: trades.px.subarray(0, cut), sz: trades.sz.subarray(0, cut) } : undefined;
      r.append(headBook, headTrades, arrival?.subarray(0, head), this.label);
      r.runTo(book.tsMs[head - 1], Infinity);
      const from = (c: Float64Array) => c.subarray(head);
      const restBook = mapBookColumns(book, from);
      const restTrades: TradeTable | undefined = trades ? { ...trades, tsMs: trades.tsMs.subarray(cut), id: trades.id.subarray(cut), side: trades.side.subarray(cut), px: trades.px.subarray(cut), sz: trades.sz.subarray(cut) } : undefined;
      r.append(restBook, restTrades, arrival?.subarray(head), this.label, { book, trades, arrival, rowOffset: head, tradeOffset: cut });
    } else r.append(book, trades, arrival, this.label);
    if (n > 0) this.lastBookMs = book.tsMs[n - 1];
    if (trades && trades.tsMs.length > 0) this.lastTradeMs = trades.tsMs[trades.tsMs.length - 1];
    this.totalRows += n;
    this.totalTrades += trades ? trades.tsMs.length : 0;
    if (this.totalRows > 0) r.runTo(this.lastBookMs, Infinity);
    this.flushSeries();
  }

  /** Replays what remains (the events stamped at the last horizon and after) and returns the result. */
  finish(): BacktestResult {
    if (this.finished) throw new Error(`${this.label}: finish called twice`);
    this.finished = true;
    if (this.totalRows === 0) throw new Error(`${this.label}: empty book`);
    const r = this.replay;
    r.runTo(Infinity, Math.max(this.lastBookMs, this.lastTradeMs));
    this.flushSeries();
    const notes = [...(this.options.notes ?? [])];
    const masks = maskSummary(this.bookMasks, this.tradeMasks);
    if (masks.count > 0) notes.push(describeMasks(masks, 0)[0]);
    return backtestResult(this.config, r, notes, masks, this.totalTrades, this.options.seriesSink !== undefined);
  }

  private flushSeries(): void {
    const sink = this.options.seriesSink;
    const r = this.replay;
    if (!sink || r.rec === 0) return;
    const n = r.rec;
    sink({ tMs: r.sT.subarray(0, n), midPx: r.sMid.subarray(0, n), reservationPx: r.sR.subarray(0, n), bidPx: r.sBid.subarray(0, n), askPx: r.sAsk.subarray(0, n), inventory: r.sInv.subarray(0, n), cash: r.sCash.subarray(0, n), equity: r.sEq.subarray(0, n) });
    r.rec = 0;
  }
}
