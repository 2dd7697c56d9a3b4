import { existsSync } from 'node:fs';
import { detectFormat, readTableFile, summarizeTable } from '../../data/index.js';
import { parseCommandArgs, printJson, UsageError } from '../command.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export async function runInspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, { min: 1, max: 1 });
  const path = positionals[0];
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  const format = detectFormat(path);
  const table = readTableFile(path);
  const summary = summarizeTable(table);
  if (values.json) {
    printJson({ file: path, format, ...summary });
    return 0;
  }
  const lines = [
    `file        ${path}`,
    `format      ${format}`,
    `table       ${summary.kind}${summary.levels !== undefined ? `, ${summary.levels} levels per side` : ''}`,
    `instrument  ${summary.instrument ?? 'unknown'}`,
    `rows        ${summary.rows}`,
    `time span   ${iso(summary.firstTsMs)} .. ${iso(summary.lastTsMs)} (${summary.spanSec.toFixed(3)} s)`,
    `interval    ${summary.intervalMs ? `min ${summary.intervalMs.min} ms, median ${summary.intervalMs.median} ms, max ${summary.intervalMs.max} ms` : '-'}`,
    `local time  ${summary.hasLocalTs ? 'yes (local_ts_ms)' : 'no'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
