import { runSeedCompatRows, SeedCompatSummarizer, type SeedCompatOptions } from '../../backtest/seedCompat.js';
import { describeMasks, masksJson, maskSummary, type BookTable } from '../../data/index.js';
import { onReferenceClock } from '../../formats/referenceCsv.js';
import { SeedCompatFigureRows } from '../../plot/backtestFigures.js';
import { formatTable, printJson, UsageError } from '../command.js';
import { inv, num, writeBacktestReport } from './backtestReport.js';

/**
 * `--seed-compat`: the reference system's market maker (see runSeedCompat), for comparison, with the same
 * report (and PNGs) as other runs.
 */
export async function seedCompat(
  loaded: BookTable,
  options: Required<Pick<SeedCompatOptions, 'gamma' | 'windowRows' | 'initialInventory' | 'initialCash'>>,
  data: string,
  output: { json: boolean; report?: string; png?: string },
): Promise<number> {
  // A file in the reference layout is read as the reference reads it, at whatever resolution its timestamps
  // have; other data is put on the reference's clock (the second of the receive clock, as it records rows).
  const referenceFile = loaded.meta.extra?.['asmm.source_layout'] === 'reference-books5-csv';
  const resolutionMs = Number(loaded.meta.extra?.['asmm.ts_resolution_ms'] ?? NaN);
  const book = referenceFile ? loaded : onReferenceClock(loaded);
  // the reference quotes from the row after its first window on: with no row past it, every result would be NaN
  // (as --window for the engine's strategies: a usage error, since a smaller --window-rows fits the data)
  const rows = book.tsMs.length;
  if (rows <= options.windowRows) throw new UsageError(`${data}: ${rows} book rows, too few for --window-rows ${options.windowRows}: the reference quotes from the row after its first window on (${options.windowRows + 1} rows at least); give a smaller --window-rows`);
  const resolution = resolutionMs === 1000 ? '1 s' : Number.isFinite(resolutionMs) ? `${resolutionMs} ms` : 'unknown';
  const clock = referenceFile
    ? `the file's timestamps as they are (${resolution} resolution), as the reference reads them`
    : `${loaded.localTsMs ? 'local receive' : 'exchange'} times truncated to the second, as the reference records them`;
  // streamed into its summary and its decimated plot lines: no per-row column is stored (the same numbers and
  // figures as runSeedCompat + seedCompatSummary + seedCompatView, at a fraction of the memory)
  const summarizer = new SeedCompatSummarizer();
  const figureRows = new SeedCompatFigureRows();
  const run = runSeedCompatRows(book, options, {
    start: (tradedRows) => figureRows.start(tradedRows),
    rows: (block) => {
      summarizer.rows(block);
      figureRows.rows(block);
    },
  });
  const reportPath = output.report ?? 'reports/backtest-seed-compat.html';
  // inventories print without the float noise of sums of 0.1 (no lot: the reference system has none; JSON keeps them exact)
  const units = { lotSize: 0, orderSize: 0.1 }; // the reference's order size (runSeedCompat's default; the CLI sets no other)
  const pngs = await writeBacktestReport(figureRows.view(run.fills), reportPath, output.png, 'backtest-seed-compat', 'asmm backtest --seed-compat: the reference market maker', units);
  const masks = maskSummary(loaded.masked);
  const sum = summarizer.summary(run.fills);
  const summary = {
    mode: `seed-compatible reference market maker (σ = std of the last ${options.windowRows} mids, k = 1/message rate over ${options.windowRows} rows, time normalised over the rows traded, orders of 0.1 within |q| ≤ 3 and λ-sized beyond, five best-priced orders per side, mid-cross fills)`,
    data,
    gamma: options.gamma,
    initialInventory: options.initialInventory,
    initialCash: options.initialCash,
    bookRows: book.tsMs.length,
    clock,
    levelsRead: loaded.meta.extra?.['asmm.levels_unread']
      ? `the touch only (the run uses no other level): ${loaded.meta.extra['asmm.levels_unread']}`
      : 'every level of the file read and validated; the run uses the touch',
    ...sum,
    meanMessageRatePerSec: num(sum.meanMessageRatePerSec),
    meanSigmaPriceLevel: num(sum.meanSigmaPriceLevel),
    meanHalfSpreadPx: num(sum.meanHalfSpreadPx),
    note: 'reproduces the reference code row by row (λ-sized orders beyond |q| > 3 included); it looks ahead (time normalised to the last row) and its σ and k are not rates: for comparison only',
    report: reportPath,
    pngs,
  };
  if (output.json) printJson({ ...summary, masked: masksJson(masks) });
  else {
    const rows = Object.entries(summary).filter(([key]) => key !== 'mode' && key !== 'report' && key !== 'pngs');
    const maskLines = describeMasks(masks).map((line) => (line.startsWith('masked:') ? `${line.replace(' (no quote, no fill, no estimate inside)', '')}: WARNING the reference market maker does not know of them and trades through them` : line));
    process.stdout.write([summary.mode, formatTable(['metric', 'value'], rows.map(([key, value]) => [key, String(key === 'maxAbsInventory' || key === 'finalInventory' ? inv(value as number, units) : typeof value === 'number' && !Number.isInteger(value) ? num(value) : value)])), ...maskLines, `report: ${reportPath}`, ...pngs.map((p) => `png: ${p}`)].join('\n') + '\n');
  }
  return 0;
}

