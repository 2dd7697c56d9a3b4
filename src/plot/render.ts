import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withOfflinePage } from './browser.js';
import type { PlotlyFigure } from './figure.js';
import { standaloneHtmlParts } from './html.js';

/** Writes figures as one standalone offline HTML page (plotly bundle inlined once). */
export function writeFiguresHtml(path: string, figures: readonly PlotlyFigure[], title?: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  // part by part, not as one page-sized string; into a `.partial` renamed at the end (no half-written report)
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    standaloneHtmlParts(figures, title).forEach((part, i) => {
      if (i > 0) writeSync(fd, '\n');
      writeSync(fd, part);
    });
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(partial, path);
}

export interface PngOptions {
  /** Image size in CSS pixels (default 1000 × 600). */
  readonly width?: number;
  readonly height?: number;
}

/**
 * Renders a figure to PNG bytes in headless Chromium with `Plotly.toImage`, at exactly width × height.
 * The page is a file on disk and the network is blocked, so this works offline.
 */
export async function renderFigurePng(figure: PlotlyFigure, options: PngOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1000;
  const height = options.height ?? 600;
  const dir = mkdtempSync(join(tmpdir(), 'asmm-png-'));
  try {
    const page = join(dir, 'figure.html');
    writeFiguresHtml(page, [{ data: figure.data, layout: { ...figure.layout, width, height } }]);
    return await withOfflinePage(async (browserPage) => {
      await browserPage.goto(pathToFileURL(page).href);
      // Browser-side code is passed as strings: the project compiles without DOM types (as tslab does).
      await browserPage.waitForFunction("document.querySelector('.js-plotly-plot') !== null", undefined, { timeout: 30_000 });
      const dataUrl = await browserPage.evaluate<string>(
        `window.Plotly.toImage(document.querySelector('.js-plotly-plot'), { format: 'png', width: ${width}, height: ${height} })`,
      );
      return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders a figure and writes it as a PNG file. */
export async function writeFigurePng(path: string, figure: PlotlyFigure, options: PngOptions = {}): Promise<void> {
  const png = await renderFigurePng(figure, options);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, png);
}

/** What a rendered page shows: one entry per plotly plot, with its number of traces. */
export interface RenderedPlots {
  readonly plots: number;
  readonly tracesPerPlot: number[];
  /** Text of elements that report a missing plotly (see `figureFragment`). */
  readonly errors: string[];
}

/** Opens an HTML file offline in headless Chromium and counts the plots that rendered and their traces. */
export async function inspectRenderedPage(htmlPath: string, timeoutMs = 60_000): Promise<RenderedPlots> {
  return withOfflinePage(async (page) => {
    await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load', timeout: timeoutMs });
    return page.evaluate<RenderedPlots>(`(() => {
      const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
      const errors = Array.from(document.querySelectorAll('.asmm-plot'))
        .filter((el) => !el.classList.contains('js-plotly-plot') && (el.textContent || '').length > 0)
        .map((el) => el.textContent || '');
      return { plots: plots.length, tracesPerPlot: plots.map((p) => (Array.isArray(p.data) ? p.data.length : 0)), errors };
    })()`);
  });
}
