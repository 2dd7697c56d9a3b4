import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runAsmm } from '../helpers/cli.js';

/**
 * The defaults a usage line shows (`[--option VALUE]`, the first of `a|b` choices) are the ones the command
 * uses: read from the usage line here and compared with what `--json` says the run used, for the commands that
 * echo their settings.
 */
const usageOf = (name: string) => COMMANDS.find((c) => c.name === name)!.usage;
/** The value shown for `--name` in a usage line: `[--name VALUE ...]`, the first of `a|b|c`. */
function shown(usage: string, name: string): string {
  const m = new RegExp(`\\[--${name} ([^\\s\\]|]+)`).exec(usage);
  if (!m) throw new Error(`--${name}: no value in the usage line`);
  return m[1];
}
const durationSec = (text: string) => Number(/^([\d.]+)/.exec(text)![1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[/[a-z]+$/.exec(text)![0] as 'ms' | 's' | 'm' | 'h'];

describe('usage-line defaults are the defaults used', () => {
  it('asmm simulate', () => {
    const usage = usageOf('simulate');
    const r = runAsmm(['simulate', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { setup: { paths: number; fillProbability: string; symmetricSpread: string }; compare: string; rows: Array<{ gamma: number }> };
    expect(out.setup.paths).toBe(Number(shown(usage, 'paths')));
    expect([...new Set(out.rows.map((row) => row.gamma))].sort()).toEqual(shown(usage, 'gamma').split(',').map(Number).sort());
    expect(out.setup.fillProbability).toBe(shown(usage, 'fill'));
    expect(out.setup.symmetricSpread).toBe(shown(usage, 'symmetric-spread'));
    expect(out.compare.startsWith(shown(usage, 'compare'))).toBe(true);
  });

  it('asmm backtest: the fill model, the strategy and its γ, horizon and queue model', () => {
    const usage = usageOf('backtest');
    const dir = tempDir('asmm-usage-defaults-');
    writeSampleMarket(dir, generateSampleMarket({ durationSec: 900, seed: 2 }));
    const r = runAsmm(['backtest', '--data', join(dir, 'books.arrow'), '--trades', join(dir, 'trades.arrow'), '--report', join(dir, 'r.html'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { fill: string; strategy: string; queueModel: { name: string; n: number } };
    expect(out.fill).toBe(shown(usage, 'fill'));
    expect(shown(usage, 'strategy')).toBe('as');
    expect(out.strategy).toBe(`AS finite horizon (γ ${shown(usage, 'gamma')}, T ${durationSec(shown(usage, 'horizon'))} s)`);
    expect(`${out.queueModel.name}:${out.queueModel.n}`).toBe(shown(usage, 'queue-model') === 'power' ? 'power:2' : shown(usage, 'queue-model'));
  });

  it('asmm grade-fills', () => {
    const usage = usageOf('grade-fills');
    const r = runAsmm(['grade-fills', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { seeds: number[]; durationSec: number; cancelRatePerSec: number; marketRatePerSec: number; bookDelayMs: number };
    expect(out.seeds).toEqual(shown(usage, 'seeds').split(',').map(Number));
    expect(out.durationSec).toBeCloseTo(durationSec(shown(usage, 'duration')), 9);
    expect(out.cancelRatePerSec).toBe(Number(shown(usage, 'cancel-rate')));
    expect(out.marketRatePerSec).toBe(Number(shown(usage, 'market-rate')));
    expect(out.bookDelayMs / 1000).toBeCloseTo(durationSec(shown(usage, 'book-delay')), 12);
  }, 60_000);
});
