#!/usr/bin/env node
// The asmm command line: `npx asmm <command> [options]`. Runs the TypeScript sources directly through tsx.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
process.env.ASMM_ROOT ??= root;
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
