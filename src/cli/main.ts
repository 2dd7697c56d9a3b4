import { DataError } from '../data/errors.js';
import { UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';
import { sourceMappedStack } from './sourceMappedStack.js';

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
  // `asmm help COMMAND`: that command's usage, as `asmm COMMAND --help`
  if (name === 'help' && rest.length > 0) {
    const asked = COMMANDS.find((c) => c.name === rest[0]);
    if (!asked) {
      process.stderr.write(`asmm help: unknown command "${rest[0]}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
      return 2;
    }
    process.stdout.write(`${asked.summary}\nusage: ${asked.usage}\n`);
    return 0;
  }
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
      process.stderr.write(`asmm ${name}: ${error.message}${error.options.showUsage === false ? '' : ` (usage: ${command.usage})`}\n`);
      return 2;
    }
    if (error instanceof DataError || (error instanceof Error && error.name === 'EstimationError')) {
      process.stderr.write(`asmm ${name}: ${oneLine(error.message)}\n`);
      return 1;
    }
    // Chromium missing, failing to start or unreachable (plot/browser.ts): the machine's set-up, said in one line
    if (error instanceof Error && error.name === 'BrowserUnavailableError') {
      process.stderr.write(`asmm ${name}: ${oneLine(error.message)}\n`);
      return 2;
    }
    const system = systemError(error);
    if (system) {
      process.stderr.write(`asmm ${name}: ${system.message}\n`);
      return system.code;
    }
    // a failure nobody turned into a DataError or UsageError: still one line, the stack only on request
    const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
    process.stderr.write(`asmm ${name}: internal error: ${oneLine(text)}${process.env.ASMM_DEBUG ? `\n${sourceMappedStack(String((error as Error).stack))}` : ' (a bug in asmm: ASMM_DEBUG=1 shows where)'}\n`);
    return 1;
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** Path errors are bad usage (exit 2): the user named a file or directory that cannot serve. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/** A Node file-system error as one line naming its path: exit 2 for a bad path, 1 for other I/O failures (disk full...). */
function systemError(error: unknown): { message: string; code: number } | undefined {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  const path = e.dest ?? e.path;
  const reason = PATH_ERRORS[e.code];
  return { message: `${path ?? ''}${path ? ': ' : ''}${reason ?? e.message} (${e.syscall} ${e.code})`, code: reason ? 2 : 1 };
}
