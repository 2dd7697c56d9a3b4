import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { projectRootForTests } from '../helpers/cli.js';

// The README's CLI table: every command of `asmm help` has a row, and every option a row shows is one that a
// command named in the same row takes (its usage line, which test/cli/usageAll.test.ts holds to the parser).
const readme = readFileSync(join(projectRootForTests, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## The CLI'), readme.indexOf('## Notebooks'));
const rows = section.split('\n').filter((line) => line.startsWith('| `asmm') || line.startsWith('| `npx'));
const names = COMMANDS.map((c) => c.name);

/** The commands a row's first cell names: `asmm NAME`, and the bare `NAME` items of a row listing several. */
function commandsOf(cell: string): string[] {
  const found = new Set<string>();
  for (const m of cell.matchAll(/asmm ([a-z-]+)/g)) if (names.includes(m[1])) found.add(m[1]);
  for (const m of cell.matchAll(/`([a-z-]+)(?: [^`]*)?`/g)) if (names.includes(m[1])) found.add(m[1]);
  return [...found];
}

describe('README: the CLI table', () => {
  it('has a row for every command', () => {
    const covered = new Set(rows.flatMap((row) => commandsOf(row.split(' | ')[0])));
    expect(names.filter((n) => !covered.has(n))).toEqual([]);
  });

  it.each(rows.map((row) => [row.split(' | ')[0].slice(2)]))('%s: each option is one a command of the row takes', (cell) => {
    const usages = commandsOf(cell).map((n) => COMMANDS.find((c) => c.name === n)!.usage);
    expect(usages.length).toBeGreaterThan(0);
    const flags = [...cell.matchAll(/--([a-z][\w-]*)/g)].map((m) => `--${m[1]}`);
    expect(flags.filter((flag) => !usages.some((u) => new RegExp(`${flag}(?![\\w-])`).test(u)))).toEqual([]);
  });
});
