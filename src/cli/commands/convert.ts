import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTables, tableFileName, writeTable } from '../../data/index.js';
import { durationOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

export async function runConvert(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { to: { type: 'string' }, inst: { type: 'string' }, depth: { type: 'string' }, every: { type: 'string' }, json: { type: 'boolean' } },
    { min: 2, max: 2 },
  );
  const [input, output] = positionals;
  if (values.to !== 'arrow' && values.to !== 'csv') throw new UsageError('--to must be arrow or csv');
  if (!existsSync(input)) throw new UsageError(`no such file: ${input}`);
  const depth = numberOption('depth', values.depth, 5, (v) => Number.isInteger(v) && v > 0 && v <= 400);
  const everyMs = durationOption('every', values.every, undefined);
  const loaded = await loadTables(input, depth, everyMs === undefined ? {} : { everyMs });
  const tables = loaded.tables.filter((t) => !values.inst || t.meta.instrument === values.inst);
  if (tables.length === 0) throw new UsageError(`no table${values.inst ? ` for instrument ${values.inst}` : ''} in ${input}`);
  const written: Array<{ path: string; kind: string; instrument?: string; rows: number }> = [];
  if (tables.length === 1) {
    writeTable(output, tables[0], values.to);
    written.push({ path: output, kind: tables[0].kind, instrument: tables[0].meta.instrument, rows: tables[0].tsMs.length });
  } else {
    mkdirSync(output, { recursive: true });
    for (const table of tables) {
      const path = join(output, tableFileName(table, values.to));
      writeTable(path, table, values.to);
      written.push({ path, kind: table.kind, instrument: table.meta.instrument, rows: table.tsMs.length });
    }
  }
  if (values.json) printJson({ input, format: loaded.format, written, notes: loaded.notes });
  else process.stdout.write([`${input} (${loaded.format})`, ...loaded.notes.map((n) => `  ${n}`), ...written.map((w) => `  -> ${w.path}: ${w.rows} ${w.kind} rows${w.instrument ? ` (${w.instrument})` : ''}`)].join('\n') + '\n');
  return 0;
}
