// Worker-thread entry of the catalog's part writer (src/catalog/partWriterThread.ts): the compiled worker in dist/
// when it is up to date with src/ (see scripts/build.mjs), else the TypeScript worker through tsx (workers do
// not inherit the parent's loader).
import { distIsFresh } from './build.mjs';

if (process.env.ASMM_TSX !== '1' && distIsFresh()) {
  await import('../dist/catalog/partWriterWorker.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/catalog/partWriterWorker.ts');
}
