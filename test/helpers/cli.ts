import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, SHARE_ENV, Worker } from 'node:worker_threads';
import { expect } from 'vitest';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const build = (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as { distIsFresh(): boolean };

export interface AsmmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The thread that runs the compiled CLI for runAsmm (see cliThread.mjs); null when dist/ is not up to date. */
let cliThread: Worker | null | undefined;
/** Longest a command may run in the thread before runAsmm gives up on it (the test timeout is 180 s). */
const THREAD_DEADLINE_MS = 170_000;

function thread(): Worker | null {
  if (cliThread !== undefined) return cliThread;
  if (process.env.ASMM_TEST_SPAWN === '1' || process.env.ASMM_TSX === '1' || !build.distIsFresh()) return (cliThread = null);
  cliThread = new Worker(new URL('./cliThread.mjs', import.meta.url), { workerData: { loader: pathToFileURL(join(root, 'scripts', 'compiledCli.mjs')).href, root }, env: SHARE_ENV });
  cliThread.unref();
  return cliThread;
}

/**
 * Runs `asmm` with these arguments, capturing its exit code and output: the compiled CLI that bin/asmm.mjs
 * runs, in one thread of the test process that keeps it loaded and warm (a separate process per command cost
 * the suite about a minute of CPU in Node starts, bundle loads and cold JITs). `spawn: true`, a working
 * directory, `env` (variables added for that run only), a dist/ older than src/ or ASMM_TEST_SPAWN=1 run it as
 * its own process, as a user would (bin/asmm.mjs).
 */
export function runAsmm(args: string[], options: { cwd?: string; spawn?: boolean; env?: Record<string, string> } = {}): AsmmRun {
  const worker = options.spawn || options.cwd !== undefined || options.env !== undefined ? null : thread();
  if (worker) {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ args, port: port2, done }, [port2]);
    const deadline = Date.now() + THREAD_DEADLINE_MS;
    while (Atomics.load(done, 0) === 0) {
      if (Date.now() > deadline) throw new Error(`asmm ${args.join(' ')}: no answer from the CLI thread in ${THREAD_DEADLINE_MS / 1000} s`);
      Atomics.wait(done, 0, 0, 1000);
    }
    const answer = receiveMessageOnPort(port1);
    port1.close();
    if (!answer) throw new Error(`asmm ${args.join(' ')}: the CLI thread answered nothing`);
    return answer.message as AsmmRun;
  }
  const result = spawnSync(process.execPath, [join(root, 'bin', 'asmm.mjs'), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, ASMM_ROOT: root, ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const projectRootForTests = root;

/**
 * Starts `asmm` as a background process (for commands that run until stopped, such as `record`): the child,
 * a promise of its exit code (128 when a signal ended it) and its output so far.
 */
export function spawnAsmm(args: string[]): { child: ChildProcess; exited: Promise<number>; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [join(root, 'bin', 'asmm.mjs'), ...args], { cwd: root, env: { ...process.env, ASMM_ROOT: root } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/**
 * Sends SIGINT to a spawned asmm (spawnAsmm) the moment its stderr shows `line` (as a user's Ctrl-C after a
 * progress line), and resolves its exit code; rejects when the line never comes within `timeoutMs`.
 */
export async function interruptWhen(run: ReturnType<typeof spawnAsmm>, line: RegExp, timeoutMs = 120_000): Promise<number> {
  let sent = false;
  const check = () => {
    if (!sent && line.test(run.output().stderr)) {
      sent = true;
      run.child.kill('SIGINT');
    }
  };
  run.child.stderr!.on('data', check);
  check();
  const timer = setTimeout(() => {
    if (!sent) run.child.kill('SIGKILL');
  }, timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  if (!sent) throw new Error(`asmm never printed ${line} (exit ${code}): ${run.output().stderr.slice(-2000)}`);
  return code;
}

/**
 * Runs a command over a catalog range as its own process and sends Ctrl-C the moment its progress line for
 * `afterDate` shows; checks that it stopped as a range cut short says it (exit 130, the Ctrl-C message naming
 * `what`, the INTERRUPTED note naming the range) and returns its output and the last day its result covers
 * (from `afterDate` to the day before the range's last).
 */
export async function interruptedRange(args: string[], o: { what: string; afterDate: string; range: readonly string[] }): Promise<{ stdout: string; stderr: string; lastCovered: string }> {
  const run = spawnAsmm(args);
  const code = await interruptWhen(run, new RegExp(`^ {2}${o.afterDate}: `, 'm'));
  const { stdout, stderr } = run.output();
  expect(code, stderr).toBe(130);
  expect(stderr).toMatch(new RegExp(`Ctrl-C: ${o.what} stops once the day it is on is done`));
  const first = o.range[0];
  const last = o.range[o.range.length - 1];
  const covered = new RegExp(`INTERRUPTED \\(Ctrl-C\\): the result covers ${first}\\.\\.(\\d{4}-\\d\\d-\\d\\d) \\(\\d+ days?\\) of the range's ${o.range.length} days ${first}\\.\\.${last}`).exec(stdout);
  expect(covered, stdout).not.toBeNull();
  const lastCovered = covered![1];
  expect(o.range.indexOf(lastCovered), stdout).toBeGreaterThanOrEqual(o.range.indexOf(o.afterDate));
  expect(lastCovered < last, stdout).toBe(true);
  return { stdout, stderr, lastCovered };
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
