import { Worker } from 'node:worker_threads';
import { projectPath } from '../project/index.js';
import type { ScanColumn } from './columnScan.js';
import { columnBuffers } from './partColumns.js';

/** A part file for the writer thread to write: rows `[0, rows)` of whole typed-array columns. */
export interface PartRequest {
  readonly id: number;
  readonly file: string;
  readonly columns: readonly ScanColumn[];
  readonly rows: number;
}

/**
 * The thread's answer to a PartRequest: its id, the columns given back (their memory transferred back, for a
 * later part), and what went wrong when the file could not be written.
 */
export interface PartAnswer {
  readonly id: number;
  readonly columns: readonly ScanColumn[];
  readonly error?: { readonly name: string; readonly message: string };
}

/** The worker entry (a path, not import.meta.url: tslab compiles src/ to CommonJS, where that does not exist). */
const workerPath = () => projectPath('scripts', 'part-writer-worker.mjs');

/**
 * Parquet part files written on a thread of their own (partWriterWorker.ts, with its own embedded DuckDB), so
 * that a long import goes on reading while its last part is written: DuckDB's writer calls back into
 * JavaScript for every 2,048 rows it encodes (ColumnScan), and on the reading thread those calls either wait
 * for the reader or stop it. Measured side by side on a generated OKX history day (825 MB of NDJSON, 20.7 M
 * level changes and 3.8 M top-5 rows) on 2 cores: 24.0–25.3 s of wall time before, 17.8–21.1 s with the
 * thread (29.2–29.8 s against 26.6–27.0 s in a slower hour of the VM); confined to one core, 25.9 s before
 * and 26.9 s with it (then a copy of each part for the hand-over, since gone: parts are gathered in
 * PartColumns, whose memory is transferred and comes back). A writer on one core does without it
 * (CatalogWriterOptions.partThread).
 *
 * One part at a time: `write` waits until the thread has finished the part before (so at most one part is in
 * the thread and one being gathered: memory of two parts), then hands the columns' memory to the thread
 * (transferred: the caller's typed arrays are left empty) and gets it back through `returned` once the part
 * is written, to fill with a later part (PartColumns); writes called without waiting for each other take
 * turns in the order called.
 * The first part that failed makes the next `write` or `drain` throw its error, and every one after it. `close` ends the thread (a part still being written is abandoned: the caller removes its
 * staging folder).
 */
export class PartWriterThread {
  private worker: Worker | undefined;
  private nextId = 0;
  /** Settles when the last `write` called has handed its part over (or failed to): writes take turns. */
  private turn: Promise<void> = Promise.resolve();
  /** The part in the thread, settled when it is written or has failed. */
  private inFlight: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<number, { resolve: (columns: readonly ScanColumn[]) => void; reject: (error: Error) => void }>();
  /** The first part that failed, or why the thread stopped: thrown by every write and drain after. */
  private broken: Error | undefined;

  /** Whether the thread was started (by a first `write`). */
  get started(): boolean {
    return this.nextId > 0;
  }

  /**
   * Sends rows `[0, rows)` of `columns` (typed arrays, whole: their memory is transferred, so they are empty here
   * after) to be written as the Parquet file `file`, once the part before is written. `returned` gets the
   * columns back, with their memory, once the part is written (not when it failed or the thread stopped).
   */
  async write(columns: readonly ScanColumn[], rows: number, file: string, returned?: (columns: readonly ScanColumn[]) => void): Promise<void> {
    for (const c of columns) if (!ArrayBuffer.isView(c.values)) throw new Error(`PartWriterThread.write: column ${c.name} is not a typed array`);
    // calls that overlap (not awaited one by one) still go one at a time, in the order called
    const before = this.turn;
    let handedOver!: () => void;
    this.turn = new Promise<void>((resolve) => (handedOver = resolve));
    try {
      await before;
      await this.inFlight;
      if (this.broken) throw this.broken;
      const id = ++this.nextId;
      // settles (never rejects) when the thread answers: an error goes to `broken`, for every later call to throw
      this.inFlight = new Promise<void>((resolve) =>
        this.waiting.set(id, {
          resolve: (back) => {
            resolve();
            returned?.(back);
          },
          reject: (error) => ((this.broken ??= error), resolve()),
        }),
      );
      const worker = this.thread();
      // the thread keeps the process alive only while it has a part to write (an idle one must not)
      worker.ref();
      worker.postMessage({ id, file, columns, rows } satisfies PartRequest, columnBuffers(columns));
    } finally {
      handedOver();
    }
  }

  /** Waits until every part sent is written; throws the error of the first that was not. */
  async drain(): Promise<void> {
    await this.turn;
    await this.inFlight;
    if (this.broken) throw this.broken;
  }

  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    this.fail(new Error(this.waiting.size > 0 ? 'the catalog writer was closed while a part file was being written' : 'the catalog writer is closed'));
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerPath());
    worker.on('message', (answer: PartAnswer) => {
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      if (answer.error) waiting.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
      else waiting.resolve(answer.columns);
    });
    const gone = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(error);
    };
    worker.on('error', (error) => gone(error));
    worker.on('exit', (code) => gone(new Error(`the catalog's part-writer thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Fails every part still waiting, and every write and drain after (the thread is gone). */
  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
