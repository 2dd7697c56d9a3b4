import { relative } from 'node:path';
import { listNotebooks, runNotebookReports, type NotebookReport } from '../../jupyter/index.js';
import { projectPath, projectRoot } from '../../project/index.js';
import { DEFAULT_SAMPLE_DIR, ensureSampleMarket } from '../../sample/index.js';
import { formatTable, parseCommandArgs, printJson } from '../command.js';

/** The table printed at the end of `npm start` and `npm test`. */
export function notebookTable(reports: readonly NotebookReport[]): string {
  const root = projectRoot();
  return formatTable(
    ['notebook', 'seconds', 'status', 'plots', 'report'],
    reports.map((r) => [
      relative(root, r.notebook),
      r.seconds.toFixed(1),
      r.ok ? 'ok' : `failed${r.failedCell ? ` (cell ${r.failedCell})` : ''}`,
      `${r.plotsRendered}/${r.plotsExpected}`,
      relative(root, r.htmlPath),
    ]),
  );
}

export async function runReport(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { out: { type: 'string' }, only: { type: 'string' }, json: { type: 'boolean' } },
    { min: 0, max: 0 },
  );
  const log = (message: string) => process.stderr.write(`asmm report: ${message}\n`);
  const sampleDir = projectPath(DEFAULT_SAMPLE_DIR);
  if (ensureSampleMarket(sampleDir)) log(`generated the sample market in ${relative(projectRoot(), sampleDir)}`);
  const notebooks = listNotebooks().filter((n) => !values.only || n.includes(values.only));
  const reports = await runNotebookReports(notebooks, values.out ?? projectPath('reports'), log);
  if (values.json) printJson(reports);
  else process.stdout.write(notebookTable(reports) + '\n');
  return reports.every((r) => r.ok) ? 0 : 1;
}
