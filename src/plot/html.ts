import { scriptJson, type PlotlyFigure } from './figure.js';
import { plotlyBundleScript } from './plotlyBundle.js';

let divCounter = 0;

/** A fresh element id for a figure's <div>. */
function nextDivId(): string {
  divCounter += 1;
  return `asmm-plot-${process.pid}-${Date.now().toString(36)}-${divCounter}`;
}

const CONFIG = { responsive: true, displaylogo: false };

/**
 * A figure as an HTML fragment: its <div> and a script that plots into it. Needs `window.Plotly` on the
 * page (see `plotlyBundleScript`); if it is missing the div says so instead of staying empty.
 */
export function figureFragment(figure: PlotlyFigure, divId: string = nextDivId()): string {
  const height = typeof figure.layout.height === 'number' ? `${figure.layout.height}px` : '450px';
  return [
    `<div id="${divId}" class="asmm-plot" style="width:100%;height:${height};"></div>`,
    '<script type="text/javascript">',
    '(function(){',
    `  var el = document.getElementById(${scriptJson(divId)});`,
    "  if (!window.Plotly) { el.textContent = 'plotly.js is not loaded on this page: run the notebook from the top.'; return; }",
    `  window.Plotly.newPlot(el, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, ${scriptJson(CONFIG)});`,
    '})();',
    '</script>',
  ].join('\n');
}

/** A standalone HTML page with the plotly bundle inlined once and each figure below it; works offline. */
export function standaloneHtml(figures: readonly PlotlyFigure[], title = 'asmm'): string {
  const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapedTitle}</title>`,
    '<style>body{font-family:sans-serif;margin:16px;} .asmm-plot{margin-bottom:24px;}</style>',
    plotlyBundleScript(),
    '</head><body>',
    ...figures.map((figure) => figureFragment(figure)),
    '</body></html>',
  ].join('\n');
}

let bundleEmitted = false;

/**
 * HTML for one figure in a notebook output. The first figure of a kernel session carries the plotly
 * bundle, so an executed notebook (and its HTML export) holds the bundle exactly once.
 * Use as `tslab.display.html(notebookFigureHtml(figure))`.
 */
export function notebookFigureHtml(figure: PlotlyFigure): string {
  const parts: string[] = [];
  if (!bundleEmitted) {
    parts.push(plotlyBundleScript());
    bundleEmitted = true;
  }
  parts.push(figureFragment(figure));
  return parts.join('\n');
}
