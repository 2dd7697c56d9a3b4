import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { projectRootForTests } from '../helpers/cli.js';

/**
 * Every `asmm` command's usage line (`asmm help`, `asmm <command> --help`, the one-line usage errors) names every
 * option its argument parser accepts, and names no option the parser refuses. Which options a parser accepts is
 * asked of the parser itself: `--name=x --name` is refused by a strict parser before anything runs, as
 * "Unknown option" when it does not know the name, and otherwise for the value (a flag given one, or an option
 * left without one). The names asked are those of the usage lines and every option key of src/cli/commands/.
 */
const dir = join(projectRootForTests, 'src', 'cli', 'commands');
const candidates = new Set<string>();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
  for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/['"]?([a-z][a-z0-9-]*)['"]?: \{ type: '(?:string|boolean)'/g)) candidates.add(m[1]);
}
for (const c of COMMANDS) for (const m of c.usage.matchAll(/--([a-z][\w-]*)/g)) candidates.add(m[1]);

/** The arguments that bring each command (or subcommand) to its parser. */
const ENTRIES: Record<string, string[][]> = { catalog: [['import'], ['ls'], ['query']], download: [['okx']] };

async function accepts(run: (argv: string[]) => Promise<number>, prefix: string[], name: string): Promise<boolean> {
  let message = '';
  try {
    await run([...prefix, `--${name}=x`, `--${name}`]);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message, `${prefix.join(' ')} --${name}=x --${name}: refused by the parser`).not.toBe('');
  return !/Unknown option/.test(message);
}

const named = (text: string, flag: string) => new RegExp(`${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text);

describe('every asmm command: its usage line and its parser agree', () => {
  it('the option keys of src/cli/commands/ were found', () => {
    expect(candidates.size).toBeGreaterThan(60);
    for (const name of ['json', 'ping-after', 'backoff-max', 'attach']) expect(candidates.has(name)).toBe(true);
  });

  it.each(COMMANDS.map((c) => c.name))('%s', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!;
    const run = await command.load();
    const accepted = new Set<string>();
    for (const prefix of ENTRIES[name] ?? [[]]) for (const option of candidates) if (await accepts(run, prefix, option)) accepted.add(`--${option}`);
    expect([...accepted].filter((flag) => !named(command.usage, flag)), `options ${name} accepts that its usage does not name`).toEqual([]);
    const inUsage = [...new Set([...command.usage.matchAll(/--([a-z][\w-]*)/g)].map((m) => `--${m[1]}`))];
    expect(inUsage.filter((flag) => !accepted.has(flag)), `options the usage of ${name} names that it refuses`).toEqual([]);
  });
});
