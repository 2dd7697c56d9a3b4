// Figures through headless Chromium: PNG images and checks of rendered pages. Not re-exported by plot/index.ts
// (import this module by path): its playwright types are 2 MB of declarations that the TypeScript of every notebook
// kernel importing plot/index.ts would otherwise parse, for functions most notebooks never call.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { withOfflinePage, type OfflineBrowser } from './browser.js';
import type { PlotlyFigure } from './figure.js';
import { writeFiguresHtml } from './htmlFile.js';

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
  const [png] = await renderFiguresPng([figure], [options]);
  return png;
}

/**
 * Renders several figures to PNG bytes, each at its own size, from one page in one headless Chromium: the
 * browser's start and the plotly bundle's load (seconds of CPU) are paid once, not once per figure. In
 * `browser` when given (one launch for many calls), else in a Chromium of its own.
 */
export async function renderFiguresPng(figures: readonly PlotlyFigure[], options: readonly PngOptions[] = [], browser?: OfflineBrowser): Promise<Buffer[]> {
  if (figures.length === 0) return [];
  const sizes = figures.map((_, i) => ({ width: options[i]?.width ?? 1000, height: options[i]?.height ?? 600 }));
  const dir = mkdtempSync(join(tmpdir(), 'asmm-png-'));
  try {
    const page = join(dir, 'figures.html');
    writeFiguresHtml(page, figures.map((figure, i) => ({ data: figure.data, layout: { ...figure.layout, ...sizes[i] } })));
    const inPage = async (browserPage: Page): Promise<Buffer[]> => {
      await browserPage.goto(pathToFileURL(page).href);
      // Browser-side code is passed as strings: the project compiles without DOM types (as tslab does).
      await browserPage.waitForFunction(`document.querySelectorAll('.js-plotly-plot').length >= ${figures.length}`, undefined, { timeout: 30_000 });
      const pngs: Buffer[] = [];
      for (const [i, { width, height }] of sizes.entries()) {
        const dataUrl = await browserPage.evaluate<string>(
          `window.Plotly.toImage(document.querySelectorAll('.js-plotly-plot')[${i}], { format: 'png', width: ${width}, height: ${height} })`,
        );
        pngs.push(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
      }
      return pngs;
    };
    return await (browser ? browser.withPage(inPage) : withOfflinePage(inPage));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders a figure and writes it as a PNG file. */
export async function writeFigurePng(path: string, figure: PlotlyFigure, options: PngOptions = {}): Promise<void> {
  await writeFiguresPng([path], [figure], [options]);
}

/** Renders figures in one browser (see `renderFiguresPng`) and writes each as the PNG file of the same index. */
export async function writeFiguresPng(paths: readonly string[], figures: readonly PlotlyFigure[], options: readonly PngOptions[] = []): Promise<void> {
  if (paths.length !== figures.length) throw new RangeError(`writeFiguresPng: ${paths.length} paths for ${figures.length} figures`);
  const pngs = await renderFiguresPng(figures, options);
  for (const [i, path] of paths.entries()) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, pngs[i]);
  }
}

/** What a rendered page shows: one entry per plotly plot, with its number of traces. */
export interface RenderedPlots {
  readonly plots: number;
  readonly tracesPerPlot: number[];
  /** Text of elements that report a missing plotly (see `figureFragment`). */
  readonly errors: string[];
}

/**
 * Opens an HTML file offline in headless Chromium and counts the plots that rendered and their traces; in
 * `browser`'s reused page when given (one launch and one page for many files), else in a Chromium of its own.
 */
export async function inspectRenderedPage(htmlPath: string, timeoutMs = 60_000, browser?: OfflineBrowser): Promise<RenderedPlots> {
  const inPage = async (page: Page): Promise<RenderedPlots> => {
    // in a kept browser, every file at one URL (see OfflineBrowser.stagedUrl: plotly compiled once for them all)
    await page.goto(browser ? browser.stagedUrl(htmlPath) : pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load', timeout: timeoutMs });
    return page.evaluate<RenderedPlots>(`(() => {
      const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
      const errors = Array.from(document.querySelectorAll('.asmm-plot'))
        .filter((el) => !el.classList.contains('js-plotly-plot') && (el.textContent || '').length > 0)
        .map((el) => el.textContent || '');
      return { plots: plots.length, tracesPerPlot: plots.map((p) => (Array.isArray(p.data) ? p.data.length : 0)), errors };
    })()`);
  };
  return browser ? browser.withReusedPage(inPage) : withOfflinePage(inPage);
}
