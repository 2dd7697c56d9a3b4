import { existsSync, writeFileSync } from 'node:fs';
import { microPrices, midPrices } from '../../data/index.js';
import { givenOrFileTick, loadMarketData } from '../marketData.js';
import {
  arrivalReport,
  describeDepthRange,
  EstimationError,
  isFit,
  marketOrdersFromBook,
  marketOrdersFromTrades,
  previousTickGrid,
  realizedVolatility,
  rollingCalibration,
  parseDepthRange,
  sparseGridWarning,
  twoScaleVolatility,
  type ArrivalReport,
  type DepthRange,
  type FitOrError,
  type RollingCalibration,
  type VolatilityEstimate,
} from '../../estimate/index.js';
import { durationOption, formatTable, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';
import { DEFAULT_MAX_STALENESS_MS, rowsWithoutPrice, staleStretches, UnpairedTradesError } from '../../estimate/marketOrders.js';
import { maskedDurationMs, mergeMasks } from '../../data/masks.js';
import { observationJson, observationLines, observationReport } from '../../estimate/observation.js';


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

/** Windows of a rolling calibration that lose time to masked or stale intervals: partly, and entirely. */
function windowsObserved(r: RollingCalibration): { windowsPartlyMasked: number; windowsEntirelyMasked: number } {
  let partly = 0;
  let entirely = 0;
  // observedSec is the window less its excluded time, a difference of prefix sums: allow a rounding error
  const full = r.windowSec * (1 - 1e-9);
  for (const s of r.observedSec) {
    if (!(s > 0)) entirely++;
    else if (s < full) partly++;
  }
  return { windowsPartlyMasked: partly, windowsEntirelyMasked: entirely };
}

function rollingCsv(r: RollingCalibration): string {
  const cols: Array<[string, ArrayLike<number>]> = [
    ['t_ms', r.tMs],
    ['sigma_price_per_sqrt_s', r.sigmaPricePerSqrtSec],
    ['sigma_log_per_sqrt_s', r.sigmaLogPerSqrtSec],
    ['sigma_ewma_price_per_sqrt_s', r.sigmaEwmaPricePerSqrtSec],
    ['increments', r.increments],
    // the T of the window's A: a window partly or entirely masked (gaps, stale stretches) is not a quiet one
    ['observed_s', r.observedSec],
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

/** The arrival fits, their per-depth check and warnings, for --json (every depth 0..d1 of each side). */
function arrivalJson(arrival: { report: ArrivalReport; orders: number; tradesWithoutBook: number; source: string }) {
  const { report } = arrival;
  const side = (s: 'ask' | 'bid' | 'pooled') => {
    const r = report.sides[s];
    const check = (c: typeof r.mleCheck) => (c ? { gof: c.gof, rows: c.rows } : null);
    return { mle: r.mle, wls: r.wls, mleCheck: check(r.mleCheck), wlsCheck: check(r.wlsCheck), agreement: r.agreement ?? null, warnings: r.warnings };
  };
  const sides = { ask: side('ask'), bid: side('bid'), pooled: side('pooled') };
  return {
    depths: { ...report.depths, definition: 'δ = ticks past the touch; an order reaching j ticks past the touch fills quotes at depths 0..j; λ(δ) = rate of orders reaching δ or more' },
    mle: { ask: sides.ask.mle, bid: sides.bid.mle, pooled: sides.pooled.mle },
    wls: { ask: sides.ask.wls, bid: sides.bid.wls, pooled: sides.pooled.wls },
    bySide: sides,
    warnings: report.warnings,
    orders: arrival.orders,
    tradesWithoutBook: arrival.tradesWithoutBook,
    source: arrival.source,
  };
}

/** Depths shown in the text table: every tick to d0 + 10, then about 8 steps to d1 (always d1). */
function shownDepths(range: DepthRange): number[] {
  const dense = Math.min(range.toTicks, range.fromTicks + 10);
  const out = Array.from({ length: dense + 1 }, (_, j) => j);
  const step = Math.max(1, Math.round((range.toTicks - dense) / 8));
  for (let j = dense + step; j < range.toTicks; j += step) out.push(j);
  if (out[out.length - 1] !== range.toTicks) out.push(range.toTicks);
  return out;
}

/** The arrival fits as text: A, k per side and fit, observed against fitted λ per depth, the goodness of fit, warnings. */
function arrivalText(report: ArrivalReport): string[] {
  const sides = ['ask', 'bid', 'pooled'] as const;
  const fitRow = (m: string, s: string, e: FitOrError) =>
    isFit(e) ? [m, s, fmt(e.aPerSec), interval(e.aCi95), fmt(e.kPerPrice), interval(e.kCi95), fmt(e.kPerTick, 3), `${e.ordersUsed} of ${e.orders}`, e.method] : [m, s, '-', '-', '-', '-', '-', '-', e.error];
  const rows = sides.flatMap((s) => [fitRow('MLE', s, report.sides[s].mle), fitRow('WLS', s, report.sides[s].wls)]);
  const range = report.depths;
  const rate = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
  const depthRows = shownDepths(range).map((j) => {
    const cells: string[] = [`${j === 0 ? 'touch' : `+${j}`}${j >= range.fromTicks && j <= range.toTicks ? ' *' : ''}`];
    for (const s of ['ask', 'bid'] as const) {
      const r = report.sides[s];
      cells.push(String(r.byDepth.reaching[j]), rate(r.byDepth.perSec[j]), rate(r.mleCheck?.rows[j]?.fittedPerSec), rate(r.wlsCheck?.rows[j]?.fittedPerSec));
    }
    return cells;
  });
  const gofText = (label: string, c: ArrivalReport['sides']['ask']['mleCheck']) =>
    !c
      ? `${label} not fitted`
      : !c.gof.tested
        ? `${label} not tested: too few depth bins for a χ² test (${c.gof.cells} of ≥ 5 expected orders; 3 needed)`
        : `${label} χ² ${fmt(c.gof.statistic, 3)} on ${c.gof.df} df, p = ${c.gof.pValue.toPrecision(2)}: ${c.gof.passes ? 'passes' : 'FAILS'}`;
  return [
    `            δ = ticks past the touch (an order reaching j ticks past it fills quotes at depths 0..j; λ(δ) = rate of orders reaching δ or more); both fits use the orders reaching ${range.fromTicks} and depths ${describeDepthRange(range)} (--depths d0..d1); A = λ at the touch of the fitted exponential`,
    formatTable(['fit', 'side', 'A /s', '95 %', 'k /price', '95 %', 'k /tick', 'orders used', 'method'], rows),
    '',
    `observed against fitted λ(δ), orders/s reaching δ ticks past the touch (* = fitted depths; n = orders reaching δ)`,
    formatTable(['depth', 'ask n', 'ask obs/s', 'ask MLE/s', 'ask WLS/s', 'bid n', 'bid obs/s', 'bid MLE/s', 'bid WLS/s'], depthRows),
    `goodness of fit over ${describeDepthRange(range)} (Pearson χ² of the orders per reach depth, cells pooled to ≥ 5 expected, df = cells − 2; fails at p < 0.01):`,
    ...sides.map((s) => `  ${s.padEnd(6)} ${gofText('MLE', report.sides[s].mleCheck)}; ${gofText('WLS', report.sides[s].wlsCheck)}${report.sides[s].agreement ? `; MLE and WLS ${report.sides[s].agreement!.agree ? 'agree' : 'DISAGREE'} (95 % intervals of A and k ${report.sides[s].agreement!.agree ? 'overlap' : 'do not both overlap'})` : ''}`),
    ...(['ask', 'bid'] as const).flatMap((s) => {
      // outside the fitted depths the fit is not judged, but a user quoting there should see how far it is off
      const outside = (report.sides[s].mleCheck?.rows ?? []).filter((r) => !r.inRange && r.observedPerSec > 0);
      const worst = outside.reduce<(typeof outside)[number] | undefined>((w, r) => (!w || Math.abs(Math.log(r.ratio)) > Math.abs(Math.log(w.ratio)) ? r : w), undefined);
      return worst && Math.abs(Math.log(worst.ratio)) > Math.log(1.2)
        ? [`note        ${s}: outside the fitted depths the MLE's λ is ${fmt(worst.ratio, 3)}× the observed rate at ${worst.depthTicks === 0 ? 'the touch' : `+${worst.depthTicks}`} (${fmt(worst.fittedPerSec, 3)} against ${fmt(worst.observedPerSec, 3)}/s): quotes there are not described by this fit`]
        : [];
    }),
    ...report.warnings.map((w) => `WARNING arrival ${w}`),
  ];
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
      'max-staleness': { type: 'string' },
      depths: { type: 'string' },
      json: { type: 'boolean' },
      catalog: { type: 'string' },
      venue: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
    { min: 0, max: 0 },
  );
  if (values.catalog !== undefined && values.data !== undefined) throw new UsageError('give --data FILE or --catalog DIR, not both');
  if (values.catalog === undefined) {
    for (const flag of ['venue', 'from', 'to'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --catalog DIR`);
  }
  if (!values.data && values.catalog === undefined) throw new UsageError('--data FILE (a book table, or a capture holding books and trades) or --catalog DIR --inst ID is required');
  for (const f of [values.data, values.trades]) if (f && !existsSync(f)) throw new UsageError(`no such file: ${f}`);
  const gridMs = durationOption('grid', values.grid, 100) as number;
  const windowMs = durationOption('window', values.window, undefined);
  const stepMs = durationOption('step', values.step, 1000) as number;
  const maxStalenessMs = durationOption('max-staleness', values['max-staleness'], DEFAULT_MAX_STALENESS_MS) as number;
  let depths: DepthRange | undefined;
  try {
    depths = values.depths === undefined ? undefined : parseDepthRange(values.depths);
  } catch (error) {
    throw new UsageError(`--depths: ${(error as Error).message}`);
  }
  if (values.catalog !== undefined) {
    // the streamed estimate gives σ realized and the MLE; what needs all the data at once is refused, not dropped
    for (const flag of ['trades', 'window', 'step', 'rolling-out', 'infer-from-book'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} does not go with --catalog (${flag === 'trades' ? 'the trades come from the catalog' : 'not streamed'})`);
    if (values.price !== undefined && values.price !== 'mid') throw new UsageError('--catalog estimates σ of the mid only: leave out --price');
    const { estimateCatalog } = await import('./estimateCatalog.js');
    return estimateCatalog(values, { gridMs, maxStalenessMs, ...(depths ? { depths } : {}) });
  }
  // the rolling windows are computed only with --window: their step and their file would be dropped without a word
  for (const flag of ['rolling-out', 'step'] as const) if (values[flag] !== undefined && values.window === undefined) throw new UsageError(`--${flag} goes with --window (the rolling windows: none are computed without it), e.g. --window 300s`);
  const { format, book, trades, tradesFrom } = await loadMarketData(values.data as string, values.trades, values.inst, {}, { maxStalenessMs, purpose: 'an estimate' });
  const tickFromFile = book.meta.tickSize;
  const { tickSize: tick, warning: tickWarning } = givenOrFileTick(book, values.data as string, values.tick);
  const tickSource = values.tick ? 'given' : tickFromFile ? 'from the file' : 'inferred from the book';
  const n = book.tsMs.length;
  const durationSec = (book.tsMs[n - 1] - book.tsMs[0]) / 1000;
  if (values.price !== undefined && values.price !== 'mid' && values.price !== 'micro') throw new UsageError('--price must be mid or micro');
  const mid = values.price === 'micro' ? microPrices(book) : midPrices(book);
  // increments overlapping the book's masked intervals are left out (and counted), and so are those across a
  // stretch where the book is stale (no row for more than --max-staleness): the price carried through a book
  // that stopped is no flat price, and counting its time would shrink σ
  const bookStale = staleStretches(book.tsMs, maxStalenessMs, mid);
  const bookStaleMs = maskedDurationMs(bookStale);
  const sigmaMasks = mergeMasks(book.masked, bookStale);
  const priceGrid = previousTickGrid(book.tsMs, mid, gridMs, sigmaMasks);
  const logGrid = previousTickGrid(book.tsMs, mid.map(Math.log), gridMs, sigmaMasks);
  let sigma;
  try {
    sigma = {
      realized: { price: realizedVolatility(priceGrid), log: realizedVolatility(logGrid) },
      twoScale: { price: twoScaleVolatility(priceGrid), log: twoScaleVolatility(logGrid) },
    };
  } catch (error) {
    // too little left: say which file and how much of it there is, and when the stale stretches took it (a
    // limit below the book's own row interval)
    if (!(error instanceof EstimationError)) throw error;
    const rows = `${values.data}: ${n} book rows over ${durationSec.toFixed(1)} s: too few for σ (${error.message})`;
    if (bookStale.length === 0) throw new EstimationError(rows);
    throw new EstimationError(
      `${rows}: the book is stale (no row for more than ${maxStalenessMs} ms) in ${bookStale.length} stretch${bookStale.length === 1 ? '' : 'es'}, ` +
        `${(bookStaleMs / 1000).toFixed(1)} s of ${durationSec.toFixed(1)} s; is --max-staleness below the interval of the book's rows?`,
    );
  }
  let arrival: { report: ArrivalReport; orders: number; tradesWithoutBook: number; source: string } | undefined;
  let orders;
  let inferred = false;
  let arrivalError: string | undefined;
  if (trades || values['infer-from-book']) {
    // no trades: executions inferred from touch depletion and price moves (an approximation; see
    // marketOrdersFromBook for its measured biases)
    inferred = !trades;
    try {
      orders = trades ? marketOrdersFromTrades(book, trades, tick, { maxStalenessMs, label: `trades ${tradesFrom} against book ${values.data}` }) : marketOrdersFromBook(book, tick);
    } catch (error) {
      // trades that mostly do not belong to the book are an error, not a missing estimate
      if (!(error instanceof EstimationError) || error instanceof UnpairedTradesError) throw error;
      arrivalError = error.message;
    }
  }
  if (orders) {
    const o = orders;
    // MLE and WLS per side over the same depths and orders, each checked against the observed rates per depth
    arrival = {
      // T: the time the orders were observed in (the book's span net of masked and stale stretches)
      report: arrivalReport(o, o.observedMs > 0 ? o.observedMs / 1000 : durationSec, { depths }),
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
    ...windowsObserved(rolling),
    sigmaPricePerSqrtSec: summary(rolling.sigmaPricePerSqrtSec),
    aPooledPerSec: summary(rolling.aPooledPerSec),
    kPooledPerPrice: summary(rolling.kPooledPerPrice),
    ...(values['rolling-out'] ? { file: values['rolling-out'] } : {}),
  };
  const instrument = book.meta.instrument ?? values.inst ?? 'unknown instrument';
  const observation = observationReport(book, trades, sigma.realized.price, orders, { stretches: bookStale.length, ms: bookStaleMs, maxStalenessMs, rowsWithoutPrice: rowsWithoutPrice(mid) });
  // σ = 0 with an interval of [0, 0] says "known to be flat", while it only says no usable increment moved
  const flat = sigma.realized.price.sigmaPerSqrtSec === 0 ? `σ is 0: the price did not move in any of the ${sigma.realized.price.increments} usable ${gridMs} ms increments, so there is no estimate of σ (the [0, 0] interval is no interval); a longer or livelier stretch of data is needed` : undefined;
  // a grid finer than the book's rows: σ is unbiased but its interval counts carried-over prices as observed
  const gridWarning = sparseGridWarning(book.tsMs, gridMs);
  if (values.json) {
    printJson({ data: values.data, price: values.price ?? 'mid', format, trades: trades ? tradesFrom : null, instrument, durationSec, bookRows: n, tickSize: tick, tickSource, tickWarning: tickWarning ?? null, ...observationJson(observation), sigma, sigmaWarning: flat ?? null, gridWarning: gridWarning ?? null, arrival: arrival ? arrivalJson(arrival) : arrivalError ? { error: arrivalError } : null, rolling: rollingSummary ?? null });
    return 0;
  }
  const volRow = (name: string, p: VolatilityEstimate, l: VolatilityEstimate) => [name, fmt(p.sigmaPerSqrtSec), interval(p.ci95), fmt(l.sigmaPerSqrtSec), interval(l.ci95), p.method];
  const lines = [
    `data        ${values.data} (${format}), ${instrument}, ${durationSec.toFixed(1)} s, ${n} book rows${trades ? `, ${trades.tsMs.length} trades from ${tradesFrom}` : ', no trades'}`,
    `tick        ${tick} (${tickSource}); σ of the ${values.price === 'micro' ? 'micro-price (size-weighted mid)' : 'mid'}`,
    ...observationLines(observation, inferred),
    '',
    formatTable(['volatility', 'σ price/√s', '95 %', 'σ log/√s', '95 %', 'method'], [volRow('realized', sigma.realized.price, sigma.realized.log), volRow('two-scale', sigma.twoScale.price, sigma.twoScale.log)]),
    ...(flat ? [`WARNING     ${flat}`] : []),
    ...(gridWarning ? [`WARNING     ${gridWarning}`] : []),
    '',
  ];
  if (arrival) {
    lines.push(
      `arrival λ(δ) = A·exp(−k·δ) from ${arrival.source}: ${arrival.orders} market orders${arrival.tradesWithoutBook ? ` (${arrival.tradesWithoutBook} trades before the first book row dropped)` : ''}; ask quotes are reached by buys, bid quotes by sells`,
      ...arrivalText(arrival.report),
    );
  } else {
    lines.push(arrivalError ? `arrival     A and k not estimated: ${arrivalError}` : 'arrival     no trades: A and k not estimated (pass --trades FILE, or --infer-from-book to infer executions from the book, an approximation)');
  }
  if (rollingSummary) {
    const r = rollingSummary;
    lines.push(
      '',
      `rolling     ${r.evaluations} windows of ${r.windowSec} s every ${r.stepSec} s, each from data strictly before its time${values['rolling-out'] ? `; series written to ${values['rolling-out']}` : ''}`,
      ...(r.windowsPartlyMasked + r.windowsEntirelyMasked > 0
        ? [`            ${r.windowsPartlyMasked + r.windowsEntirelyMasked} of ${r.evaluations} windows lose time to masked or stale intervals, ${r.windowsEntirelyMasked} all of it (no A or k there); A is over each window's observed time (observed_s in the series)`]
        : []),
      `            σ price/√s mean ${fmt(r.sigmaPricePerSqrtSec.mean)} (min ${fmt(r.sigmaPricePerSqrtSec.min)}, max ${fmt(r.sigmaPricePerSqrtSec.max)}); A pooled mean ${fmt(r.aPooledPerSec.mean)} /s; k pooled mean ${fmt(r.kPooledPerPrice.mean)} /price (${r.kPooledPerPrice.defined} windows defined)`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
