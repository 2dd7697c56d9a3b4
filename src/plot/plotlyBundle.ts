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
