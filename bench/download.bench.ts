import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTarGz } from '../src/data/archive.js';
import { checkDayFile, downloadOkxHistory, planOkxDownload, startHistoryServer, type HistoryFault } from '../src/download/index.js';
import { okxBooksFileName, okxBooksMemberName } from '../src/formats/okxHistoryLayout.js';
import { createRng } from '../src/random/index.js';
import { printTable } from './util.js';

/**
 * `asmm download`'s machinery on one books day file of about OKX's size (a BTC-USDT day is about 258 MB),
 * served by the local history server on 127.0.0.1 (never OKX): the transfer rate clean, through dropped
 * connections (each resumed with Range) and through a server that ignores Range after a drop (the file
 * restarts), as ratios to the clean run measured in the same process; and the integrity check's rate (the
 * whole tar.gz decompressed). The member is incompressible seeded bytes (a 1 MiB block repeated: deflate's
 * 32 KiB window cannot see the repetition) so the archive is as large as the member. `ASMM_DOWNLOAD_BENCH_MB`
 * (default 256) sets its size. Incompressible bytes make the check faster than on real NDJSON (whose gunzip
 * runs at about 65–100 MB/s, see okxHistory.bench.ts).
 */
export async function run(): Promise<void> {
  const mb = Number(process.env.ASMM_DOWNLOAD_BENCH_MB ?? 256);
  if (!(mb >= 1 && mb <= 4096)) throw new RangeError(`ASMM_DOWNLOAD_BENCH_MB must be in [1, 4096], got ${process.env.ASMM_DOWNLOAD_BENCH_MB}`);
  const root = join(tmpdir(), `asmm-download-bench-${process.pid}`);
  const src = join(root, 'src');
  mkdirSync(src, { recursive: true });
  try {
    const inst = 'BTC-USDT';
    const date = '2025-11-01';
    const name = okxBooksFileName(inst, date);
    const rng = createRng(7);
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < block.length; i += 4) block.writeUInt32LE(rng.nextUint32(), i);
    await writeTarGz(join(src, name), okxBooksMemberName(inst, date), (function* () {
      for (let i = 0; i < mb; i++) yield block;
    })(), { level: 1 });
    const bytes = statSync(join(src, name)).size;

    const t0 = performance.now();
    const check = await checkDayFile(join(src, name), okxBooksMemberName(inst, date));
    const verifySec = (performance.now() - t0) / 1000;
    if (!check.ok) throw new Error(`the generated archive does not check: ${check.reason}`);

    const quarter = Math.floor(bytes / 4);
    const cases: Array<[string, HistoryFault[]]> = [
      ['clean', []],
      ['3 dropped connections (resumed)', [{ kind: 'drop', afterBytes: quarter }, { kind: 'drop', afterBytes: quarter }, { kind: 'drop', afterBytes: quarter }]],
      ['a drop, then Range ignored (restart)', [{ kind: 'drop', afterBytes: 2 * quarter }, { kind: 'ignoreRange' }]],
    ];
    const rows: Array<Array<string | number>> = [];
    let cleanSec = NaN;
    for (const [label, faults] of cases) {
      const server = await startHistoryServer({ dir: src, faults: { [name]: faults }, lifetimeMs: 600_000 });
      const out = join(root, 'out');
      rmSync(out, { recursive: true, force: true });
      const items = planOkxDownload({ insts: [inst], from: date, to: date, kinds: ['books'], outDir: out, baseUrl: server.baseUrl });
      const t = performance.now();
      const summary = await downloadOkxHistory(items, { backoffBaseMs: 1, backoffMaxMs: 5 });
      const sec = (performance.now() - t) / 1000;
      await server.close();
      if (summary.downloaded !== 1) throw new Error(`${label}: ${JSON.stringify(summary.items[0])}`);
      if (label === 'clean') cleanSec = sec;
      rows.push([label, (summary.receivedBytes / 1e6).toFixed(0), summary.items[0].attempts ?? 0, sec.toFixed(2), (bytes / 1e6 / sec).toFixed(0), (cleanSec / sec).toFixed(2)]);
    }
    printTable(['download of one books day, 127.0.0.1 (transfer + check)', 'MB received', 'requests', 'seconds', 'file MB/s', 'vs clean'], rows);
    printTable(['integrity check (tar.gz read to its end)', 'MB', 'seconds', 'MB/s'], [[name, (bytes / 1e6).toFixed(0), verifySec.toFixed(2), (bytes / 1e6 / verifySec).toFixed(0)]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
