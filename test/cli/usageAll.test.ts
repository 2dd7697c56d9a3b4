import { describe, expect, it, vi } from 'vitest';

/**
 * Every `asmm` command's usage line (`asmm help`, `asmm <command> --help`, the one-line usage errors) names every
 * option its argument parser accepts, and names no option the parser refuses. The options are the object each
 * command hands parseCommandArgs, caught here before anything runs.
 */
const caught: { options?: Record<string, unknown> } = {};
vi.mock('../../src/cli/command.js', async (original) => {
  const actual = await original<typeof import('../../src/cli/command.js')>();
  return {
    ...actual,
    parseCommandArgs: (_argv: string[], options: Record<string, unknown>) => {
      caught.options = options;
      throw new Error('options caught');
    },
  };
});

const { COMMANDS } = await import('../../src/cli/commands/index.js');

/** The arguments that bring each command (or subcommand) to its parser. */
const ENTRIES: Record<string, string[][]> = { catalog: [['import'], ['ls'], ['query']], download: [['okx']] };

async function acceptedOptions(name: string): Promise<string[]> {
  const run = await COMMANDS.find((c) => c.name === name)!.load();
  const names = new Set<string>();
  for (const argv of ENTRIES[name] ?? [[]]) {
    caught.options = undefined;
    await run(argv).catch(() => undefined);
    expect(caught.options, `${name} ${argv.join(' ')} reached its parser`).toBeDefined();
    for (const option of Object.keys(caught.options!)) names.add(`--${option}`);
  }
  return [...names];
}

const named = (text: string, flag: string) => new RegExp(`${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text);

describe('every asmm command: its usage line and its parser agree', () => {
  it.each(COMMANDS.map((c) => c.name))('%s', async (name) => {
    const usage = COMMANDS.find((c) => c.name === name)!.usage;
    const accepted = await acceptedOptions(name);
    expect(accepted.filter((flag) => !named(usage, flag)), `options ${name} accepts that its usage does not name`).toEqual([]);
    const inUsage = [...new Set([...usage.matchAll(/--([a-z][\w-]*)/g)].map((m) => `--${m[1]}`))];
    expect(inUsage.filter((flag) => !accepted.includes(flag)), `options the usage of ${name} names that it refuses`).toEqual([]);
  });
});
