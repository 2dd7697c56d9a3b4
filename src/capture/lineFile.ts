import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * An append-only text file written under `<path>.partial` and renamed to `path` by `close()`, so a file
 * under its final name is always complete. Text is buffered and written in whole lines (64 KiB batches, or
 * on `flush()`), all synchronously: a signal handler can flush and close every file before the process exits.
 */
export class LineFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private written = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly flushChars = 64 * 1024,
  ) {
    this.fd = openSync(`${path}.partial`, 'wx');
  }

  /** Appends text made of whole lines (each ending in "\n"). */
  write(lines: string): void {
    if (this.closed) throw new Error(`${this.path}: write after close`);
    this.buffer.push(lines);
    this.bufferedChars += lines.length;
    if (this.bufferedChars >= this.flushChars) this.flush();
  }

  /** Bytes on disk plus bytes buffered (UTF-8 length of the buffer is estimated by its char count). */
  get bytes(): number {
    return this.written + this.bufferedChars;
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    this.written += writeSync(this.fd, text);
  }

  /** Flushes, closes and gives the file its final name. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.path}.partial`, this.path);
    this.closed = true;
  }
}
