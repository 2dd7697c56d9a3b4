import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DataError } from './errors.js';
import { gzipFailure, isGzip, readFileHead } from './gzip.js';

/**
 * Streams the lines of a text file (gunzipped on the fly when its content is gzip, by magic bytes, whatever
 * its name), with 1-based line numbers. Memory stays at one read buffer plus the longest line. A truncated or
 * corrupt gzip stream, or a read error, ends the iteration with a DataError naming the file and the last
 * complete line (never an uncaught stream error).
 */
export async function* readLines(path: string): AsyncGenerator<{ line: string; lineNo: number }> {
  const raw = createReadStream(path);
  const gunzip = isGzip(readFileHead(path, 2)) ? createGunzip() : undefined;
  const input = gunzip ? raw.pipe(gunzip) : raw;
  let failure: Error | undefined;
  const reader = createInterface({ input, crlfDelay: Infinity });
  const fail = (error: Error) => {
    failure ??= error;
    reader.close();
  };
  raw.on('error', fail);
  gunzip?.on('error', fail);
  let lineNo = 0;
  try {
    for await (const line of reader) {
      if (failure) break;
      lineNo++;
      yield { line, lineNo };
    }
  } catch (error) {
    fail(error as Error);
  } finally {
    reader.close();
    raw.destroy();
    gunzip?.destroy();
  }
  if (failure) throw new DataError(path, 0, '', gunzip && !(failure as NodeJS.ErrnoException).syscall ? gzipFailure(failure, lineNo) : `cannot read (${failure.message})`);
}

/**
 * Cuts a byte stream into lines at LF: `push(chunk)` calls `onLine(buf, start, end)` for each complete line
 * (`buf[start, end)`, without the LF; a CR before it is the caller's to drop), in place in the chunk, and
 * joins the bytes of a line split across chunks once; `end()` hands over the last line when the stream does
 * not end with a newline. The streaming decoders of OKX history files share it.
 */
export class ByteLineSplitter {
  private carry: Buffer | undefined;
  constructor(private readonly onLine: (buf: Buffer, start: number, end: number) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carry) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = undefined;
      this.onLine(line, 0, line.length);
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.onLine(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }

  end(): void {
    const line = this.carry;
    this.carry = undefined;
    if (line) this.onLine(line, 0, line.length);
  }
}
