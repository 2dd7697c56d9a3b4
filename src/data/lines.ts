import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * Streams the lines of a text file (gunzipped on the fly when the name ends in `.gz`), with 1-based line
 * numbers. Memory stays at one read buffer plus the longest line.
 */
export async function* readLines(path: string): AsyncGenerator<{ line: string; lineNo: number }> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const reader = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of reader) {
      lineNo++;
      yield { line, lineNo };
    }
  } finally {
    reader.close();
    raw.destroy();
  }
}
