import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files (wall time on this 2-core machine in a full run, 2026-12-06), longest first: they start
 * first, so that the run does not end on one of them with the other worker idle. vitest orders by the durations it
 * cached from earlier runs when it has them, and by file size on a fresh clone, where these small files came last.
 */
const LONGEST_FIRST = [
  'test/catalog/depthRange.test.ts',
  'test/catalog/dailyWalkForward.test.ts',
  'test/distributed/cluster.test.ts',
  'test/catalog/importFolder.test.ts',
  // later than its length would put it: its three notebook kernels then usually start once `npm test`'s tsc
  // (30-40 s) has written src/'s declarations, which they read src/'s types from (about 2 s of CPU less each;
  // scripts/tslab-kernel.cjs)
  'test/jupyter/runNotebook.test.ts',
  'test/backtest/depthReplay.test.ts',
  'test/jupyter/lab.test.ts',
  'test/catalog/streamedBacktest.test.ts',
  'test/download/downloadCli.test.ts',
  'test/formats/okxHistoryBooks.test.ts',
  'test/robustness/robustness.test.ts',
  'test/catalog/streamedEstimate.test.ts',
  'test/capture/recorder.test.ts',
  'test/backtest/backtestCli.test.ts',
  'test/formats/okxHistoryTrades.test.ts',
  'test/capture/capturedNothing.test.ts',
];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.replace(/\\/g, '/').endsWith(name));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // every temporary file of the run under one folder, removed at the end (test/helpers/tmpRoot.ts)
    globalSetup: ['test/helpers/tmpRoot.ts'],
    // typed arrays compared by toEqual at 0.5 µs a value instead of 6 µs (test/helpers/typedArrayEquality.ts)
    setupFiles: ['test/helpers/typedArrayEquality.ts'],
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
    sequence: { sequencer: LongestFirstSequencer },
  },
});
