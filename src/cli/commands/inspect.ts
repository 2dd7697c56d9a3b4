import { existsSync } from 'node:fs';
import type { Table } from '../../data/index.js';
import { describeMasks, summarizeTable, type TableSummary } from '../../data/index.js';
import { loadTables, shallowerThan } from '../../formats/index.js';
import { durationOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

function describe(summary: TableSummary, table: Table): string[] {
  const channel = table.meta.extra?.channel;
  return [
    `table       ${summary.kind}${summary.levels !== undefined ? `, ${summary.levels} levels per side` : ''}${channel ? ` (OKX channel ${channel})` : ''}`,
    `instrument  ${summary.instrument ?? 'unknown'}`,
    `rows        ${summary.rows}`,
    `time span   ${iso(summary.firstTsMs)} .. ${iso(summary.lastTsMs)} (${summary.spanSec.toFixed(3)} s)`,
    `interval    ${summary.intervalMs ? `min ${summary.intervalMs.min} ms, median ${summary.intervalMs.median} ms, max ${summary.intervalMs.max} ms` : '-'}`,
    `local time  ${summary.hasLocalTs ? 'yes (local_ts_ms)' : 'no'}`,
    ...(summary.masked.count === 0 ? ['masked      none'] : describeMasks(summary.masked).map((line, i) => (i === 0 ? `masked      ${line.slice('masked: '.length)}` : `          ${line}`))),
  ];
}

export async function runInspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, depth: { type: 'string' }, every: { type: 'string' } }, { min: 1, max: 1 });
  const path = positionals[0];
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  const depth = numberOption('depth', values.depth, 5, (v) => Number.isInteger(v) && v > 0 && v <= 400);
  const everyMs = durationOption('every', values.every, undefined);
  // --depth keeps the best N levels of a table file too (a capture is replayed to N levels); fewer in the file is said
  const read = await loadTables(path, depth, { ...(values.depth !== undefined ? { levels: depth } : {}), ...(everyMs === undefined ? {} : { everyMs }) });
  const loaded = values.depth === undefined ? read : { ...read, notes: [...read.notes, ...shallowerThan(read.tables, depth)] };
  const summaries = loaded.tables.map(summarizeTable);
  if (values.json) {
    // One table: its summary at the top level (stable shape for scripts); several: a list.
    if (summaries.length === 1) printJson({ file: path, format: loaded.format, ...summaries[0], notes: loaded.notes });
    else printJson({ file: path, format: loaded.format, tables: summaries, notes: loaded.notes });
    return 0;
  }
  const lines = [`file        ${path}`, `format      ${loaded.format}`, ...loaded.notes.map((n) => `replay      ${n}`)];
  summaries.forEach((summary, i) => lines.push('', ...describe(summary, loaded.tables[i])));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
