import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM_ENDPOINT_ENV, launchChromiumServer, launchOfflineBrowser, type OfflineBrowser } from '../../src/plot/browser.js';
import { marketFigure, pageTrace, writeFiguresHtml, type PlotlyFigure } from '../../src/plot/index.js';
import { inspectRenderedPage, renderFiguresPng } from '../../src/plot/render.js';
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

  it('with $ASMM_CHROMIUM_ENDPOINT set, pages open in that running browser and closing leaves it running; once it is gone, the error names the variable', async () => {
    const server = await launchChromiumServer();
    const saved = process.env[CHROMIUM_ENDPOINT_ENV];
    process.env[CHROMIUM_ENDPOINT_ENV] = server.endpoint;
    try {
      const page = join(dir, 'shared.html');
      writeFileSync(page, '<!DOCTYPE html><html><head><title>shared</title></head><body></body></html>');
      const title = (b: OfflineBrowser) => b.withPage(async (p) => (await p.goto(pathToFileURL(page).href), p.title()));
      const first = await launchOfflineBrowser();
      expect(await title(first)).toBe('shared');
      await first.close();
      // the next caller finds the browser still there, offline as a launched one
      const second = await launchOfflineBrowser();
      expect(await title(second)).toBe('shared');
      expect(await second.withPage((p) => p.goto('http://192.0.2.1/').then(() => 'loaded', (error: Error) => error.message))).toMatch(/ERR_FAILED|aborted/i);
      await second.close();
      await server.close();
      // used, not launched: with the browser gone, the next call fails and says where it looked
      await expect(launchOfflineBrowser()).rejects.toThrow(`cannot reach the Chromium at ${CHROMIUM_ENDPOINT_ENV}=${server.endpoint}`);
    } finally {
      if (saved === undefined) delete process.env[CHROMIUM_ENDPOINT_ENV];
      else process.env[CHROMIUM_ENDPOINT_ENV] = saved;
      await server.close();
    }
  });

  it('pages inspected one after another at the kept browser\'s one staging URL each show their own plots, as a page opened at its own path does', async () => {
    const b = await sharedBrowser();
    const line = (n: number): PlotlyFigure => ({ data: Array.from({ length: n }, (_, i) => ({ type: 'scatter', x: [0, 1], y: [i, i + 1] })), layout: {} });
    const three = join(dir, 'three-plots.html');
    const one = join(dir, 'one-plot.html');
    writeFiguresHtml(three, [line(1), line(2), line(4)]);
    writeFiguresHtml(one, [line(3)]);
    const staged = b.stagedUrl(one);
    expect(b.stagedUrl(three)).toBe(staged); // one URL for every file
    // alternating, so a page left from the last file (the same URL) would show its plots, not the file's
    const seen = [];
    for (const path of [three, one, three, one]) seen.push(await inspectRenderedPage(path, undefined, b));
    expect(seen).toEqual([
      { plots: 3, tracesPerPlot: [1, 2, 4], errors: [] },
      { plots: 1, tracesPerPlot: [3], errors: [] },
      { plots: 3, tracesPerPlot: [1, 2, 4], errors: [] },
      { plots: 1, tracesPerPlot: [3], errors: [] },
    ]);
    expect(await b.withReusedPage(async (p) => p.url())).toBe(staged);
  });

  it('one reused page: calls run one at a time, each on its own document (no state of the previous file), and a failed call closes the page so the next gets a new one', async () => {
    const b = await sharedBrowser();
    const page = (name: string, body: string) => {
      const path = join(dir, `${name}.html`);
      writeFileSync(path, `<!DOCTYPE html><html><body>${body}</body></html>`);
      return pathToFileURL(path).href;
    };
    const first = page('first', '<script>window.leftOver = 1; document.title = "first";</script>');
    const second = page('second', '<script>document.title = "second";</script>');
    const order: string[] = [];
    const visit = (url: string, name: string) =>
      b.withReusedPage(async (p) => {
        order.push(`start ${name}`);
        await p.goto(url, { waitUntil: 'load' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const seen = await p.evaluate<{ title: string; leftOver: unknown }>(`({ title: document.title, leftOver: window.leftOver })`);
        order.push(`end ${name}`);
        return { page: p, seen };
      });
    const [a, c] = await Promise.all([visit(first, 'a'), visit(second, 'c')]);
    expect(order).toEqual(['start a', 'end a', 'start c', 'end c']);
    expect(a.seen).toEqual({ title: 'first', leftOver: 1 });
    expect(c.seen).toEqual({ title: 'second', leftOver: undefined });
    expect(c.page).toBe(a.page);
    // a failure reaches the caller, closes that page, and the next call works in a new one
    await expect(b.withReusedPage(async () => Promise.reject(new Error('the check failed')))).rejects.toThrow('the check failed');
    expect(a.page.isClosed()).toBe(true);
    const after = await visit(second, 'after');
    expect(after.seen.title).toBe('second');
    expect(after.page).not.toBe(a.page);
    // still offline: a request to another host is aborted
    const online = await b.withReusedPage((p) => p.goto('http://192.0.2.1/').then(() => 'loaded', (error: Error) => error.message));
    expect(online).toMatch(/ERR_FAILED|aborted/i);
  });

  it('a reused page the work closed itself, or whose context it closed, is not handed to the next call', async () => {
    const b = await sharedBrowser();
    const blank = (p: Page) => p.goto('about:blank').then(() => p.url());
    const closedPage = await b.withReusedPage(async (p) => {
      await p.close();
      return p;
    });
    expect(await b.withReusedPage(async (p) => [p === closedPage, await blank(p)])).toEqual([false, 'about:blank']);
    await b.withReusedPage((p) => p.context().close());
    expect(await b.withReusedPage(blank)).toBe('about:blank');
  });
});
