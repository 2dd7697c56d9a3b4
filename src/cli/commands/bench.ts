import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { importOutsideBundle, projectPath } from '../../project/index.js';
import { parseCommandArgs, UsageError } from '../command.js';

/** A benchmark module in bench/: `export async function run(): Promise<void>` printing its table. */
interface BenchModule {
  run(): Promise<void>;
}

export async function runBench(argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, { min: 0, max: 1 });
  const dir = projectPath('bench');
  const benches = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const files = benches.filter((f) => !positionals[0] || f.includes(positionals[0]));
  // (a name no bench has is refused before anything is built)
  if (files.length === 0) throw new UsageError(`no bench in bench/ has "${positionals[0]}" in its name; the benches: ${benches.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`, { showUsage: false });
  // benches that start the CLI (seedCompat, help) must time the compiled one: a dist/ older than src/ would make
  // bin/asmm.mjs fall back to tsx and the timings those of compiling TypeScript at every start (npm run bench
  // builds first; `asmm bench` did not)
  const build = await importOutsideBundle<{ ensureDist(): Promise<boolean> }>(pathToFileURL(projectPath('scripts', 'build.mjs')).href);
  await build.ensureDist();
  // the benches are TypeScript: the compiled CLI (dist/) needs tsx registered to load them (harmless under tsx)
  const { register } = await importOutsideBundle<{ register(): unknown }>('tsx/esm/api');
  register();
  for (const file of files) {
    process.stdout.write(`\n== ${file}\n`);
    const module = await importOutsideBundle<BenchModule>(pathToFileURL(`${dir}/${file}`).href);
    await module.run();
  }
  return 0;
}
