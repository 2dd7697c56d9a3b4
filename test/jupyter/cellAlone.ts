import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jupyterEnv, jupyterPython } from '../../src/jupyter/index.js';
import type { OfflineBrowser } from '../../src/plot/browser.js';
import { inspectRenderedPage, type RenderedPlots } from '../../src/plot/render.js';

/** One code cell of a saved .ipynb (nbformat 4) with the parts these tests read. */
export interface SavedCell {
  readonly cell_type: string;
  readonly source: string | string[];
  readonly execution_count?: number | null;
  readonly outputs?: Array<{ output_type: string; data?: Record<string, string | string[]> }>;
}

export function readSavedCells(ipynbPath: string): SavedCell[] {
  return (JSON.parse(readFileSync(ipynbPath, 'utf8')) as { cells: SavedCell[] }).cells;
}

/** The text/html of a cell's outputs, joined. */
export function cellHtml(cell: SavedCell): string {
  return (cell.outputs ?? [])
    .map((o) => o.data?.['text/html'])
    .map((h) => (Array.isArray(h) ? h.join('') : h ?? ''))
    .join('\n');
}

/**
 * What a saved cell shows when it is the only output kept: a notebook holding just that cell (as saved, with
 * its outputs) is exported by nbconvert's HTMLExporter (the same export as `npm start`'s reports, with
 * require.js on the page) and opened offline in headless Chromium.
 */
export async function renderCellAlone(ipynbPath: string, cellIndex: number, outDir: string, browser?: OfflineBrowser): Promise<RenderedPlots> {
  const notebook = JSON.parse(readFileSync(ipynbPath, 'utf8')) as { cells: SavedCell[] };
  const alone = { ...notebook, cells: [notebook.cells[cellIndex]] };
  const single = join(outDir, `cell-${cellIndex}-alone.ipynb`);
  const html = join(outDir, `cell-${cellIndex}-alone.html`);
  writeFileSync(single, JSON.stringify(alone));
  const script = [
    'import sys, nbformat',
    'from nbconvert import HTMLExporter',
    'body, _ = HTMLExporter().from_notebook_node(nbformat.read(sys.argv[1], as_version=4))',
    "open(sys.argv[2], 'w', encoding='utf-8').write(body)",
  ].join('\n');
  const run = spawnSync(jupyterPython(), ['-c', script, single, html], { env: jupyterEnv(), encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`nbconvert of ${single} failed (${run.status}): ${run.stderr}`);
  return inspectRenderedPage(html, 120_000, browser);
}
