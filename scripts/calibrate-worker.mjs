// Worker-thread entry for `asmm calibrate`: the compiled worker in dist/ when it is up to date with src/ (see
// scripts/build.mjs), else the TypeScript worker through tsx (workers do not inherit the parent's loader).
import { distIsFresh } from './build.mjs';

if (process.env.ASMM_TSX !== '1' && distIsFresh()) {
  await import('../dist/calibrate/worker.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/calibrate/worker.ts');
}
