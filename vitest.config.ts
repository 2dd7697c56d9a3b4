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
  },
});
