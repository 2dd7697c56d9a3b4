import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  it("keeps src/'s declarations for the notebook kernel only while they are of the current src/, and reads them in place of the sources", async () => {
    const project = fakeProject();
    mkdirSync(join(project, 'src', 'cli'), { recursive: true });
    writeFileSync(join(project, 'src', 'cli', 'value.ts'), 'export const value = 1;\n');
    type Build = {
      TYPES_DIR: string;
      sourceStamp(): unknown;
      typesAreFresh(): boolean;
      installTypes(emittedDir: string, stamp: unknown): boolean;
      typesEmitDir(): string;
      declarationFor(file: string, srcDir: string, typesDir: string): string | undefined;
      readingDeclarations(system: { readFile(file: string, encoding?: string): string | undefined; other(): string }, srcDir: string, typesDir: string): { readFile(file: string): string | undefined; other(): string };
    };
    const build = (await import(join(project, 'scripts', 'build.mjs'))) as Build;
    expect(build.TYPES_DIR).toBe(join(project, 'node_modules', '.cache', 'asmm-types'));
    expect(build.typesAreFresh()).toBe(false); // none yet
    // what tsc --outDir emits (src/, test/ ... under it), taken with the stamp of the sources it read
    const emit = (dir: string) => {
      mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
      mkdirSync(join(dir, 'test'), { recursive: true });
      writeFileSync(join(dir, 'src', 'cli', 'value.d.ts'), 'export declare const value = 1;\n');
      return dir;
    };
    const stamp = build.sourceStamp();
    const emitted = emit(join(project, 'emitted'));
    expect(build.installTypes(emitted, stamp)).toBe(true);
    expect(readFileSync(join(build.TYPES_DIR, 'cli', 'value.d.ts'), 'utf8')).toContain('declare const value');
    expect(existsSync(emitted)).toBe(false);
    expect(build.typesAreFresh()).toBe(true);
    // an edit to src/ (after tsc read it) makes them stale: the kernel goes back to the sources
    const later = new Date(Date.now() + 5000);
    utimesSync(join(project, 'src', 'cli', 'value.ts'), later, later);
    expect(build.typesAreFresh()).toBe(false);
    // and so does one made while tsc ran: the stamp is the one taken before it read src/, not the sources' at install
    const before = build.sourceStamp();
    const whileTscRan = new Date(Date.now() + 6000);
    utimesSync(join(project, 'src', 'cli', 'value.ts'), whileTscRan, whileTscRan);
    expect(build.installTypes(emit(join(project, 'emitted1')), before)).toBe(true);
    expect(build.typesAreFresh()).toBe(false);
    // a file added to src/ with an old mtime still changes the count
    expect(build.installTypes(emit(join(project, 'emitted2')), build.sourceStamp())).toBe(true);
    expect(build.typesAreFresh()).toBe(true);
    const folder = statSync(join(project, 'src', 'cli'));
    writeFileSync(join(project, 'src', 'cli', 'other.ts'), 'export const other = 2;\n');
    utimesSync(join(project, 'src', 'cli', 'other.ts'), new Date(0), new Date(0));
    utimesSync(join(project, 'src', 'cli'), folder.atime, folder.mtime);
    expect(build.typesAreFresh()).toBe(false);
    // tsc emitted nothing of src/: nothing installed, its folder removed, the last declarations kept
    const empty = join(project, 'emitted3');
    mkdirSync(join(empty, 'test'), { recursive: true });
    expect(build.installTypes(empty, build.sourceStamp())).toBe(false);
    expect(existsSync(empty)).toBe(false);
    expect(existsSync(join(build.TYPES_DIR, 'cli', 'value.d.ts'))).toBe(true);

    // tsc's folders: this process's, another running check's kept, none left of a process that is gone (a check
    // stopped during tsc)
    const cache = join(project, 'node_modules', '.cache');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      for (const pid of [gone, running.pid!, process.pid]) mkdirSync(join(cache, `asmm-types.next-${pid}`), { recursive: true });
      expect(build.typesEmitDir()).toBe(join(cache, `asmm-types.next-${process.pid}`));
      expect(readdirSync(cache).filter((name) => name.startsWith('asmm-types.next-')).sort()).toEqual([`asmm-types.next-${process.pid}`, `asmm-types.next-${running.pid}`].sort());
    } finally {
      running.kill();
    }

    // the kernel's reading: a source of src/ as its declaration file, anything else as it is
    const src = join(project, 'src');
    const types = build.TYPES_DIR;
    expect(build.declarationFor(join(src, 'cli', 'value.ts'), src, types)).toBe(join(types, 'cli', 'value.d.ts'));
    expect(build.declarationFor(join(src, 'cli', 'value.d.ts'), src, types)).toBeUndefined();
    expect(build.declarationFor(join(project, 'srcx', 'value.ts'), src, types)).toBeUndefined();
    expect(build.declarationFor(join(project, 'notebooks', 'cell.ts'), src, types)).toBeUndefined();
    // TypeScript names files with forward slashes on every platform
    expect(build.declarationFor('C:/p/src/data/csv.ts', 'C:\\p\\src', types)).toBe(join(types, 'data', 'csv.d.ts'));
    const files: Record<string, string> = {
      [join(src, 'cli', 'value.ts')]: 'export const value = 1;',
      [join(types, 'cli', 'value.d.ts')]: 'export declare const value = 1;',
      [join(src, 'cli', 'other.ts')]: 'export const other = 2;',
      [join(project, 'cell.ts')]: 'value + 1',
    };
    const system = { readFile: (file: string) => files[file], other: () => 'as the system' };
    const reading = build.readingDeclarations(system, src, types);
    expect(reading.readFile(join(src, 'cli', 'value.ts'))).toBe('export declare const value = 1;');
    expect(reading.readFile(join(src, 'cli', 'other.ts'))).toBe('export const other = 2;'); // no declaration: the source
    expect(reading.readFile(join(project, 'cell.ts'))).toBe('value + 1');
    expect(reading.other()).toBe('as the system');
  });
});

