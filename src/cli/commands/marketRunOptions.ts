/**
 * The options `asmm backtest` and `asmm calibrate` share: the market data (a file or a catalog range), the fill
 * model, the latencies, the costs and limits, the contract value and the output. Each command adds its own
 * (the strategy's parameters; the grid, windows and workers).
 */
export const MARKET_RUN_OPTIONS = {
  data: { type: 'string' },
  trades: { type: 'string' },
  inst: { type: 'string' },
  strategy: { type: 'string' },
  fill: { type: 'string' },
  'queue-model': { type: 'string' },
  window: { type: 'string' },
  'feed-latency': { type: 'string' },
  'entry-latency': { type: 'string' },
  'cancel-latency': { type: 'string' },
  'latency-seed': { type: 'string' },
  'maker-fee': { type: 'string' },
  'taker-fee': { type: 'string' },
  'max-position': { type: 'string' },
  'contract-value': { type: 'string' },
  report: { type: 'string' },
  catalog: { type: 'string' },
  venue: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
} as const;
