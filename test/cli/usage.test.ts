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
