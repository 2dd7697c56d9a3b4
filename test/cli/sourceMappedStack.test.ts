import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../../src/cli/sourceMappedStack.js';
import { tempDir } from '../helpers/tmp.js';

describe('sourceMappedStack: ASMM_DEBUG stacks name the .ts sources of the bundled CLI', () => {
  it('maps the frames of a bundle run as the CLI loader runs it (a vm.Script, which --enable-source-maps does not map), and leaves other frames', async () => {
    const dir = tempDir('asmm-source-map-');
    const source = join(dir, 'src', 'thrower.ts');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'src'));
    // the throw is on line 5, column 9 of the TypeScript
    writeFileSync(source, ['export interface Unused { readonly a: number }', '', 'export function thrower(n: number): number {', '  const twice: number = n * 2;', '  throw new Error(`thrown with ${twice}`);', '}', ''].join('\n'));
    const bundle = join(dir, 'dist', 'main.cjs');
    await build({ entryPoints: [source], outfile: bundle, bundle: true, format: 'cjs', platform: 'node', sourcemap: 'linked', logLevel: 'silent' });
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${readFileSync(bundle, 'latin1')}\n})`, { filename: bundle, lineOffset: -1 });
    const module = { exports: {} as { thrower(n: number): number } };
    script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, join(dir, 'dist'));
    let stack = '';
    try {
      module.exports.thrower(21);
    } catch (error) {
      stack = String((error as Error).stack);
    }
    // as thrown: the bundle's line, not the source's
    expect(stack).toMatch(/dist\/main\.cjs:\d+:\d+/);
    const mapped = sourceMappedStack(stack);
    expect(mapped.split('\n')[0]).toBe('Error: thrown with 42');
    expect(mapped).toContain(`${source}:5:9`);
    expect(mapped).not.toMatch(/dist\/main\.cjs/);
    // a frame with no map beside its file stays as it was
    const elsewhere = '    at x (/no/such/dir/file.js:10:2)';
    expect(sourceMappedStack(elsewhere)).toBe(elsewhere);
  });
});
