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
  for (const file of files) {
    process.stdout.write(`\n== ${file}\n`);
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as BenchModule;
    await module.run();
  }
  return 0;
}
