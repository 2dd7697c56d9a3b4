import { catalogRangeTick } from '../marketData.js';
import { sparseGridWarning, StreamedEstimate, type ArrivalFitCheck, type DepthRange, type StreamedEstimateResult } from '../../estimate/index.js';
import { bookStaleWarning, rowsWithoutPriceLine } from '../../estimate/observation.js';
import { openCatalogMarket, UnpairedTradesWarning } from '../catalogMarket.js';
import { formatTable, numberOption, printJson, noteLine } from '../command.js';
import { DayRangeInterrupt, INTERRUPTED_EXIT_CODE } from '../interrupt.js';

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

/** What the streamed estimate does not give (it needs every increment or order at once), said in the output. */
export const NOT_STREAMED = 'not streamed over a catalog range (they need every increment or order at once): the two-scale σ, the WLS fit (and its agreement with the MLE), the rolling windows; use asmm estimate --data on one day for them';

/**
 * `asmm estimate --catalog DIR --inst ID [--venue V] [--from D1] [--to D2]`: σ (realized, price and log) and the
 * arrival MLE per side, streamed over the catalog's day partitions (`StreamedEstimate`: one day in memory, the
 * grid point in force and the trade pairing carried across midnight), equal to `asmm estimate --data` on the
 * same days put together (the same sums in the same order; the MLE from integer counts per reach depth).
 */
export async function estimateCatalog(values: Record<string, string | boolean | undefined>, o: { gridMs: number; maxStalenessMs: number; depths?: DepthRange }): Promise<number> {
  const { catalog, range, meta, notes, days, rangeDates } = await openCatalogMarket(values, { maxStalenessMs: o.maxStalenessMs });
  try {
    const perDay: Array<{ date: string; bookRows: number; trades: number; unpairedTradesSoFar: number | null }> = [];
    const unpairedWarning = new UnpairedTradesWarning();
    let est: StreamedEstimate | undefined;
    let tick = NaN;
    let tickSource = '';
    let firstMs = NaN;
    let gridWarning: string | undefined;
    let lastMs = NaN;
    // Ctrl-C: the days read so far give the estimates (said to be partial, exit 130)
    const interrupt = new DayRangeInterrupt('the estimate', rangeDates);
    for await (const day of interrupt.days(days)) {
      if (!est) {
        const dayTick = catalogRangeTick(day.book, meta?.tickSize, values.tick as string | undefined, range.instrument);
        tick = dayTick.tickSize;
        tickSource = dayTick.source;
        const tickWarning = dayTick.warning;
        if (tickWarning) notes.unshift(`WARNING ${tickWarning}`);
        est = new StreamedEstimate(tick, { gridMs: o.gridMs, ...(o.depths ? { depths: o.depths } : {}), pairing: { maxStalenessMs: o.maxStalenessMs } });
        firstMs = day.book.tsMs[0];
        // the first day's rows against σ's grid (see sparseGridWarning)
        gridWarning = sparseGridWarning(day.book.tsMs, o.gridMs);
      }
      est.feed(day.book, day.trades, day.throughMs);
      const n = day.book.tsMs.length;
      if (n > 0) lastMs = day.book.tsMs[n - 1];
      if (Number.isNaN(firstMs) && n > 0) firstMs = day.book.tsMs[0];
      const pairingSoFar = est.pairingSoFar();
      perDay.push({ date: day.date, bookRows: n, trades: day.trades?.tsMs.length ?? 0, unpairedTradesSoFar: pairingSoFar?.unpaired ?? null });
      if (!values.json) process.stderr.write(`  ${day.date}: ${n} book rows, ${day.trades?.tsMs.length ?? 0} trades\n`);
      unpairedWarning.after(day.date, pairingSoFar);
    }
    const cutShort = interrupt.cutShort;
    if (cutShort) notes.unshift(interrupt.note()!);
    if (!est) throw new Error('openCatalogMarket gave a range without a day');
    const r: StreamedEstimateResult = est.finish();
    const durationSec = (lastMs - firstMs) / 1000;
    const dates = `${perDay[0].date}..${perDay[perDay.length - 1].date}`;
    const arrival = r.arrival && {
      mle: r.arrival,
      wls: null,
      // the MLE per side against the observed rates per reach depth (the counts stream): its χ² and warnings
      checks: Object.fromEntries((['ask', 'bid', 'pooled'] as const).map((s) => [s, r.arrivalChecks?.[s] ? { gof: r.arrivalChecks[s]!.gof, rows: r.arrivalChecks[s]!.rows } : null])),
      warnings: r.arrivalWarnings ?? [],
      reachCounts: r.reachCounts,
      orders: r.reachCounts ? [...r.reachCounts.ask, ...r.reachCounts.bid].reduce((a, c) => a + c, 0) : 0,
      source: 'trades',
      pairing: r.pairing,
    };
    // σ = 0 with an interval of [0, 0] says "known to be flat", while it only says no usable increment moved
    const flat = r.realized.price.sigmaPerSqrtSec === 0 ? `σ is 0: the price did not move in any of the ${r.realized.price.increments} usable ${o.gridMs} ms increments, so there is no estimate of σ (the [0, 0] interval is no interval)` : undefined;
    // one day in memory at a time: the peak stays that of the largest day whatever the number of days
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    if (values.json) {
      printJson({ catalog: range.root, venue: range.venue, instrument: range.instrument, ...(cutShort ? { interrupted: true } : {}), from: perDay[0].date, to: perDay[perDay.length - 1].date, days: perDay, price: 'mid', durationSec, bookRows: r.rows, trades: r.trades, tickSize: tick, tickSource, sigma: { realized: r.realized, twoScale: null }, sigmaWarning: flat ?? null, gridWarning: gridWarning ?? null, bookStale: r.bookStale, arrival: arrival ?? null, rolling: null, peakRssMb, notes: [...notes, NOT_STREAMED] });
      return cutShort ? INTERRUPTED_EXIT_CODE : 0;
    }
    const vol = r.realized;
    const gofText = (c: ArrivalFitCheck | undefined) =>
      !c ? 'MLE not fitted' : !c.gof.tested ? `MLE not tested: too few depth bins for a χ² test (${c.gof.cells} of ≥ 5 expected orders; 3 needed)` : `MLE χ² ${fmt(c.gof.statistic, 3)} on ${c.gof.df} df, p = ${c.gof.pValue.toPrecision(2)}: ${c.gof.passes ? 'passes' : 'FAILS'}`;
    const fitRow = (s: 'ask' | 'bid' | 'pooled') => {
      const e = r.arrival![s];
      return typeof e === 'string' ? ['MLE', s, '-', '-', '-', '-', '-', e] : ['MLE', s, fmt(e.aPerSec), `[${fmt(e.aCi95[0])}, ${fmt(e.aCi95[1])}]`, fmt(e.kPerPrice), `[${fmt(e.kCi95[0])}, ${fmt(e.kCi95[1])}]`, fmt(e.kPerTick, 3), `${e.ordersUsed} of ${e.orders}`];
    };
    process.stdout.write(
      [
        `catalog     ${range.root}, ${range.instrument} (${range.venue}) ${dates}: ${perDay.length} days, ${durationSec.toFixed(1)} s, ${r.rows} book rows, ${r.trades} trades (streamed, one day in memory; peak RSS ${peakRssMb.toFixed(0)} MB)`,
        `tick        ${tick} (${tickSource}); σ of the mid`,
        '',
        formatTable(['volatility', 'σ price/√s', '95 %', 'σ log/√s', '95 %', 'method'], [['realized', fmt(vol.price.sigmaPerSqrtSec), `[${fmt(vol.price.ci95[0])}, ${fmt(vol.price.ci95[1])}]`, fmt(vol.log.sigmaPerSqrtSec), `[${fmt(vol.log.ci95[0])}, ${fmt(vol.log.ci95[1])}]`, vol.price.method]]),
        `            ${vol.price.increments} grid increments used, ${vol.price.droppedIncrements} dropped (masked${r.bookStale.stretches > 0 ? ' or stale' : ''})`,
        ...[bookStaleWarning(r.bookStale), rowsWithoutPriceLine(r.bookStale), flat && `WARNING     ${flat}`, gridWarning && `WARNING     ${gridWarning} (the first day's rows)`].filter((line): line is string => typeof line === 'string'),
        '',
        ...(r.arrival
          ? [
              `arrival λ(δ) = A·exp(−k·δ) from trades over ${fmt((r.pairing?.observedMs ?? NaN) / 1000, 6)} s observed; ask quotes are reached by buys, bid quotes by sells`,
              formatTable(['fit', 'side', 'A /s', '95 %', 'k /price', '95 %', 'k /tick', 'orders used'], (['ask', 'bid', 'pooled'] as const).map(fitRow)),
              `goodness of fit of the MLE over its depths (Pearson χ² of the orders per reach depth, cells pooled to ≥ 5 expected, df = cells − 2; fails at p < 0.01):`,
              ...(['ask', 'bid', 'pooled'] as const).map((s) => `  ${s.padEnd(6)} ${gofText(r.arrivalChecks?.[s])}`),
              ...(r.arrivalWarnings ?? []).map((w) => `WARNING arrival ${w}`),
            ]
          : ['arrival     no trades in the range: A and k not estimated']),
        ...notes.map(noteLine),
        `note: ${NOT_STREAMED}`,
      ].join('\n') + '\n',
    );
    return cutShort ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    catalog.close();
  }
}
