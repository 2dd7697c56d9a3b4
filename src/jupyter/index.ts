export { jupyterEnv, jupyterPython } from './environment.js';
export { listNotebooks } from './notebooks.js';
export { runNotebook, type NotebookRun } from './runNotebook.js';
export { runNotebookReports, type NotebookReport } from './notebookReports.js';
