import { join, resolve } from 'node:path';
import { DEFAULT_SAMPLE_DIR, DEFAULT_SAMPLE_PARAMS, SAMPLE_VENUE, generateSampleMarket, sampleMarketDays, writeSampleMarket } from '../../sample/index.js';
import { checkOutputDir, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';
import { quitTakingOut } from '../interrupt.js';

export async function runSample(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      hours: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'interval-ms': { type: 'string' },
      'arrival-rate': { type: 'string' },
      days: { type: 'string' },
      catalog: { type: 'string' },
      replace: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const hours = numberOption('hours', values.hours, 1, (v) => v > 0 && v <= 24 * 31);
  const seed = numberOption('seed', values.seed, 1, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  const intervalMs = numberOption('interval-ms', values['interval-ms'], 100, (v) => Number.isInteger(v) && v > 0);
  // A of the model: market orders per second on each side (the default's 2/s makes about 350,000 trades a day)
  const arrivalRatePerSec = numberOption('arrival-rate', values['arrival-rate'], DEFAULT_SAMPLE_PARAMS.arrivalRatePerSec, (v) => v > 0 && v <= 1000);
  const model = { seed, snapshotIntervalMs: intervalMs, arrivalRatePerSec };
  if (values.catalog !== undefined || values.days !== undefined) {
    if (values.out !== undefined) throw new UsageError('--out does not go with --catalog: the days are written into the catalog');
    if (values.catalog === undefined) throw new UsageError('--days writes into a catalog: give --catalog DIR');
    if (values.hours !== undefined && values.days !== undefined) throw new UsageError('give --days or --hours, not both');
    const days = numberOption('days', values.days, 1, (v) => v > 0 && v <= 366);
    // with --days, each day (or the span, when shorter than a day) needs two snapshots
    if (values.days !== undefined) requireTwoSnapshots(Math.min(days, 1) * 24, intervalMs, days < 1 ? `--days ${days}` : 'a day (--days)');
    else requireTwoSnapshots(hours, intervalMs, `--hours ${hours}`);
    return sampleIntoCatalog(resolve(values.catalog), values.days !== undefined ? days * 24 : hours, model, values.replace === true, values.json === true);
  }
  if (values.replace) throw new UsageError('--replace goes with --catalog (days already in a catalog); files in --out are always overwritten');
  requireTwoSnapshots(hours, intervalMs, `--hours ${hours}`);
  const out = resolve(values.out ?? DEFAULT_SAMPLE_DIR);
  checkOutputDir('--out', out);
  const started = performance.now();
  if (!values.json) process.stderr.write(`generating ${hours} h at ${intervalMs} ms, seed ${seed}...\n`);
  const market = generateSampleMarket({ durationSec: hours * 3600, ...model });
  if (!values.json) process.stderr.write(`writing ${market.book.tsMs.length} snapshots and ${market.trades.tsMs.length} trades to ${out}...\n`);
  const files = writeSampleMarket(out, market);
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    printJson({ out, files, snapshots: market.book.tsMs.length, trades: market.trades.tsMs.length, seconds, params: market.params });
  } else {
    process.stdout.write(
      `sample market (seed ${seed}): ${market.book.tsMs.length} snapshots, ${market.trades.tsMs.length} trades in ${seconds.toFixed(1)} s\n` +
        files.map((f) => `  ${f}`).join('\n') +
        `\nmodel parameters and units: ${join(out, 'params.json')}\n`,
    );
  }
  return 0;
}

/**
 * A usage error when `hours` at one snapshot every `intervalMs` hold fewer than two book snapshots (the sample
 * has ⌊span / interval⌋ of them, one every interval from its start): `--hours 0.00001`, `--days 0.001`, or an
 * `--interval-ms` longer than the span, wrote empty tables (or a catalog of 0 days) with exit 0, which no
 * estimate or backtest can use. `what`: the span as given.
 */
function requireTwoSnapshots(hours: number, intervalMs: number, what: string): void {
  const snapshots = Math.floor((hours * 3_600_000) / intervalMs);
  if (snapshots < 2) throw new UsageError(`${what} at --interval-ms ${intervalMs} holds ${snapshots} book snapshot${snapshots === 1 ? '' : 's'}: the sample needs at least 2 (a longer span or a shorter --interval-ms)`);
}

/**
 * `asmm sample --days N --catalog DIR`: the sample market written straight into the catalog one UTC day at a
 * time (`sampleMarketDays`: one continuous market, one day in memory), as venue `sample`: `book_top` (its 5
 * levels), `trades` and `instrument.json` (tick and lot). A day already there is refused unless `--replace`.
 */
async function sampleIntoCatalog(root: string, hours: number, model: { seed: number; snapshotIntervalMs: number; arrivalRatePerSec: number }, replace: boolean, json: boolean): Promise<number> {
  const { seed } = model;
  const { CatalogWriter, staleStagingNote, undoneText } = await import('../../catalog/index.js');
  const started = performance.now();
  const writer = await CatalogWriter.create(root);
  const written: Array<{ date: string; snapshots: number; trades: number }> = [];
  let instrument = '';
  let params: { tickSize: number; lotSize: number } | undefined;
  // all days or none: a day refused (already in the catalog) or a Ctrl-C takes out the days written before it,
  // and the instrument's metadata is written once every day is in (a refused run leaves the catalog's as it was)
  writer.beginUndoable();
  const quit = quitTakingOut(() => `asmm sample: Ctrl-C: stopped${undoneText(writer.abandon(), 'the run') || '; nothing of the run was installed'}`);
  process.once('SIGINT', quit);
  try {
    for (const day of sampleMarketDays({ durationSec: hours * 3600, ...model })) {
      instrument = day.params.instrument;
      params ??= day.params;
      await writer.writeBookTop(SAMPLE_VENUE, day.book, instrument, { replace });
      await writer.writeTrades(SAMPLE_VENUE, day.trades, instrument, { replace });
      written.push({ date: day.date, snapshots: day.book.tsMs.length, trades: day.trades.tsMs.length });
      if (!json) process.stderr.write(`  ${day.date}: ${day.book.tsMs.length} snapshots, ${day.trades.tsMs.length} trades (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    }
    if (params) writer.writeInstrument({ venue: SAMPLE_VENUE, instrument, tickSize: params.tickSize, lotSize: params.lotSize, source: `asmm sample market (seed ${seed})` }, { replace });
    writer.commit();
  } catch (error) {
    const undone = undoneText(writer.undo(), 'the run');
    // a day already in the catalog (or another catalog rule): one line, as `asmm catalog` says it
    if ((error as Error).name === 'CatalogError') throw new UsageError(`${(error as Error).message.split('\n')[0]}${undone}`);
    if (error instanceof Error) error.message += undone;
    throw error;
  } finally {
    process.off('SIGINT', quit);
    writer.close();
  }
  if (writer.staleStaging.length > 0) process.stderr.write(`${staleStagingNote(writer.staleStaging)}\n`);
  const seconds = (performance.now() - started) / 1000;
  const snapshots = written.reduce((a, d) => a + d.snapshots, 0);
  const trades = written.reduce((a, d) => a + d.trades, 0);
  if (json) printJson({ catalog: root, venue: SAMPLE_VENUE, instrument, days: written, snapshots, trades, seconds });
  else process.stdout.write(`sample market (seed ${seed}) in ${root}: venue ${SAMPLE_VENUE}, ${instrument}, ${written.length} days, ${snapshots} snapshots, ${trades} trades in ${seconds.toFixed(1)} s\n`);
  return 0;
}
