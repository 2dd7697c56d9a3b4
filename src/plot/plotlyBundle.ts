import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectRoot } from '../project/index.js';

let cached: string | undefined;

/**
 * The plotly.js bundle from the `plotly.js-dist` package, minified once with esbuild (11 MB → about
 * 4.6 MB) and cached in `node_modules/.cache/asmm/`. Falls back to the unminified bundle if esbuild fails.
 */
export function plotlyBundleSource(): string {
  if (cached !== undefined) return cached;
  const root = projectRoot();
  const require = createRequire(join(root, 'package.json'));
  const sourcePath = require.resolve('plotly.js-dist/plotly.js');
  const cacheDir = join(root, 'node_modules', '.cache', 'asmm');
  const minPath = join(cacheDir, 'plotly.min.js');
  if (existsSync(minPath) && statSync(minPath).mtimeMs >= statSync(sourcePath).mtimeMs) {
    cached = readFileSync(minPath, 'utf8');
    return cached;
  }
  const source = readFileSync(sourcePath, 'utf8');
  try {
    const esbuild = require('esbuild') as { transformSync(code: string, options: object): { code: string } };
    cached = esbuild.transformSync(source, { minify: true, legalComments: 'none' }).code;
    mkdirSync(dirname(minPath), { recursive: true });
    // written beside and renamed: notebooks run in parallel kernels, and none may read a half-written file
    const partial = `${minPath}.${process.pid}.partial`;
    writeFileSync(partial, cached);
    renameSync(partial, minPath);
  } catch {
    cached = source;
  }
  return cached;
}

/**
 * A <script> element defining `window.Plotly` (plotly.js 3 assigns it itself, AMD loader or not, so the
 * bundle works on pages with require.js such as the classic notebook and nbconvert's templates).
 */
export function plotlyBundleScript(): string {
  const source = plotlyBundleSource().replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript" data-asmm="plotly-bundle">\n${source}\n</script>`;
}

/** How a standalone page opens: up to and including the plotly bundle's <script> (see `plotlyPageOpening`). */
export const PAGE_OPENING_HTML = '<!DOCTYPE html>\n<html><head><meta charset="utf-8">';

let cachedOpening: { readonly bytes: Buffer; readonly path?: string } | undefined;

/**
 * The opening of a standalone page, `PAGE_OPENING_HTML` then a newline and `plotlyBundleScript()`, as UTF-8
 * bytes, and the file that holds them when the cache beside the minified bundle is writable
 * (`node_modules/.cache/asmm/plotly.page-opening.html`, rebuilt when older than the bundle): a report copies
 * that file (no 4.6 MB decoded into a string, encoded back, or even read into memory) and appends its figures.
 */
export function plotlyPageOpening(): { readonly bytes: Buffer; readonly path?: string } {
  if (cachedOpening) return cachedOpening;
  const minPath = join(projectRoot(), 'node_modules', '.cache', 'asmm', 'plotly.min.js');
  const path = join(dirname(minPath), 'plotly.page-opening.html');
  if (existsSync(path) && existsSync(minPath) && statSync(path).mtimeMs >= statSync(minPath).mtimeMs) {
    cachedOpening = { path, get bytes() { return readFileSync(path); } };
    return cachedOpening;
  }
  const bytes = Buffer.from(`${PAGE_OPENING_HTML}\n${plotlyBundleScript()}`, 'utf8');
  try {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, path);
    cachedOpening = { bytes, path };
  } catch {
    // a read-only node_modules: the page is written from the bytes
    cachedOpening = { bytes };
  }
  return cachedOpening;
}
