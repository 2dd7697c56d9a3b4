import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertTimeOrder, tableFileName, writeTable } from '../../data/index.js';
import { loadTables } from '../../formats/index.js';
import { checkOutputDir, checkOutputFile, durationOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

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
  // a replayed capture can go back in time (e.g. two sessions in one file): refuse it rather than write a file that will not read back
  for (const table of tables) assertTimeOrder(input, table);
  if (tables.length === 1) checkOutputFile('output', output);
  else checkOutputDir(`${input} holds ${tables.length} tables: the output`, output);
  const written: Array<{ path: string; kind: string; instrument?: string; rows: number }> = [];
  const createdDir = tables.length > 1 && !existsSync(output);
  try {
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
  } catch (error) {
    // never a partial output: each file is written to .partial and renamed; the files already written go too
    for (const w of written) rmSync(w.path, { force: true });
    if (createdDir) rmSync(output, { recursive: true, force: true });
    throw error;
  }
  if (values.json) printJson({ input, format: loaded.format, written, notes: loaded.notes });
  else process.stdout.write([`${input} (${loaded.format})`, ...loaded.notes.map((n) => `  ${n}`), ...written.map((w) => `  -> ${w.path}: ${w.rows} ${w.kind} rows${w.instrument ? ` (${w.instrument})` : ''}`)].join('\n') + '\n');
  return 0;
}
