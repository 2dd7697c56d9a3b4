import { asStrategy, quotePlacement, runBacktest, symmetricStrategy, type BacktestConfig } from '../src/backtest/index.js';
import type { BookTable, TradeTable } from '../src/data/tables.js';
import { marketOrdersFromTrades, rollingCalibration } from '../src/estimate/index.js';
import { generateSampleMarket } from '../src/sample/index.js';
import { median } from '../src/stats/index.js';
import { medianMs, printTable } from './util.js';

/**
 * Every element of every book and trade column the replay reads from at all (per book row its time and each
 * level's bid and ask price and size; per trade its time, side, price and size), and the replay's 8 series
 * columns written, fresh Float64Arrays, one row per book row. The replay itself reads most of these only now
 * and then (levels 2 to 4 and the sizes: under 0.5 % of rows in this run; trade sizes: 587 of 400,382 trades),
 * so this reads about 3.5× the input bytes it reads; shown for information, not the target's baseline. The
 * level columns are read column by column in blocks of rows, then one merged pass in time order writes the
 * series: a row-by-row pass over these 29 columns is 1.3–1.6× slower on the same reads and writes (the
 * separately allocated columns most likely start at the same offset in a page and evict each other from the
 * L1 cache: the same row-by-row pass over a copy of the columns at staggered offsets is as fast as this one).
 * Returns a checksum.
 */
function allColumnsLoop(book: BookTable, trades: TradeTable): number {
  const nb = book.tsMs.length;
  const nt = trades.tsMs.length;
  const bt = book.tsMs;
  const tt = trades.tsMs;
  if (book.depth !== 5) throw new Error(`allColumnsLoop: written for 5 levels, the book has ${book.depth}`);
  const [bp0, bp1, bp2, bp3, bp4] = book.bidPx;
  const [ap0, ap1, ap2, ap3, ap4] = book.askPx;
  const [bs0, bs1, bs2, bs3, bs4] = book.bidSz;
  const [as0, as1, as2, as3, as4] = book.askSz;
  const { side: tSide, px: tPx, sz: tSz } = trades;
  const [c0, c1, c2, c3, c4, c5, c6, c7] = Array.from({ length: 8 }, () => new Float64Array(nb));
  const block = 16384;
  let j = 0;
  let acc = 0;
  for (let s = 0; s < nb; s += block) {
    const e = Math.min(nb, s + block);
    for (let i = s; i < e; i++) c1[i] = bp0[i] + ap0[i] + bp1[i] + ap1[i] + bp2[i];
    for (let i = s; i < e; i++) c1[i] += ap2[i] + bp3[i] + ap3[i] + bp4[i] + ap4[i];
    for (let i = s; i < e; i++) c2[i] = bs0[i] - as0[i] + bs1[i] - as1[i] + bs2[i];
    for (let i = s; i < e; i++) c2[i] += -as2[i] + bs3[i] - as3[i] + bs4[i] - as4[i];
    for (let i = s; i < e; i++) {
      const t = bt[i];
      // trades strictly before the row (book rows first at equal times, as the engine)
      while (j < nt && tt[j] < t) {
        acc += tt[j] + tPx[j] * tSide[j] + tSz[j];
        j++;
      }
      const px = c1[i];
      const sz = c2[i];
      c0[i] = t;
      c3[i] = px - t;
      c4[i] = px + sz;
      c5[i] = acc;
      c6[i] = acc + sz;
      c7[i] = px * sz;
    }
  }
  for (; j < nt; j++) acc += tt[j] + tPx[j] * tSide[j] + tSz[j];
  return acc + c7[nb - 1];
}

/**
 * The baseline of the target: a merged pass in time order touching the typed arrays the replay touches, as it
 * touches them: the values this run's replay reads on its common path, per book row its time, the best bid
 * and ask and the deepest level's bid and ask (our quotes sit beyond the visible levels, which the queue model
 * finds from the deepest one), per trade its time, side and price (left out: the other level columns and the
 * sizes, which the replay reads at under 0.5 % of rows here, its check of both time columns, and the
 * calibration's columns). With `write`, it also writes the 8 series columns, fresh Float64Arrays, one row per
 * book row (one decision per snapshot here): the replay's memory traffic without its logic. Returns a checksum.
 */
function valuesReadLoop(book: BookTable, trades: TradeTable, write: boolean): number {
  const nb = book.tsMs.length;
  const nt = trades.tsMs.length;
  const bt = book.tsMs;
  const tt = trades.tsMs;
  const tSide = trades.side;
  const tPx = trades.px;
  const bid0 = book.bidPx[0];
  const ask0 = book.askPx[0];
  const bidDeep = book.bidPx[book.depth - 1];
  const askDeep = book.askPx[book.depth - 1];
  const cols = write ? 8 : 0;
  const c = Array.from({ length: 8 }, () => new Float64Array(cols === 0 ? 0 : nb));
  const [c0, c1, c2, c3, c4, c5, c6, c7] = c;
  let i = 0;
  let j = 0;
  let acc = 0;
  while (i < nb || j < nt) {
    if (i < nb && (j >= nt || bt[i] <= tt[j])) {
      const t = bt[i];
      const b = bid0[i];
      const a = ask0[i];
      const deep = bidDeep[i] - askDeep[i];
      if (write) {
        c0[i] = t;
        c1[i] = b + a;
        c2[i] = deep;
        c3[i] = b;
        c4[i] = a;
        c5[i] = acc;
        c6[i] = acc + deep;
        c7[i] = a - b;
      } else acc += t + b + a + deep;
      i++;
    } else {
      acc += tt[j] + tPx[j] * tSide[j];
      j++;
    }
  }
  return write ? acc + c7[nb - 1] : acc;
}

/**
 * Replay of 1,000,000 book snapshots (sample market, 100 ms) with their trades through the AS strategy,
 * quotes refreshed on every snapshot, `queue` fills, σ/A/k from a rolling calibration, series recorded; beside
 * bare loops over the same events, timed in turn round by round: the loop over the values the replay reads per
 * event with the series writes (`valuesReadLoop`, the target's baseline), the same without writes, and the loop
 * over every element of every column the replay reads from (`allColumnsLoop`, for information). Single thread.
 * Targets: ≥ 2,000,000 events/s and within 3× of the bare loop that touches the same typed arrays.
 */
export async function run(): Promise<void> {
  const rows = 1_000_000;
  const m = generateSampleMarket({ durationSec: rows / 10, seed: 1 });
  const { book, trades } = m;
  const calibration = rollingCalibration(book, marketOrdersFromTrades(book, trades, m.params.tickSize), { windowSec: 300, stepSec: 1 });
  const events = book.tsMs.length + trades.tsMs.length;
  let sink = 0;
  const config: BacktestConfig = { strategy: asStrategy(0.1, 600), fill: 'queue', orderSize: 0.01, tickSize: 0.01, lotSize: 0.0001, refreshMs: 0, feedLatencyMs: 10, entryLatencyMs: 20, calibration, recordSeries: true };
  let decisions = 0;
  const engine = () => {
    const r = runBacktest(book, trades, config);
    decisions = r.decisions;
    sink += r.finalCash;
  };
  // Side by side: each round times the bare loops and the engine once, in turn, so that they meet the same
  // machine state (this machine's memory and scheduling drift from minute to minute); the first rounds warm the
  // JIT up and are not counted. Medians over the rounds, and for each loop the median of the per-round ratios
  // engine / loop.
  const warmupRounds = 2;
  const rounds = 9;
  const loops = [
    { name: 'bare loop, the values the replay reads per event, 8 series written', work: () => valuesReadLoop(book, trades, true) },
    { name: 'bare loop, the values the replay reads per event, nothing written', work: () => valuesReadLoop(book, trades, false) },
    { name: 'bare loop, every element of every column it reads from, 8 series written', work: () => allColumnsLoop(book, trades) },
  ].map((loop) => ({ ...loop, times: [] as number[], ratios: [] as number[] }));
  const engineTimes: number[] = [];
  const timed = (work: () => void): number => {
    const start = performance.now();
    work();
    return performance.now() - start;
  };
  // (the order rotates every round: a run's time depends on where it falls in the round, as each frees 64 MB
  // of series that a later one's allocations pay to collect)
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const loopTimes: number[] = [];
    let replay = NaN;
    for (let k = 0; k <= loops.length; k++) {
      const l = (k + round) % (loops.length + 1);
      if (l === loops.length) replay = timed(engine);
      else loopTimes[l] = timed(() => (sink += loops[l].work()));
    }
    if (round < warmupRounds) continue;
    engineTimes.push(replay);
    loops.forEach((loop, l) => {
      loop.times.push(loopTimes[l]);
      loop.ratios.push(replay / loopTimes[l]);
    });
  }
  const runMs = median(engineTimes);
  // where the AS quotes sit: their distance from the touch in ticks, against the five visible levels
  const medianTicks = quotePlacement(runBacktest(book, trades, config), config.tickSize).bidMedianTicksFromMid;
  // the same replay with quotes inside the visible book (symmetric ±2 ticks), where the queue model tracks
  // our place on every book row and trade: the queue's own cost
  let queueFills = 0;
  const insideMs = medianMs(() => {
    const r = runBacktest(book, trades, { ...config, strategy: symmetricStrategy(0.02) });
    queueFills = r.fills.tsMs.length;
    sink += r.finalCash;
  }, 5);
  const rate = (ms: number) => Math.round(events / (ms / 1000));
  const summaries = loops.map((loop) => ({ name: loop.name, ms: median(loop.times), ratio: median(loop.ratios) }));
  const [target, valuesRead, allColumns] = summaries;
  printTable(
    [`${rows.toLocaleString('en')} snapshots + ${trades.tsMs.length.toLocaleString('en')} trades`, 'median ms', 'events/s', 'engine is'],
    [
      ...summaries.map((loop) => [loop.name, loop.ms.toFixed(0), rate(loop.ms), `${loop.ratio.toFixed(1)}x`]),
      [`engine: AS, queue fills, ${decisions.toLocaleString('en')} decisions`, runMs.toFixed(0), rate(runMs), '1.0x'],
      [`engine: symmetric ±2 ticks, queue fills (${queueFills.toLocaleString('en')} fills)`, insideMs.toFixed(0), rate(insideMs), `${(insideMs / target.ms).toFixed(1)}x the first bare loop`],
    ],
  );
  process.stdout.write(`AS bid quotes sit a median ${medianTicks.toFixed(0)} ticks below the mid, beyond the 5 visible levels: the queue model mostly finds no displayed queue there (the symmetric line exercises it)\n`);
  process.stdout.write(
    `backtest ${rate(runMs) >= 2_000_000 ? 'meets' : 'MISSES'} the 2,000,000 events/s target (events here are top-5 rows, folded as the loaders fold captures; issue 16 judges replay speed in native events against hftbacktest instead, and retired the old "within 3x of a bare loop" target): ${target.ratio.toFixed(1)}x the bare loop that touches the same typed arrays, ${valuesRead.ratio.toFixed(1)}x without the series writes, ${allColumns.ratio.toFixed(1)}x a loop over every element of every column it reads from${sink === 0 ? '' : ''}\n`,
  );
}
