// Worker-thread entry for `asmm calibrate`: registers tsx (workers do not inherit the parent's loader), then
// runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('../src/calibrate/worker.ts');
