import { join, resolve } from 'node:path';
import { DEFAULT_SAMPLE_DIR, generateSampleMarket, writeSampleMarket } from '../../sample/index.js';
import { checkOutputDir, numberOption, parseCommandArgs, printJson } from '../command.js';

export async function runSample(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      hours: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'interval-ms': { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const hours = numberOption('hours', values.hours, 1, (v) => v > 0 && v <= 24 * 31);
  const seed = numberOption('seed', values.seed, 1, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  const intervalMs = numberOption('interval-ms', values['interval-ms'], 100, (v) => Number.isInteger(v) && v > 0);
  const out = resolve(values.out ?? DEFAULT_SAMPLE_DIR);
  checkOutputDir('--out', out);
  const started = performance.now();
  if (!values.json) process.stderr.write(`generating ${hours} h at ${intervalMs} ms, seed ${seed}...\n`);
  const market = generateSampleMarket({ durationSec: hours * 3600, seed, snapshotIntervalMs: intervalMs });
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
