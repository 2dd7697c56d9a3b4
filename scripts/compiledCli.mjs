// Loads the bundled CLI (dist/cli-bundle/main.cjs, see build.mjs) compiled from V8's code cache when one is
// there: Node 20 has no compile cache of its own (module.enableCompileCache came in Node 22), and compiling
// the bundle's functions as a command first calls them is 40-60 ms of a seed-compatible backtest's 350-450.
// One cache per kind of command line (its command, subcommand and option names), written by the first such
// run with every function that run compiled, so later runs of the same kind skip their compilation. V8
// checks a cache only against the source's length (and its own version and flags): an edit that keeps the
// length would run the old code from a cache of the old source. So the caches of one bundle file sit in a
// folder named by its size, mtime and inode (dist/cli-bundle/v8-cache/<that>/), which a build changes; a
// command started before a build and ending after it writes into its own bundle's folder, never read again.
// One V8 rejects is written again. The caches go with dist/: a build starts without any. Writing is best
// effort (a read-only install only loses the speed).
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { CLI_BUNDLE } from './build.mjs';

/** Where the caches go; ASMM_V8_CACHE_DIR elsewhere (for tests). */
const CACHE_DIR = process.env.ASMM_V8_CACHE_DIR || join(dirname(CLI_BUNDLE), 'v8-cache');
/** Cache files kept at most per bundle (about 0.2-0.5 MB each); past it, new kinds of run are not cached. */
const MAX_CACHES = 64;
/** See src/project/importOutsideBundle.ts: the bundle's import() goes through this module. */
const LOADER_IMPORT = Symbol.for('asmm.importOutsideBundle');

const WORD = /^[a-z][a-z0-9-]*$/;

/**
 * The cache file of a command line: its command, its first argument when that is a word (a subcommand such as
 * `catalog import`) and the names of its options (not their values).
 */
function cacheName(argv) {
  const command = WORD.test(argv[0] ?? '') ? argv[0] : 'help';
  const sub = WORD.test(argv[1] ?? '') ? [argv[1]] : [];
  const options = [...new Set(argv.slice(1).filter((a) => /^--[a-z][a-z0-9-]*(=|$)/.test(a)).map((a) => a.slice(2).split('=')[0]))].sort();
  return [command, ...sub, ...options].join('.').slice(0, 200) + '.bin';
}

/**
 * The bundle's exports (`main`), and `saveCache()` to call once the command has run: writes the code cache
 * when there was none or V8 rejected it. `argv`: the command line, which names the cache; without it no
 * cache is read or written (the test suite's CLI thread).
 */
export function loadCompiledCli(argv) {
  // read as latin1, a byte a character (half the time of utf8 here): esbuild writes every non-ASCII character of
  // the code as an escape (its default charset), so only comments can hold other bytes, and those do not run
  const fd = openSync(CLI_BUNDLE, 'r');
  let source;
  let folder;
  try {
    const { size, mtimeMs, ino } = fstatSync(fd);
    folder = join(CACHE_DIR, `${size}-${Math.round(mtimeMs * 1000)}-${ino}`);
    source = readFileSync(fd, 'latin1');
  } finally {
    closeSync(fd);
  }
  const cachePath = argv === undefined ? undefined : join(folder, cacheName(argv));
  let cachedData;
  if (cachePath !== undefined) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      // none yet
    }
  }
  // CommonJS's module wrapper on a line of its own, so that line and column numbers are the file's
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, { filename: CLI_BUNDLE, lineOffset: -1, cachedData });
  globalThis[LOADER_IMPORT] ??= (specifier) => import(specifier);
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(CLI_BUNDLE), module, CLI_BUNDLE, dirname(CLI_BUNDLE));
  const stale = cachePath !== undefined && (cachedData === undefined || script.cachedDataRejected === true);
  return {
    main: module.exports.main,
    saveCache() {
      if (!stale) return;
      try {
        mkdirSync(folder, { recursive: true });
        if (cachedData === undefined && readdirSync(folder).filter((name) => name.endsWith('.bin')).length >= MAX_CACHES) return;
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
      } catch {
        // best effort: the next run compiles as this one did
      }
    },
  };
}
