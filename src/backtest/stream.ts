import type { BookTable, TradeTable } from '../data/tables.js';
import type { OrderPairing, PairingOptions } from '../estimate/marketOrders.js';
import type { RollingCalibrationOptions } from '../estimate/rolling.js';
import { StreamedMarketOrders, type MarketOrderColumns, type PairingSoFar } from '../estimate/streamedMarketOrders.js';
import { StreamedRollingCalibration } from '../estimate/streamedRolling.js';
import { BacktestReplay } from './engine.js';
import type { BacktestConfig, BacktestResult, BacktestSeries } from './types.js';
import { backtestMetrics, type BacktestMetrics } from './metrics.js';
import { StreamedMetrics } from './streamedMetrics.js';

/** One chunk of a streamed run: a day partition of the catalog, say. */
export interface MarketChunk {
  readonly book: BookTable;
  readonly trades?: TradeTable;
  /** No book row of a later chunk is stamped before this (a day partition's end): lets the progress's pairing counts (`onChunk`) include the trades after the chunk's last row. */
  readonly throughMs?: number;
}

export interface BacktestStreamOptions {
  /**
   * Calibrate as the run goes: the rolling calibration of `rollingCalibration(book, marketOrdersFromTrades(…),
   * options)` on the whole data, computed chunk by chunk (`StreamedRollingCalibration`) and fed to the replay
   * with each chunk. Leave out to use `config.calibration` (or the fallback) as is.
   */
  readonly calibration?: RollingCalibrationOptions;
  /**
   * With `calibration`: pair the trades with the book as the calibration would (`onMarketOrders`, the pairing in
   * `onChunk` and the result) but compute no calibration: for a strategy that reads none of σ, A, k (the
   * symmetric one), which then needs no window of data, as in memory (`strategyCalibration`).
   */
  readonly pairTradesOnly?: boolean;
  /** Pairing of trades with the book for the calibration's A and k (staleness limit, label). */
  readonly pairing?: PairingOptions;
  /** Metrics interval of the Sharpe ratio, s (default 60). */
  readonly metricsIntervalSec?: number;
  /**
   * Keep the whole series in the result (default false: it is streamed through the metrics and dropped, and
   * memory stays bounded by a chunk; `series` is then the thinned series, one decision per `thinMs`).
   */
  readonly keepSeries?: boolean;
  /** Thinned series for plots when the series is not kept: one decision per this many ms (default 60 000). */
  readonly thinMs?: number;
  /**
   * Receives the market orders paired from each chunk's trades, and at the end those after the last book row
   * (when the run calibrates from trades): e.g. to count them per reach depth and check the model fitted.
   */
  readonly onMarketOrders?: (orders: MarketOrderColumns) => void;
  /** Also receives every series piece (e.g. to write it out). */
  readonly seriesSink?: (piece: BacktestSeries) => void;
  /**
   * Called after each chunk (progress, per-day tables): its rows and trades, and the account as the replay
   * stands (`BacktestReplay.state`: replayed up to the chunk's last book row).
   */
  readonly onChunk?: (info: {
    readonly chunk: number;
    readonly rows: number;
    readonly trades: number;
    readonly state: ReturnType<BacktestReplay['state']>;
    /** The calibration's pairing of trades with the book so far (`StreamedMarketOrders.soFar`), when it calibrates from trades. */
    readonly pairing?: PairingSoFar;
  }) => void;
}

export interface BacktestStreamResult {
  /** The replay's result; its `series` is the thinned series unless `keepSeries`. */
  readonly result: BacktestResult;
  /** `backtestMetrics` of the whole run (exact: see `StreamedMetrics`). */
  readonly metrics: BacktestMetrics;
  /** Chunks read. */
  readonly chunks: number;
  /** Whether `result.series` is thinned (one decision per `thinMs`) rather than every decision. */
  readonly seriesThinned: boolean;
  /** Wall time of the replay itself, s: reading the chunks and the rolling calibration excluded. */
  readonly replaySec: number;
  /** The pairing of trades with the book over the whole run (its observed time among them), when it calibrated from trades. */
  readonly pairing?: OrderPairing;
}

/**
 * A backtest over chunks read one after another (day partitions of a catalog: `for await` over them), in
 * memory bounded by a chunk and the carried state: the replay (`BacktestReplay`), the rolling calibration
 * when asked (`StreamedRollingCalibration` on `StreamedMarketOrders`) and the metrics (`StreamedMetrics`).
 * Fills, PnL, the series and the metrics equal `runBacktest` on the concatenated tables (with
 * `rollingCalibration` over them when `options.calibration` is given), bit for bit.
 *
 * Books without trades: `midCross` only (the executions the other fill models would infer from the book are
 * not streamed; an error says so).
 * @example
 * const { result, metrics } = await runBacktestStream(catalog.days('okx', 'ETH-USDT', from, to), config, { calibration: { windowSec: 300 } });
 */
export async function runBacktestStream(chunks: AsyncIterable<MarketChunk> | Iterable<MarketChunk>, config: BacktestConfig, options: BacktestStreamOptions = {}): Promise<BacktestStreamResult> {
  const keepSeries = options.keepSeries ?? false;
  const metrics = new StreamedMetrics(options.metricsIntervalSec ?? 60, keepSeries ? 0 : options.thinMs ?? 60_000);
  const userSink = options.seriesSink;
  const sink = keepSeries && !userSink ? undefined : (piece: BacktestSeries) => {
    metrics.sink(piece);
    userSink?.(piece);
  };
  const replay = new BacktestReplay(options.calibration ? { ...config, calibration: undefined } : config, { seriesSink: keepSeries ? undefined : sink, label: 'runBacktestStream' });
  const pairing = options.calibration ? new StreamedMarketOrders(config.tickSize, options.pairing) : undefined;
  let rolling: StreamedRollingCalibration | undefined;
  let withTrades: boolean | undefined;
  let n = 0;
  let replayMs = 0;
  for await (const chunk of chunks) {
    const hasTrades = chunk.trades !== undefined;
    if (withTrades === undefined) withTrades = hasTrades;
    else if (withTrades !== hasTrades) throw new Error(`runBacktestStream: chunk ${n} ${hasTrades ? 'has' : 'has no'} trades, the ones before it ${withTrades ? 'had' : 'had none'}: every chunk needs trades, or none`);
    if (!hasTrades && config.fill !== 'midCross') throw new Error(`runBacktestStream: chunk ${n} has no trades: ${config.fill} would fill on executions inferred from the book, which a streamed run does not infer; give trades or use midCross`);
    let rows;
    if (options.calibration) {
      if (!options.pairTradesOnly) rolling ??= new StreamedRollingCalibration(options.calibration, hasTrades ? config.tickSize : NaN, hasTrades);
      if (hasTrades) {
        const orders = pairing!.feed(chunk.book, chunk.trades, chunk.throughMs);
        options.onMarketOrders?.(orders);
        if (rolling) rows = rolling.feed(chunk.book, orders, pairing!.excludedSoFar());
      } else if (rolling) rows = rolling.feed(chunk.book);
    }
    const fed = performance.now();
    replay.feed(chunk.book, chunk.trades, rows);
    replayMs += performance.now() - fed;
    n++;
    options.onChunk?.({ chunk: n - 1, rows: chunk.book.tsMs.length, trades: chunk.trades?.tsMs.length ?? 0, state: replay.state(), ...(pairing && hasTrades ? { pairing: pairing.soFar() } : {}) });
  }
  let paired: OrderPairing | undefined;
  // the span check and the pairing's errors, as the in-memory calibration would raise them (no rows remain)
  rolling?.finish();
  if (pairing && withTrades) {
    const last = pairing.finish();
    options.onMarketOrders?.(last.orders);
    paired = last.pairing;
  }
  const finishing = performance.now();
  const result = replay.finish();
  const replaySec = (replayMs + performance.now() - finishing) / 1000;
  if (keepSeries) {
    if (userSink && result.series.tMs.length > 0) userSink(result.series);
    return { result, metrics: backtestMetrics(result, metrics.intervalSec), chunks: n, seriesThinned: false, replaySec, ...(paired ? { pairing: paired } : {}) };
  }
  return { result: { ...result, series: metrics.thinned() }, metrics: metrics.metrics(result), chunks: n, seriesThinned: true, replaySec, ...(paired ? { pairing: paired } : {}) };
}
