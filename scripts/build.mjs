#!/usr/bin/env node
// Compiles src/**/*.ts to dist/ (ES modules, one .js per .ts, import paths unchanged) with esbuild: the CLI
// and the calibration workers run the compiled JavaScript, so a command starts without compiling TypeScript
// (tsx stays for notebooks, tests and benches). Type checking is tsc's job (`npm test`), not this one's.
// dist/ is never committed: the set-up step (scripts/setup.mjs) builds it when src/ is newer, and
// bin/asmm.mjs falls back to tsx whenever dist/ is missing or older than src/, so a stale build never runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(root, 'dist');
const SRC = join(root, 'src');
const STAMP = join(DIST, '.build-stamp.json');
/** The CLI's entry, and where its bundle goes (see buildDist). */
const CLI_ENTRY = join(SRC, 'cli', 'main.ts');
export const CLI_BUNDLE = join(DIST, 'cli-bundle', 'main.js');

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

/** Whether dist/ holds a build of the current src/ (same files, nothing newer than the build). */
export function distIsFresh() {
  if (!existsSync(STAMP)) return false;
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    const now = sources(SRC);
    return stamp.newestSourceMs === now.newestMs && stamp.files === now.files.length;
  } catch {
    return false;
  }
}

/**
 * Builds dist/ from src/ (about a second); returns the number of files compiled. Two outputs: one .js per .ts
 * (what the calibration workers and tests of the build import), and the CLI bundled from src/cli/main.ts into
 * dist/cli-bundle/ (one module for the commands' shared code, a chunk per command, packages left to
 * node_modules): loading a command's 60-odd small modules took 85-115 ms of every command's start, the bundle
 * 40-55 ms.
 */
export async function buildDist() {
  const { build } = await import('esbuild');
  const found = sources(SRC);
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await build({
    entryPoints: found.files,
    outdir: DIST,
    outbase: SRC,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  if (existsSync(CLI_ENTRY)) {
    await build({
      entryPoints: [CLI_ENTRY],
      outdir: dirname(CLI_BUNDLE),
      bundle: true,
      splitting: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
  }
  writeFileSync(STAMP, JSON.stringify({ newestSourceMs: found.newestMs, files: found.files.length, builtAt: new Date().toISOString() }) + '\n');
  return found.files.length;
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
