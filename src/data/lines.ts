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
