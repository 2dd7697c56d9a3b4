import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { launchOfflineBrowser, type OfflineBrowser } from '../../src/plot/browser.js';
import { marketFigure, pageTrace, renderFiguresPng, writeFiguresHtml, type PlotlyFigure } from '../../src/plot/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { decodePng, nonBackgroundFraction } from '../helpers/png.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const market = generateSampleMarket({ durationSec: 120, seed: 3 });
const figure = marketFigure(market.book, market.trades, { title: 'render test' });

describe('market figure', () => {
  it('is plain data: bid, ask, mid lines and buy/sell trade markers over the window', () => {
    expect(figure.data.map((t) => t.name)).toEqual(['best bid', 'best ask', 'mid', 'buy trades', 'sell trades']);
    expect(figure.data[0].x?.length).toBe(market.book.tsMs.length);
    const buys = Array.from(market.trades.side).filter((s) => s === 1).length;
    expect(figure.data[3].x?.length).toBe(buys);
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });
});

describe('rendering in headless Chromium (offline)', () => {
  // one Chromium for the file (its start is seconds of CPU), launched by the first test that needs it; each
  // test still gets a fresh offline context and page
  let browser: Promise<OfflineBrowser> | undefined;
  const sharedBrowser = () => (browser ??= launchOfflineBrowser());
  afterAll(async () => {
    if (browser) await (await browser).close();
  });

  it('renders figures to PNGs of their requested sizes from one page; a figure is not blank, a blank one is (the check can fail)', async () => {
    const empty: PlotlyFigure = { data: [], layout: { xaxis: { visible: false }, yaxis: { visible: false } } };
    const [png, blank] = (await renderFiguresPng([figure, empty], [{ width: 640, height: 360 }, { width: 320, height: 200 }], await sharedBrowser())).map(decodePng);
    expect([png.width, png.height]).toEqual([640, 360]);
    expect(nonBackgroundFraction(png)).toBeGreaterThan(0.02);
    expect([blank.width, blank.height]).toEqual([320, 200]);
    expect(nonBackgroundFraction(blank)).toBeLessThan(0.005);
  });

  it('a standalone page carries the bundle once and reports the expected number of plots and traces; long arrays go to it as base64 float64 (plotly typed-array specs) and plotly reads back the same doubles, dates included, a gap keeping its list', async () => {
    const path = join(dir, 'page.html');
    const second: PlotlyFigure = { data: [{ type: 'scatter', x: [1, 2, 3], y: [3, 1, 2] }], layout: { title: { text: 'second' } } };
    const n = 500;
    const x = Array.from({ length: n }, (_, i) => 1_767_225_600_000 + i * 137);
    const y = Array.from({ length: n }, (_, i) => 3000 + Math.sin(i) / 3 + 1e-9 * i);
    const withGap = y.map((v, i) => (i === 7 ? null : v));
    const binary: PlotlyFigure = {
      data: [
        { type: 'scatter', mode: 'lines', x, y },
        { type: 'scatter', mode: 'lines', x, y: withGap },
      ],
      layout: { xaxis: { type: 'date' } },
    };
    expect(pageTrace(binary.data[0]).x).toMatchObject({ dtype: 'f8' });
    expect(pageTrace(binary.data[1]).y).toBe(withGap);
    writeFiguresHtml(path, [figure, second, binary], 'three plots');
    const html = readFileSync(path, 'utf8');
    expect(html.split('data-asmm="plotly-bundle"').length - 1).toBe(1);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('"bdata"');
    const { rendered, read } = await (await sharedBrowser()).withPage(async (p) => {
      await p.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      return p.evaluate<{ rendered: { plots: number; tracesPerPlot: number[]; errors: string[] }; read: { x: number[]; y: number[]; gapY: Array<number | null>; xRange: unknown } }>(`(() => {
        const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
        const gd = plots[2];
        return {
          rendered: {
            plots: plots.length,
            tracesPerPlot: plots.map((p) => p.data.length),
            errors: Array.from(document.querySelectorAll('.asmm-plot')).filter((el) => !el.classList.contains('js-plotly-plot') && (el.textContent || '').length > 0).map((el) => el.textContent),
          },
          read: { x: Array.from(gd._fullData[0].x), y: Array.from(gd._fullData[0].y), gapY: Array.from(gd._fullData[1].y), xRange: gd._fullLayout.xaxis.range },
        };
      })()`);
    });
    expect(rendered).toEqual({ plots: 3, tracesPerPlot: [5, 1, 2], errors: [] });
    expect(read.x).toEqual(x);
    expect(read.y).toEqual(y);
    expect(read.gapY).toEqual(withGap);
    // a date axis over the series' own span (2026-01-01 00:00:00 UTC on), not a numeric one
    expect((read.xRange as string[]).map(String)).toEqual(['2026-01-01', '2026-01-01 00:01:08.363']);
  });
});
