import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openArchiveMember } from '../src/data/archive.js';
import { OkxBooksDecoder } from '../src/formats/okxHistoryBooks.js';
import { projectPath } from '../src/project/index.js';
import { cachedOkxBooksDay } from './okxHistoryDay.js';
import { printTable } from './util.js';

/**
 * Reading one generated OKX order-book history day of realistic size (the `realistic` preset: about 3.7 M
 * NDJSON lines, about 820 MB uncompressed, 400 levels a side, a snapshot every 15 min) with the streaming
 * reader: level changes in 64 k batches, the full-depth book maintained, every snapshot checked, top-5 rows
 * at each change — what a catalog import does before writing Parquet.
 *
 * Printed: the parse rate (MB of raw NDJSON per second of time spent in the decoder, one core, gunzip
 * excluded), the end-to-end rate from the tar.gz (gunzip included; zlib runs on libuv's thread pool) and the
 * peak RSS of the reading process (a child process, so generation does not count), against the issue's
 * targets (≥ 40 MB/s, < 1 GB). `ASMM_OKX_BENCH_HOURS` (default 24) shortens the day for a quick run. The day
 * is generated once into data/bench/okx-history (zlib level 1) and reused while its parameters are unchanged.
 */
export async function run(): Promise<void> {
  const hours = Number(process.env.ASMM_OKX_BENCH_HOURS ?? 24);
  if (!(hours > 0 && hours <= 24)) throw new RangeError(`ASMM_OKX_BENCH_HOURS must be in (0, 24], got ${process.env.ASMM_OKX_BENCH_HOURS}`);
  const dir = projectPath('data', 'bench', 'okx-history');
  const file = await cachedOkxBooksDay(dir, hours);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: projectPath(),
    encoding: 'utf8',
    env: { ...process.env, ASMM_OKX_BENCH_READ: file.path },
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the reading process failed: ${child.stderr}`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as ReadResult;
  const mb = r.bytes / 1e6;
  printTable(
    ['OKX books day (streaming reader)', 'lines', 'NDJSON MB', 'seconds', 'MB/s', 'target'],
    [
      ['parse + book + checks (decoder time, one core)', r.lines, mb.toFixed(0), (r.decoderMs / 1000).toFixed(1), (mb / (r.decoderMs / 1000)).toFixed(1), '≥ 40'],
      ['end to end from the tar.gz (gunzip included)', r.lines, mb.toFixed(0), (r.wallMs / 1000).toFixed(1), (mb / (r.wallMs / 1000)).toFixed(1), ''],
    ],
  );
  const parseRate = mb / (r.decoderMs / 1000);
  const rssMb = r.maxRssKb / 1024;
  process.stdout.write(`${r.levelChanges} level changes, ${r.topRows} top-5 rows, ${r.snapshots} snapshots (${r.disagreements} disagreeing)\n`);
  process.stdout.write(`parse rate ${parseRate >= 40 ? 'meets' : 'MISSES'} the 40 MB/s target (${(parseRate / 40).toFixed(2)}x); peak RSS of the reader (sampled every 8 batches) ${rssMb.toFixed(0)} MB ${rssMb < 1024 ? 'meets' : 'MISSES'} the 1 GB target (${(rssMb / 1024).toFixed(2)}x)\n`);
}

interface ReadResult {
  lines: number;
  bytes: number;
  levelChanges: number;
  topRows: number;
  snapshots: number;
  disagreements: number;
  decoderMs: number;
  wallMs: number;
  maxRssKb: number;
}

/** The reading phase, in its own process: streams the archive through the decoder, timing the decoder alone. */
async function readDay(path: string): Promise<ReadResult> {
  const t0 = performance.now();
  const member = await openArchiveMember(path);
  const decoder = new OkxBooksDecoder(path, member.memberName);
  let decoderMs = 0;
  let batches = 0;
  let peakRss = process.memoryUsage.rss();
  for await (const chunk of member.stream) {
    const t = performance.now();
    decoder.push(chunk as Buffer);
    batches += decoder.takeBatches().length;
    decoderMs += performance.now() - t;
    if ((batches & 7) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const t = performance.now();
  decoder.finish();
  batches += decoder.takeBatches().length;
  decoderMs += performance.now() - t;
  const s = decoder.summary();
  return {
    lines: s.lines,
    bytes: s.bytes,
    levelChanges: s.levelChanges,
    topRows: s.topRows,
    snapshots: s.snapshots,
    disagreements: s.snapshotDisagreements,
    decoderMs,
    wallMs: performance.now() - t0,
    // sampled: the kernel's ru_maxrss of a spawned child starts from its parent's (the generator's) peak
    maxRssKb: Math.max(peakRss, process.memoryUsage.rss()) / 1024,
  };
}

if (process.env.ASMM_OKX_BENCH_READ) {
  readDay(process.env.ASMM_OKX_BENCH_READ).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (error) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
