import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay, type OkxHistoryDayFile } from '../src/sample/okxHistory.js';

/**
 * The generated OKX books day the benches read (realistic preset, 2025-11-01, seed 1, zlib level 1, the first
 * `hours` of the day), written once into `dir` and reused while `dir/bench-params.json` records the same
 * parameters and the file is still there. Says on stderr when it generates.
 */
export async function cachedOkxBooksDay(dir: string, hours: number): Promise<OkxHistoryDayFile> {
  const options = { ...OKX_HISTORY_PRESETS.realistic, dir, kind: 'books' as const, date: '2025-11-01', seed: 1, durationSec: Math.round(hours * 3600), compressionLevel: 1 };
  const stamp = join(dir, 'bench-params.json');
  const wanted = JSON.stringify({ ...options, dir: undefined });
  if (existsSync(stamp)) {
    const cached = JSON.parse(readFileSync(stamp, 'utf8')) as { params: string; file: OkxHistoryDayFile };
    if (cached.params === wanted && existsSync(cached.file.path)) return cached.file;
  }
  const t0 = performance.now();
  const file = await writeOkxHistoryDay(options);
  writeFileSync(stamp, JSON.stringify({ params: wanted, file }));
  process.stderr.write(`generated ${file.path}: ${file.lines} lines, ${(file.bytesUncompressed / 1e6).toFixed(0)} MB (${(file.bytesCompressed / 1e6).toFixed(0)} MB tar.gz) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return file;
}
