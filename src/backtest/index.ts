export { asInfiniteStrategy, asStrategy, glftStrategy, symmetricStrategy, type MutableQuotes, type QuoteContext, type Strategy } from './strategy.js';
export { createStrategy, isStrategyName, STRATEGIES, STRATEGY_NAMES, type StrategyEntry, type StrategyName, type StrategyParams } from './strategies.js';
export { BacktestReplay, FILL_CAUSES, runBacktest, type BacktestReplayOptions, type CalibrationRows, type BacktestConfig, type FillCause, type BacktestResult, type BacktestSeries, type FillModel, type Fills } from './engine.js';
export { backtestExecutions, inferredFillsNote, INFERRED_ARRIVALS_NOTE, type BacktestExecutions } from './executions.js';
export { backtestMetrics, quotePlacement, type BacktestMetrics, type QuotePlacement } from './metrics.js';
export { runSeedCompat, runSeedCompatRows, seedCompatSummary, SeedCompatSummarizer, type SeedCompatOptions, type SeedCompatResult, type SeedCompatRow, type SeedCompatRun, type SeedCompatSink, type SeedCompatSummary } from './seedCompat.js';
export { describeLatency, feedArrivalTimes, latencySampler, minLatencyMs, recordedFeedLatencySamples, type FeedLatencySpec, type LatencySpec, type SampledLatency } from './latency.js';
export { runBacktestStream, type BacktestStreamOptions, type BacktestStreamResult, type MarketChunk } from './stream.js';
export { StreamedMetrics } from './streamedMetrics.js';
