import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { launchOfflineBrowser } from '../../src/plot/browser.js';
import { figureFragment, notebookFigureHtml, plotlyBundleSource, type PlotlyFigure } from '../../src/plot/index.js';
import { inspectRenderedPage } from '../../src/plot/render.js';
import { INFLATE_RAW_JS } from '../../src/plot/html.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
// The page-side decoder, run in node: the reference it must match is node's zlib (RFC 1951).
const inflateRaw = new Function(`${INFLATE_RAW_JS}\nreturn asmmInflateRaw;`)() as (input: Uint8Array, outLength: number) => Uint8Array;

/** Deterministic bytes with some repetition (so DEFLATE finds matches) and some noise. */
function bytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  let state = 12345;
  for (let i = 0; i < n; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = i % 997 < 500 ? (i * 31) % 97 : state >>> 24;
  }
  return out;
}

describe('the plotly loader of notebook figures', () => {
  it('inflates what zlib deflates: stored, fixed and dynamic Huffman blocks, and the plotly bundle itself', () => {
    const data = bytes(200_000);
    const cases: Array<[string, Buffer, Buffer]> = [
      ['stored (level 0)', data, deflateRawSync(data, { level: 0 })],
      ['fixed Huffman', data, deflateRawSync(data, { strategy: constants.Z_FIXED })],
      ['dynamic Huffman (level 9)', data, deflateRawSync(data, { level: 9 })],
      ['empty', Buffer.alloc(0), deflateRawSync(Buffer.alloc(0))],
    ];
    const bundle = Buffer.from(plotlyBundleSource(), 'utf8');
    cases.push(['plotly bundle', bundle, deflateRawSync(bundle, { level: 9 })]);
    for (const [name, original, packed] of cases) {
      expect(Buffer.from(inflateRaw(new Uint8Array(packed), original.length)).equals(original), name).toBe(true);
    }
  });

  it('refuses a truncated stream and a wrong length', () => {
    const data = bytes(50_000);
    const packed = deflateRawSync(data, { level: 9 });
    expect(() => inflateRaw(new Uint8Array(packed.subarray(0, packed.length >> 1)), data.length)).toThrow(/ends early/);
    expect(() => inflateRaw(new Uint8Array(packed), data.length + 1)).toThrow(/bytes instead of/);
  });

  it('outside a kernel each figure carries the loader, and a page of one such output renders offline; a figure without it says so', async () => {
    const figure: PlotlyFigure = { data: [{ type: 'scatter', x: [1, 2, 3], y: [2, 3, 1] }, { type: 'bar', x: [1], y: [1] }], layout: {} };
    const [first, second] = [notebookFigureHtml(figure), notebookFigureHtml(figure)];
    expect([first, second].map((html) => html.split('data-asmm="plotly-bundle"').length - 1)).toEqual([1, 1]);
    // compressed: well under the 4.9 MB raw bundle
    expect(second.length).toBeLessThan(0.5 * plotlyBundleSource().length);
    const page = join(dir, 'second.html');
    writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${second}</body></html>`);
    const bare = join(dir, 'bare.html');
    writeFileSync(bare, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${figureFragment(figure)}</body></html>`);
    // both pages in one Chromium (its start is seconds of CPU), one after the other in its kept page
    const browser = await launchOfflineBrowser();
    try {
      expect(await inspectRenderedPage(page, undefined, browser)).toEqual({ plots: 1, tracesPerPlot: [2], errors: [] });
      const shown = await inspectRenderedPage(bare, undefined, browser);
      expect(shown.plots).toBe(0);
      expect(shown.errors[0]).toMatch(/plotly\.js is not loaded/);
    } finally {
      await browser.close();
    }
  });
});
