import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { launchOfflineBrowser, type OfflineBrowser } from '../plot/browser.js';
import { inspectRenderedPage } from '../plot/render.js';
import { runNotebook, type NotebookRun } from './runNotebook.js';

/** A notebook run plus the check that its HTML report shows every plot offline. */
export interface NotebookReport extends NotebookRun {
  /** Plots the report contains (`asmm-plot` elements) and how many rendered in headless Chromium offline. */
  readonly plotsExpected: number;
  readonly plotsRendered: number;
  /** Why the report does not count as good, when it does not: failing cell or plots that did not render. */
  readonly problem: string | null;
}

/** Number of plot containers in an HTML report. */
function countPlotDivs(html: string): number {
  return (html.match(/class=\\?"asmm-plot\\?"/g) ?? []).length;
}

/**
 * Executes the notebooks into `outDir`, `concurrency` at a time (default: 2, or 1 on a one-core machine; each
 * runs in its own kernel process; a function is asked again as each notebook ends and every half second), and opens each HTML report offline in headless Chromium to check that its
 * plots render. The reports come back in the order given. `onProgress` hears about each notebook as it
 * starts and ends.
 */
export async function runNotebookReports(
  notebooks: readonly string[],
  outDir: string,
  onProgress: (message: string) => void = () => {},
  concurrency: number | (() => number) = Math.min(2, availableParallelism()),
  /** A Chromium of the caller's for the checks (not closed here), instead of one launched for them. */
  callerBrowser?: OfflineBrowser,
): Promise<NotebookReport[]> {
  const reports: NotebookReport[] = new Array(notebooks.length);
  // one Chromium for every report's check, launched at the first (its start is seconds of CPU)
  let browser: Promise<OfflineBrowser> | undefined = callerBrowser ? Promise.resolve(callerBrowser) : undefined;
  const sharedBrowser = () => (browser ??= launchOfflineBrowser());
  const limit = () => Math.max(1, typeof concurrency === 'function' ? concurrency() : concurrency);
  let next = 0;
  let running = 0;
  // A notebook starts when fewer than `limit()` run: a function limit lets a caller run one beside other work
  // and more once that work is done.
  let poll: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    if (typeof concurrency === 'function') poll = setInterval(() => startMore(), 500);
    const startMore = (): void => {
      while (next < notebooks.length && running < limit()) {
        const index = next++;
        running += 1;
        reportOn(notebooks[index], index, notebooks.length, outDir, onProgress, sharedBrowser).then((report) => {
          reports[index] = report;
          running -= 1;
          if (next >= notebooks.length && running === 0) resolve();
          else startMore();
        }, reject);
      }
    };
    if (notebooks.length === 0) resolve();
    else startMore();
  }).finally(async () => {
    clearInterval(poll);
    if (browser && !callerBrowser) await (await browser.catch(() => undefined))?.close();
  });
  return reports;
}

/** Runs one notebook and checks its report. */
async function reportOn(notebook: string, index: number, total: number, outDir: string, onProgress: (message: string) => void, browser: () => Promise<OfflineBrowser>): Promise<NotebookReport> {
  onProgress(`[${index + 1}/${total}] executing ${notebook}`);
  const run = await runNotebook(notebook, outDir);
  let plotsExpected = 0;
  let plotsRendered = 0;
  let problem: string | null = run.ok ? null : `cell ${run.failedCell ?? '?'} failed: ${run.error ?? 'unknown error'}`;
  try {
    plotsExpected = countPlotDivs(readFileSync(run.htmlPath, 'utf8'));
    if (plotsExpected > 0) {
      const rendered = await inspectRenderedPage(run.htmlPath, 60_000, await browser());
      plotsRendered = rendered.plots;
      if (run.ok && plotsRendered < plotsExpected) {
        problem = `${plotsExpected - plotsRendered} of ${plotsExpected} plots did not render offline${rendered.errors.length ? ` (${rendered.errors[0]})` : ''}`;
      }
    }
  } catch (error) {
    problem ??= `report check failed: ${(error as Error).message.split('\n')[0]}`;
  }
  const report: NotebookReport = { ...run, ok: problem === null, plotsExpected, plotsRendered, problem };
  onProgress(`[${index + 1}/${total}] ${report.ok ? 'ok' : 'FAILED'} ${notebook} (${run.seconds.toFixed(1)} s)${problem ? `: ${problem}` : ''}`);
  return report;
}
