import { existsSync, writeFileSync } from 'node:fs';
import { inferTickSize, microPrices, midPrices } from '../../data/index.js';
import { loadMarketData } from '../marketData.js';
import {
  EstimationError,
  fitArrivalMle,
  fitArrivalWls,
  marketOrdersFromBook,
  marketOrdersFromTrades,
  previousTickGrid,
  realizedVolatility,
  rollingCalibration,
  twoScaleVolatility,
  type ArrivalEstimate,
  type RollingCalibration,
  type VolatilityEstimate,
} from '../../estimate/index.js';
import { durationOption, formatTable, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';


const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));
const interval = (ci: readonly [number, number]) => `[${fmt(ci[0])}, ${fmt(ci[1])}]`;

function summary(values: Float64Array): { mean: number; min: number; max: number; defined: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let defined = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    defined++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: defined ? sum / defined : NaN, min: defined ? min : NaN, max: defined ? max : NaN, defined };
}

function rollingCsv(r: RollingCalibration): string {
  const cols: Array<[string, ArrayLike<number>]> = [
    ['t_ms', r.tMs],
    ['sigma_price_per_sqrt_s', r.sigmaPricePerSqrtSec],
    ['sigma_log_per_sqrt_s', r.sigmaLogPerSqrtSec],
    ['sigma_ewma_price_per_sqrt_s', r.sigmaEwmaPricePerSqrtSec],
    ['increments', r.increments],
    ['a_ask_per_s', r.aAskPerSec],
    ['a_bid_per_s', r.aBidPerSec],
    ['a_pooled_per_s', r.aPooledPerSec],
    ['k_ask_per_price', r.kAskPerPrice],
    ['k_bid_per_price', r.kBidPerPrice],
    ['k_pooled_per_price', r.kPooledPerPrice],
    ['orders_ask', r.ordersAsk],
    ['orders_bid', r.ordersBid],
  ];
  const lines = [cols.map((c) => c[0]).join(',')];
  for (let i = 0; i < r.tMs.length; i++) lines.push(cols.map(([, a]) => (Number.isNaN(a[i]) ? '' : String(a[i]))).join(','));
  return lines.join('\n') + '\n';
}

export async function runEstimate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      data: { type: 'string' },
      trades: { type: 'string' },
      inst: { type: 'string' },
      window: { type: 'string' },
      step: { type: 'string' },
      grid: { type: 'string' },
      tick: { type: 'string' },
      price: { type: 'string' },
      'rolling-out': { type: 'string' },
      'infer-from-book': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  if (!values.data) throw new UsageError('--data FILE is required (a book table, or a capture holding books and trades)');
  for (const f of [values.data, values.trades]) if (f && !existsSync(f)) throw new UsageError(`no such file: ${f}`);
  const gridMs = durationOption('grid', values.grid, 100) as number;
  const windowMs = durationOption('window', values.window, undefined);
  const stepMs = durationOption('step', values.step, 1000) as number;
  const { format, book, trades, tradesFrom } = await loadMarketData(values.data, values.trades, values.inst);
  const tickFromFile = book.meta.tickSize;
  const tick = numberOption('tick', values.tick, tickFromFile ?? inferTickSize(book), (v) => v > 0);
  const tickSource = values.tick ? 'given' : tickFromFile ? 'from the file' : 'inferred from the book';
  const n = book.tsMs.length;
  if (n < 2) throw new EstimationError(`${values.data}: ${n} book row(s): too few to estimate anything`);
  const durationSec = (book.tsMs[n - 1] - book.tsMs[0]) / 1000;
  if (values.price !== undefined && values.price !== 'mid' && values.price !== 'micro') throw new UsageError('--price must be mid or micro');
  const mid = values.price === 'micro' ? microPrices(book) : midPrices(book);
  const priceGrid = previousTickGrid(book.tsMs, mid, gridMs);
  const logGrid = previousTickGrid(book.tsMs, mid.map(Math.log), gridMs);
  const sigma = {
    realized: { price: realizedVolatility(priceGrid), log: realizedVolatility(logGrid) },
    twoScale: { price: twoScaleVolatility(priceGrid), log: twoScaleVolatility(logGrid) },
  };
  let arrival: { mle: Partial<Record<'ask' | 'bid' | 'pooled', ArrivalEstimate | { error: string }>>; wls?: ArrivalEstimate | { error: string }; orders: number; tradesWithoutBook: number; source: string } | undefined;
  let orders;
  let inferred = false;
  let arrivalError: string | undefined;
  if (trades || values['infer-from-book']) {
    // no trades: executions inferred from touch depletion and price moves (an approximation; see
    // marketOrdersFromBook for its measured biases)
    inferred = !trades;
    try {
      orders = trades ? marketOrdersFromTrades(book, trades, tick) : marketOrdersFromBook(book, tick);
    } catch (error) {
      if (!(error instanceof EstimationError)) throw error;
      arrivalError = error.message;
    }
  }
  if (orders) {
    const attempt = <T>(f: () => T): T | { error: string } => {
      try {
        return f();
      } catch (error) {
        if (error instanceof EstimationError) return { error: error.message };
        throw error;
      }
    };
    const o = orders;
    arrival = {
      mle: { ask: attempt(() => fitArrivalMle(o, durationSec, 'ask')), bid: attempt(() => fitArrivalMle(o, durationSec, 'bid')), pooled: attempt(() => fitArrivalMle(o, durationSec, 'pooled')) },
      wls: attempt(() => fitArrivalWls(o, durationSec, 'pooled')),
      orders: o.tsMs.length,
      tradesWithoutBook: o.tradesWithoutBook,
      source: inferred ? 'inferred from the book (no trades): touch depletion and price moves; A biased up by cancellations, down by executions hidden within one snapshot interval' : 'trades',
    };
  }
  let rolling: RollingCalibration | undefined;
  if (windowMs !== undefined) {
    rolling = rollingCalibration(book, orders, { windowSec: windowMs / 1000, stepSec: stepMs / 1000, gridMs });
    if (values['rolling-out']) writeFileSync(values['rolling-out'], rollingCsv(rolling));
  }
  const rollingSummary = rolling && {
    windowSec: rolling.windowSec,
    stepSec: rolling.stepSec,
    evaluations: rolling.tMs.length,
    sigmaPricePerSqrtSec: summary(rolling.sigmaPricePerSqrtSec),
    aPooledPerSec: summary(rolling.aPooledPerSec),
    kPooledPerPrice: summary(rolling.kPooledPerPrice),
    ...(values['rolling-out'] ? { file: values['rolling-out'] } : {}),
  };
  const instrument = book.meta.instrument ?? 'unknown instrument';
  if (values.json) {
    printJson({ data: values.data, price: values.price ?? 'mid', format, trades: trades ? tradesFrom : null, instrument, durationSec, bookRows: n, tickSize: tick, tickSource, sigma, arrival: arrival ?? (arrivalError ? { error: arrivalError } : null), rolling: rollingSummary ?? null });
    return 0;
  }
  const volRow = (name: string, p: VolatilityEstimate, l: VolatilityEstimate) => [name, fmt(p.sigmaPerSqrtSec), interval(p.ci95), fmt(l.sigmaPerSqrtSec), interval(l.ci95), p.method];
  const lines = [
    `data        ${values.data} (${format}), ${instrument}, ${durationSec.toFixed(1)} s, ${n} book rows${trades ? `, ${trades.tsMs.length} trades from ${tradesFrom}` : ', no trades'}`,
    `tick        ${tick} (${tickSource}); σ of the ${values.price === 'micro' ? 'micro-price (size-weighted mid)' : 'mid'}`,
    '',
    formatTable(['volatility', 'σ price/√s', '95 %', 'σ log/√s', '95 %', 'method'], [volRow('realized', sigma.realized.price, sigma.realized.log), volRow('two-scale', sigma.twoScale.price, sigma.twoScale.log)]),
    '',
  ];
  if (arrival) {
    const rows = [...(['ask', 'bid', 'pooled'] as const).map((s) => ['MLE', s, arrival!.mle[s]] as const), ['WLS', 'pooled', arrival.wls] as const].map(([m, s, e]) =>
      e && 'error' in e ? [m, s, '-', '-', '-', '-', '-', '-', e.error] : [m, s, fmt(e!.aPerSec), interval(e!.aCi95), fmt(e!.kPerPrice), interval(e!.kCi95), fmt(e!.kPerTick, 3), String(e!.orders), e!.method],
    );
    lines.push(
      `arrival λ(δ) = A·exp(−k·δ) from ${arrival.source}: ${arrival.orders} market orders${arrival.tradesWithoutBook ? ` (${arrival.tradesWithoutBook} trades before the first book row dropped)` : ''}; ask quotes are reached by buys, bid quotes by sells`,
      formatTable(['fit', 'side', 'A /s', '95 %', 'k /price', '95 %', 'k /tick', 'orders', 'method'], rows),
    );
  } else {
    lines.push(arrivalError ? `arrival     A and k not estimated: ${arrivalError}` : 'arrival     no trades: A and k not estimated (pass --trades FILE, or --infer-from-book to infer executions from the book, an approximation)');
  }
  if (rollingSummary) {
    const r = rollingSummary;
    lines.push(
      '',
      `rolling     ${r.evaluations} windows of ${r.windowSec} s every ${r.stepSec} s, each from data strictly before its time${values['rolling-out'] ? `; series written to ${values['rolling-out']}` : ''}`,
      `            σ price/√s mean ${fmt(r.sigmaPricePerSqrtSec.mean)} (min ${fmt(r.sigmaPricePerSqrtSec.min)}, max ${fmt(r.sigmaPricePerSqrtSec.max)}); A pooled mean ${fmt(r.aPooledPerSec.mean)} /s; k pooled mean ${fmt(r.kPooledPerPrice.mean)} /price (${r.kPooledPerPrice.defined} windows defined)`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
