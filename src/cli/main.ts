import { DataError } from '../data/errors.js';
import { UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: asmm <command> [options]   (every command takes --json where it prints results)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`),
  ].join('\n');
}

/** Runs `asmm` with the given arguments; returns the exit code (2 for bad arguments). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(helpText() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`asmm: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see asmm help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    const run = await command.load();
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`asmm ${name}: ${error.message} (usage: ${command.usage})\n`);
      return 2;
    }
    if (error instanceof DataError || (error instanceof Error && error.name === 'EstimationError')) {
      process.stderr.write(`asmm ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
