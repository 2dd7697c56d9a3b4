import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FeedLatencySpec, LatencySpec } from '../backtest/latency.js';
import { clockDisagreement, describeClock, localClockCheck, parseLatencyText, type ClockRemedy, type LocalClockCheck, type LocalClockStats } from '../backtest/latency.js';
import { DataError } from '../data/errors.js';
import { isoMs } from '../data/masks.js';
import type { BookTable } from '../data/tables.js';

/** A subcommand of `asmm`: its synopsis, and its code loaded on demand. The loaded function returns the exit code. */
export interface CommandSpec {
  readonly name: string;
  /** One line for `asmm help`. */
  readonly summary: string;
  /** Usage synopsis, e.g. `asmm sample [--hours H] [--seed S] [--out DIR] [--json]`. */
  readonly usage: string;
  load(): Promise<(argv: string[]) => Promise<number>>;
}

/**
 * Bad arguments: printed as one line, exit code 2; with the command's usage, unless the mistake is in what an
 * argument says rather than in the arguments given (a SQL query DuckDB rejects: its message is the line).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly options: { readonly showUsage?: boolean } = {},
  ) {
    super(message);
  }
}

/**
 * The `orderCount` queue model reads the book's order counts per level: when one of the queue models asked for
 * (`--queue-model`, or a `queue-model=` grid value, as `--queue-model` writes them) is it and `book` has no
 * counts, a usage error naming `data`, before anything runs.
 */
export function requireOrderCounts(queueModels: readonly string[], book: BookTable, data: string): void {
  if (book.bidCount || !queueModels.some((m) => m.split(':')[0] === 'orderCount')) return;
  throw new UsageError(`--queue-model orderCount: ${data} has no order counts per level (OKX book channels give them: asmm record's book files, raw OKX captures); choose another queue model`, { showUsage: false });
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseCommandArgs` gives: `parseArgs`'s result for these options (named, since node:util does not export its type). */
export type ParsedCommandArgs<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

/** Strict option parsing (unknown options and missing values are usage errors). */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, positionals: { min: number; max: number }): ParsedCommandArgs<T> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals.max > 0, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) throw new UsageError(`${ambiguous[1]}: a value starting with "-" must be joined with "=", e.g. ${ambiguous[1]}=-0.0001`);
    throw new UsageError(message.replace(/\. To specify a positional.*$/, ''));
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`expected ${positionals.min === 1 ? 'an argument' : `${positionals.min} arguments`}`);
  if (count > positionals.max) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`);
  return parsed;
}

/**
 * A number option: finite, optionally bounded; names the option when it is not, and the range when given
 * (`range`: the text after "must be", e.g. a `PARAM_RANGES` entry's).
 */
export function numberOption(name: string, value: string | undefined, fallback: number, check?: (v: number) => boolean, range?: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (check && !check(parsed))) {
    throw new UsageError(`--${name} must be ${range ?? `a valid number${check ? ' in range' : ''}`}, got "${value}"`);
  }
  return parsed;
}

/** The largest |fee| taken: a fee is a fraction of each fill's notional, and no venue charges 1 % a fill. */
export const MAX_FEE_FRACTION = 0.01;

/**
 * A maker or taker fee as a fraction of each fill's notional (0.0002 = 2 bps; negative: a rebate). One of 1 %
 * or more is refused as a usage error naming the option: `--maker-fee 2` meant 2 bps and charged 200 % of
 * every fill (a PnL of −8150 on the 60 s sample market).
 * @example feeOption('maker-fee', '-0.0001') // -0.0001
 */
export function feeOption(name: string, value: string | undefined): number {
  const fee = numberOption(name, value, 0);
  if (Math.abs(fee) >= MAX_FEE_FRACTION) {
    throw new UsageError(`--${name} ${value}: a fee is a fraction of each fill's notional (0.0002 = 2 bps, negative for a rebate); ${value} would ${fee > 0 ? 'charge' : 'pay'} ${Number((100 * Math.abs(fee)).toPrecision(6))} % of every fill. Give it below ${MAX_FEE_FRACTION} (1 %) in size`);
  }
  return fee;
}

/** A note as a line of text output: a `WARNING …` note as it is, any other as `note: …`. */
export function noteLine(note: string): string {
  return note.startsWith('WARNING ') ? note : `note: ${note}`;
}

/** Prints a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Formats rows as an aligned plain-text table. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration option: `500ms`, `90s`, `15m`, `1h`, `2d`, or a bare number of seconds; returns milliseconds.
 * @example durationOption('duration', '1h', undefined) // 3600000
 */
export function durationOption(name: string, value: string | undefined, fallbackMs: number | undefined): number | undefined {
  if (value === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'] : NaN;
  if (!(ms > 0)) throw new UsageError(`--${name} must be a positive duration such as 90s, 15m, 1h or 2d, got "${value}"`);
  return ms;
}

/**
 * `--refresh`: 0 (with or without a unit: re-quote at every book update, the documented default) or a positive
 * duration as `durationOption` reads it; returns milliseconds.
 * @example refreshOption('0') // 0
 */
export function refreshOption(value: string | undefined): number {
  if (value !== undefined && /^0+(?:\.0+)?(ms|s|m|h|d)?$/.test(value.trim())) return 0;
  return durationOption('refresh', value, undefined) ?? 0;
}

/**
 * A latency option: `0`, one duration with its unit (`50ms`, `0.2s`), a comma-separated list of durations to
 * sample from per event (`20ms,35ms,120ms`), `file:PATH` (a measured series, `ts_ms,latency_ms`, interpolated
 * in time: see readLatencyCsv), or, where `recorded` is allowed (the feed), `recorded`.
 * A bare non-zero number is rejected: latencies are usually ms while other durations here default to seconds.
 */
export function latencyOption(name: string, value: string | undefined, seed: number, allowRecorded: boolean): LatencySpec | 'recorded' | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'recorded') {
    if (!allowRecorded) throw new UsageError(`--${name} cannot be "recorded" (only the feed latency can replay the recorded receive times)`);
    return 'recorded';
  }
  try {
    return parseLatencyText(value, seed);
  } catch (error) {
    // a bad value in the file is bad data (exit 1, naming file, line and field); a bad option is bad usage
    if (error instanceof DataError) throw error;
    throw new UsageError(`--${name} ${(error as Error).message}${allowRecorded ? ' (or recorded)' : ''}; got "${value}"`);
  }
}

/** A comma-separated list option (empty items rejected). */
export function listOption(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list without empty items, got "${value}"`);
  return items;
}

/**
 * `--local-clock-offset` (`auto`, or a duration such as `1280ms`, added to the local receive stamps) for a
 * replay of the feed as recorded: the offset, and the clock check after it (localClockCheck). A recording whose
 * stamps still say most rows arrived before they happened is refused (clockDisagreement), never replayed as
 * zero latency. `what` names the data in messages.
 */
export function recordedClock(values: Record<string, unknown>, tsMs: ArrayLike<number>, localTsMs: ArrayLike<number>, what: string, remedy?: ClockRemedy): { offsetMs: number; note: string } {
  const option = localClockOffsetOption(values);
  const offsetMs = option === 'auto' ? localClockCheck(tsMs, localTsMs).autoOffsetMs : option;
  return clockVerdict(localClockCheck(tsMs, localTsMs, offsetMs), offsetMs, what, remedy);
}

/** `--local-clock-offset`: a duration (negative: -1280ms), `auto`, or 0 when absent. */
export function localClockOffsetOption(values: Record<string, unknown>): number | 'auto' {
  const text = values['local-clock-offset'] as string | undefined;
  if (text === undefined) return 0;
  if (text.trim() === 'auto') return 'auto';
  const spec = latencyOption('local-clock-offset', text.trim().startsWith('-') ? text.trim().slice(1) : text, 1, false);
  if (typeof spec !== 'number') throw new UsageError(`--local-clock-offset must be auto or one duration such as 1280ms (negative: -1280ms), got "${text}"`);
  return text.trim().startsWith('-') ? -spec : spec;
}

/**
 * `recordedClock` over stamps gathered a piece at a time (`LocalClockStats`, built with the offset of
 * `localClockOffsetOption`, or 0 for auto): the same offset and refusal; the note's median and p95 to 0.1 ms.
 */
export function recordedClockOfStats(option: number | 'auto', stats: LocalClockStats, what: string): { offsetMs: number; note: string } {
  const offsetMs = option === 'auto' ? stats.check(0).autoOffsetMs : option;
  const verdict = clockVerdict(stats.check(offsetMs), offsetMs, what);
  return { offsetMs, note: `${verdict.note} (median and p95 to 0.1 ms: counted in bins over the range, read a day at a time)` };
}

/** The refusal when the clocks disagree after the shift, else the shift and its note. */
function clockVerdict(check: LocalClockCheck, offsetMs: number, what: string, remedy?: ClockRemedy): { offsetMs: number; note: string } {
  if (check.disagree) throw new UsageError(clockDisagreement(check, what, remedy) + (offsetMs ? ` (after the shift of ${offsetMs} ms already given)` : ''));
  return { offsetMs, note: describeClock(check, offsetMs) };
}

/**
 * The feed, entry and cancel latencies of the command line (constant, sampled, or the feed as recorded).
 * `clockCheckedPerDay`: a catalog range whose days are checked as they come (`clockCheckedDays`), the first one
 * included, with the message that fits a range; the book's own check is then not run here. `clockRemedy`: the
 * advice of that check's refusal for a command that takes no --local-clock-offset (calibrate). `spanMs`: the
 * time span the run covers, when `book` is only its first part (a catalog range's first day): measured latency
 * series are checked against it (`checkLatencySeries`).
 */
export function latencyConfig(
  values: Record<string, unknown>,
  book: BookTable,
  options: { readonly clockCheckedPerDay?: boolean; readonly clockRemedy?: ClockRemedy; readonly spanMs?: { readonly fromMs: number; readonly toMs: number } } = {},
): { feedLatencyMs: FeedLatencySpec; entryLatencyMs: LatencySpec; cancelLatencyMs?: LatencySpec } {
  const seed = numberOption('latency-seed', values['latency-seed'] as string | undefined, 1, (v) => Number.isInteger(v));
  const feed = latencyOption('feed-latency', values['feed-latency'] as string | undefined, seed, true) ?? 0;
  if (feed === 'recorded' && !book.localTsMs) throw new UsageError('--feed-latency recorded needs local receive times (local_ts_ms), which this data does not have');
  // the clock check (refused when the recording's clock disagrees; a caller that shifted the stamps already ran it)
  if (feed === 'recorded' && values['local-clock-offset'] === undefined && !options.clockCheckedPerDay) recordedClock(values, book.tsMs, book.localTsMs!, (values.data as string | undefined) ?? 'the data', options.clockRemedy);
  const entry = (latencyOption('entry-latency', values['entry-latency'] as string | undefined, seed, false) ?? 0) as LatencySpec;
  const cancel = latencyOption('cancel-latency', values['cancel-latency'] as string | undefined, seed, false) as LatencySpec | undefined;
  const n = book.tsMs.length;
  const span = options.spanMs ?? (n > 0 ? { fromMs: book.tsMs[0], toMs: book.tsMs[n - 1] } : undefined);
  if (span) checkLatencySeries({ 'feed-latency': feed, 'entry-latency': entry, 'cancel-latency': cancel }, span.fromMs, span.toMs);
  return { feedLatencyMs: feed, entryLatencyMs: entry, ...(cancel !== undefined ? { cancelLatencyMs: cancel } : {}) };
}

/**
 * The measured latency series (`file:`) among the options' latencies, checked against the span the run covers
 * [fromMs, toMs] (exchange time, ms): one that misses it altogether is a mistake (seconds for ms, another day)
 * and refused, since interpolated it would be its nearest end's value throughout; one that covers part of it is
 * warned on stderr (`latencyCoverageWarning`): outside it, its first or last measurement is held, a constant.
 * Constants, samples and `recorded` pass.
 */
export function checkLatencySeries(latencies: Readonly<Record<string, FeedLatencySpec | undefined>>, fromMs: number, toMs: number): void {
  const iso = isoMs;
  for (const [name, spec] of Object.entries(latencies)) {
    if (typeof spec !== 'object' || !('atMs' in spec) || spec.atMs.length === 0) continue;
    const first = spec.atMs[0];
    const last = spec.atMs[spec.atMs.length - 1];
    if (last < fromMs || first > toMs) {
      throw new UsageError(`--${name} file:${spec.source}: its measurements (${iso(first)} to ${iso(last)}) do not overlap the data (${iso(fromMs)} to ${iso(toMs)}); ts_ms must be ms since the epoch on the exchange clock`);
    }
    const warning = latencyCoverageWarning(name, spec, fromMs, toMs);
    if (warning) process.stderr.write(`WARNING ${warning}\n`);
  }
}

/**
 * `checkLatencySeries` of the measured series among a calibration grid's `entry-latency` values (`file:PATH`),
 * each once, against the span the sweep covers (a grid value's file is interpolated as `--entry-latency`'s is).
 */
export function checkGridLatencySeries(sets: ReadonlyArray<{ readonly entryLatency: string }>, span: { readonly fromMs: number; readonly toMs: number } | undefined): void {
  if (!span) return;
  for (const text of new Set(sets.map((s) => s.entryLatency).filter((t) => t.startsWith('file:')))) checkLatencySeries({ 'grid entry-latency': parseLatencyText(text) }, span.fromMs, span.toMs);
}

/** Share of the data's span a measured latency series must cover before the rest, held constant, is warned. */
const LATENCY_COVERAGE_MIN = 0.9;

/**
 * The WARNING text (without its prefix) when a measured latency series (`file:`) covers less than 90 % of the
 * data's span [fromMs, toMs]: outside its first and last measurement the latency is that measurement's, held
 * (the interpolation's rule), so most of a run can replay a constant the file never measured there.
 * @example latencyCoverageWarning('entry-latency', { source: 'l.csv', atMs: [0, 100], latencyMs: [20, 30] }, 0, 1000) // '--entry-latency file:l.csv covers 10 % …'
 */
export function latencyCoverageWarning(name: string, spec: { readonly source?: string; readonly atMs: ArrayLike<number>; readonly latencyMs: ArrayLike<number> }, fromMs: number, toMs: number): string | undefined {
  const span = toMs - fromMs;
  const k = spec.atMs.length;
  if (!(span > 0) || k === 0) return undefined;
  const covered = Math.max(0, Math.min(toMs, spec.atMs[k - 1]) - Math.max(fromMs, spec.atMs[0]));
  if (covered >= LATENCY_COVERAGE_MIN * span) return undefined;
  const held = [
    spec.atMs[0] > fromMs ? `${spec.latencyMs[0]} ms (its first) before ${new Date(spec.atMs[0]).toISOString()}` : '',
    spec.atMs[k - 1] < toMs ? `${spec.latencyMs[k - 1]} ms (its last) after ${new Date(spec.atMs[k - 1]).toISOString()}` : '',
  ].filter(Boolean);
  return `--${name} file:${spec.source ?? '?'} covers ${Math.round((100 * covered) / span)} % of the data's span: the run holds ${held.join(' and ')}, latencies the file did not measure there`;
}

/**
 * Checks a path the command will write one file to, before any work: not an existing directory, and in a
 * directory that exists. Usage errors name the option and the path.
 */
export function checkOutputFile(what: string, path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${what} ${path} is a directory (give a file name)`);
  const parent = dirname(path);
  if (!existsSync(parent)) throw new UsageError(`${what} ${path}: directory ${parent} does not exist`);
  if (!statSync(parent).isDirectory()) throw new UsageError(`${what} ${path}: ${parent} is not a directory`);
}

/** Checks a path the command will write files into: a directory, or nothing yet (it is created). */
export function checkOutputDir(what: string, path: string): void {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`${what} ${path} is a file, not a directory`);
}
