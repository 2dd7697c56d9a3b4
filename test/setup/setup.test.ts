import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** A throwaway project holding only the set-up script, with node_modules already newer than its lock file. */
function fakeProject(): string {
  const root = tempDir('asmm-setup-');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(projectRootForTests, 'scripts', 'setup.mjs'), join(root, 'scripts', 'setup.mjs'));
  copyFileSync(join(projectRootForTests, 'scripts', 'build.mjs'), join(root, 'scripts', 'build.mjs'));
  writeFileSync(join(root, 'package-lock.json'), '{}');
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
  const later = new Date(Date.now() + 1000);
  utimesSync(join(root, 'node_modules', '.package-lock.json'), later, later);
  return root;
}

const runSetup = (root: string) => spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { encoding: 'utf8' });

describe('set-up pre-step (scripts/setup.mjs)', () => {
  const root = fakeProject();

  it('registers the tslab kernelspec inside the project, then does nothing on the next run', () => {
    const first = runSetup(root);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('registered the tslab kernelspec');
    const spec = JSON.parse(readFileSync(join(root, '.jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8')) as { argv: string[] };
    expect(spec.argv).toEqual([process.execPath, join(root, 'scripts', 'tslab-kernel.cjs'), '{connection_file}']);
    const second = runSetup(root);
    expect(second.status).toBe(0);
    expect(second.stdout + second.stderr).toBe('');
  });

  it('is a no-op on this checkout once set up (what npm start/test pay on every run)', () => {
    const result = spawnSync(process.execPath, [join(projectRootForTests, 'scripts', 'setup.mjs')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });

  it('compiles src/ to dist/ when src/ is newer, and only then; the CLI runs dist/ only while it is fresh', async () => {
    const project = fakeProject();
    symlinkSync(join(projectRootForTests, 'node_modules', 'esbuild'), join(project, 'node_modules', 'esbuild'));
    mkdirSync(join(project, 'src', 'cli'), { recursive: true });
    writeFileSync(join(project, 'src', 'cli', 'value.ts'), 'export const value: number = 1;\n');
    const first = runSetup(project);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/compiled 1 files of src\/ to dist/);
    expect(readFileSync(join(project, 'dist', 'cli', 'value.js'), 'utf8')).toMatch(/const value = 1/);
    const build = (await import(join(project, 'scripts', 'build.mjs'))) as { distIsFresh(): boolean };
    expect(build.distIsFresh()).toBe(true);
    expect(runSetup(project).stderr).not.toMatch(/compiled/);
    // an edit to src/ makes dist/ stale (bin/asmm.mjs then runs the sources through tsx) until the next set-up
    writeFileSync(join(project, 'src', 'cli', 'value.ts'), 'export const value: number = 2;\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(project, 'src', 'cli', 'value.ts'), later, later);
    expect(build.distIsFresh()).toBe(false);
    expect(runSetup(project).stderr).toMatch(/compiled 1 files/);
    expect(readFileSync(join(project, 'dist', 'cli', 'value.js'), 'utf8')).toMatch(/const value = 2/);
    expect(existsSync(join(project, 'dist', '.build-stamp.json'))).toBe(true);
    // a source that does not compile: the set-up fails naming it, dist/ stays the last good build, and no
    // half-built folder is left beside it
    writeFileSync(join(project, 'src', 'cli', 'value.ts'), 'export const value: number = ;\n');
    const latest = new Date(Date.now() + 10_000);
    utimesSync(join(project, 'src', 'cli', 'value.ts'), latest, latest);
    const failed = runSetup(project);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/value\.ts/);
    expect(readFileSync(join(project, 'dist', 'cli', 'value.js'), 'utf8')).toMatch(/const value = 2/);
    expect(readdirSync(project).filter((name) => name.startsWith('dist'))).toEqual(['dist']);
  });
});
