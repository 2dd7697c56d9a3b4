import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { constants, gunzipSync } from 'node:zlib';
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
 * The worker: streams the file through zlib's native gunzip (multi-member files included) and hands each
 * piece over through shared memory, one at a time, waiting without blocking its own event loop.
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
  try {
    const input = createReadStream(workerData.path, { highWaterMark: 1 << 18 });
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    input.on('error', (error) => gunzip.destroy(error));
    for await (const chunk of input.pipe(gunzip)) {
      for (let at = 0; at < chunk.length; at += ${CAPACITY}) {
        const piece = chunk.subarray(at, at + ${CAPACITY});
        await whenEmpty();
        data.set(piece);
        hand(${READY}, piece.length);
      }
    }
    await whenEmpty();
    hand(${END}, 0);
  } catch (error) {
    await whenEmpty();
    const message = Buffer.from(String(error && error.message ? error.message : error)).subarray(0, ${CAPACITY});
    data.set(message);
    hand(${FAILED}, message.length);
  } finally {
    clearInterval(keepAlive);
  }
})();
`;

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

/** The reason to give for a gzip failure after `lines` complete lines were read. */
export function gzipFailure(error: Error, lines: number): string {
  return `truncated or corrupt gzip after line ${lines} (${error.message})`;
}
