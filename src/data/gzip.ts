import { closeSync, createReadStream, openSync, readSync, type ReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { constants, gunzipSync, type Gunzip } from 'node:zlib';
import { DataError } from './errors.js';

/**
 * Gzip by content, not by name: the two magic bytes of RFC 1952 §2.3.1 (ID1 = 0x1f, ID2 = 0x8b).
 * @example isGzip(Buffer.from([0x1f, 0x8b, 8])) // true
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export function readFileHead(path: string, bytes: number): Buffer {
  const head = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The start of a file's content: its first bytes, or for a gzip file the start of what it decompresses to
 * (from its first 64 KiB, decompressed without requiring the stream's end). Used to detect formats by content.
 * A file with gzip magic whose head does not decompress is refused with a DataError naming it.
 */
export function contentHead(path: string, bytes = 4096): { head: Buffer; gzip: boolean } {
  const raw = readFileHead(path, 1 << 16);
  if (!isGzip(raw)) return { head: raw.subarray(0, bytes), gzip: false };
  try {
    return { head: gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, bytes), gzip: true };
  } catch (error) {
    throw new DataError(path, 0, '', `starts like a gzip file but does not decompress (${(error as Error).message})`);
  }
}

/** A synchronous source of a file's bytes (decompressed when it is gzip): `read` returns 0 at the end. */
export interface ByteSource {
  read(into: Buffer, offset: number, length: number): number;
  close(): void;
}

/** Opens `path` for synchronous reading; gzip content (by magic bytes) is decompressed as it is read. */
export function openByteSource(path: string): ByteSource {
  if (isGzip(readFileHead(path, 2))) return new GunzipSource(path);
  const fd = openSync(path, 'r');
  return {
    read: (into, offset, length) => readSync(fd, into, offset, length, null),
    close: () => closeSync(fd),
  };
}

// Control words shared with the worker: [state, byte count]. States:
const EMPTY = 0; // the reader wants bytes
const READY = 1; // `count` bytes are in the data buffer
const END = 2; // the stream ended after the last READY
const FAILED = 3; // the stream failed: the data buffer holds the error message (UTF-8, `count` bytes)
const CAPACITY = 1 << 20;
/** No word from the worker for this long: it is taken to be dead. */
const STALL_MS = 120_000;

/**
 * The worker: streams the file through zlib's native gunzip (multi-member files included, fed as
 * `feedGunzip` does) and hands each piece over through shared memory, one at a time, waiting without blocking
 * its own event loop. Every piece gunzip produced is handed over before a failure is: gunzip is never paused
 * (a paused stream drops what it holds when it fails, as does an async iterator over it); its 'data' go to a
 * queue, and the file is fed on only while the queue is short.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { createGunzip } = require('node:zlib');
const control = new Int32Array(workerData.control);
const data = new Uint8Array(workerData.data);
async function whenEmpty() {
  for (;;) {
    const state = Atomics.load(control, 0);
    if (state === ${EMPTY}) return;
    const waiting = Atomics.waitAsync(control, 0, state);
    if (waiting.async) await waiting.value;
  }
}
function hand(state, count) {
  Atomics.store(control, 1, count);
  Atomics.store(control, 0, state);
  Atomics.notify(control, 0);
}
// a pending Atomics.waitAsync does not keep a thread's event loop alive: without this timer the thread could
// end while waiting for the reader, after the file is read and before its last pieces are handed over
const keepAlive = setInterval(() => {}, 1 << 30);
(async () => {
  const queue = [];
  let ended = false;
  let failure;
  let wake;
  const poke = () => {
    const w = wake;
    wake = undefined;
    if (w) w();
  };
  try {
    const input = createReadStream(workerData.path, { highWaterMark: 1 << 18 });
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    // fed as feedGunzip does: end() once every chunk was decompressed, at most 2 chunks written ahead, the file
    // read on while the queue holds less than 4 MiB
    let pending = 0;
    let inputEnded = false;
    let queued = 0;
    let waiting = false;
    const canRead = () => pending < 2 && queued < ${4 * CAPACITY};
    const feed = () => {
      if (input.destroyed) return;
      waiting = !canRead();
      if (!waiting) input.resume();
    };
    input.on('data', (chunk) => {
      pending++;
      gunzip.write(chunk, (error) => {
        pending--;
        if (error || gunzip.destroyed) input.destroy();
        else if (inputEnded) {
          if (pending === 0) gunzip.end();
        } else if (waiting) feed();
      });
      if (!canRead()) {
        input.pause();
        waiting = true;
      }
    });
    input.on('end', () => {
      inputEnded = true;
      if (pending === 0) gunzip.end();
    });
    input.on('error', (error) => gunzip.destroy(error));
    gunzip.on('data', (chunk) => {
      queue.push(chunk);
      queued += chunk.length;
      poke();
    });
    gunzip.on('end', () => {
      ended = true;
      poke();
    });
    gunzip.on('error', (error) => {
      failure = failure || error;
      poke();
    });
    for (;;) {
      if (queue.length === 0) {
        if (failure || ended) break;
        await new Promise((resolve) => (wake = resolve));
        continue;
      }
      const chunk = queue.shift();
      queued -= chunk.length;
      if (waiting) feed();
      for (let at = 0; at < chunk.length; at += ${CAPACITY}) {
        const piece = chunk.subarray(at, at + ${CAPACITY});
        await whenEmpty();
        data.set(piece);
        hand(${READY}, piece.length);
      }
    }
  } catch (error) {
    failure = failure || error;
  }
  try {
    await whenEmpty();
    if (failure) {
      const message = Buffer.from(String(failure && failure.message ? failure.message : failure)).subarray(0, ${CAPACITY});
      data.set(message);
      hand(${FAILED}, message.length);
    } else hand(${END}, 0);
  } finally {
    clearInterval(keepAlive);
  }
})();
`;

/**
 * Feeds a file's bytes to a gunzip stream so that a truncated file loses none of what it decompresses to, for a
 * reader that takes gunzip's output from its 'data' events and never pauses it (a paused stream that fails drops
 * what it holds). `end()` comes only once every chunk written was decompressed: piped, the last chunk could be
 * decompressed together with the end-of-stream flush, and on a truncated file that call fails with "unexpected
 * end of file" and the output it made — up to a chunk of lines — is dropped, so that the error came early, at a
 * line that varied from run to run. At most 2 chunks are written ahead, and the file is read on only while
 * `backlog()` (what the reader has not consumed yet, bytes) is at most `maxBacklog`; call `poke()` when it
 * shrank. The file's errors go to `gunzip`.
 */
export function feedGunzip(path: string, gunzip: Gunzip, options: { readonly backlog?: () => number; readonly maxBacklog?: number } = {}): { readonly input: ReadStream; poke(): void } {
  const input = createReadStream(path);
  const backlog = options.backlog ?? (() => 0);
  const maxBacklog = options.maxBacklog ?? Infinity;
  // chunks written and not yet decompressed: up to 2, so that reading the file overlaps decompressing it
  let pending = 0;
  let inputEnded = false;
  let waiting = false;
  const canRead = () => pending < 2 && backlog() <= maxBacklog;
  const feed = () => {
    if (input.destroyed) return;
    waiting = !canRead();
    if (!waiting) input.resume();
  };
  input.on('data', (chunk) => {
    pending++;
    gunzip.write(chunk, (error) => {
      pending--;
      if (error || gunzip.destroyed) input.destroy();
      else if (inputEnded) {
        if (pending === 0) gunzip.end();
      } else if (waiting) feed();
    });
    if (!canRead()) {
      input.pause();
      waiting = true;
    }
  });
  input.on('end', () => {
    inputEnded = true;
    if (pending === 0) gunzip.end();
  });
  input.on('error', (error) => gunzip.destroy(error));
  return { input, poke: () => waiting && feed() };
}

/** Gunzips a file in a worker thread and reads it synchronously, piece by piece (memory: two 1 MiB buffers). */
class GunzipSource implements ByteSource {
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly data = new Uint8Array(new SharedArrayBuffer(CAPACITY));
  private readonly worker: Worker;
  private pending: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(private readonly path: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, control: this.control.buffer, data: this.data.buffer } });
    this.worker.unref();
  }

  read(into: Buffer, offset: number, length: number): number {
    if (this.pending.length === 0 && !this.done) this.pending = this.next();
    const n = Math.min(length, this.pending.length);
    into.set(this.pending.subarray(0, n), offset);
    this.pending = this.pending.subarray(n);
    return n;
  }

  /** The next decompressed piece (a copy), or an empty array at the end. */
  private next(): Uint8Array {
    let waitedMs = 0;
    while (Atomics.load(this.control, 0) === EMPTY) {
      if (Atomics.wait(this.control, 0, EMPTY, 1000) === 'timed-out' && (waitedMs += 1000) >= STALL_MS) {
        throw new Error(`gunzip of ${this.path}: no data from the decompressing thread for ${STALL_MS / 1000} s`);
      }
    }
    const state = Atomics.load(this.control, 0);
    const count = Atomics.load(this.control, 1);
    const piece = this.data.slice(0, count);
    if (state === READY) {
      Atomics.store(this.control, 0, EMPTY);
      Atomics.notify(this.control, 0);
      return piece;
    }
    this.done = true;
    if (state === END) return new Uint8Array(0);
    throw new GzipError(Buffer.from(piece).toString('utf8'));
  }

  close(): void {
    this.done = true;
    void this.worker.terminate();
  }
}

/** The gzip stream of a file is truncated or corrupt (zlib's message, e.g. "unexpected end of file"). */
export class GzipError extends Error {
  override readonly name = 'GzipError';
}

/**
 * A gzip failure as a DataError at the line being read when the data ended: the line after the `completeLines`
 * complete ones (LF-terminated), with whether some of its bytes arrived (`partial`: the cut fell inside it)
 * or none (the data ended where it would start).
 * @example gzipFailure('b.csv.gz', new Error('unexpected end of file'), 2000, true).message
 * // 'b.csv.gz:2001: truncated or corrupt gzip: the data ends inside this line, after 2000 complete lines (unexpected end of file)'
 */
export function gzipFailure(path: string, error: Error, completeLines: number, partial: boolean): DataError {
  const after = `after ${completeLines} complete line${completeLines === 1 ? '' : 's'}`;
  return new DataError(path, completeLines + 1, '', `truncated or corrupt gzip: the data ends ${partial ? 'inside this line' : 'where this line would start'}, ${after} (${error.message})`);
}
