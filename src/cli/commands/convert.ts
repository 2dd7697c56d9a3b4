import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { contractKind } from '../../data/contracts.js';
import { assertTimeOrder, tableFileName, writeTable } from '../../data/index.js';
import { loadTables, shallowerThan } from '../../formats/index.js';
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
  // --depth keeps the best N levels of a table file too (a capture is replayed to N levels); fewer in the file is said
  const read = await loadTables(input, depth, { ...(values.depth !== undefined ? { levels: depth } : {}), ...(everyMs === undefined ? {} : { everyMs }) });
  const loaded = values.depth === undefined ? read : { ...read, notes: [...read.notes, ...shallowerThan(read.tables, depth)] };
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
  const warnings = values.to === 'csv' ? contractsWithoutName(written) : [];
  for (const w of warnings) process.stderr.write(`WARNING ${w}\n`);
  if (values.json) printJson({ input, format: loaded.format, written, notes: [...loaded.notes, ...warnings.map((w) => `WARNING ${w}`)] });
  else process.stdout.write([`${input} (${loaded.format})`, ...loaded.notes.map((n) => `  ${n}`), ...written.map((w) => `  -> ${w.path}: ${w.rows} ${w.kind} rows${w.instrument ? ` (${w.instrument})` : ''}`)].join('\n') + '\n');
  return 0;
}

/**
 * An asmm CSV carries no instrument name (Arrow does): a swap's or future's table written as CSV reads back as
 * an unnamed table, which backtest and calibrate take as spot, its sizes in contracts as base currency and an
 * inverse contract's PnL as size × price change. One line per such file naming the instrument and the --inst to
 * give with it (which then refuses the inverse contract, or asks for the linear one's contract value).
 */
function contractsWithoutName(written: ReadonlyArray<{ path: string; instrument?: string }>): string[] {
  return written
    .filter((w) => {
      const kind = contractKind(w.instrument);
      return kind === 'linear' || kind === 'inverse';
    })
    .map((w) => {
      const inverse = contractKind(w.instrument) === 'inverse';
      return `${w.path}: a CSV file does not carry its instrument, ${w.instrument}, ${inverse ? 'an inverse contract' : 'a linear contract'} whose sizes are in contracts; read without --inst ${w.instrument} it is taken as spot (sizes as base currency${inverse ? ', PnL as size × price change' : ''}): give --inst ${w.instrument} with it, or convert --to arrow, which keeps the name`;
    });
}
