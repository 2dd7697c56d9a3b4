import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRootForTests as root } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const build = (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as { distIsFresh(): boolean; CLI_BUNDLE: string };
const bundle = build.CLI_BUNDLE;

/** bin/asmm.mjs as a user runs it, with its code caches in `cacheDir`. */
function asmm(args: string[], cacheDir: string) {
  return spawnSync(process.execPath, [join(root, 'bin', 'asmm.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ASMM_V8_CACHE_DIR: cacheDir, ASMM_TSX: '' } });
}

describe('the compiled CLI and its code cache (scripts/compiledCli.mjs)', () => {
  // `npm test` builds dist/ first (scripts/setup.mjs); a dist/ older than src/ runs the sources through tsx, which has no cache
  it.skipIf(!build.distIsFresh())('writes a cache per kind of command line, runs from it, and imports outside the bundle from a cached run', () => {
    const cacheDir = tempDir('asmm-v8-cache-');
    // `asmm bench <no such name>` imports scripts/build.mjs and tsx from outside the bundle before it refuses the
    // name: in Node 20 a script compiled from V8's code cache has no import() of its own, so the second run
    // fails unless the bundle imports through the loader (importOutsideBundle)
    const args = ['bench', 'no-such-bench-name'];
    const first = asmm(args, cacheDir);
    expect(first.status, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/no bench in bench\/ has "no-such-bench-name" in its name; the benches: .*seedCompat/);
    // one folder per bundle file (its size, mtime and inode: V8 checks a cache only against the source's length)
    const [bundleFolder] = readdirSync(cacheDir);
    const { size, mtimeMs, ino } = statSync(bundle);
    expect(bundleFolder).toBe(`${size}-${Math.round(mtimeMs * 1000)}-${ino}`);
    const folder = join(cacheDir, bundleFolder);
    expect(readdirSync(folder)).toEqual(['bench.no-such-bench-name.bin']);
    const cache = join(folder, 'bench.no-such-bench-name.bin');
    const written = statSync(cache);
    expect(written.size).toBeGreaterThan(10_000);

    const second = asmm(args, cacheDir);
    expect(second.status, second.stderr).toBe(2);
    expect(second.stderr).toBe(first.stderr);
    // accepted by V8, so not written again
    expect(statSync(cache).mtimeMs).toBe(written.mtimeMs);

    // another kind of command line gets its own cache, named by its command and option names, not values
    const help = asmm(['backtest', '--help'], cacheDir);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--seed-compat/);
    expect(readdirSync(folder).sort()).toEqual(['backtest.help.bin', 'bench.no-such-bench-name.bin']);
    // a subcommand is part of the kind: \`catalog ls\` and \`catalog import\` get their own
    expect(asmm(['catalog', 'ls', '--catalog', join(cacheDir, 'no-catalog-here')], cacheDir).status).not.toBe(0);
    expect(readdirSync(folder)).toContain('catalog.ls.catalog.bin');

    // a cache V8 rejects (here: not one at all) is compiled without and written again
    writeFileSync(cache, Buffer.from('not a V8 code cache'));
    const third = asmm(args, cacheDir);
    expect(third.stderr).toBe(first.stderr);
    const rewritten = statSync(cache);
    expect(rewritten.size).toBeGreaterThan(10_000);
    expect(readFileSync(cache).subarray(0, 19).toString('latin1')).not.toBe('not a V8 code cache');
    // and that one is accepted in turn
    expect(asmm(args, cacheDir).stderr).toBe(first.stderr);
    expect(statSync(cache).mtimeMs).toBe(rewritten.mtimeMs);

    // a rebuilt bundle (here: the same bytes, a new mtime) never reads the caches of the one before: an edit that
    // kept the source's length would otherwise run the old code from them
    const later = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
    utimesSync(bundle, later, later);
    expect(asmm(args, cacheDir).stderr).toBe(first.stderr);
    const folders = readdirSync(cacheDir);
    expect(folders).toHaveLength(2);
    const renewed = folders.find((f) => f !== bundleFolder)!;
    expect(readdirSync(join(cacheDir, renewed))).toEqual(['bench.no-such-bench-name.bin']);
  });
});
