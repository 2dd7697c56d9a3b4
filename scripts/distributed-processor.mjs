// BullMQ sandboxed processor for `asmm worker` (src/cli/distributed/processor.ts), compiled or through tsx (see
// importBuiltOrSource in scripts/build.mjs).
import { importBuiltOrSource } from './build.mjs';

// A worker killed with SIGKILL cannot stop its sandboxed children; BullMQ's child then keeps failing to report
// to it (each failed send raises another) and spins. Its IPC channel closing is the sign: leave with it.
process.once('disconnect', () => process.exit(0));

const mod = await importBuiltOrSource('cli/distributed/processor');
export default mod.default;
