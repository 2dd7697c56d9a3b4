import type { CommandSpec } from '../command.js';

/**
 * Every `asmm` subcommand: its synopsis here, its code loaded only when run (so `asmm sample` does not pay
 * for Chromium or Jupyter modules). Later issues add their commands here.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'sample',
    summary: 'generate the offline sample market (CSV and Arrow) from its documented model, or N days of it straight into a catalog',
    usage: 'asmm sample [--hours H] [--seed S] [--out DIR] [--interval-ms MS] [--arrival-rate A] [--json] | asmm sample --days N --catalog DIR [--seed S] [--interval-ms MS] [--arrival-rate A] [--replace] [--json]',
    load: async () => (await import('./sample.js')).runSample,
  },
  {
    name: 'inspect',
    summary: 'detect a data file\'s format (any supported) and print rows, time span, levels, instrument and row intervals',
    usage: 'asmm inspect FILE [--depth N] [--every 100ms (default: every row)] [--json]',
    load: async () => (await import('./inspect.js')).runInspect,
  },
  {
    name: 'convert',
    summary: 'convert any supported file (asmm CSV/Arrow, reference CSV, Tardis CSV, OKX/Binance raw captures) to asmm CSV or Arrow',
    usage: 'asmm convert FILE --to arrow|csv OUT [--inst ID] [--depth N] [--every 100ms (default: every row)] [--json]',
    load: async () => (await import('./convert.js')).runConvert,
  },
  {
    name: 'record',
    summary: 'record OKX v5 public channels: raw NDJSON plus normalized CSV tables, reconnecting, with gap records',
    usage: 'asmm record --inst ETH-USDT[,BTC-USDT] [--channels books5,trades] [--duration 1h (default: until Ctrl-C)] [--out data/raw] [--url URL] [--depth 5] [--rotate-mb 256] [--no-hourly] [--ack-timeout 5s] [--ping-after 20s] [--pong-timeout 10s] [--progress-every 10s (1s on a terminal)] [--json]',
    load: async () => (await import('./record.js')).runRecord,
  },
  {
    name: 'fake-exchange',
    summary: 'run the fake OKX v5 exchange on 127.0.0.1 (generated books/books5/trades, injectable faults) to try asmm record offline',
    usage: 'asmm fake-exchange [--port 0] [--inst ETH-USDT] [--faults close@800,notice@2400] [--interval-ms 5] [--steps N] [--lifetime 10m] [--checksums real|zero] [--clock wall|simulated] [--json]',
    load: async () => (await import('./fakeExchange.js')).runFakeExchange,
  },
  {
    name: 'download',
    summary: "download OKX's daily history (order books, trades) with resume (HTTP Range), retries, integrity checks and one line per missing day; Ctrl-C keeps .partial files and the same command resumes them",
    usage: 'asmm download okx --inst BTC-USDT[,ETH-USDT-SWAP] --from YYYY-MM-DD [--to YYYY-MM-DD] [--kind books,trades] [--out data/okx-history] [--base-url URL] [--concurrency 2] [--retries 5] [--timeout 30s] [--backoff 500ms] [--backoff-max 30s] [--quiet] [--json]   (Ctrl-C: the .partial files stay; the same command resumes them)',
    load: async () => (await import('./download.js')).runDownload,
  },
  {
    name: 'catalog',
    summary: 'the Parquet catalog: import any supported file or OKX history day, list it, query it with SQL (DuckDB)',
    usage: 'asmm catalog import FILE|DIR [--catalog DIR] [--venue V (default: the data\'s own; needed for asmm CSV/Arrow and the reference CSV)] [--inst ID] [--levels 5] [--contract-value X] [--replace] [--json] | catalog ls [--catalog DIR] [--json] | catalog query "select …" [--catalog DIR] [--json|--csv]',
    load: async () => (await import('./catalog.js')).runCatalog,
  },
  {
    name: 'estimate',
    summary: 'estimate σ (price and log units, realized and noise-robust) and λ(δ) = A·exp(−k·δ) per side and pooled over stated depths past the touch, with 95 % intervals, observed against fitted rates per depth and a goodness-of-fit check; rolling windows',
    usage: 'asmm estimate --data FILE [--trades FILE] [--inst ID] [--window 300s (rolling σ, A, k; none without it) [--step 1s] [--rolling-out FILE.csv]] [--grid 100ms] [--price mid|micro] [--tick T] [--infer-from-book] [--depths 5..50] [--max-staleness 5s] [--json] | asmm estimate --catalog DIR --inst ID [--venue V] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--grid 100ms] [--tick T] [--depths 5..50] [--max-staleness 5s] [--json]',
    load: async () => (await import('./estimate.js')).runEstimate,
  },
  {
    name: 'worker',
    summary: 'run calibration jobs from Redis (BullMQ) in sandboxed processes, one per core; SIGTERM finishes or releases the running job',
    usage: 'asmm worker --redis redis://HOST:6379 [--concurrency N] [--lock 30s] [--quiet]',
    load: async () => (await import('./worker.js')).runWorker,
  },
  {
    name: 'cluster',
    summary: 'a distributed calibration on this machine in one command: Redis, N workers and calibrate --redis on the sample (or your files), then everything stopped',
    usage: 'asmm cluster [--workers 3] [--data FILE [--trades FILE]] [--grid "gamma=0.01,0.1;size=0.01,0.05"] [--windows 3] [--report FILE.html] [--json]',
    load: async () => (await import('./cluster.js')).runCluster,
  },
  {
    name: 'backtest',
    summary: 'backtest a market maker (AS, infinite-horizon AS, GLFT, symmetric) on recorded books and trades; metrics and an HTML report',
    usage: 'asmm backtest --data FILE [--trades FILE] [--inst ID] [--strategy as|as-infinite|glft|symmetric] [--gamma 0.1] [--horizon 600s (as)] [--q-max 10 (as-infinite, glft; orders)] [--half-spread PX (symmetric; default 5 ticks)] [--fill queue|tradeThrough|midCross [--queue-model power|power:N|power2|power3|log|log2|riskAverse|optimistic|orderCount]] [--size 0.01] [--refresh 0] [--tick T] [--lot L] [--feed-latency 0|50ms|20ms,80ms,300ms|recorded [--local-clock-offset auto|1280ms]] [--entry-latency 0|20ms|20ms,50ms|file:PATH] [--cancel-latency …] [--latency-seed 1] [--maker-fee F] [--taker-fee F] [--max-position X] [--refresh-tolerance TICKS] [--max-order-age 30s (default: none)] [--min-spread PX] [--inventory-target Q] [--levels N [--level-spacing TICKS]] [--depth top|full [--no-partial-fills]] [--window 300s] [--contract-value X] [--report FILE.html] [--png DIR] [--seed-compat [--window-rows 200] [--initial-inventory 0] [--initial-cash 0]] [--json] | asmm backtest --catalog DIR --inst ID [--venue V] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--depth full] [same strategy, fill and latency options] [--json]',
    load: async () => (await import('./backtest.js')).runBacktestCommand,
  },
  {
    name: 'calibrate',
    summary: 'sweep strategy parameters over a grid on consecutive windows in worker threads, then walk forward (fit on window i, evaluate on i + 1)',
    usage: 'asmm calibrate --data FILE [--trades FILE] [--inst ID] --grid "gamma=0.01,0.1,1;size=0.01,0.05;refresh=0,1000;queue-model=power:2,log2" [--strategy as|as-infinite|glft|symmetric] [--fill queue [--queue-model power:2]] [--windows 4] [--metric pnl|sharpePerDay] [--feed-latency 0|50ms|20ms,80ms|recorded] [--entry-latency 0|20ms|file:PATH] [--cancel-latency …] [--latency-seed 1] [--maker-fee F] [--taker-fee F] [--max-position X] [--window 300s] [--tick T] [--lot L] [--contract-value X] [--workers N] [--report FILE.html] [--redis redis://HOST:6379 [--attempts 3] [--attach RUN_ID]] [--json] | asmm calibrate --catalog DIR --inst ID [--venue V] [--from YYYY-MM-DD] [--to YYYY-MM-DD] --refit daily [--trailing-days 1] --grid … [same strategy, fill, metric and latency options] [--tick T] [--lot L] [--contract-value X] [--json]',
    load: async () => (await import('./calibrate.js')).runCalibrate,
  },
  {
    name: 'grade-fills',
    summary: 'grade every fill model against markets simulated order by order (Cont-Stoikov-Talreja), where each order\'s true fill is known: fill-rate bias, early and missed fills, PnL bias, over seeds',
    usage: 'asmm grade-fills [--seeds 1,2,3,4,5] [--duration 30m] [--cancel-rate 0.5] [--market-rate 0.94] [--book-delay 0.001ms|0|1ms (depth rows after their trades; 0: stamped with their trades\' time)] [--json]',
    load: async () => (await import('./gradeFills.js')).runGradeFills,
  },
  {
    name: 'simulate',
    summary: 'Monte-Carlo of the AS (2008) market maker against the symmetric benchmark, beside the published table',
    usage: 'asmm simulate [--paths 1000] [--gamma 0.01,0.1,1] [--seed S] [--fill linear|poisson] [--symmetric-spread average|timeVarying|constantTerm] [--compare journal|preprint|none] [--json]',
    load: async () => (await import('./simulate.js')).runSimulate,
  },
  {
    name: 'report',
    summary: 'the main job (npm start): generate the sample if absent, execute every notebook, write reports/',
    usage: 'asmm report [--out DIR] [--only SUBSTRING] [--json]',
    load: async () => (await import('./report.js')).runReport,
  },
  {
    name: 'check',
    summary: 'the whole check (npm test): tsc, vitest, then every notebook executed headless',
    usage: 'asmm check [--no-notebooks] [--json] [VITEST_FILTER...]',
    load: async () => (await import('./check.js')).runCheck,
  },
  {
    name: 'lab',
    summary: 'start the classic Jupyter notebook server on 127.0.0.1 with the project\'s tslab kernel as default',
    usage: 'asmm lab [--port P]',
    load: async () => (await import('./lab.js')).runLab,
  },
  {
    name: 'bench',
    summary: 'run the benchmarks in bench/ (ratios measured side by side in one run)',
    usage: 'asmm bench [NAME_SUBSTRING]',
    load: async () => (await import('./bench.js')).runBench,
  },
];
