import { existsSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { CatalogWriter, importIntoCatalog, importsFileByFile, isCatalogFolderName, openCatalog, CATALOG_TABLES, staleStagingNote, undoneText, type PartWritten } from '../../catalog/index.js';
import { formatTable, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';
import { INTERRUPTED_EXIT_CODE, quitTakingOut, stopOnInterrupt, type InterruptRequest } from '../interrupt.js';

const DEFAULT_CATALOG = 'data/catalog';

/** `asmm catalog import|ls|query`: the Parquet catalog (src/catalog). */
export async function runCatalog(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error) {
    // a catalog rule (a day already there, overlapping parts): its message says what to do, the usage would not
    if ((error as Error).name === 'CatalogError') throw new UsageError((error as Error).message.split('\n')[0], { showUsage: false });
    throw error;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return runImport(rest);
  if (sub === 'ls') return runLs(rest);
  if (sub === 'query') return runQuery(rest);
  throw new UsageError(`catalog: expected import, ls or query${sub ? `, got "${sub}"` : ''}`);
}

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { catalog: { type: 'string' }, venue: { type: 'string' }, inst: { type: 'string' }, levels: { type: 'string' }, 'contract-value': { type: 'string' }, replace: { type: 'boolean' }, json: { type: 'boolean' } },
    { min: 1, max: 1 },
  );
  const path = positionals[0];
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (values.venue !== undefined && !isCatalogFolderName(values.venue)) throw new UsageError(`--venue "${values.venue}": not a valid folder name (no /, \\ or =, not starting with a dot)`);
  const root = values.catalog ?? DEFAULT_CATALOG;
  mkdirSync(root, { recursive: true });
  const levels = numberOption('levels', values.levels, 5, (v) => Number.isInteger(v) && v > 0 && v <= 400);
  const contractValue = values['contract-value'] === undefined ? undefined : numberOption('contract-value', values['contract-value'], 0, (v) => v > 0);
  const writer = await CatalogWriter.create(root);
  // a file is imported whole or not at all, Ctrl-C included: quitting takes out what the file at hand had
  // installed (its first UTC days, say) and says so, exit 130
  const byFile = importsFileByFile(path);
  const quit = quitTakingOut(() => {
    const what = byFile ? 'the file at hand' : path;
    const undone = undoneText(writer.abandon(), what);
    return `asmm catalog import: Ctrl-C: stopped${byFile ? ' in the middle of a file; the files imported before it stay' : ''}${undone || `; nothing of ${what} was installed`}`;
  });
  // a folder: a line per file as it is done, and Ctrl-C stops after the file at hand (the files done stay
  // imported), a second one quits at once; one file: Ctrl-C quits at once
  const stop: InterruptRequest = byFile
    ? stopOnInterrupt('the import', undefined, 'once the file at hand is imported', 'keeps the files imported so far', quit)
    : (process.once('SIGINT', quit), { requested: false, dispose: () => process.off('SIGINT', quit) });
  const started = performance.now();
  try {
    const reports = await importIntoCatalog(writer, path, {
      // absent: each file's own venue where its data names it (okx, binance, a Tardis exchange), sample for an
      // asmm sample folder; a file that names none is refused before anything is imported
      venue: values.venue,
      inst: values.inst,
      levels,
      replace: values.replace,
      contractValue,
      stopRequested: () => stop.requested,
      onFile: (r, index, total) => {
        if (values.json) return;
        const rows = r.parts.reduce((n, p) => n + p.rows, 0);
        const tables = [...new Set(r.parts.map((p) => p.table))].join(', ');
        process.stderr.write(`  [${index + 1}/${total}] ${basename(r.file)}: ${r.parts.length ? `${rows} rows into ${tables} of venue ${r.venue}` : r.notes[0] ?? r.format} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      },
    }).finally(() => stop.dispose());
    const notRead = reports.filter((r) => r.format === 'not read');
    // (a replaced day's counts are on its first new part; its other parts, when streamed in several, say so)
    const partition = (p: PartWritten) =>
      !p.replaced ? 'new part' : p.replacedParts || p.keptParts ? `replaced ${p.replacedParts} part${p.replacedParts === 1 ? '' : 's'}${p.keptParts ? `, kept ${p.keptParts} disjoint` : ''}` : 'new part of the day above';
    const rows = reports.flatMap((r) => r.parts.map((p) => [r.file, r.venue ?? '', p.table, p.date, p.rows, partition(p)]));
    // (a folder not read counts its files, as the [i/n] lines do)
    const files = (rs: typeof reports) => rs.reduce((n, r) => n + (r.files ?? 1), 0);
    const interrupted = notRead.length > 0 ? `INTERRUPTED (Ctrl-C): ${files(notRead)} of ${files(reports.filter((r) => r.format !== 'skipped'))} files not imported (${notRead.map((r) => `${basename(r.file)}${r.files !== undefined && r.files !== 1 ? ` (${r.files} files)` : ''}`).join(', ')}); the files above are in the catalog` : undefined;
    // with --json or without: nothing written is an error naming what was there, never an empty success
    if (!rows.length && !interrupted) throw new UsageError(`nothing to import in ${path}${reports.length ? ` (${reports.map((r) => `${r.file}: ${r.notes[0] ?? r.format}`).join('; ')})` : ''}`, { showUsage: false });
    const stale = writer.staleStaging;
    if (stale.length > 0) process.stderr.write(`${staleStagingNote(stale)}\n`);
    // (peak RSS as backtest and estimate report it: the process's own, every thread)
    if (values.json) printJson({ catalog: root, ...(interrupted ? { interrupted: true, note: interrupted } : {}), ...(stale.length > 0 ? { staleStaging: stale } : {}), imports: reports, peakRssMb: process.resourceUsage().maxRSS / 1024 });
    else {
      process.stdout.write(formatTable(['file', 'venue', 'table', 'date', 'rows', 'partition'], rows) + '\n');
      // the venue of each file and how it was decided, once per venue and reason
      const venues = new Map<string, number>();
      for (const r of reports) if (r.venue !== undefined) venues.set(`${r.venue}: ${r.venueFrom}`, (venues.get(`${r.venue}: ${r.venueFrom}`) ?? 0) + 1);
      for (const [venue, n] of venues) process.stdout.write(`venue ${venue}${reports.length > 1 ? ` (${n} file${n === 1 ? '' : 's'})` : ''}\n`);
      for (const r of reports) if (r.format !== 'not read') for (const n of r.notes) process.stdout.write(`note ${r.file}: ${n}\n`);
      if (interrupted) process.stdout.write(`${interrupted}\n`);
    }
    return interrupted ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    writer.close();
  }
}

async function runLs(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { catalog: { type: 'string' }, json: { type: 'boolean' } }, { min: 0, max: 0 });
  const catalog = await openCatalog(values.catalog ?? DEFAULT_CATALOG);
  try {
    const out: Array<Record<string, unknown>> = [];
    for (const { venue, instrument } of catalog.instruments()) {
      // gaps: masked intervals (the `gaps` table: what loaders and the recorder could not vouch for) and the dates
      // between a table's first and last with no partition
      // (each table's own: a trades channel's recorder gap masks the trades, not the book)
      const maskedOf = { book: await catalog.gapsOf(venue, instrument, undefined, undefined, 'book'), trades: await catalog.gapsOf(venue, instrument, undefined, undefined, 'trades') };
      for (const table of CATALOG_TABLES) {
        if (table === 'gaps') continue;
        const masked = maskedOf[table === 'trades' ? 'trades' : 'book'];
        const maskedSec = masked.reduce((s, g) => s + g.toMs - g.fromMs, 0) / 1000;
        const days = catalog.days(venue, instrument, table);
        if (!days.length) continue;
        const r = await catalog.sql(`select count(*) as n from read_parquet([${days.flatMap((d) => d.parts).map((p) => `'${p.replace(/'/g, "''")}'`).join(', ')}])`);
        const present = new Set(days.map((d) => d.date));
        const missingDates = datesBetween(days[0].date, days[days.length - 1].date).filter((d) => !present.has(d));
        out.push({
          venue,
          instrument,
          table,
          from: days[0].date,
          to: days[days.length - 1].date,
          days: days.length,
          rows: Number(r.column('n')[0]),
          bytes: days.reduce((s, d) => s + d.bytes, 0),
          missingDates,
          maskedIntervals: masked.length,
          maskedSec,
        });
      }
    }
    if (values.json) printJson({ catalog: catalog.root, tables: out });
    else if (!out.length) process.stdout.write(`catalog ${catalog.root} is empty\n`);
    else {
      const gaps = (o: Record<string, unknown>) => {
        const missing = o.missingDates as string[];
        const words = [`${o.maskedIntervals} masked (${Number(o.maskedSec).toFixed(1)} s)`];
        if (missing.length) words.push(`${missing.length} dates missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`);
        return words.join(', ');
      };
      const rows = out.map((o) => [o.venue, o.instrument, o.table, o.from, o.to, o.days, o.rows, o.bytes, gaps(o)].map((v) => String(v)));
      process.stdout.write(formatTable(['venue', 'instrument', 'table', 'from', 'to', 'days', 'rows', 'bytes', 'gaps'], rows) + '\n');
    }
  } finally {
    catalog.close();
  }
  return 0;
}

async function runQuery(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { catalog: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } }, { min: 1, max: 1 });
  const catalog = await openCatalog(values.catalog ?? DEFAULT_CATALOG);
  try {
    const r = await catalog.sql(positionals[0]).catch((e: Error) => {
      // DuckDB's message names what is wrong in the query; the command's usage would only bury it
      throw new UsageError(`SQL: ${e.message.split('\n')[0]}`, { showUsage: false });
    });
    const plain = (v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
    if (values.json) printJson({ columns: r.columns, rows: r.toRows().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]))), notes: r.notes });
    else if (values.csv) process.stdout.write(r.toCsv());
    else if (r.rowCount === 0) process.stdout.write('the query returned no rows\n');
    else process.stdout.write(formatTable(r.columns, r.toRows().map((row) => r.columns.map((c) => String(row[c])))) + '\n');
    // (after the rows on stderr: --csv and --json keep stdout to the result; --json also carries them)
    for (const note of r.notes) process.stderr.write(`note: ${note}\n`);
  } finally {
    catalog.close();
  }
  return 0;
}

/** UTC dates from `from` to `to` (YYYY-MM-DD), both included. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
