import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { projectRoot } from '../project/index.js';
import { pageTrace, scriptJson, type PlotlyFigure } from './figure.js';
import { plotlyBundleSource, plotlyPageOpening } from './plotlyBundle.js';

let divCounter = 0;

/** A fresh element id for a figure's <div>. */
function nextDivId(): string {
  divCounter += 1;
  return `asmm-plot-${process.pid}-${Date.now().toString(36)}-${divCounter}`;
}

const CONFIG = { responsive: true, displaylogo: false };

/**
 * A figure as an HTML fragment: its <div> and a script that plots into it. Needs `window.Plotly` on the
 * page (see `plotlyBundleScript`, `plotlyLoaderScript`); if it is missing the div says so instead of staying
 * empty.
 */
export function figureFragment(figure: PlotlyFigure, divId: string = nextDivId()): string {
  return figureFragmentParts(figure, divId).join('');
}

/**
 * `figureFragment` as pieces to be written one after another (each trace's JSON a piece of its own): a
 * report's figure holds megabytes of numbers, and writing them without first joining them into one string
 * spares two copies of it.
 */
function figureFragmentParts(figure: PlotlyFigure, divId: string = nextDivId()): string[] {
  const height = typeof figure.layout.height === 'number' ? `${figure.layout.height}px` : '450px';
  const opening = [
    `<div id="${divId}" class="asmm-plot" style="width:100%;height:${height};"></div>`,
    '<script type="text/javascript">',
    '(function(){',
    `  var el = document.getElementById(${scriptJson(divId)});`,
    "  if (!window.Plotly) { el.textContent = 'plotly.js is not loaded on this page: run this cell again.'; return; }",
    '  window.Plotly.newPlot(el, [',
  ].join('\n');
  const traces = figure.data.flatMap((trace, i) => (i === 0 ? [scriptJson(pageTrace(trace))] : [',', scriptJson(pageTrace(trace))]));
  return [opening, ...traces, `], ${scriptJson(figure.layout)}, ${scriptJson(CONFIG)});\n})();\n</script>`];
}

/** A standalone HTML page with the plotly bundle inlined once and each figure below it; works offline. */
export function standaloneHtml(figures: readonly PlotlyFigure[], title = 'asmm'): string {
  return plotlyPageOpening().bytes.toString('utf8') + standaloneHtmlRest(figures, title).join('');
}

/**
 * What follows `plotlyPageOpening()` (the doctype, <head> and the plotly bundle's <script>) on a standalone
 * page, as pieces to be concatenated: title, style, then each figure (in pieces, see figureFragmentParts).
 * `writeFiguresHtml` writes them one after another behind a copy of the opening, never building the page as
 * one string.
 */
export function standaloneHtmlRest(figures: readonly PlotlyFigure[], title = 'asmm'): string[] {
  const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const lines = (...parts: string[]) => parts.map((part) => `\n${part}`).join('');
  return [
    lines(`<title>${escapedTitle}</title>`, '<style>body{font-family:sans-serif;margin:16px;} .asmm-plot{margin-bottom:24px;}</style>', '</head><body>'),
    ...figures.flatMap((figure) => ['\n', ...figureFragmentParts(figure)]),
    '\n</body></html>',
  ];
}

/**
 * Raw DEFLATE (RFC 1951) decoder run in the page, as browser-side source (ES5, no DOM types needed):
 * `asmmInflateRaw(bytes, outLength)` returns the `outLength` decoded bytes or throws. Synchronous on purpose
 * (the browser's own `DecompressionStream` is asynchronous), so a figure script right after the loader finds
 * `window.Plotly` defined, in the live notebook and in a static HTML export alike. It follows the structure of
 * zlib's reference decoder `puff.c` (canonical Huffman tables as code-length counts); decodes the 1.5 MB
 * compressed plotly bundle in about 0.25 s. Exported for the test that checks it against node's zlib.
 */
export const INFLATE_RAW_JS = `function asmmInflateRaw(src, outLength) {
  var out = new Uint8Array(outLength), op = 0, ip = 0, buf = 0, cnt = 0;
  function need(n) {
    while (cnt < n) {
      if (ip >= src.length) throw new Error('inflate: the compressed bundle ends early');
      buf |= src[ip++] << cnt;
      cnt += 8;
    }
  }
  function bits(n) {
    need(n);
    var v = buf & ((1 << n) - 1);
    buf >>>= n;
    cnt -= n;
    return v;
  }
  // Canonical Huffman table: count[len] codes of each length, symbols in code order (RFC 1951 3.2.2).
  function table(lengths, n) {
    var count = new Uint16Array(16), offs = new Uint16Array(16), symbol = new Uint16Array(n), i, len;
    for (i = 0; i < n; i++) count[lengths[i]]++;
    count[0] = 0;
    for (len = 1; len < 16; len++) offs[len] = offs[len - 1] + count[len - 1];
    for (i = 0; i < n; i++) if (lengths[i]) symbol[offs[lengths[i]]++] = i;
    return { count: count, symbol: symbol };
  }
  function decode(h) {
    var code = 0, first = 0, index = 0, len, c;
    for (len = 1; len < 16; len++) {
      if (cnt === 0) need(1);
      code |= buf & 1;
      buf >>>= 1;
      cnt--;
      c = h.count[len];
      if (code - c < first) return h.symbol[index + (code - first)];
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    throw new Error('inflate: bad Huffman code');
  }
  var LBASE = [3,4,5,6,7,8,9,10,11,13,15,17,19,23,27,31,35,43,51,59,67,83,99,115,131,163,195,227,258];
  var LEXT = [0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0];
  var DBASE = [1,2,3,4,5,7,9,13,17,25,33,49,65,97,129,193,257,385,513,769,1025,1537,2049,3073,4097,6145,8193,12289,16385,24577];
  var DEXT = [0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13];
  var ORDER = [16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15];
  var fixedL, fixedD, last, type, i;
  do {
    last = bits(1);
    type = bits(2);
    if (type === 0) {
      buf = 0; cnt = 0; // stored block: skip to the byte boundary
      if (ip + 4 > src.length) throw new Error('inflate: the compressed bundle ends early');
      var n = src[ip] | (src[ip + 1] << 8);
      ip += 4;
      if (ip + n > src.length) throw new Error('inflate: the compressed bundle ends early');
      out.set(src.subarray(ip, ip + n), op);
      ip += n; op += n;
      continue;
    }
    var lt, dt;
    if (type === 1) {
      if (!fixedL) {
        var l = new Uint8Array(288);
        for (i = 0; i < 144; i++) l[i] = 8;
        for (; i < 256; i++) l[i] = 9;
        for (; i < 280; i++) l[i] = 7;
        for (; i < 288; i++) l[i] = 8;
        fixedL = table(l, 288);
        var d = new Uint8Array(30);
        for (i = 0; i < 30; i++) d[i] = 5;
        fixedD = table(d, 30);
      }
      lt = fixedL; dt = fixedD;
    } else if (type === 2) {
      var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
      var lengths = new Uint8Array(320);
      for (i = 0; i < ncode; i++) lengths[ORDER[i]] = bits(3);
      var ct = table(lengths, 19);
      lengths = new Uint8Array(320);
      i = 0;
      while (i < nlen + ndist) {
        var sym = decode(ct), rep, val = 0;
        if (sym < 16) { lengths[i++] = sym; continue; }
        if (sym === 16) { if (i === 0) throw new Error('inflate: repeat with no length'); val = lengths[i - 1]; rep = 3 + bits(2); }
        else if (sym === 17) rep = 3 + bits(3);
        else rep = 11 + bits(7);
        if (i + rep > nlen + ndist) throw new Error('inflate: too many lengths');
        while (rep--) lengths[i++] = val;
      }
      lt = table(lengths.subarray(0, nlen), nlen);
      dt = table(lengths.subarray(nlen, nlen + ndist), ndist);
    } else throw new Error('inflate: bad block type');
    for (;;) {
      var s = decode(lt);
      if (s < 256) { out[op++] = s; continue; }
      if (s === 256) break;
      s -= 257;
      if (s >= 29) throw new Error('inflate: bad length symbol');
      var len = LBASE[s] + bits(LEXT[s]);
      var ds = decode(dt);
      if (ds >= 30) throw new Error('inflate: bad distance symbol');
      var dist = DBASE[ds] + bits(DEXT[ds]);
      if (dist > op) throw new Error('inflate: distance too far back');
      for (var k = op - dist, end = op + len; op < end;) out[op++] = out[k++];
    }
  } while (!last);
  if (op !== outLength) throw new Error('inflate: ' + op + ' bytes instead of ' + outLength);
  return out;
}`;

interface CompressedBundle {
  /** base64 of the raw-DEFLATE (level 9) plotly bundle source, UTF-8. */
  readonly base64: string;
  /** Byte length of the UTF-8 source, which the decoder checks. */
  readonly bytes: number;
}

let compressed: CompressedBundle | undefined;

/** The plotly bundle, deflated once per process (about 0.2 s): 4.9 MB of source become 2.0 MB of base64. */
function compressedBundle(): CompressedBundle {
  if (compressed) return compressed;
  const source = Buffer.from(plotlyBundleSource(), 'utf8');
  compressed = { base64: deflateRawSync(source, { level: 9 }).toString('base64'), bytes: source.length };
  return compressed;
}

/**
 * A <script> that defines `window.Plotly` when the page lacks it, from a compressed copy of the bundle it
 * carries: decode base64, inflate (`INFLATE_RAW_JS`), run the source as an inline <script> (synchronous). When
 * `window.Plotly` is already there (an earlier output of the page loaded it) it does nothing but parse a
 * string. On failure the error goes to the console and the figures below say plotly is missing.
 */
export function plotlyLoaderScript(): string {
  const { base64, bytes } = compressedBundle();
  return [
    '<script type="text/javascript" data-asmm="plotly-bundle">',
    '(function(){',
    '  if (window.Plotly) return;',
    '  try {',
    INFLATE_RAW_JS,
    `    var packed = atob("${base64}");`,
    '    var input = new Uint8Array(packed.length);',
    '    for (var i = 0; i < packed.length; i++) input[i] = packed.charCodeAt(i);',
    `    var script = document.createElement('script');`,
    `    script.text = new TextDecoder('utf-8').decode(asmmInflateRaw(input, ${bytes}));`,
    '    (document.head || document.documentElement).appendChild(script);',
    "  } catch (error) { console.error('asmm: cannot load the plotly bundle of this output', error); }",
    '})();',
    '</script>',
  ].join('\n');
}

let bundledExecution: unknown;

/**
 * The execute request the tslab kernel is running, or undefined outside a tslab kernel. tslab hands each
 * execute request a fresh `writeDisplayData` function and keeps the current one in its `jupyter` module
 * (`lastWriteDisplayData`, read by `tslab.display`), so its identity tells one cell execution from the next.
 * Only looked up among already loaded modules: this never loads tslab.
 */
function currentTslabExecution(): unknown {
  const cache = createRequire(join(projectRoot(), 'package.json')).cache;
  const suffix = `${sep}tslab${sep}dist${sep}jupyter.js`;
  for (const key of Object.keys(cache)) {
    if (key.endsWith(suffix)) {
      const exported = cache[key]?.exports as { lastWriteDisplayData?: unknown } | undefined;
      if (exported?.lastWriteDisplayData) return exported.lastWriteDisplayData;
    }
  }
  return undefined;
}

/**
 * HTML for one figure in a notebook output; use as `tslab.display.html(notebookFigureHtml(figure))`.
 *
 * The first figure of every cell execution carries the plotly bundle (`plotlyLoaderScript`), later figures
 * of the same execution rely on it; outside a tslab kernel every figure carries it. So each cell's output
 * renders on its own in the saved notebook and its HTML export, offline: a plot cell re-run alone, a
 * notebook whose other outputs were cleared, a cell copied into another notebook.
 *
 * Trade-off: one bundle per plot cell instead of one per notebook. Raw, that is 4.9 MB per plot cell (six
 * plot cells made a 30 MB notebook); compressed, 2.0 MB, at the cost of a 0.25 s inflate in the page for
 * the first plot it shows (later outputs find `window.Plotly` and skip it). Once per kernel session (the
 * old design) kept notebooks small but left a re-run cell, and so the saved notebook, without plotly. A
 * loader fetching plotly from the server or a CDN would not render the saved file offline.
 *
 * @example
 * // in a tslab cell: two figures, one bundle in this cell's output
 * tslab.display.html(notebookFigureHtml(a)); tslab.display.html(notebookFigureHtml(b));
 */
export function notebookFigureHtml(figure: PlotlyFigure): string {
  const execution = currentTslabExecution();
  const parts: string[] = [];
  if (execution === undefined || execution !== bundledExecution) {
    parts.push(plotlyLoaderScript());
    bundledExecution = execution;
  }
  parts.push(figureFragment(figure));
  return parts.join('\n');
}
