export { jupyterEnv, jupyterPython } from './environment.js';
export { listNotebooks } from './notebooks.js';
export { runNotebook, type NotebookRun } from './runNotebook.js';
export { runNotebookReports, type NotebookReport } from './notebookReports.js';
// The notebook module (./notebook.js) without its display glue: importing tslab, danfo and plotly would add
// about 3.4 s to every `asmm lab|report|check` start; the notebooks import ./notebook.js itself.
export { NotebookCheckError, expectBetween, expectNear, expectThat, fmt } from './notebookChecks.js';
export { findingsHtml, inlineHtml } from './notebookFindings.js';
export {
  MARKET_ENV, NotebookDataError, SHARED_CAPTURES, SHARED_DATA_DIR, arrivalSeconds, loadSharedCapture, maskedGrid, notebookMarket, referenceStdOnRows, rollingWindowSec, spanSec,
  type NotebookMarket, type NotebookMarketOptions, type SharedCapture,
} from './notebookData.js';
