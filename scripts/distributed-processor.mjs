// BullMQ sandboxed processor for `asmm worker` (src/cli/distributed/processor.ts), compiled or through tsx (see
// importBuiltOrSource in scripts/build.mjs).
import { importBuiltOrSource } from './build.mjs';

// A worker killed with SIGKILL cannot stop its sandboxed children. BullMQ's child then spins: its
// uncaughtException handler awaits a report to the parent, which rejects with no parent; the rejection is
// unhandled, so it is thrown again as an uncaught exception, and round it goes at 100 % CPU (seen after every
// run of test/distributed/cluster.test.ts, spinning on for minutes). The IPC channel closing is the sign: leave
// with it, whenever it is seen (already closed when this runs, closing later, or an unhandled rejection after it).
const orphaned = () => process.send !== undefined && !process.connected;
if (orphaned()) process.exit(0);
process.once('disconnect', () => process.exit(0));
process.on('unhandledRejection', (reason) => {
  if (orphaned()) process.exit(0);
  // otherwise Node's default: the rejection is thrown as an uncaught exception (BullMQ's handler reports it)
  throw reason;
});

const mod = await importBuiltOrSource('cli/distributed/processor');
export default mod.default;
