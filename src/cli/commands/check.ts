import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { listNotebooks, runNotebookReports } from '../../jupyter/index.js';
import { CHROMIUM_ENDPOINT_ENV, launchChromiumServer, type ChromiumServer } from '../../plot/browser.js';
import { importOutsideBundle, projectPath } from '../../project/index.js';
import { DEFAULT_SAMPLE_DIR, ensureSampleMarket } from '../../sample/index.js';
import { parseCommandArgs, printJson } from '../command.js';
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

/** Runs a node script of a dependency in the background with inherited output; resolves to its exit code. */
function runNodeScript(script: string, args: string[], outputToStderr: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [projectPath('node_modules', ...script.split('/')), ...args], {
      cwd: projectPath(),
      stdio: outputToStderr ? ['ignore', 2, 2] : 'inherit',
    });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs a node script of a dependency in the background, its stdout and stderr kept; its exit code and output. */
function runNodeScriptCaptured(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [projectPath('node_modules', ...script.split('/')), ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** What scripts/build.mjs gives for src/'s declarations (see TYPES_DIR there). */
interface TypesBuild {
  sourceStamp(): unknown;
  typesEmitDir(): string;
  installTypes(emittedDir: string, stamp: unknown): boolean;
}

const TSC = 'typescript/bin/tsc';

/**
 * The type check, `tsc -p tsconfig.json`, with declarations emitted besides (and nothing else: tsconfig's
 * noEmit turned off for --emitDeclarationOnly), about 3 s of CPU more than --noEmit, and which also reports
 * what a declaration cannot name (TS4058 and the like). When it passes, src/'s declarations are kept, stamped
 * with the sources they were emitted from (installTypes), for the notebook kernels (scripts/tslab-kernel.cjs),
 * which save about 2 s of CPU each with them. Its exit code and output; never throws (without the build
 * script's help it is `tsc --noEmit` alone).
 */
async function typecheckWritingTypes(): Promise<{ code: number; output: string }> {
  let build: TypesBuild;
  let stamp: unknown;
  let emitted: string;
  try {
    build = await importOutsideBundle<TypesBuild>(pathToFileURL(projectPath('scripts', 'build.mjs')).href);
    stamp = build.sourceStamp(); // before tsc reads src/: an edit during its run leaves the declarations stale
    emitted = build.typesEmitDir();
    rmSync(emitted, { recursive: true, force: true });
  } catch (error) {
    const plain = await runNodeScriptCaptured(TSC, ['--noEmit', '-p', projectPath('tsconfig.json')]);
    return { ...plain, output: `${plain.output}(tsc --noEmit: no declarations written for the notebook kernels: ${(error as Error).message})\n` };
  }
  const result = await runNodeScriptCaptured(TSC, ['-p', projectPath('tsconfig.json'), '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', emitted]);
  if (result.code !== 0) {
    rmSync(emitted, { recursive: true, force: true });
    return result;
  }
  try {
    if (!build.installTypes(emitted, stamp)) return { ...result, output: `${result.output}tsc emitted no declarations of src/: the notebook kernels read the sources\n` };
  } catch (error) {
    // not a type error: the check passes, and the kernels read the sources as without declarations
    return { ...result, output: `${result.output}declarations not kept for the notebook kernels: ${(error as Error).message}\n` };
  }
  return result;
}

/**
 * Unsets NODE_EXTRA_CA_CERTS for everything the check starts (tsc, vitest and its workers, the CLI processes
 * and notebook kernels under them), saying so. When it is set, every Node process parses the extra
 * certificates and Node's own root store at start, before any script runs: 50-70 ms per process on this
 * project's 2-core machines (measured: `node -e 0` 0.07-0.10 s with it, 0.02-0.03 s without), paid by every
 * process of the suite. Nothing in the suite opens a TLS connection (servers are plain HTTP and WebSocket on
 * 127.0.0.1), so the variable changes no result.
 */
function dropExtraCaCerts(out: (text: string) => void): void {
  const value = process.env.NODE_EXTRA_CA_CERTS;
  if (value === undefined) return;
  delete process.env.NODE_EXTRA_CA_CERTS;
  out(`NODE_EXTRA_CA_CERTS (${value}) is unset for the checks: nothing in them opens a TLS connection, and it costs every Node process start 50-70 ms\n`);
}

/**
 * One headless Chromium for the whole check, which the tests, the notebook kernels and the report checks reach
 * through $ASMM_CHROMIUM_ENDPOINT instead of each launching its own (eight launches, 2 s of CPU each); none when
 * the variable is already set (the caller's browser is used) or when Chromium cannot start (each then launches
 * its own and says why it cannot).
 */
async function shareChromium(out: (text: string) => void): Promise<ChromiumServer | undefined> {
  if (process.env[CHROMIUM_ENDPOINT_ENV]) return undefined;
  try {
    const server = await launchChromiumServer();
    process.env[CHROMIUM_ENDPOINT_ENV] = server.endpoint;
    return server;
  } catch (error) {
    out(`no shared Chromium for the checks (${error instanceof Error ? error.message : String(error)}): each test that needs one launches its own\n`);
    return undefined;
  }
}

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'no-notebooks': { type: 'boolean' }, json: { type: 'boolean' } }, { min: 0, max: 50 });
  const json = values.json === true;
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  // With --json, everything human-readable goes to stderr and stdout carries one JSON document.
  const out = (text: string) => (json ? process.stderr : process.stdout).write(text);
  const say = (message: string) => out(`\n== ${message}\n`);
  const steps: Array<{ step: string; ok: boolean; detail?: unknown }> = [];
  dropExtraCaCerts(out);

  // tsc is single-threaded: it runs beside vitest (which keeps both cores busy most of the time, but not while
  // it starts and ends), its output kept and printed after vitest's. It also writes src/'s declarations, which
  // the notebook kernels then read src/'s types from (see typecheckWritingTypes)
  say('typecheck: tsc (beside the tests; its result follows theirs)');
  const typecheck = typecheckWritingTypes();
  const chromium = await shareChromium(out); // started beside tsc, before anything that opens a page
  try {
    // The notebooks run beside the tests, one at a time while vitest runs and two once it is done: vitest's
    // workers wait on child processes (the CLI, Jupyter, Chromium) and idle as it starts and ends; their
    // progress lines are held and printed after vitest's report so the two do not interleave.
    const withNotebooks = !values['no-notebooks'];
    let vitestRunning = true;
    const notebookLines: string[] = [];
    let holdNotebookLines = true;
    const notebookRun = withNotebooks
      ? (async () => {
          ensureSampleMarket(projectPath(DEFAULT_SAMPLE_DIR));
          // after tsc, so that every kernel reads src/'s declarations it wrote (the notebooks, one at a time
          // beside vitest, still end well before it)
          await typecheck;
          return runNotebookReports(listNotebooks(), projectPath('reports'), (m) => (holdNotebookLines ? notebookLines.push(m) : out(`${m}\n`)), () => (vitestRunning ? 1 : 2));
        })()
      : undefined;
    notebookRun?.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled

    say('unit and integration tests: vitest');
    const resultsPath = projectPath('.vitest-results.json');
    rmSync(resultsPath, { force: true });
    const vitestCode = await runNodeScript('vitest/vitest.mjs', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsPath}`, ...positionals], json);
    vitestRunning = false;
    if (existsSync(resultsPath)) {
      const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as VitestJson;
      const failed = results.numFailedTests + (results.numFailedTests === 0 && vitestCode !== 0 ? Math.max(1, results.numFailedTestSuites) : 0);
      tally.passed += results.numPassedTests;
      tally.failed += failed;
      tally.skipped += results.numPendingTests + results.numTodoTests;
      steps.push({ step: 'vitest', ok: failed === 0, detail: { passed: results.numPassedTests, failed, skipped: results.numPendingTests + results.numTodoTests } });
      rmSync(resultsPath, { force: true });
    } else {
      tally.failed += 1;
      steps.push({ step: 'vitest', ok: false, detail: `no results (exit ${vitestCode})` });
      out(`vitest wrote no results (exit ${vitestCode})\n`);
    }

    const typechecked = await typecheck;
    say('typecheck: tsc');
    if (typechecked.output.trim() !== '') out(typechecked.output.endsWith('\n') ? typechecked.output : `${typechecked.output}\n`);
    const typecheckOk = typechecked.code === 0;
    if (typecheckOk) tally.passed += 1;
    else tally.failed += 1;
    out(`typecheck ${typecheckOk ? 'ok' : 'FAILED'}\n`);
    steps.push({ step: 'typecheck', ok: typecheckOk });

    if (notebookRun) {
      say('notebooks: every notebook executed headless (beside the tests), its report checked offline in Chromium');
      for (const line of notebookLines.splice(0)) out(`${line}\n`);
      holdNotebookLines = false;
      const reports = await notebookRun;
      out(notebookTable(reports) + '\n');
      for (const report of reports) {
        if (report.ok) tally.passed += 1;
        else tally.failed += 1;
        steps.push({ step: `notebook ${report.notebook}`, ok: report.ok, detail: { seconds: report.seconds, failedCell: report.failedCell, problem: report.problem, html: report.htmlPath } });
      }
    }

    // The plain summary is the last line a person (and CI) reads; with --json it goes to stderr, the JSON to stdout.
    const summary = `tests: ${tally.passed} passed, ${tally.failed} failed${tally.skipped > 0 ? `, ${tally.skipped} skipped` : ''}`;
    if (json) printJson({ ...tally, steps });
    out(`\n${summary}\n`);
    return tally.failed === 0 ? 0 : 1;
  } finally {
    if (chromium) {
      delete process.env[CHROMIUM_ENDPOINT_ENV];
      await chromium.close();
    }
  }
}
