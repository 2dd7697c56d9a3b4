import { closeSync, copyFileSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PlotlyFigure } from './figure.js';
import { standaloneHtmlRest } from './html.js';
import { plotlyPageOpening } from './plotlyBundle.js';

/** Writes figures as one standalone offline HTML page (plotly bundle inlined once). */
export function writeFiguresHtml(path: string, figures: readonly PlotlyFigure[], title?: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  // into a `.partial` renamed at the end (no half-written report): a copy of the page's opening (doctype and
  // the plotly bundle, from its cache file when there is one), then the rest part by part
  const partial = `${path}.partial`;
  const opening = plotlyPageOpening();
  let fd: number | undefined;
  try {
    if (opening.path !== undefined) {
      copyFileSync(opening.path, partial);
      fd = openSync(partial, 'a');
    } else {
      fd = openSync(partial, 'w');
      const bytes = opening.bytes;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    }
    for (const part of standaloneHtmlRest(figures, title)) writeSync(fd, part);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(partial, path);
}
