import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKTEST_OPTIONS } from '../../src/cli/commands/backtest.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runAsmm } from '../helpers/cli.js';

/**
 * Every option `asmm backtest` accepts (the object its argument parser is given) is named in its usage line
 * (`asmm help`, `asmm backtest --help`, the one-line usage errors) and in docs/backtest.md, so that no accepted
 * option is undocumented; and each is accepted, so that the list is not a stale copy of the parser's.
 */
const flags = Object.keys(BACKTEST_OPTIONS).map((name) => `--${name}`);
const named = (text: string, flag: string) => new RegExp(`${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text);

describe('asmm backtest: every accepted option is documented', () => {
  it('its usage line names every option', () => {
    const usage = COMMANDS.find((c) => c.name === 'backtest')!.usage;
    expect(flags.length).toBeGreaterThan(40);
    expect(flags.filter((f) => !named(usage, f))).toEqual([]);
    // the usage printed is that line
    const help = runAsmm(['backtest', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(usage);
  });

  it('docs/backtest.md names every option', () => {
    const doc = readFileSync('docs/backtest.md', 'utf8');
    expect(flags.filter((f) => !named(doc, f))).toEqual([]);
  });

  it('the parser accepts every option of the list, and the usage line names no other', () => {
    // every option at once: parsed first (no "Unknown option"), then refused for what they ask together
    const all = Object.entries(BACKTEST_OPTIONS).flatMap(([name, spec]) => (spec.type === 'boolean' ? [`--${name}`] : [`--${name}`, '1']));
    const r = runAsmm(['backtest', ...all]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/Unknown option/);
    expect(runAsmm(['backtest', '--data', 'no-such-file.csv', '--no-such-flag']).stderr).toMatch(/Unknown option '--no-such-flag'/);
    const usage = COMMANDS.find((c) => c.name === 'backtest')!.usage;
    const inUsage = new Set([...usage.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]));
    expect([...inUsage].filter((name) => !(name in BACKTEST_OPTIONS))).toEqual([]);
  });
});

// A strategy parameter the chosen strategy does not read changed nothing and was accepted in silence
// (`--strategy glft --horizon 100s --half-spread 0.3` ran as plain glft): now a usage error naming who reads it.
describe('asmm backtest: another strategy\'s parameter', () => {
  it('is refused, naming the strategies that read it and what the chosen one reads', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--strategy', 'glft', '--horizon', '100s'], /--horizon is read by --strategy as, not by glft \(glft reads --gamma, --q-max\)/],
      [['--strategy', 'symmetric', '--gamma', '0.5'], /--gamma is read by --strategy as or as-infinite or glft, not by symmetric \(symmetric reads --half-spread\)/],
      [['--strategy', 'as', '--q-max', '3'], /--q-max is read by --strategy as-infinite or glft, not by as/],
      [['--half-spread', '0.3'], /--half-spread is read by --strategy symmetric, not by as/],
      // the symmetric strategy quotes mid ± half-spread whatever the inventory: a target ran as without one
      [['--strategy', 'symmetric', '--inventory-target', '0.05'], /--inventory-target shifts the inventory the strategy sees, and symmetric quotes do not depend on it .*--strategy as, as-infinite, glft read it/],
    ];
    for (const [args, message] of cases) {
      const r = runAsmm(['backtest', '--data', 'package.json', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('asmm calibrate --catalog: its usage form names the instrument options it reads', () => {
  it('--tick, --lot and --contract-value (calibrateCatalog reads each; the form named the first two only)', () => {
    const usage = COMMANDS.find((c) => c.name === 'calibrate')!.usage;
    const catalogForm = usage.slice(usage.indexOf('asmm calibrate --catalog'));
    const source = readFileSync('src/cli/commands/calibrateCatalog.ts', 'utf8');
    for (const flag of ['tick', 'lot', 'contract-value']) {
      // the reference: the option as calibrateCatalog reads it from the command line
      expect(source, flag).toMatch(new RegExp(`values(\\.${flag}|\\['${flag}'\\])`));
      expect(named(catalogForm, `--${flag}`), flag).toBe(true);
    }
  });
});
