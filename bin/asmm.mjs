#!/usr/bin/env node
// The asmm command line: `npx asmm <command> [options]`. Runs the compiled, bundled JavaScript in dist/ (built from src/
// by scripts/build.mjs during set-up; loaded by scripts/compiledCli.mjs) when it is up to date with src/, and
// otherwise the TypeScript sources through tsx, so that an edit to src/ is never run stale. ASMM_TSX=1 forces the sources.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
process.env.ASMM_ROOT ??= root;
const { distIsFresh } = await import('../scripts/build.mjs');
const argv = process.argv.slice(2);
if (process.env.ASMM_TSX !== '1' && distIsFresh()) {
  const { loadCompiledCli } = await import('../scripts/compiledCli.mjs');
  const cli = loadCompiledCli(argv);
  const code = await cli.main(argv);
  cli.saveCache();
  process.exitCode = code;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(argv);
}
