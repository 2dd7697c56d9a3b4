import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogWriter, importIntoCatalog } from '../src/catalog/index.js';
import { projectPath } from '../src/project/index.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../src/sample/index.js';
import { printTable } from './util.js';

/**
 * `asmm backtest --catalog --depth full` reads a range a day at a time: peak RSS against the number of days.
 * `ASMM_DEPTH_CATALOG_DAYS` (default 4) generated OKX history days (the small preset, `ASMM_DEPTH_CATALOG_HOURS`
 * hours each, default 2, books and trades on UTC days) imported into a catalog kept in `data/bench/`, then the
 * real CLI, each run its own process, over the first day and over all of them (symmetric quotes, queue fills,
 * 10 ms latencies). Peak RSS is the child's own (`peakRssMb`: `process.resourceUsage().maxRSS` after the
 * replay and the report). Target: independent of the number of days (the ratio near 1; a day's arrays
 * waiting for the garbage collector make it move a little).
 */
export async function run(): Promise<void> {
  const days = Number(process.env.ASMM_DEPTH_CATALOG_DAYS ?? 4);
  const hours = Number(process.env.ASMM_DEPTH_CATALOG_HOURS ?? 2);
  if (!(Number.isInteger(days) && days >= 2 && days <= 28)) throw new RangeError(`ASMM_DEPTH_CATALOG_DAYS must be a whole number in 2..28, got ${days}`);
  if (!(hours > 0 && hours <= 24)) throw new RangeError(`ASMM_DEPTH_CATALOG_HOURS must be in (0, 24], got ${hours}`);
  const root = projectPath('data', 'bench', `depth-catalog-${days}d-${hours}h`);
  const catalog = join(root, 'catalog');
  const stamp = join(root, 'bench-stamp.json');
  const wanted = JSON.stringify({ days, hours, preset: 'small', seed: 30 });
  const dates = Array.from({ length: days }, (_, n) => new Date(Date.UTC(2025, 10, 1 + n)).toISOString().slice(0, 10));
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'days'), { recursive: true });
    process.stderr.write(`writing ${days} OKX history days of ${hours} h into ${catalog} (once; kept for the next run)...\n`);
    const writer = await CatalogWriter.create(catalog);
    try {
      for (const [n, date] of dates.entries()) {
        const day = { dir: join(root, 'days'), date, inst: 'ETH-USDT', ...OKX_HISTORY_PRESETS.small, durationSec: hours * 3600, seed: 30 + n };
        await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, kind: 'books' })).path, { venue: 'okx' });
        await importIntoCatalog(writer, (await writeOkxHistoryDay({ ...day, kind: 'trades', dayBoundary: 'utc' })).path, { venue: 'okx' });
      }
    } finally {
      writer.close();
    }
    rmSync(join(root, 'days'), { recursive: true, force: true });
    writeFileSync(stamp, wanted);
  }
  const once = (to: string) => {
    const args = [projectPath('bin', 'asmm.mjs'), 'backtest', '--catalog', catalog, '--inst', 'ETH-USDT', '--to', to, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.03', '--tick', '0.01', '--size', '0.01', '--feed-latency', '10ms', '--entry-latency', '10ms', '--report', join(root, 'report.html'), '--json'];
    const started = performance.now();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallSec = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`asmm backtest --catalog --depth full failed (exit ${child.status}): ${child.stderr.trim()}`);
    const out = JSON.parse(child.stdout) as { nativeEvents: number; fills: number; replaySec: number; loadSec: number; peakRssMb: number };
    return { ...out, wallSec };
  };
  const one = once(dates[0]);
  const all = once(dates[days - 1]);
  const row = (name: string, r: ReturnType<typeof once>) => [name, r.nativeEvents, r.fills, r.wallSec.toFixed(1), r.loadSec.toFixed(1), r.replaySec.toFixed(2), (r.nativeEvents / r.replaySec / 1e6).toFixed(2), r.peakRssMb.toFixed(0)];
  printTable(
    ['--catalog --depth full, a day at a time', 'native events', 'fills', 'wall s', 'reading s', 'replay s', 'M events/s (replay)', 'peak RSS MB'],
    [row(`1 day (${hours} h)`, one), row(`${days} days`, all), [`${days} days against 1: peak RSS ${(all.peakRssMb / one.peakRssMb).toFixed(2)}x for ${(all.nativeEvents / one.nativeEvents).toFixed(1)}x the events`, '', '', '', '', '', '', '']],
  );
}
