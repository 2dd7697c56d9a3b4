// `npm run lab` as a user meets it: the classic notebook server started by `asmm lab`, a notebook opened through
// its UI in headless Chromium, every cell run from the Cell menu on the tslab kernel, a plot drawn in the page,
// one plot cell re-run alone and the notebook saved, and that cell's saved output rendering offline on its own.
//
// Notebook dir: the project itself, as `asmm lab` serves it (no option changed), so the test runs exactly the
// command users run and the kernel imports ./src as in every notebook. The notebook is put in a fresh folder
// under reports/ (ignored by git, removed afterwards), so autosave and checkpoints never touch notebooks/.
// Notebook: a tiny generated one (a 60 s sample market through the project's marketFigure, and a second small
// figure), about 25-35 s in all. notebooks/00_sample_market.ipynb through the same UI took 91 s (48 s of it
// Run All) on this 2-core machine, so it is opt-in: ASMM_LAB_TEST_NOTEBOOK=notebooks/00_sample_market.ipynb.
// Token: the one the server prints (the URL `asmm lab` announces), as a user would open it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { freeLocalPort } from '../../src/project/localRedis.js';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOfflinePage } from '../../src/plot/browser.js';
import { projectRoot } from '../../src/project/index.js';
import { writeNotebook } from '../helpers/notebook.js';
import { cellHtml, readSavedCells, renderCellAlone } from './cellAlone.js';

const root = projectRoot();
/** Past this the server is stopped whatever happens to this process (coreutils `timeout` around `asmm lab`). */
const HARD_LIMIT_SEC = 600;
const SCREENSHOT = join(root, 'reports', 'lab-browser-test.png');

const FAILURE_SCREENSHOT = join(root, 'reports', 'lab-browser-test-failure.png');
// Cell indices in the .ipynb (markdown included): 2 and 3 draw figures, 3 is the one re-run alone.
const NOTEBOOK_CELLS = [
  'md:# asmm lab smoke test\nA generated notebook: a one-minute sample market and a small figure.',
  "import * as tslab from 'tslab';\n" +
    "import { marketFigure, notebookFigureHtml } from './src/plot/index.js';\n" +
    "import { generateSampleMarket } from './src/sample/index.js';\n" +
    'const market = generateSampleMarket({ durationSec: 60, seed: 7 });\n' +
    "console.log('book rows', market.book.tsMs.length);",
  "tslab.display.html(notebookFigureHtml(marketFigure(market.book, market.trades, { title: 'sample market, 60 s' })));",
  'const xs = [0, 1, 2, 3, 4, 5];\n' +
    "tslab.display.html(notebookFigureHtml({ data: [{ type: 'scatter', mode: 'lines+markers', x: xs, y: xs.map((x) => x * x), name: 'x²' }], layout: { title: { text: 'x²' }, height: 300 } }));",
  "console.log('sum', xs.reduce((a, b) => a + b, 0));",
];
/**
 * `ASMM_LAB_TEST_NOTEBOOK=notebooks/00_sample_market.ipynb` runs that project notebook (a copy) instead of the
 * generated one; the checks that follow adapt (every code cell counted, the last plot cell re-run).
 */
const OWN_NOTEBOOK = process.env.ASMM_LAB_TEST_NOTEBOOK;

// Set up in beforeAll (a run that filters this test out creates nothing).
let work = '';
let notebookDir = '';
let notebookPath = '';
/** Indices (in the .ipynb, markdown included) of the code cells. */
let codeCells: number[] = [];
/** The plot cell re-run alone (index in the .ipynb) and what the live page showed in it. */
let rerunCell = -1;
let rerunShown: { plots: number; tracesPerPlot: number[] } = { plots: 0, tracesPerPlot: [] };
let lab: ChildProcess | undefined;
let labOutput = '';
let labUrl = '';
const timings: Record<string, number> = {};
const started = performance.now();
const mark = (name: string) => (timings[name] = Math.round((performance.now() - started) / 100) / 10);

/** A free TCP port on 127.0.0.1 (the server tries the next ones itself should it be taken meanwhile). */
const freePort = freeLocalPort;

/** Polls `check` every 250 ms until it returns a value, or throws after `timeoutMs` with `what` and the lab's output. */
async function until<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; asmm lab said:\n${labOutput.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The notebook server's own record (runtime dir): its pid. */
function serverPid(): number | undefined {
  const runtime = join(work, 'runtime');
  if (!existsSync(runtime)) return undefined;
  const file = readdirSync(runtime).find((f) => /^nbserver-\d+\.json$/.test(f));
  return file ? (JSON.parse(readFileSync(join(runtime, file), 'utf8')) as { pid: number }).pid : undefined;
}

/** `0100007F:1F90` (or the 32-digit IPv6 form of /proc/net/tcp6) → `127.0.0.1:8080` / `[::1]:8080`. */
function procAddress(hex: string): string {
  const [host, port] = hex.split(':');
  const portNumber = parseInt(port, 16);
  if (host.length === 8) return `${[3, 2, 1, 0].map((i) => parseInt(host.slice(i * 2, i * 2 + 2), 16)).join('.')}:${portNumber}`;
  const words = [0, 1, 2, 3].map((w) => host.slice(w * 8, w * 8 + 8).match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/..../g)!.map((g) => parseInt(g, 16).toString(16));
  return `[${groups.join(':')}]:${portNumber}`;
}

/** The addresses a process listens on (TCP), from its socket inodes and /proc/net/tcp{,6}. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // fd closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9])) found.push(procAddress(fields[1]));
    }
  }
  return found;
}

/** Pids of processes started for this test that are still alive: their command line names our runtime dir. */
function leftoverPids(): number[] {
  const pids: number[] = [];
  if (!work) return pids;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(work)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Text of every code cell's prompt, e.g. `In [3]:`, `In [*]:`, `In [ ]:`. */
function prompts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    "Array.from(document.querySelectorAll('#notebook-container .code_cell .input_prompt')).map((e) => (e.textContent || '').replace(/\\s+/g, ' ').trim())",
  );
}

/** Waits until the kernel is idle and every code cell shows an execution count; returns the counts. */
async function allExecuted(page: Page, what: string, timeoutMs: number, accept: (counts: number[]) => boolean = () => true): Promise<number[]> {
  return until(what, timeoutMs, async () => {
    const idle = await page.evaluate<boolean>("document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null");
    const texts = await prompts(page);
    const counts = texts.map((t) => Number(/\[(\d+)\]/.exec(t)?.[1] ?? NaN));
    if (idle) {
      // A failing cell stops Run All: say so at once rather than wait out the timeout.
      const error = await page.evaluate<string | null>("document.querySelector('.output_error')?.textContent || null");
      if (error) throw new Error(`a cell failed while waiting for ${what}: ${error.slice(0, 500)}`);
    }
    return idle && texts.length === codeCells.length && counts.every(Number.isFinite) && accept(counts) ? counts : undefined;
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'asmm-lab-'));
  mkdirSync(join(root, 'reports'), { recursive: true });
  notebookDir = mkdtempSync(join(root, 'reports', 'lab-test-'));
  if (OWN_NOTEBOOK) {
    notebookPath = join(notebookDir, basename(OWN_NOTEBOOK));
    copyFileSync(join(root, OWN_NOTEBOOK), notebookPath);
  } else {
    notebookPath = join(notebookDir, 'lab_smoke.ipynb');
    writeNotebook(notebookPath, NOTEBOOK_CELLS);
  }
  codeCells = readSavedCells(notebookPath).flatMap((cell, index) => (cell.cell_type === 'code' ? [index] : []));
  const port = await freePort();
  const env = {
    ...process.env,
    // the server's runtime files (with its pid) and kernel connection files here; no user config
    JUPYTER_RUNTIME_DIR: join(work, 'runtime'),
    JUPYTER_CONFIG_DIR: join(work, 'config'),
    ASMM_LAB_VERBOSE: '1',
  };
  const command = [process.execPath, join(root, 'bin', 'asmm.mjs'), 'lab', '--port', String(port)];
  const timeout = existsSync('/usr/bin/timeout') ? ['/usr/bin/timeout', '--kill-after=20', String(HARD_LIMIT_SEC)] : [];
  const [executable, ...args] = [...timeout, ...command];
  // Own process group, so afterAll can signal the lab and its timeout together.
  lab = spawn(executable, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => (labOutput = (labOutput + chunk.toString()).slice(-20_000));
  lab.stdout!.on('data', keep);
  lab.stderr!.on('data', keep);
  labUrl = await until('asmm lab to print its URL', 120_000, () => {
    if (lab?.exitCode !== null) throw new Error(`asmm lab exited (${lab?.exitCode}):\n${labOutput.slice(-3000)}`);
    return /asmm lab: Jupyter notebook \(tslab kernel\) at (http:\/\/\S+)/.exec(labOutput)?.[1];
  });
  mark('server up');
}, 150_000);

afterAll(async () => {
  if (lab?.pid !== undefined && lab.exitCode === null && lab.signalCode === null) {
    const closed = new Promise((resolve) => lab!.once('close', resolve));
    process.kill(-lab.pid, 'SIGTERM'); // asmm lab stops the notebook server, which shuts its kernels down
    await Promise.race([closed, new Promise((r) => setTimeout(r, 20_000))]);
  }
  const pid = serverPid();
  for (const leftover of new Set([...(pid !== undefined ? [pid] : []), ...leftoverPids()])) {
    try {
      process.kill(leftover, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (notebookDir) rmSync(notebookDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/**
 * Through the UI: the token URL, the folder's listing, the notebook opened from its link (a new tab), Cell > Run
 * All, a plot cell re-run alone with Ctrl-Enter, File > Save and Checkpoint. Returns the re-run cell's count.
 */
async function driveNotebook(page: Page, origin: string, showing: (page: Page) => void): Promise<number> {
  // The token URL logs in and shows the file tree; the notebook is opened from its folder's listing.
  await page.goto(labUrl, { timeout: 120_000 });
  await page.goto(`${origin}/tree/${relative(root, notebookDir)}`, { timeout: 120_000 });
  const link = page.locator('#notebook_list a.item_link', { hasText: basename(notebookPath) });
  await link.waitFor({ timeout: 120_000 });
  const [notebookPage] = await Promise.all([page.context().waitForEvent('page', { timeout: 60_000 }), link.click()]);
  const nb = notebookPage;
  showing(nb);
  const notebookUrlPath = relative(root, notebookPath).split('/').map(encodeURIComponent).join('/');
  await nb.waitForURL(new RegExp(`/notebooks/${notebookUrlPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), { timeout: 60_000 });
  await until('the tslab kernel to be ready', 150_000, () =>
    nb.evaluate<boolean>(
      "document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null && /tslab/.test(document.querySelector('.kernel_indicator_name')?.textContent || '')",
    ).then((ready) => (ready ? true : undefined)),
  );
  mark('kernel ready');

  await nb.click('#celllink');
  await nb.click('#run_all_cells > a');
  const counts = await allExecuted(nb, 'every cell to run (Cell > Run All)', 240_000);
  mark('run all done');
  expect(counts).toEqual(codeCells.map((_, i) => i + 1));
  const errors = await nb.evaluate<string[]>(
    "Array.from(document.querySelectorAll('.output_error, .output_stderr')).map((e) => e.textContent || '')",
  );
  expect(errors).toEqual([]);
  const text = await nb.evaluate<string>("document.querySelector('#notebook-container').innerText");
  if (!OWN_NOTEBOOK) expect(text).toMatch(/sum 15/);
  // A plot drawn by plotly in the page, not only a div: each figure with its SVG (the generated notebook has two).
  const expectedPlots = OWN_NOTEBOOK ? 1 : 2;
  await until('the plots to render', 60_000, () =>
    nb.evaluate<number>("document.querySelectorAll('.output_area .js-plotly-plot .main-svg').length").then((n) => (n >= expectedPlots ? n : undefined)),
  );
  const plotCells = await nb.evaluate<number[]>(
    "Array.from(document.querySelectorAll('#notebook-container .cell')).flatMap((c, i) => (c.querySelector('.output_area .js-plotly-plot') ? [i] : []))",
  );
  if (!OWN_NOTEBOOK) {
    expect(plotCells).toEqual([2, 3]);
    expect(await nb.evaluate<number>("document.querySelectorAll('.output_area .js-plotly-plot').length")).toBe(2);
  }
  expect(plotCells.length).toBeGreaterThan(0);

  // Re-run the last plot cell alone (select it, Ctrl-Enter), then File > Save and Checkpoint.
  rerunCell = plotCells[plotCells.length - 1];
  const position = codeCells.indexOf(rerunCell);
  const rerunCount = codeCells.length + 1;
  const cell = nb.locator('#notebook-container .cell').nth(rerunCell);
  await cell.locator('.input_prompt').click();
  await nb.keyboard.press('Escape');
  await nb.keyboard.press('Control+Enter');
  const again = await allExecuted(nb, 'the plot cell to run again', 120_000, (c) => c[position] === rerunCount);
  expect(again).toEqual(counts.map((count, i) => (i === position ? rerunCount : count)));
  await until('the re-run plot to render', 60_000, () =>
    cell.locator('.js-plotly-plot .main-svg').count().then((n) => (n > 0 ? n : undefined)),
  );
  rerunShown = await nb.evaluate<{ plots: number; tracesPerPlot: number[] }>(
    `(() => { const plots = Array.from(document.querySelectorAll('#notebook-container .cell')[${rerunCell}].querySelectorAll('.js-plotly-plot'));
      return { plots: plots.length, tracesPerPlot: plots.map((p) => p.data.length) }; })()`,
  );
  mark('re-run done');
  await nb.click('#filelink');
  await nb.click('#save_checkpoint > a');
  await until('the saved notebook on disk to hold the re-run cell', 60_000, () => {
    try {
      return readSavedCells(notebookPath)[rerunCell].execution_count === rerunCount ? true : undefined;
    } catch {
      return undefined; // being written
    }
  });
  mark('saved');
  await cell.scrollIntoViewIfNeeded();
  await nb.screenshot({ path: SCREENSHOT });
  return again[position];
}

describe('npm run lab in a real browser', () => {
  it('serves on 127.0.0.1 only, runs a notebook from the Cell menu on the tslab kernel, draws its plots, and saves a re-run plot cell that renders alone offline', async () => {
    const origin = new URL(labUrl).origin;
    expect(new URL(labUrl).hostname).toBe('127.0.0.1');
    const pid = await until('the server record in the runtime dir', 30_000, serverPid);
    const listening = listeningAddresses(pid);
    expect(listening.length).toBeGreaterThan(0);
    expect(listening.every((address) => address.startsWith('127.0.0.1:')), listening.join(', ')).toBe(true);

    const rerunCount = await withOfflinePage(
      async (page) => {
        let shown = page;
        try {
          return await driveNotebook(page, origin, (p) => (shown = p));
        } catch (error) {
          // What the page showed when it went wrong, for whoever reads the failure.
          await shown.screenshot({ path: FAILURE_SCREENSHOT }).catch(() => undefined);
          (error as Error).message += `\n(screenshot of the page: ${FAILURE_SCREENSHOT})`;
          throw error;
        }
      },
      { allowOrigins: [origin], viewport: { width: 1280, height: 1000 } },
    );
    expect(rerunCount).toBe(codeCells.length + 1);

    // The saved notebook: the re-run cell's output carries its bundle and renders on its own, offline.
    const saved = readSavedCells(notebookPath);
    expect(cellHtml(saved[rerunCell])).toContain('data-asmm="plotly-bundle"');
    // as many plots and traces as the live page showed for that cell
    expect(await renderCellAlone(notebookPath, rerunCell, work)).toEqual({ ...rerunShown, errors: [] });
    mark('saved cell rendered alone');
    rmSync(FAILURE_SCREENSHOT, { force: true }); // an earlier failed run's
    console.log(`lab browser test (${basename(notebookPath)}): screenshot ${SCREENSHOT}; seconds since start: ${JSON.stringify(timings)}`);
  }, 420_000);
});
