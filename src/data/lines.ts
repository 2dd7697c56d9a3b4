import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from './errors.js';
import { feedGunzip, gzipFailure, isGzip, readFileHead } from './gzip.js';

/**
 * Streams the lines of a text file (gunzipped on the fly when its content is gzip, by magic bytes, whatever
 * its name), with 1-based line numbers. Memory stays at one read buffer plus the longest line. A truncated or
 * corrupt gzip stream, or a read error, ends the iteration with a DataError naming the file (a gzip failure: at
 * the line being read when the data ended, counted from the LFs gunzip delivered, not from the lines yielded,
 * of which readline may still hold some when the stream fails; never an uncaught stream error).
 */
export async function* readLines(path: string): AsyncGenerator<{ line: string; lineNo: number }> {
  const gunzip = isGzip(readFileHead(path, 2)) ? createGunzip() : undefined;
  // gzip: gunzip is never paused (it would drop what it holds when it fails): its output goes on to readline
  // through a PassThrough, and the file is fed on while that holds at most 1 MiB not yet read (feedGunzip)
  const pass = gunzip ? new PassThrough() : undefined;
  const fed = gunzip && pass ? feedGunzip(path, gunzip, { backlog: () => pass.readableLength + pass.writableLength, maxBacklog: 1 << 20 }) : undefined;
  const raw = fed ? fed.input : createReadStream(path);
  const input = pass ?? raw;
  let failure: Error | undefined;
  // what gunzip delivered: its LFs (complete lines) and whether its last byte ended a line
  let lfs = 0;
  let lastByte = 0x0a;
  gunzip?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lfs++;
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
    pass!.write(chunk);
  });
  gunzip?.on('end', () => pass!.end());
  pass?.on('drain', () => fed!.poke());
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
    pass?.destroy();
  }
  if (failure) throw gunzip && !(failure as NodeJS.ErrnoException).syscall ? gzipFailure(path, failure, lfs, lastByte !== 0x0a) : new DataError(path, 0, '', `cannot read (${failure.message})`);
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
