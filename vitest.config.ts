import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // vitest's default (one worker less than the cores) is a single worker on a 2-core machine; many test files
    // wait on child processes (the CLI, Jupyter, Chromium), so two run well side by side (223 s -> 158 s here)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // test files of a worker share one module graph: src/ and its libraries (danfojs, mathjs, arrow, duckdb) are
    // imported once per worker, not once per file (vitest alone: 252 s -> 164 s here). The tests keep no global
    // state: none mocks a module, stubs a global or changes the working directory.
    isolate: false,
  },
});
