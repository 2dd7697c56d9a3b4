// The thread behind test/helpers/cli.ts's runAsmm: the compiled CLI (dist/cli-bundle, loaded as bin/asmm.mjs
// loads it, without a code cache) loaded once per test process and run command after command, each with its own captured stdout and stderr.
// A command started by bin/asmm.mjs pays Node's start, the bundle's load and a cold JIT; here it pays none of
// them. Requests come as messages; the answer goes back on the request's port, then `done` is raised so the
// test thread, blocked in Atomics.wait, wakes and reads it (see cli.ts). Messages sent while the bundle loads
// wait in the port's queue.
import { parentPort, workerData } from 'node:worker_threads';

const { loader, root } = workerData;
process.env.ASMM_ROOT ??= root;
const { main } = (await import(loader)).loadCompiledCli();

/** Runs one command; stdout and stderr are this thread's own streams, swapped for the run. */
async function run(args) {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (chunk) => ((stdout += String(chunk)), true);
  process.stderr.write = (chunk) => ((stderr += String(chunk)), true);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } catch (error) {
    // the real process would die with this stack trace, exit code 1
    return { code: 1, stdout, stderr: `${stderr}${error?.stack ?? String(error)}\n` };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}

parentPort.on('message', async ({ args, port, done }) => {
  const result = await run(args);
  port.postMessage(result);
  port.close();
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
