// Worker-thread entry for `asmm calibrate` (src/calibrate/worker.ts), compiled or through tsx (see importBuiltOrSource).
import { importBuiltOrSource } from './build.mjs';

await importBuiltOrSource('calibrate/worker');
