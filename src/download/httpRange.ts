import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { createRng, type Rng } from '../random/index.js';

/**
 * A resumable HTTP GET into `<file>.partial`: the bytes already on disk are asked for no more (`Range:
 * bytes=N-`, RFC 9110 §14.2), a dropped connection, a timeout or a 5xx answer is retried after an exponential
 * backoff with jitter, and the caller renames the file once it has checked it.
 *
 * Answers to a Range request: `206` with `Content-Range: bytes N-…/TOTAL` is appended; `200` means the server
 * ignored the range, so the file restarts from byte 0 (reported as an event, never silently); `416` with
 * `bytes *\/TOTAL` equal to the bytes on disk means the file was already complete, otherwise it restarts.
 * Completion is decided by size: the bytes on disk must equal the length the server stated (Content-Length of
 * a 200, the total of a 206's Content-Range); a server that states no length is reported (`lengthChecked`
 * false) so the caller's archive check is the only one.
 *
 * Backoff before retry k (k = 1, 2, …, counted since the last attempt that brought new bytes):
 * `delayMs = min(maxMs, baseMs·2^(k−1)) · (0.5 + 0.5·u)`, u uniform in [0, 1) ("equal jitter"), so that many
 * clients failing together do not retry together. An attempt that brought new bytes resets k (the file
 * advanced), with at most `maxAttempts` attempts in all.
 */
export interface ResumableGetOptions {
  /** Retries after failures in a row that brought no new byte (default 5). */
  readonly retries?: number;
  /** Attempts in all, whatever their progress (default 20 + 4·retries). */
  readonly maxAttempts?: number;
  /** Backoff base and cap, ms (defaults 500 and 30,000; tests pass a few ms). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** No byte (connect, headers or body) for this long ends the attempt, ms (default 30,000). */
  readonly timeoutMs?: number;
  /** Aborts the transfer; the `.partial` keeps what was written. */
  readonly signal?: AbortSignal;
  /** Jitter source (default seeded from the clock and pid: jitter is to decorrelate clients, not to reproduce). */
  readonly rng?: Rng;
  /** Bytes appended to the file (negative when a restart threw bytes away). */
  readonly onBytes?: (deltaBytes: number) => void;
  /** The file's total length once a response states it. */
  readonly onTotal?: (totalBytes: number) => void;
  readonly onEvent?: (event: ResumableGetEvent) => void;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What happened on the way, one event per fact worth a line. */
export type ResumableGetEvent =
  | { readonly type: 'resume'; readonly fromBytes: number }
  | { readonly type: 'retry'; readonly attempt: number; readonly reason: string; readonly delayMs: number; readonly bytesOnDisk: number }
  | { readonly type: 'restart'; readonly reason: string; readonly discardedBytes: number };

export type ResumableGetResult =
  | {
      readonly status: 'complete';
      readonly path: string;
      /** Bytes on disk. */
      readonly bytes: number;
      /** The length the server stated (undefined if it stated none). */
      readonly totalBytes?: number;
      /** Bytes already on disk when the call started (0: a fresh download). */
      readonly resumedFromBytes: number;
      /** Bytes received over the network in this call. */
      readonly receivedBytes: number;
      readonly attempts: number;
      /** The server answered a Range request with the whole file (the download restarted from 0). */
      readonly rangeIgnored: boolean;
      /** The bytes on disk were compared with a length the server stated. */
      readonly lengthChecked: boolean;
    }
  | { readonly status: 'missing'; readonly httpStatus: 404; readonly attempts: number };

/** The transfer failed for good (retries spent, or an answer that retrying cannot change): names the URL and the last reason. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`${url}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
  }
}

/** The transfer was aborted (Ctrl-C); the `.partial` file stays for the next run. */
export class DownloadAbortedError extends Error {
  override readonly name = 'DownloadAbortedError';
  constructor(readonly url: string) {
    super(`${url}: interrupted`);
  }
}

type Outcome =
  | { kind: 'done'; totalBytes?: number; rangeIgnored: boolean }
  | { kind: 'partialRange' }
  | { kind: 'missing' }
  | { kind: 'retry'; reason: string }
  | { kind: 'restart'; reason: string }
  | { kind: 'fatal'; reason: string };

const MAX_REDIRECTS = 5;

/**
 * The backoff before retry `k` (1-based), ms: `min(maxMs, baseMs·2^(k−1))·(0.5 + 0.5·u)`.
 * @example backoffDelayMs(3, 500, 30_000, 0) // 1000 (2000 halved at u = 0)
 */
export function backoffDelayMs(k: number, baseMs: number, maxMs: number, u: number): number {
  return Math.min(maxMs, baseMs * 2 ** (k - 1)) * (0.5 + 0.5 * u);
}

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** Parses `bytes FIRST-LAST/TOTAL` or `bytes *\/TOTAL`; TOTAL may be `*`. */
export function parseContentRange(value: string | undefined): { first?: number; last?: number; total?: number } | undefined {
  const m = value === undefined ? null : /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value.trim());
  if (!m) return undefined;
  return {
    ...(m[1] !== undefined ? { first: Number(m[1]), last: Number(m[2]) } : {}),
    ...(m[3] !== '*' ? { total: Number(m[3]) } : {}),
  };
}

/**
 * Downloads `url` into `partialPath`, resuming from the bytes already there. Resolves `complete` (the file
 * holds every byte the server stated) or `missing` (404); rejects with `DownloadError` when retries are spent or
 * the answer cannot change (another 4xx), and with `DownloadAbortedError` on abort. Never deletes a file with
 * bytes in it except to restart it from byte 0 (an event says so); the `DownloadError` names the `.partial`
 * only when bytes were kept in it (an empty one is removed).
 */
export async function resumableGet(url: string, partialPath: string, options: ResumableGetOptions = {}): Promise<ResumableGetResult> {
  const retries = options.retries ?? 5;
  const maxAttempts = options.maxAttempts ?? 20 + 4 * retries;
  const baseMs = options.backoffBaseMs ?? 500;
  const maxMs = options.backoffMaxMs ?? 30_000;
  const rng = options.rng ?? createRng((Date.now() ^ (process.pid << 8)) >>> 0);
  const resumedFromBytes = sizeOf(partialPath);
  if (resumedFromBytes > 0) options.onEvent?.({ type: 'resume', fromBytes: resumedFromBytes });
  let attempts = 0;
  let failuresInRow = 0;
  let received = 0;
  let rangeIgnored = false;
  let lastTotal: number | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new DownloadAbortedError(url);
    attempts++;
    const before = sizeOf(partialPath);
    let outcome: Outcome;
    try {
      outcome = await attempt(url, partialPath, before, options, (n) => {
        if (n > 0) received += n;
        options.onBytes?.(n);
      });
    } catch (error) {
      if (options.signal?.aborted) throw new DownloadAbortedError(url);
      outcome = { kind: 'retry', reason: (error as Error).message };
    }
    const after = sizeOf(partialPath);
    switch (outcome.kind) {
      case 'missing':
        return { status: 'missing', httpStatus: 404, attempts };
      case 'fatal':
        throw new DownloadError(url, outcome.reason, attempts);
      case 'done': {
        rangeIgnored ||= outcome.rangeIgnored;
        lastTotal = outcome.totalBytes ?? lastTotal;
        return {
          status: 'complete',
          path: partialPath,
          bytes: after,
          ...(lastTotal !== undefined ? { totalBytes: lastTotal } : {}),
          resumedFromBytes,
          receivedBytes: received,
          attempts,
          rangeIgnored,
          lengthChecked: lastTotal !== undefined,
        };
      }
      case 'partialRange':
        // a 206 that stopped short of the total on purpose: ask for the rest at once
        failuresInRow = 0;
        if (attempts >= maxAttempts) throw new DownloadError(url, `still incomplete after ${attempts} requests (${after} bytes on disk)`, attempts);
        continue;
      case 'restart': {
        options.onEvent?.({ type: 'restart', reason: outcome.reason, discardedBytes: after });
        if (outcome.reason.startsWith('the server ignored Range')) rangeIgnored = true;
        rmSync(partialPath, { force: true });
        options.onBytes?.(-after);
        if (attempts >= maxAttempts) throw new DownloadError(url, outcome.reason, attempts);
        continue;
      }
      case 'retry': {
        failuresInRow = after > before ? 1 : failuresInRow + 1;
        if (failuresInRow > retries || attempts >= maxAttempts) {
          const gaveUp = failuresInRow > retries ? `${retries} retr${retries === 1 ? 'y' : 'ies'}` : `${attempts} attempts`;
          throw new DownloadError(url, `${outcome.reason}; gave up after ${gaveUp}${keptNote(partialPath, after)}`, attempts);
        }
        const delayMs = backoffDelayMs(failuresInRow, baseMs, maxMs, rng.next());
        options.onEvent?.({ type: 'retry', attempt: attempts + 1, reason: outcome.reason, delayMs, bytesOnDisk: after });
        await sleep(delayMs, options.signal);
        continue;
      }
    }
  }
}

/**
 * What a failed call leaves for the next run: `, N bytes kept in PATH` when the `.partial` holds bytes, and
 * nothing when there is no such file (no answer ever had a body) or it is empty (it is removed: there is
 * nothing to resume from, and a line naming it would name a file that is not there or holds nothing).
 */
export function keptNote(partialPath: string, bytesOnDisk: number): string {
  if (bytesOnDisk > 0) return `, ${bytesOnDisk} bytes kept in ${partialPath}`;
  rmSync(partialPath, { force: true });
  return '';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One request (following redirects): appends to or rewrites the file and says what to do next. */
function attempt(url: string, path: string, onDisk: number, options: ResumableGetOptions, onBytes: (n: number) => void, redirects = 0): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!lib) return resolve({ kind: 'fatal', reason: `unsupported protocol ${target.protocol}` });
    const headers: Record<string, string> = { 'user-agent': 'asmm-download', 'accept-encoding': 'identity', ...(options.headers ?? {}) };
    if (onDisk > 0) headers.range = `bytes=${onDisk}-`;
    const timeoutMs = options.timeoutMs ?? 30_000;
    let settled = false;
    const settle = (outcome: Outcome | Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const request = lib.get(target, { headers }, (response) => {
      const status = response.statusCode ?? 0;
      const drain = (outcome: Outcome) => {
        response.resume();
        settle(outcome);
      };
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return settle({ kind: 'fatal', reason: `more than ${MAX_REDIRECTS} redirects` });
        const next = new URL(response.headers.location, target).toString();
        attempt(next, path, onDisk, options, onBytes, redirects + 1).then(settle, settle);
        return;
      }
      if (status === 404) return drain({ kind: 'missing' });
      if (status >= 500) return drain({ kind: 'retry', reason: `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` });
      if (status === 416) {
        const range = parseContentRange(response.headers['content-range']);
        if (range?.total !== undefined && range.total === onDisk) return drain({ kind: 'done', totalBytes: onDisk, rangeIgnored: false });
        return drain({ kind: 'restart', reason: `the server refused Range bytes=${onDisk}- (HTTP 416${range?.total !== undefined ? `, the file has ${range.total} bytes` : ''}): restarting from byte 0` });
      }
      if (status !== 200 && status !== 206) return drain({ kind: 'fatal', reason: `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` });
      const length = response.headers['content-length'] === undefined ? undefined : Number(response.headers['content-length']);
      let append = false;
      let totalBytes: number | undefined;
      let rangeIgnored = false;
      if (status === 206) {
        const range = parseContentRange(response.headers['content-range']);
        if (!range || range.first === undefined) return drain({ kind: 'restart', reason: `HTTP 206 without a usable Content-Range ("${response.headers['content-range'] ?? ''}"): restarting from byte 0` });
        if (range.first !== onDisk) return drain({ kind: 'restart', reason: `asked for bytes ${onDisk}- and got ${range.first}-${range.last}: restarting from byte 0` });
        append = true;
        totalBytes = range.total;
      } else {
        if (onDisk > 0) rangeIgnored = true;
        totalBytes = length;
      }
      if (totalBytes !== undefined) options.onTotal?.(totalBytes);
      if (rangeIgnored) {
        // the whole file comes again: the bytes on disk are rewritten from 0
        options.onEvent?.({ type: 'restart', reason: `the server ignored Range bytes=${onDisk}- (HTTP 200, whole file): restarting from byte 0`, discardedBytes: onDisk });
        onBytes(-onDisk);
      }
      // Every chunk goes to disk as it arrives (a synchronous write): when the connection drops, what was
      // received is on disk for the next attempt's Range. (A write stream in a pipeline is destroyed on the
      // error with its buffered chunks, so a drop after one chunk could leave nothing to resume from.)
      let bodyBytes = 0;
      let fd: number | undefined = openSync(path, append ? 'a' : 'w');
      const closeFile = () => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      };
      response.on('data', (chunk: Buffer) => {
        if (fd === undefined) return;
        try {
          writeSync(fd, chunk);
        } catch (error) {
          closeFile();
          response.destroy();
          return settle(error as Error);
        }
        bodyBytes += chunk.length;
        onBytes(chunk.length);
      });
      response.on('error', (error: Error) => {
        closeFile();
        settle({ kind: 'retry', reason: `connection lost after ${bodyBytes}${length !== undefined ? ` of ${length}` : ''} bytes (${error.message})` });
      });
      response.on('close', () => {
        closeFile();
        const expected = length ?? (status === 206 ? undefined : totalBytes);
        if (!response.complete || (expected !== undefined && bodyBytes < expected)) {
          return settle({ kind: 'retry', reason: `connection closed after ${bodyBytes}${expected !== undefined ? ` of ${expected}` : ''} bytes` });
        }
        const size = sizeOf(path);
        if (totalBytes !== undefined && size < totalBytes) {
          return settle(bodyBytes > 0 ? { kind: 'partialRange' } : { kind: 'retry', reason: `an empty answer with ${size} of ${totalBytes} bytes on disk` });
        }
        if (totalBytes !== undefined && size > totalBytes) {
          return settle({ kind: 'restart', reason: `${size} bytes on disk, more than the ${totalBytes} the server states: restarting from byte 0` });
        }
        settle({ kind: 'done', ...(totalBytes !== undefined ? { totalBytes } : {}), rangeIgnored });
      });
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no data for ${timeoutMs} ms`)));
    request.on('error', (error) => settle({ kind: 'retry', reason: describeSocketError(error) }));
    const onAbort = () => {
      request.destroy(new Error('interrupted'));
      settle(new DownloadAbortedError(url));
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describeSocketError(error: NodeJS.ErrnoException): string {
  return error.code ? `${error.code} ${error.message.replace(error.code, '').replace(/\s+/g, ' ').trim()}`.trim() : error.message;
}
