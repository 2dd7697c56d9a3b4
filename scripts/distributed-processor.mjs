// BullMQ sandboxed processor for `asmm worker`: the compiled processor in dist/ when it is up to date with src/
// (see scripts/build.mjs), else the TypeScript one through tsx (a forked child does not inherit the parent's loader).
import { distIsFresh } from './build.mjs';

// A worker killed with SIGKILL cannot stop its sandboxed children; BullMQ's child then keeps failing to report
// to it (each failed send raises another) and spins. Its IPC channel closing is the sign: leave with it.
process.once('disconnect', () => process.exit(0));

let mod;
if (process.env.ASMM_TSX !== '1' && distIsFresh()) {
  mod = await import('../dist/cli/distributed/processor.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('../src/cli/distributed/processor.ts');
}
export default mod.default;
