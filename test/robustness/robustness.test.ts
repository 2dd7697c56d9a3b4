import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DataError, summarizeTable, type Table } from '../../src/data/index.js';
import { loadTables, readTableFile } from '../../src/formats/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI_CASES, LOADER_CASES, type CliCase } from './cases.js';
import { addOkxHistoryFixtures, buildFixtures, type Fixtures } from './fixtures.js';

/**
 * Runs the robustness table (cases.ts). Most rows run in-process through `main` (the same function
 * bin/asmm.mjs calls) with stdout/stderr captured; rows marked `spawn` run the real process.
 */
/** ASMM_ROBUSTNESS_TODO=1 runs the `todo` rows too: to see which pending fixes now hold before switching a row on. */
const RUN_TODO = process.env.ASMM_ROBUSTNESS_TODO === '1';
let x: Fixtures;
const dir = tempDir('asmm-robustness-');
beforeAll(async () => {
  x = buildFixtures(dir);
  await addOkxHistoryFixtures(x);
});

/** Runs `main(args)` in this process, capturing what it writes to stdout and stderr. */
async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } catch (error) {
    // main let an error escape: the real process would print a stack trace
    return { code: -1, stdout, stderr: stderr + `UNCAUGHT ${(error as Error).stack}` };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The fixture paths among a case's arguments (what its message must name by default). */
function pathsIn(args: string[]): string[] {
  return args.filter((a) => a.startsWith(x.dir));
}

function checkCli(c: CliCase, args: string[], result: { code: number; stdout: string; stderr: string }): void {
  const label = `${c.name}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`;
  expect(result.stderr, label).not.toMatch(/^\s+at /m);
  expect(result.stderr, label).not.toMatch(/UNCAUGHT|internal error/);
  expect(result.code, label).toBe(c.code);
  if (c.code === 0) {
    if (c.reports) expect(result.stdout, label).toMatch(c.reports);
    if (c.warns) expect(result.stderr, label).toMatch(c.warns);
  } else {
    const all = result.stderr.trimEnd().split('\n');
    const lines = c.logsToStderr ? all.slice(-1) : all;
    expect(lines, label).toHaveLength(1);
    expect(lines[0], label).toMatch(new RegExp(`^asmm ${args[0]}: `));
    for (const name of c.names ? c.names(x) : pathsIn(args).slice(0, 1)) expect(lines[0], label).toContain(name);
    if (c.message) expect(lines[0], label).toMatch(c.message);
  }
  for (const path of c.absent?.(x) ?? []) {
    expect(existsSync(path), `${c.name}: ${path} left behind`).toBe(false);
    expect(existsSync(`${path}.partial`), `${c.name}: ${path}.partial left behind`).toBe(false);
  }
}

describe('robustness table: every command against broken inputs', () => {
  for (const c of CLI_CASES) {
    const title = `${c.name}${c.defect ? ` [issue 14 defect ${c.defect}]` : ''}${c.spawn || c.env ? ' (process)' : ''}`;
    if (c.todo && !RUN_TODO) {
      it.todo(`${title}: pending ${c.todo}`);
      continue;
    }
    it(title, { timeout: 60_000 }, async () => {
      const args = c.args(x);
      checkCli(c, args, c.env ? runAsmm(args, { env: c.env(x) }) : c.spawn ? runAsmm(args) : await runInProcess(args));
    });
  }
});

/** What a loaded file holds, one line per table: `book 601 rows`, plus the loader's notes. */
function describeLoaded(tables: readonly Table[], notes: readonly string[]): string {
  return [...tables.map((t) => `${t.kind} ${summarizeTable(t).rows} rows${t.masked && t.masked.length > 0 ? `, ${t.masked.length} masked intervals` : ''}`), ...notes].join('\n');
}

describe('robustness table: every loader against broken inputs', () => {
  for (const c of LOADER_CASES) {
    const title = `${c.loader}: ${c.name}${c.defect ? ` [issue 14 defect ${c.defect}]` : ''}`;
    if (c.todo && !RUN_TODO) {
      it.todo(`${title}: pending ${c.todo}`);
      continue;
    }
    it(title, async () => {
      const file = c.file(x);
      let loaded: { tables: readonly Table[]; notes: readonly string[] } | undefined;
      let thrown: unknown;
      try {
        loaded = c.loader === 'loadTables' ? await loadTables(file) : { tables: [readTableFile(file)], notes: [] };
      } catch (error) {
        thrown = error;
      }
      if (c.error) {
        expect(thrown, `${c.name}: expected a DataError, got ${thrown === undefined ? 'a result' : (thrown as Error).stack}`).toBeInstanceOf(DataError);
        const error = thrown as DataError;
        expect(error.file).toBe(file);
        expect(error.message.split('\n')).toHaveLength(1);
        expect(error.message).toMatch(c.error);
      } else {
        expect(thrown, `${c.name}: ${(thrown as Error | undefined)?.stack}`).toBeUndefined();
        if (c.reports) expect(describeLoaded(loaded!.tables, loaded!.notes)).toMatch(c.reports);
      }
    });
  }
});

it('the table is not empty and every defect 7/8 row names its defect', () => {
  expect(CLI_CASES.length + LOADER_CASES.length).toBeGreaterThan(60);
  expect(CLI_CASES.filter((c) => c.defect === 7 || c.defect === 8).length).toBeGreaterThan(20);
});
