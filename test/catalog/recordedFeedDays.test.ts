import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogWriter } from '../../src/catalog/index.js';
import type { BookTable } from '../../src/data/index.js';
import { sampleMarketDays } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// backtest --catalog --feed-latency recorded checked the receive stamps of the range's first day only: a later
// day recorded on a machine whose clock was 1 s behind the exchange's (every row "received" before it was sent)
// was replayed at exchange time, a feed latency of 0, with exit 0 and no word; the same day as the first day is
// refused (latencyConfig). Reference: the stamps written here, local = exchange + 20 ms, or − 1000 ms on the bad day.
describe('backtest --catalog --feed-latency recorded checks every day\'s receive stamps', () => {
  const dir = tempDir('asmm-recorded-days-');

  async function catalog(name: string, lagMs: (day: number) => number): Promise<string> {
    const root = join(dir, name);
    const writer = await CatalogWriter.create(root);
    try {
      let day = 0;
      for (const d of sampleMarketDays({ durationSec: 2 * 86_400, snapshotIntervalMs: 60_000, arrivalRatePerSec: 0.05, seed: 3 })) {
        if (day === 0) writer.writeInstrument({ venue: 'sample', instrument: d.params.instrument, tickSize: d.params.tickSize, lotSize: d.params.lotSize, source: 'test' });
        const lag = lagMs(day);
        const book: BookTable = { ...d.book, localTsMs: Float64Array.from(d.book.tsMs, (t) => t + lag) };
        await writer.writeBookTop('sample', book, d.params.instrument);
        await writer.writeTrades('sample', d.trades, d.params.instrument);
        day++;
      }
    } finally {
      writer.close();
    }
    return root;
  }

  it('a second day whose clock was behind is refused naming it; both days sound run', async () => {
    const args = (root: string) => ['backtest', '--catalog', root, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--feed-latency', 'recorded', '--report', join(dir, `${root.split('/').pop()}.html`), '--json'];
    const sound = runAsmm(args(await catalog('sound', () => 20)));
    expect(sound.code, sound.stderr).toBe(0);
    const behind = await catalog('behind', (day) => (day === 1 ? -1000 : 20));
    const r = runAsmm(args(behind));
    expect(r.code, r.stdout.slice(0, 500)).toBe(2);
    expect(r.stderr).toMatch(/--feed-latency recorded: ETH-USDT \(sample\) on 2026-01-02's local receive stamps disagree with the exchange's: \d+ of \d+ rows \(100\.0 %\) were received before their exchange time/);
  });

  it('a first day whose clock was behind is refused the same way, naming the day, and --local-clock-offset is said to go with --depth full only (it advised the option this form refuses)', async () => {
    const first = await catalog('first-behind', (day) => (day === 0 ? -1000 : 20));
    const args = ['backtest', '--catalog', first, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--feed-latency', 'recorded', '--report', join(dir, 'first-behind.html'), '--json'];
    const r = runAsmm(args);
    expect(r.code, r.stdout.slice(0, 500)).toBe(2);
    expect(r.stderr).toMatch(/--feed-latency recorded: ETH-USDT \(sample\) on 2026-01-01's local receive stamps disagree with the exchange's: .*; --catalog takes --local-clock-offset only with --depth full/);
    // and the option it names is indeed refused here
    const offset = runAsmm([...args, '--local-clock-offset', 'auto']);
    expect(offset.code).toBe(2);
    // and the refusal of the option points where it is taken, as the advice does (it said only "replay the file with --data")
    expect(offset.stderr).toMatch(/--catalog does not take --local-clock-offset over top of book: give --depth full with it/);
  });

  it('calibrate --catalog --refit daily likewise, advising what calibrate takes (it named --local-clock-offset and --depth full, which calibrate has not)', async () => {
    const root = join(dir, 'behind');
    const r = runAsmm(['calibrate', '--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--strategy', 'symmetric', '--grid', 'size=0.01,0.02', '--feed-latency', 'recorded', '--workers', '1', '--json']);
    expect(r.code, r.stdout.slice(0, 500)).toBe(2);
    expect(r.stderr).toMatch(/--feed-latency recorded: ETH-USDT \(sample\) on 2026-01-02's local receive stamps disagree with the exchange's: .*calibrate takes no --local-clock-offset: give --feed-latency a duration/);
    expect(r.stderr).not.toMatch(/Give --local-clock-offset|--catalog takes --local-clock-offset/);
    // the backtest form it names runs as given (without --feed-latency recorded, --local-clock-offset is refused: nothing to shift)
    expect(r.stderr).toMatch(/asmm backtest --catalog --depth full --feed-latency recorded --local-clock-offset auto replays it/);
    // the option calibrate is told it does not take is indeed refused
    expect(runAsmm(['calibrate', '--catalog', root, '--inst', 'ETH-USDT', '--refit', 'daily', '--grid', 'size=0.01', '--local-clock-offset', 'auto']).stderr).toMatch(/Unknown option '--local-clock-offset'/);
  });
});
