import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeOkxServer } from '../src/okx/fakeServer.js';
import { projectPath } from '../src/project/index.js';
import { printTable } from './util.js';

const TARGET_MESSAGES = 1_000_000;

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function countRecvLines(dir: string): Promise<number> {
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.raw.ndjson'))) {
    for await (const line of createInterface({ input: createReadStream(join(dir, f)), crlfDelay: Infinity })) if (line.startsWith('{"type":"recv"')) n++;
  }
  return n;
}

/**
 * `asmm record` (a child process, as users run it) fed by the fake OKX exchange on loopback as fast as it
 * reads, books + books5 + trades of one instrument, until the exchange has sent 1,000,000 data frames.
 * Reports the recorder's sustained rate, loss (frames the exchange's socket accepted minus frames in the raw
 * log) and RSS growth after warm-up (sampled every 100 ms from /proc). Targets: ≥ 20,000 msg/s, zero loss,
 * RSS growth < 50 MB.
 */
export async function run(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'asmm-bench-recorder-'));
  // ~2.3 data frames per step (books update, books5, a trade 30 % of the time)
  const server = await startFakeOkxServer({ stepIntervalMs: 0, maxSteps: Math.ceil(TARGET_MESSAGES / 2.2), keepSentFrames: false, lifetimeMs: 600_000 });
  const child = spawn(process.execPath, [projectPath('bin', 'asmm.mjs'), 'record', '--url', server.url, '--inst', 'ETH-USDT', '--channels', 'books,books5,trades', '--out', out, '--progress-every', '250ms', '--json'], {
    env: { ...process.env, ASMM_ROOT: projectPath() },
  });
  let stdout = '';
  let lastProgress = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    const all = [...d.toString().matchAll(/\| (\d+) msgs \|/g)];
    if (all.length > 0) lastProgress = Number(all[all.length - 1][1]);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const rss: Array<{ frames: number; mb: number }> = [];
  let firstFrameMs = 0;
  const sampler = setInterval(() => {
    if (firstFrameMs === 0 && server.counts.frames > 0) firstFrameMs = performance.now();
    rss.push({ frames: server.counts.frames, mb: rssMb(child.pid ?? 0) });
  }, 100);
  // Wait until the exchange is done and the recorder has received all it sent.
  let doneMs = 0;
  while (true) {
    await new Promise((r) => setTimeout(r, 100));
    const finished = server.counts.steps >= Math.ceil(TARGET_MESSAGES / 2.2);
    if (finished && lastProgress >= server.counts.frames) {
      doneMs = performance.now();
      break;
    }
    if (child.exitCode !== null) break;
  }
  clearInterval(sampler);
  child.kill('SIGINT');
  await exited;
  await server.close();
  const summary = JSON.parse(stdout) as { stats: { frames: number; bookRows: number; trades: number; gaps: number; reconnects: number; bytes: number } };
  const recvLines = await countRecvLines(out);
  rmSync(out, { recursive: true, force: true });
  const seconds = (doneMs - firstFrameMs) / 1000;
  const warm = rss.find((s) => s.frames >= 50_000)?.mb ?? NaN;
  const peak = Math.max(...rss.filter((s) => s.frames >= 50_000).map((s) => s.mb));
  const loss = server.counts.frames - recvLines;
  const rate = summary.stats.frames / seconds;
  printTable(
    ['asmm record vs fake OKX (loopback)', 'frames sent', 'frames in raw log', 'loss', 'seconds', 'msg/s', 'RSS at 50k MB', 'RSS peak MB', 'growth MB'],
    [['books+books5+trades, 1 instrument', server.counts.frames, recvLines, loss, seconds.toFixed(1), Math.round(rate), warm.toFixed(0), peak.toFixed(0), (peak - warm).toFixed(1)]],
  );
  process.stdout.write(
    `rows written: ${summary.stats.bookRows} book, ${summary.stats.trades} trades; ${(summary.stats.bytes / 1e6).toFixed(0)} MB; reconnects ${summary.stats.reconnects}, gaps ${summary.stats.gaps}\n` +
      `rate ${rate >= 20_000 ? 'meets' : 'MISSES'} the 20,000 msg/s target; loss ${loss === 0 ? 'zero (meets)' : `${loss} (MISSES)`}; RSS growth ${peak - warm < 50 ? 'meets' : 'MISSES'} the < 50 MB target\n`,
  );
}
