import { gradeFillModelsOverSeeds, type GradeOverSeeds } from '../../grading/index.js';
import { durationOption, formatTable, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

/** `x (low..high)` of a mean and its 95 % interval, `digits` decimals; `x` alone for one seed. */
function interval([mean, low, high]: readonly [number, number, number], digits: number, scale = 1): string {
  if (!Number.isFinite(mean)) return '-';
  const f = (v: number) => (v * scale).toFixed(digits);
  return Number.isFinite(low) ? `${f(mean)} (${f(low)}..${f(high)})` : f(mean);
}

/**
 * `asmm grade-fills`: every fill model replayed on markets simulated order by order (Cont, Stoikov & Talreja
 * 2010), each order's fill compared with its true fill in the known queue (grading/fillModels.ts).
 */
export async function runGradeFills(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { seeds: { type: 'string' }, duration: { type: 'string' }, 'cancel-rate': { type: 'string' }, 'market-rate': { type: 'string' }, 'book-delay': { type: 'string' }, json: { type: 'boolean' } }, { min: 0, max: 0 });
  const seeds = (values.seeds ?? '1,2,3,4,5').split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new UsageError(`--seeds: expected integers separated by commas (1,2,3), got "${values.seeds}"`);
  const durationSec = (durationOption('duration', values.duration, 1_800_000) as number) / 1000;
  if (!(durationSec >= 60)) throw new UsageError(`--duration: at least 60s (fewer orders rest and fill than a grade needs), got ${values.duration}`);
  const cancelRatePerSec = numberOption('cancel-rate', values['cancel-rate'], 0.5, (v) => v >= 0);
  const marketRatePerSec = numberOption('market-rate', values['market-rate'], 0.94, (v) => v > 0);
  // how long after its trades a market order's depth row is stamped (0: the same time, as many feeds do)
  const bookDelayText = values['book-delay'];
  const bookDelayMs = bookDelayText === undefined ? 0.001 : bookDelayText.trim() === '0' ? 0 : (durationOption('book-delay', bookDelayText, 0) as number);
  const started = performance.now();
  const rows = gradeFillModelsOverSeeds(seeds, { durationSec, cancelRatePerSec, marketRatePerSec, bookDelayMs });
  const seconds = (performance.now() - started) / 1000;
  const market = `Cont-Stoikov-Talreja market simulated order by order, ${durationSec / 60} min × ${seeds.length} seeds (${seeds.join(', ')}), cancels ${cancelRatePerSec}/s per order, market orders ${marketRatePerSec}/s per side, depth rows ${bookDelayMs === 0 ? 'stamped with their trades\' time' : `${bookDelayMs} ms after their trades`}; quotes at the touch, orders a hundredth of a unit`;
  // a seed without a true fill has no rates: said, not averaged in silently
  const notes = rows.filter((r) => r.seedsWithoutTrueFills.length > 0).map((r) => `${r.label}: no true fill on seed(s) ${r.seedsWithoutTrueFills.join(', ')}: its rates there are not defined and are left out of the means`);
  if (values.json) {
    printJson({ market, seeds, durationSec, cancelRatePerSec, marketRatePerSec, bookDelayMs, models: rows.map(jsonRow), notes, seconds });
    return 0;
  }
  process.stdout.write(
    [
      market,
      formatTable(
        ['model', 'fill-rate bias %', 'early per true fill %', 'missed per true fill %', 'queue error units', 'queue bias units', 'PnL bias ticks/order', 'true fills (all seeds)'],
        rows.map((r) => [r.label, interval(r.fillRateBias, 1, 100), interval(r.earlyPerTrueFill, 1, 100), interval(r.missedPerTrueFill, 1, 100), interval(r.queueErrorUnits, 2), interval(r.queueBiasUnits, 2), interval(r.pnlBiasTicksPerOrder, 3), String(r.grades.reduce((a, g) => a + g.trueFills, 0))]),
      ),
      'mean over seeds (true fills: their sum over the seeds; 95 % interval of the mean: Student\'s t over the seeds, rates cut at 0). early: the model filled an order before its true fill, or without one; missed: the true fill came while the model left the order unfilled. queue error: |estimated − true quantity ahead| when a trade printed at our price, in units of the market\'s orders (bias: negative = nearer the front than we were). riskAverse and optimistic bound the queue family: the truth lies between them.',
      ...notes,
      `${seconds.toFixed(1)} s`,
    ].join('\n') + '\n',
  );
  return 0;
}

function jsonRow(r: GradeOverSeeds) {
  return {
    model: r.label,
    fillRateBias: r.fillRateBias,
    earlyPerTrueFill: r.earlyPerTrueFill,
    missedPerTrueFill: r.missedPerTrueFill,
    medianDelayErrorMs: r.medianDelayErrorMs,
    queueErrorUnits: r.queueErrorUnits,
    queueBiasUnits: r.queueBiasUnits,
    pnlBiasTicksPerOrder: r.pnlBiasTicksPerOrder,
    perSeed: r.grades.map(({ label: _label, ...g }) => g),
  };
}
