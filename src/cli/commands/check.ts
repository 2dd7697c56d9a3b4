import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { listNotebooks, runNotebookReports } from '../../jupyter/index.js';
import { projectPath } from '../../project/index.js';
import { DEFAULT_SAMPLE_DIR, ensureSampleMarket } from '../../sample/index.js';
import { parseCommandArgs } from '../command.js';
import { notebookTable } from './report.js';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

/** Runs a node script of a dependency with inherited output; returns its exit code. */
function runNodeScript(script: string, args: string[]): number {
  const result = spawnSync(process.execPath, [projectPath('node_modules', ...script.split('/')), ...args], {
    cwd: projectPath(),
    stdio: 'inherit',
  });
  return result.status ?? 1;
}

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'no-notebooks': { type: 'boolean' } }, { min: 0, max: 50 });
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const say = (message: string) => process.stdout.write(`\n== ${message}\n`);

  say('typecheck: tsc --noEmit');
  if (runNodeScript('typescript/bin/tsc', ['--noEmit', '-p', projectPath('tsconfig.json')]) === 0) {
    tally.passed += 1;
    process.stdout.write('typecheck ok\n');
  } else {
    tally.failed += 1;
    process.stdout.write('typecheck FAILED\n');
  }

  say('unit and integration tests: vitest');
  const resultsPath = projectPath('.vitest-results.json');
  rmSync(resultsPath, { force: true });
  const vitestCode = runNodeScript('vitest/vitest.mjs', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsPath}`, ...positionals]);
  if (existsSync(resultsPath)) {
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as VitestJson;
    tally.passed += results.numPassedTests;
    tally.failed += results.numFailedTests + (results.numFailedTests === 0 && vitestCode !== 0 ? Math.max(1, results.numFailedTestSuites) : 0);
    tally.skipped += results.numPendingTests + results.numTodoTests;
    rmSync(resultsPath, { force: true });
  } else {
    tally.failed += 1;
    process.stdout.write(`vitest wrote no results (exit ${vitestCode})\n`);
  }

  if (!values['no-notebooks']) {
    say('notebooks: every notebook executed headless, its report checked offline in Chromium');
    ensureSampleMarket(projectPath(DEFAULT_SAMPLE_DIR));
    const reports = await runNotebookReports(listNotebooks(), projectPath('reports'), (m) => process.stdout.write(`${m}\n`));
    process.stdout.write(notebookTable(reports) + '\n');
    for (const report of reports) {
      if (report.ok) tally.passed += 1;
      else tally.failed += 1;
    }
  }

  process.stdout.write(`\ntests: ${tally.passed} passed, ${tally.failed} failed${tally.skipped > 0 ? `, ${tally.skipped} skipped` : ''}\n`);
  return tally.failed === 0 ? 0 : 1;
}
