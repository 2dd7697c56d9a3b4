import { JOURNAL_2008, PREPRINT_2006, simulateAs, simulatedRows, type PublishedTable, type SimulatedRow } from '../../sim/index.js';
import { formatTable, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

function parseGammas(text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  const gammas = text.split(',').map((part) => Number(part.trim()));
  if (gammas.length === 0 || gammas.some((g) => !(g > 0) || !Number.isFinite(g))) {
    throw new UsageError(`--gamma takes positive numbers separated by commas, got "${text}"`);
  }
  return gammas;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export async function runSimulate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      paths: { type: 'string' },
      gamma: { type: 'string' },
      seed: { type: 'string' },
      fill: { type: 'string' },
      'symmetric-spread': { type: 'string' },
      compare: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const compare = oneOf('compare', values.compare, ['journal', 'preprint', 'none'] as const, 'journal');
  const table: PublishedTable | undefined = compare === 'journal' ? JOURNAL_2008 : compare === 'preprint' ? PREPRINT_2006 : undefined;
  const paths = numberOption('paths', values.paths, 1000, (v) => Number.isInteger(v) && v > 1 && v <= 10_000_000);
  const seed = numberOption('seed', values.seed, 1, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  const gammas = parseGammas(values.gamma, table ? [...new Set(table.rows.map((r) => r.gamma))] : [0.01, 0.1, 1]);
  const fillProbability = oneOf('fill', values.fill, ['linear', 'poisson'] as const, table?.options.fillProbability ?? 'linear');
  const symmetricSpread = oneOf(
    'symmetric-spread',
    values['symmetric-spread'],
    ['average', 'timeVarying', 'constantTerm'] as const,
    table?.options.symmetricSpread ?? 'average',
  );
  const rows: SimulatedRow[] = [];
  for (const gamma of gammas) {
    const result = simulateAs({ gamma, paths, seed, fillProbability, symmetricSpread });
    rows.push(...simulatedRows(result, compare === 'preprint' ? 'constantTerm' : 'average'));
  }
  const published = (row: SimulatedRow) => table?.rows.find((r) => r.gamma === row.gamma && r.strategy === row.strategy);
  if (values.json) {
    printJson({
      setup: { paths, seed, fillProbability, symmetricSpread, s0: 100, T: 1, sigma: 2, dt: 0.005, A: 140, k: 1.5 },
      compare: table?.version ?? null,
      rows: rows.map((row) => ({ ...row, published: published(row) ?? null })),
    });
    return 0;
  }
  const f = (x: number, d = 2) => x.toFixed(d);
  process.stdout.write(
    `AS (2008) simulation: ${paths} paths per gamma, seed ${seed}, fill probability ${fillProbability}, symmetric spread ${symmetricSpread}\n` +
      (table ? `published: ${table.citation} (in brackets)\n\n` : '\n'),
  );
  const bracket = (value: number | undefined, d = 2) => (value === undefined ? '' : ` [${f(value, d)}]`);
  process.stdout.write(
    formatTable(
      ['gamma', 'strategy', 'spread', 'profit (± se)', 'std(profit)', 'final q (± se)', 'std(q)'],
      rows.map((row) => {
        const pub = published(row);
        return [
          row.gamma,
          row.strategy,
          f(row.spread) + bracket(pub?.spread),
          `${f(row.profitMean)} ± ${f(row.profitMeanSe)}${bracket(pub?.profitMean)}`,
          f(row.profitStd) + bracket(pub?.profitStd),
          `${f(row.qMean, 3)} ± ${f(row.qMeanSe, 3)}${bracket(pub?.qMean, 3)}`,
          f(row.qStd) + bracket(pub?.qStd),
        ];
      }),
    ) + '\n',
  );
  return 0;
}
