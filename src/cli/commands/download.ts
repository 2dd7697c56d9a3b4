import { DEFAULT_OKX_HISTORY_DIR, DownloadProgress, downloadOkxHistory, formatBytes, planOkxDownload, type DownloadItem } from '../../download/index.js';
import { OKX_HISTORY_URLS, type OkxHistoryKind } from '../../formats/okxHistoryLayout.js';
import { checkOutputDir, durationOption, listOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

const KINDS: readonly OkxHistoryKind[] = ['books', 'trades'];

/**
 * `asmm download okx --inst BTC-USDT[,ETH-USDT-SWAP] --from D1 --to D2 [--kind books,trades] [--out DIR]
 * [--base-url URL] [--concurrency N] [--retries N] [--timeout 30s] [--backoff 500ms] [--json]`: OKX's daily
 * history into `<out>/<INST>/<kind>/<OKX's file name>`, resumable (Ctrl-C keeps `.partial` files; the same
 * command resumes them), checked, one line per event on stderr, a summary on stdout. Exit 0 when every
 * file is downloaded, present (verified) or missing at OKX (404, listed); 1 when any failed; 130 when
 * interrupted.
 */
export async function runDownload(argv: string[]): Promise<number> {
  const [source, ...rest] = argv;
  if (source !== 'okx') throw new UsageError(source === undefined ? 'expected a source: okx' : `unknown source "${source}" (only okx)`);
  const { values } = parseCommandArgs(
    rest,
    {
      inst: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      kind: { type: 'string' },
      out: { type: 'string' },
      'base-url': { type: 'string' },
      concurrency: { type: 'string' },
      retries: { type: 'string' },
      timeout: { type: 'string' },
      backoff: { type: 'string' },
      'backoff-max': { type: 'string' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const insts = listOption('inst', values.inst);
  if (!insts) throw new UsageError('--inst is required (e.g. --inst BTC-USDT,ETH-USDT-SWAP)');
  if (!values.from) throw new UsageError('--from YYYY-MM-DD is required');
  const to = values.to ?? values.from;
  const kinds = (listOption('kind', values.kind) ?? [...KINDS]) as OkxHistoryKind[];
  for (const kind of kinds) if (!KINDS.includes(kind)) throw new UsageError(`--kind must be books, trades or both, got "${kind}"`);
  const outDir = values.out ?? DEFAULT_OKX_HISTORY_DIR;
  checkOutputDir('--out', outDir);
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(baseUrl)) throw new UsageError(`--base-url must be a scheme and host such as http://127.0.0.1:8080, got "${baseUrl}"`);
  const concurrency = numberOption('concurrency', values.concurrency, 2, (v) => Number.isInteger(v) && v >= 1 && v <= 16);
  const retries = numberOption('retries', values.retries, 5, (v) => Number.isInteger(v) && v >= 0 && v <= 100);
  const timeoutMs = durationOption('timeout', values.timeout, 30_000)!;
  const backoffBaseMs = durationOption('backoff', values.backoff, 500)!;
  const backoffMaxMs = Math.max(backoffBaseMs, durationOption('backoff-max', values['backoff-max'], 30_000)!);
  let items: DownloadItem[];
  try {
    items = planOkxDownload({ insts, from: values.from, to, kinds: [...new Set(kinds)], outDir, ...(baseUrl !== undefined ? { baseUrl } : {}) });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }

  const progress = new DownloadProgress({ filesTotal: items.length, quiet: Boolean(values.quiet) });
  const controller = new AbortController();
  let interruptedBySignal = false;
  const onSignal = () => {
    if (interruptedBySignal) process.exit(130);
    interruptedBySignal = true;
    progress.log('interrupted: stopping; the .partial files stay and the same command resumes them (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const where = baseUrl ?? new URL(OKX_HISTORY_URLS.books).origin;
  progress.log(`downloading ${items.length} file${items.length === 1 ? '' : 's'} (${insts.join(', ')}; ${kinds.join(', ')}; ${values.from}..${to}) from ${where} into ${outDir}`);
  let summary;
  try {
    summary = await downloadOkxHistory(items, {
      concurrency,
      retries,
      timeoutMs,
      backoffBaseMs,
      backoffMaxMs,
      signal: controller.signal,
      log: (line) => progress.log(line),
      progress,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.finish();
  }

  const partials = summary.items.filter((r) => r.status === 'interrupted' && r.bytes !== undefined && r.bytes > 0).map((r) => `${r.path}.partial`);
  const exitCode = summary.interrupted > 0 ? 130 : summary.failed > 0 ? 1 : 0;
  const counts = `downloaded ${summary.downloaded} (${formatBytes(summary.receivedBytes)} received), skipped ${summary.skipped} (present and verified), missing ${summary.missing} (404 at OKX), failed ${summary.failed}${summary.interrupted > 0 ? `, interrupted ${summary.interrupted}` : ''} of ${summary.files} files in ${(summary.elapsedMs / 1000).toFixed(1)} s`;
  if (values.json) {
    printJson({
      source: 'okx',
      out: outDir,
      baseUrl: where,
      insts,
      kinds,
      from: values.from,
      to,
      ok: exitCode === 0,
      ...summary,
      partialsKept: partials,
    });
  } else {
    const lines = [counts, `into ${outDir}/<INST>/<kind>/`];
    for (const r of summary.items) {
      if (r.status === 'missing') lines.push(`missing  ${r.inst} ${r.kind} ${r.date}`);
      if (r.status === 'failed') lines.push(`FAILED   ${r.inst} ${r.kind} ${r.date}: ${r.reason}`);
    }
    if (partials.length > 0) lines.push(`interrupted: ${partials.length} .partial file${partials.length === 1 ? '' : 's'} kept; run the same command again to resume`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (exitCode === 1) process.stderr.write(`asmm download: ${summary.failed} file${summary.failed === 1 ? '' : 's'} failed (see the lines above); the others are in place\n`);
  return exitCode;
}
