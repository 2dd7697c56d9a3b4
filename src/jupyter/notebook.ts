import * as tslab from 'tslab';
import type { Table } from '../data/tables.js';
import { frameHtml, toFrame } from '../frame/toFrame.js';
import { recordsHtml } from '../frame/records.js';
import type { PlotlyFigure } from '../plot/figure.js';
import { notebookFigureHtml } from '../plot/html.js';
import { findingsHtml } from './notebookFindings.js';

/**
 * The one module the notebooks import besides the domain code: which data to read (`notebookMarket`, the shared
 * captures), the checks that keep their prose true (`expectNear`, `expectBetween`, `expectThat`), and the
 * display glue (`show`, `figure`, `showRows`, `findings`). Cells hold glue and pictures only.
 *
 * The display functions need the tslab kernel (they throw "Not ready" elsewhere); the rest is plain code,
 * tested in test/jupyter/notebook.test.ts.
 */
export { NotebookCheckError, expectBetween, expectNear, expectThat, fmt } from './notebookChecks.js';
export { findingsHtml, inlineHtml } from './notebookFindings.js';
export {
  MARKET_ENV, NotebookDataError, SHARED_CAPTURES, SHARED_DATA_DIR, arrivalSeconds, loadSharedCapture, maskedGrid, notebookMarket, referenceStdOnRows, rollingWindowSec, spanSec,
  type NotebookMarket, type NotebookMarketOptions, type SharedCapture,
} from './notebookData.js';

/** Shows records as a table (numbers rounded to `digits` decimals, default 3). */
export function show(rows: ReadonlyArray<Record<string, unknown>>, digits?: number): void {
  tslab.display.html(recordsHtml(rows, digits));
}

/** Shows a plotly figure (offline: the plotly bundle travels with the first figure of each cell). */
export function figure(f: PlotlyFigure): void {
  tslab.display.html(notebookFigureHtml(f));
}

/** Shows the first `count` rows of a book or trade table as a danfo DataFrame. */
export function showRows(table: Table, count = 5): void {
  tslab.display.html(frameHtml(toFrame(table, { end: count })));
}

/** Shows the notebook's closing "What we found" list (lines empty or undefined are left out). */
export function findings(lines: ReadonlyArray<string | undefined | false>): void {
  tslab.display.html(findingsHtml(lines));
}

/** Shows a danfo DataFrame (e.g. `backtestFillsFrame(result)`), numbers rounded to `digits` decimals when given. */
export function showFrame(frame: Parameters<typeof frameHtml>[0], digits?: number): void {
  tslab.display.html(frameHtml(frame, digits));
}
