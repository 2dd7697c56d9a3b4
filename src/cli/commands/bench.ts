import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { projectPath } from '../../project/index.js';
import { parseCommandArgs } from '../command.js';

/** A benchmark module in bench/: `export async function run(): Promise<void>` printing its table. */
interface BenchModule {
  run(): Promise<void>;
}

export async function runBench(argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, { min: 0, max: 1 });
  const dir = projectPath('bench');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts') && (!positionals[0] || f.includes(positionals[0])))
    .sort();
  // benches that start the CLI (seedCompat, help) must time the compiled one: a dist/ older than src/ would make
  // bin/asmm.mjs fall back to tsx and the timings those of compiling TypeScript at every start (npm run bench
  // builds first; `asmm bench` did not)
  const build = (await import(pathToFileURL(projectPath('scripts', 'build.mjs')).href)) as { ensureDist(): Promise<boolean> };
  await build.ensureDist();
  // the benches are TypeScript: the compiled CLI (dist/) needs tsx registered to load them (harmless under tsx)
  const { register } = (await import('tsx/esm/api')) as { register(): unknown };
  register();
  for (const file of files) {
    process.stdout.write(`\n== ${file}\n`);
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as BenchModule;
    await module.run();
  }
  return 0;
}
