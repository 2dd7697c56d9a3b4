import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rng } from '../random/index.js';
import { DownloadAbortedError, DownloadError, keptNote, resumableGet, type ResumableGetEvent } from './httpRange.js';
import type { DownloadItem } from './plan.js';
import { formatBytes } from './progress.js';
import { checkDayFile } from './verify.js';

/**
 * Downloads planned OKX history day files, each to `<file>.partial` (resumed with HTTP Range), checks it
 * (the byte count against the stated length, the archive reads to its end, its one member has OKX's name),
 * then renames it; a file already present is checked and skipped. Every outcome is one of four, each with
 * a line: `downloaded`, `skipped` (present and verified), `missing` (404: OKX has no file for that day, yet)
 * and `failed` (retries spent, another HTTP error, or an integrity check that failed — the bad file kept as
 * `<file>.bad`). Nothing is dropped silently: the summary counts all four, and lists each file's status.
 */
export type DownloadStatus = 'downloaded' | 'skipped' | 'missing' | 'failed' | 'interrupted';

export interface DownloadItemResult {
  readonly inst: string;
  readonly date: string;
  readonly kind: string;
  readonly url: string;
  readonly path: string;
  readonly status: DownloadStatus;
  /** Bytes of the file on disk (downloaded or skipped). */
  readonly bytes?: number;
  /** Uncompressed member bytes when the archive states them. */
  readonly memberBytes?: number;
  /** Bytes received over the network for this file in this run. */
  readonly receivedBytes?: number;
  /** Resumed from this many bytes of a `.partial`. */
  readonly resumedFromBytes?: number;
  readonly attempts?: number;
  /** Why it failed, or what is worth knowing (retries, restarts). */
  readonly reason?: string;
  readonly notes: readonly string[];
  /** Where a file that failed its check was kept. */
  readonly badPath?: string;
}

export interface DownloadSummary {
  readonly files: number;
  readonly downloaded: number;
  readonly skipped: number;
  readonly missing: number;
  readonly failed: number;
  /** Files not settled because the run was interrupted (their `.partial` stays). */
  readonly interrupted: number;
  readonly receivedBytes: number;
  readonly elapsedMs: number;
  readonly items: readonly DownloadItemResult[];
}

export interface DownloadOptions {
  /** Files fetched at once (default 2). */
  readonly concurrency?: number;
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly signal?: AbortSignal;
  readonly rng?: Rng;
  /** One line per event (resume, retry, restart, missing, failed check, …). */
  readonly log?: (line: string) => void;
  /** Progress hooks (see `DownloadProgress`). */
  readonly progress?: {
    start(key: string, bytesOnDisk?: number): void;
    total(key: string, totalBytes: number): void;
    bytes(key: string, delta: number): void;
    done(key: string, sizeBytes?: number): void;
  };
}

/** A short label of a file for event lines: `BTC-USDT books 2025-11-03`. */
export const itemLabel = (item: Pick<DownloadItem, 'inst' | 'kind' | 'date'>) => `${item.inst} ${item.kind} ${item.date}`;

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** Moves a file that failed its check aside to `<file>.bad` (replacing an older one); returns that path. */
function keepAside(from: string, finalPath: string): string {
  const bad = `${finalPath}.bad`;
  rmSync(bad, { force: true });
  renameSync(from, bad);
  return bad;
}

async function downloadOne(item: DownloadItem, options: DownloadOptions): Promise<DownloadItemResult> {
  const log = options.log ?? (() => undefined);
  const label = itemLabel(item);
  const base = { inst: item.inst, date: item.date, kind: item.kind, url: item.url, path: item.path };
  const notes: string[] = [];
  const progress = options.progress;
  const key = item.path;
  mkdirSync(dirname(item.path), { recursive: true });

  if (existsSync(item.path)) {
    const check = await checkDayFile(item.path, item.memberName);
    if (check.ok) {
      const bytes = sizeOf(item.path);
      log(`${label}: present and verified (${check.kind}, member ${check.memberName}${check.memberBytes !== undefined ? `, ${formatBytes(check.memberBytes)} uncompressed` : ''}), skipped: ${item.path}`);
      progress?.done(key, bytes);
      return { ...base, status: 'skipped', bytes, ...(check.memberBytes !== undefined ? { memberBytes: check.memberBytes } : {}), notes };
    }
    const bad = keepAside(item.path, item.path);
    const note = `the file present failed its check (${check.reason}); kept as ${bad}, downloading it again`;
    log(`${label}: ${note}`);
    notes.push(note);
  }

  const partial = `${item.path}.partial`;
  progress?.start(key, sizeOf(partial));
  const onEvent = (event: ResumableGetEvent) => {
    let line: string;
    if (event.type === 'resume') line = `resuming ${partial} from byte ${event.fromBytes}`;
    else if (event.type === 'restart') line = `${event.reason} (${event.discardedBytes} bytes discarded)`;
    else line = `${event.reason}; retry ${event.attempt - 1} in ${(event.delayMs / 1000).toFixed(event.delayMs < 1000 ? 3 : 1)} s (${event.bytesOnDisk} bytes on disk)`;
    notes.push(line);
    log(`${label}: ${line}`);
  };
  let got;
  try {
    got = await resumableGet(item.url, partial, {
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
      ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.rng ? { rng: options.rng } : {}),
      onBytes: (n) => progress?.bytes(key, n),
      onTotal: (n) => progress?.total(key, n),
      onEvent,
    });
  } catch (error) {
    if (error instanceof DownloadAbortedError) {
      progress?.done(key);
      const bytes = sizeOf(partial);
      const kept = keptNote(partial, bytes);
      return { ...base, status: 'interrupted', bytes, notes, reason: kept ? `interrupted${kept} for the next run to resume` : 'interrupted before any byte arrived' };
    }
    if (error instanceof DownloadError) {
      const reason = error.reason;
      log(`${label}: FAILED: ${reason} (${item.url})`);
      progress?.done(key);
      return { ...base, status: 'failed', attempts: error.attempts, reason, notes };
    }
    throw error;
  }
  if (got.status === 'missing') {
    if (sizeOf(partial) === 0) rmSync(partial, { force: true });
    const reason = `OKX has no file for that day (yet): HTTP 404 ${item.url}`;
    log(`${label}: ${reason}`);
    progress?.done(key);
    return { ...base, status: 'missing', attempts: got.attempts, reason, notes };
  }
  const stats = { receivedBytes: got.receivedBytes, resumedFromBytes: got.resumedFromBytes, attempts: got.attempts };
  if (!got.lengthChecked) {
    const note = 'the server stated no length: the size was not checked (the archive check still ran)';
    notes.push(note);
    log(`${label}: ${note}`);
  } else if (got.bytes !== got.totalBytes) {
    // resumableGet only completes at the stated length; this guards the invariant
    const bad = keepAside(partial, item.path);
    const reason = `${got.bytes} bytes on disk, the server stated ${got.totalBytes}; kept as ${bad}`;
    log(`${label}: FAILED: ${reason}`);
    progress?.done(key);
    return { ...base, status: 'failed', ...stats, reason, badPath: bad, notes };
  }
  const check = await checkDayFile(partial, item.memberName);
  if (!check.ok) {
    const bad = keepAside(partial, item.path);
    const reason = `integrity check failed: ${check.reason}; kept as ${bad}`;
    log(`${label}: FAILED: ${reason}`);
    progress?.done(key);
    return { ...base, status: 'failed', bytes: got.bytes, ...stats, reason, badPath: bad, notes };
  }
  renameSync(partial, item.path);
  progress?.done(key, got.bytes);
  return { ...base, status: 'downloaded', bytes: got.bytes, ...(check.memberBytes !== undefined ? { memberBytes: check.memberBytes } : {}), ...stats, notes };
}

/**
 * Runs the plan with `concurrency` files at once, in plan order. On abort (Ctrl-C) the files in flight keep
 * their `.partial` and the rest are not started; both count as `interrupted`.
 */
export async function downloadOkxHistory(items: readonly DownloadItem[], options: DownloadOptions = {}): Promise<DownloadSummary> {
  const startMs = Date.now();
  const results: DownloadItemResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (options.signal?.aborted) {
        results[i] = { inst: item.inst, date: item.date, kind: item.kind, url: item.url, path: item.path, status: 'interrupted', reason: 'not started (interrupted)', notes: [] };
        continue;
      }
      results[i] = await downloadOne(item, options);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, items.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  const count = (status: DownloadStatus) => results.filter((r) => r.status === status).length;
  return {
    files: items.length,
    downloaded: count('downloaded'),
    skipped: count('skipped'),
    missing: count('missing'),
    failed: count('failed'),
    interrupted: count('interrupted'),
    receivedBytes: results.reduce((s, r) => s + (r.receivedBytes ?? 0), 0),
    elapsedMs: Date.now() - startMs,
    items: results,
  };
}
