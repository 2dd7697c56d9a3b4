import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNotebook, runNotebookReports } from '../../src/jupyter/index.js';
import { launchOfflineBrowser } from '../../src/plot/browser.js';
import { writeNotebook } from '../helpers/notebook.js';
import { projectRootForTests } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { cellHtml, readSavedCells, renderCellAlone } from './cellAlone.js';

const dir = tempDir();

describe('headless notebook execution on the project tslab kernel', () => {
  it('names the failing cell, stops there, and still writes the executed notebook and HTML', async () => {
    const path = join(dir, 'fails.ipynb');
    writeNotebook(path, [
      'md:# title',
      "import { quantileOfSorted } from './src/stats/quantile.js';\nconst x: number = 41;",
      "console.log('p = ' + (x + 1)); quantileOfSorted([1, 2], x + 1);",
      "console.log('never');",
    ]);
    const run = await runNotebook(path, join(dir, 'out'));
    expect(run.ok).toBe(false);
    expect(run.failedCell).toBe(3);
    expect(run.error).toContain('p must be in [0, 1], got 42');
    const executed = JSON.parse(readFileSync(run.executedPath, 'utf8')) as { cells: Array<{ outputs?: Array<{ text?: string }> }> };
    expect(executed.cells[3].outputs).toEqual([]);
    const html = readFileSync(run.htmlPath, 'utf8');
    expect(html).toContain('got 42');
    // the kernel runs src/'s CommonJS build with source maps: the stack names the TypeScript line that threw
    const thrownAt = readFileSync(join(projectRootForTests, 'src', 'stats', 'quantile.ts'), 'utf8').split('\n').findIndex((l) => l.includes('throw new RangeError')) + 1;
    expect(JSON.stringify(executed.cells[2].outputs)).toContain(`src/stats/quantile.ts:${thrownAt}`);
  });

  it('reports a type error (tslab type-checks cells) as a failing cell', async () => {
    const path = join(dir, 'typeerror.ipynb');
    // checked against src/'s types (the kernel does not compile src/, it still reads its types)
    writeNotebook(path, ["import { summarize } from './src/stats/index.js';\nconst s: string = 'a';", 'const m: string = summarize([1, 2]).mean;', 'const n: number = s;']);
    const run = await runNotebook(path, join(dir, 'out'));
    expect(run.ok).toBe(false);
    expect(run.failedCell).toBe(2);
    expect(run.error).toMatch(/'number' is not assignable to type 'string'/);
  });

  it('runs cells with the project root as working directory, importing src/ and rendering a plot offline', async () => {
    const path = join(dir, 'plots.ipynb');
    writeNotebook(path, [
      "import * as tslab from 'tslab';\nimport { notebookFigureHtml } from './src/plot/index.js';",
      "console.log(require('node:fs').existsSync('package.json') ? 'at root' : 'elsewhere');",
      "tslab.display.html(notebookFigureHtml({ data: [{ type: 'scatter', x: [1, 2], y: [2, 1] }], layout: {} }));",
      "tslab.display.html(notebookFigureHtml({ data: [{ type: 'bar', x: [1, 2], y: [2, 1] }, { type: 'bar', x: [1, 2], y: [1, 1] }], layout: {} }));\n" +
        "tslab.display.html(notebookFigureHtml({ data: [{ type: 'scatter', x: [1, 2], y: [1, 3] }], layout: {} }));",
    ]);
    const out = join(dir, 'out');
    // one Chromium for the report's check and the cell rendered alone
    const browser = await launchOfflineBrowser();
    try {
      const [report] = await runNotebookReports([path], out, () => {}, 1, browser);
      expect(report.problem).toBeNull();
      expect(readFileSync(report.executedPath, 'utf8')).toContain('at root');
      expect([report.plotsExpected, report.plotsRendered]).toEqual([3, 3]);
      // One bundle per plot cell (the cell's first figure), not per figure nor per kernel session.
      const cells = readSavedCells(report.executedPath);
      expect(cells.map((cell) => cellHtml(cell).split('data-asmm="plotly-bundle"').length - 1)).toEqual([0, 0, 1, 1]);
      // the HTML page of the whole notebook keeps the first only (the later one would find window.Plotly), and
      // its three plots rendered above from it
      expect(readFileSync(report.htmlPath, 'utf8').split('data-asmm="plotly-bundle"').length - 1).toBe(1);
      // The kernel had emitted the bundle before the last cell ran: that cell's output, kept alone, still renders.
      expect(await renderCellAlone(report.executedPath, 3, out, browser)).toEqual({ plots: 2, tracesPerPlot: [2, 1], errors: [] });
    } finally {
      await browser.close();
    }
  });
});
