#!/usr/bin/env node
// Compiles src/**/*.ts to dist/ (ES modules, one .js per .ts, import paths unchanged) with esbuild: the CLI
// and the calibration workers run the compiled JavaScript, so a command starts without compiling TypeScript
// (tsx stays for notebooks, tests and benches). Type checking is tsc's job (`npm test`), not this one's.
// dist/ is never committed: the set-up step (scripts/setup.mjs) builds it when src/ is newer, and
// bin/asmm.mjs falls back to tsx whenever dist/ is missing or older than src/, so a stale build never runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(root, 'dist');
const SRC = join(root, 'src');
const STAMP = join(DIST, '.build-stamp.json');
/** The CLI's entry, and where its bundle goes (see buildDist; scripts/compiledCli.mjs loads it). */
const CLI_ENTRY = join(SRC, 'cli', 'main.ts');
export const CLI_BUNDLE = join(DIST, 'cli-bundle', 'main.cjs');
/** src/ compiled to CommonJS, one .js per .ts, for the notebook kernel. */
export const KERNEL_DIST = join(DIST, 'kernel');

/**
 * Every .ts file under dir, and the newest mtime among them and their folders (a deleted file changes its
 * folder's). Paths joined by hand (every CLI start runs this over some 200 files: path.join's normalising
 * cost more than the stat calls).
 */
function sources(dir, out = { files: [], newestMs: 0 }) {
  out.newestMs = Math.max(out.newestMs, statSync(dir).mtimeMs);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sources(path, out);
    else if (entry.name.endsWith('.ts')) {
      out.files.push(path);
      out.newestMs = Math.max(out.newestMs, statSync(path).mtimeMs);
    }
  }
  return out;
}

/** What a build of src/ is stamped with: its newest mtime (files and folders) and its number of .ts files. */
export function sourceStamp() {
  const now = sources(SRC);
  return { newestSourceMs: now.newestMs, files: now.files.length };
}

/** Whether the stamp file `path` names the current src/ (see sourceStamp). */
function stampIsCurrent(path) {
  if (!existsSync(path)) return false;
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8'));
    const now = sourceStamp();
    return stamp.newestSourceMs === now.newestSourceMs && stamp.files === now.files;
  } catch {
    return false;
  }
}

/** Whether dist/ holds a build of the current src/ (same files, nothing newer than the build). */
export function distIsFresh() {
  return stampIsCurrent(STAMP);
}

/**
 * src/'s type declarations, one .d.ts per .ts (tsc's, written by `npm test`'s type check: see installTypes),
 * from which the notebook kernel reads src/'s types while they are those of the current src/ (typesAreFresh):
 * a cell's type check then parses some 0.6 MB of declarations instead of 1 MB of sources and the packages
 * their bodies import (DuckDB's, Arrow's, mathjs' and danfo's typings), about 2 s of CPU less per kernel. Kept
 * in node_modules/.cache, apart from dist/ (which a build replaces whole), and tied to the sources by their stamp
 * only.
 */
const TYPES_CACHE = join(root, 'node_modules', '.cache');
export const TYPES_DIR = join(TYPES_CACHE, 'asmm-types');
const TYPES_STAMP = join(TYPES_DIR, '.types-stamp.json');

/** Whether TYPES_DIR holds the declarations of the current src/. */
export function typesAreFresh() {
  return stampIsCurrent(TYPES_STAMP);
}

/**
 * A folder for tsc to emit declarations into (its --outDir), beside TYPES_DIR and named by this process; first
 * removes those of processes no longer running (a check stopped during its type check leaves one behind).
 */
export function typesEmitDir() {
  const prefix = `${relative(TYPES_CACHE, TYPES_DIR)}.next-`;
  for (const name of existsSync(TYPES_CACHE) ? readdirSync(TYPES_CACHE) : []) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || !Number.isInteger(pid) || pidIsRunning(pid)) continue;
    rmSync(join(TYPES_CACHE, name), { recursive: true, force: true });
  }
  return `${TYPES_DIR}.next-${process.pid}`;
}

/** Whether a process of this id runs (src/project/processRuns.ts's rule; this script runs before src/ is compiled). */
function pidIsRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Puts the declarations of src/ that tsc emitted under `emittedDir` (its --outDir: `emittedDir/src/**\/*.d.ts`)
 * in TYPES_DIR, stamped with `stamp` (sourceStamp() taken before tsc read src/, so that an edit during its run
 * leaves them stale), swapped in whole; then removes `emittedDir`. Returns false, installing nothing, when
 * there is no src/ under `emittedDir`.
 */
export function installTypes(emittedDir, stamp) {
  const emitted = join(emittedDir, 'src');
  try {
    if (!existsSync(emitted)) return false;
    writeFileSync(join(emitted, relative(TYPES_DIR, TYPES_STAMP)), JSON.stringify(stamp) + '\n');
    mkdirSync(TYPES_CACHE, { recursive: true });
    const old = `${TYPES_DIR}.old-${process.pid}`;
    const hadTypes = existsSync(TYPES_DIR);
    if (hadTypes) renameSync(TYPES_DIR, old);
    try {
      renameSync(emitted, TYPES_DIR);
    } catch (error) {
      // another check swapped its own in first, or the rename failed: the previous declarations stay
      if (hadTypes && !existsSync(TYPES_DIR)) renameSync(old, TYPES_DIR);
      throw error;
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
    return true;
  } finally {
    rmSync(emittedDir, { recursive: true, force: true });
  }
}

/** A path with forward slashes (as TypeScript gives file names on every platform). */
const slashed = (path) => path.replace(/\\/g, '/');

/**
 * The declaration file in `typesDir` that stands for the source `file` of src/ (`srcDir`), or undefined for
 * any other file (a .d.ts, a file outside src/).
 * @example declarationFor('/p/src/data/csv.ts', '/p/src', '/p/types') // '/p/types/data/csv.d.ts'
 */
export function declarationFor(file, srcDir, typesDir) {
  const prefix = `${slashed(srcDir).replace(/\/$/, '')}/`;
  const path = slashed(file);
  if (!path.startsWith(prefix) || !path.endsWith('.ts') || path.endsWith('.d.ts')) return undefined;
  return join(typesDir, `${path.slice(prefix.length, -'.ts'.length)}.d.ts`);
}

/**
 * A TypeScript `system` (ts.System, as tslab hands one to its compiler) whose readFile gives, for a source of
 * src/ (`srcDir`), the text of its declaration file in `typesDir` (a .ts file of `export declare ...`
 * statements has the .d.ts file's types), and the source itself when there is no such file (a module tsc
 * emitted nothing for); every other file and method as `system`'s.
 */
export function readingDeclarations(system, srcDir, typesDir) {
  const readFile = system.readFile.bind(system);
  return Object.assign(Object.create(system), {
    readFile(file, encoding) {
      const declaration = declarationFor(file, srcDir, typesDir);
      const text = declaration === undefined ? undefined : readFile(declaration, encoding);
      return text !== undefined ? text : readFile(file, encoding);
    },
  });
}

/**
 * Builds dist/ from src/ (about a second); returns the number of files compiled. Outputs: one .js per .ts
 * (what the calibration workers and tests of the build import), the same as CommonJS for the notebook kernel,
 * and the CLI bundled from src/cli/main.ts into one CommonJS file, dist/cli-bundle/main.cjs (packages left to
 * node_modules; a command's modules are still evaluated only when it runs): loading a command's 60-odd small
 * modules took 85-115 ms of every command's start, an ES-module bundle split by command 40-55 ms, and this
 * one file compiled from V8's code cache (scripts/compiledCli.mjs: Node 20 has no compile cache for ES
 * modules) 40-60 ms less again on a seed-compatible backtest.
 */
export async function buildDist() {
  const { build } = await import('esbuild');
  const found = sources(SRC);
  // built beside dist/ and swapped in, so that a process reading dist/ (a kernel, the CLI) never sees half a build
  const next = `${DIST}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  const into = (path) => join(next, relative(DIST, path));
  try {
    await compileInto(build, found, next, into);
  } catch (error) {
    // a build that failed (a syntax or import error in src/) leaves no half-built folder behind
    rmSync(next, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(into(STAMP), JSON.stringify({ newestSourceMs: found.newestMs, files: found.files.length, builtAt: new Date().toISOString() }) + '\n');
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  try {
    renameSync(next, DIST);
  } catch (error) {
    // another process swapped its build in first: keep it when it is of the same sources
    rmSync(next, { recursive: true, force: true });
    if (!distIsFresh()) throw error;
  }
  rmSync(old, { recursive: true, force: true });
  return found.files.length;
}

/** The three builds of src/ into `next` (see buildDist). */
async function compileInto(build, found, next, into) {
  await build({
    entryPoints: found.files,
    outdir: next,
    outbase: SRC,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The same files as CommonJS for the notebook kernel (scripts/tslab-kernel.cjs): tslab runs cells as
  // CommonJS, and loading these instead of compiling src/ in every kernel saves seconds per notebook.
  await build({
    entryPoints: found.files,
    outdir: into(KERNEL_DIST),
    outbase: SRC,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  writeFileSync(join(into(KERNEL_DIST), 'package.json'), '{ "type": "commonjs" }\n');
  if (existsSync(CLI_ENTRY)) {
    await build({
      entryPoints: [CLI_ENTRY],
      outfile: into(CLI_BUNDLE),
      bundle: true,
      packages: 'external',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
  }
}

/**
 * Imports a module of src/ (`path` relative to src/, no extension) the way a worker thread or a forked child
 * should run it: compiled, from dist/, when that is up to date with src/, else the TypeScript source through
 * tsx (such a thread or child does not inherit its parent's loader). ASMM_TSX=1 forces the source.
 */
export async function importBuiltOrSource(path) {
  if (process.env.ASMM_TSX !== '1' && distIsFresh()) return import(pathToFileURL(join(DIST, `${path}.js`)).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(SRC, `${path}.ts`)).href);
}

/** Builds when dist/ is missing or stale; says so on stderr. */
export async function ensureDist(say = (m) => process.stderr.write(`asmm build: ${m}\n`)) {
  if (!existsSync(SRC) || distIsFresh()) return false;
  const started = performance.now();
  const n = await buildDist();
  say(`compiled ${n} files of src/ to ${relative(root, DIST)}/ in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureDist();
}
