import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRootForTests } from '../helpers/cli.js';

// docs/development.md's Layout block names every folder of src/ (and no folder src/ does not have).
describe('docs/development.md: the layout', () => {
  it('names every src/ folder, and only those', () => {
    const text = readFileSync(join(projectRootForTests, 'docs', 'development.md'), 'utf8');
    const block = text.slice(text.indexOf('## Layout'));
    const listed = [...block.matchAll(/^ {2}([a-z]+)\/ /gm)].map((m) => m[1]).sort();
    const src = join(projectRootForTests, 'src');
    const folders = readdirSync(src).filter((f) => statSync(join(src, f)).isDirectory()).sort();
    expect(listed).toEqual(folders);
  });
});
