import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { importOutsideBundle } from '../project/index.js';

/**
 * Chromium cannot be found, started or reached: a fault of this machine's set-up, not of the data or the command
 * (the CLI prints it as one line, exit 2, as it does a missing redis-server).
 */
export class BrowserUnavailableError extends Error {
  override readonly name = 'BrowserUnavailableError';
}

/** Chromium to drive: `$ASMM_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  const candidates = [process.env.ASMM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new BrowserUnavailableError(`no Chromium found (looked at ${candidates.join(', ')}); install Debian's chromium or set ASMM_CHROMIUM`);
  return found;
}

/** The first line of playwright's error, without its call log and terminal colours. */
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/\x1b\[[0-9;]*m/g, '');

export interface OfflinePageOptions {
  /**
   * Origins on this machine the page may also reach over HTTP, e.g. `http://127.0.0.1:8888` for a local
   * Jupyter server. Only loopback hosts (127.0.0.0/8, localhost, [::1]) are accepted. (Playwright routes HTTP
   * requests only; a websocket, such as Jupyter's kernel channel, opens to whatever the page names.)
   */
  readonly allowOrigins?: readonly string[];
  /** Viewport in CSS pixels (playwright's default is 1280 × 720). */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** `http://127.0.0.1:8888/x` → `http://127.0.0.1:8888`; throws for an origin that is not on this machine. */
function loopbackOrigin(origin: string): string {
  const url = new URL(origin);
  if (!/^(127(\.\d{1,3}){3}|localhost|\[::1\])$/.test(url.hostname)) {
    throw new Error(`withOfflinePage: ${origin} is not a loopback origin (127.0.0.0/8, localhost or [::1])`);
  }
  return url.origin;
}

/**
 * Runs `work` with a headless Chromium page that cannot reach the network: every request other than
 * `file:`, `data:`, `about:` and `blob:` URLs (and the loopback `allowOrigins`) is aborted (playwright gives
 * the browser a fresh temporary profile), so what renders is what works offline.
 */
export async function withOfflinePage<T>(work: (page: Page) => Promise<T>, options: OfflinePageOptions = {}): Promise<T> {
  const browser = await launchOfflineBrowser();
  try {
    return await browser.withPage(work, options);
  } finally {
    await browser.close();
  }
}

/** A headless Chromium kept open for several offline pages (see `withOfflinePage`); close it when done. */
export interface OfflineBrowser {
  /** Runs `work` with a new offline page in a context of its own (its own routing rule and viewport). */
  withPage<T>(work: (page: Page) => Promise<T>, options?: OfflinePageOptions): Promise<T>;
  /**
   * Runs `work` in the browser's one kept-open offline page (default viewport, no other origins), one call at a
   * time: for work that opens a file and reads it, such as checking many reports. Navigating one page costs
   * less than a context and page per file (nine notebook reports: 54-59 s of CPU against 72-91 s on a 2-core
   * machine): no new renderer process each time (and with `stagedUrl`, plotly's bundle compiled once). A page
   * whose work failed is closed, and the next call opens a new one; so does the call after a work that closed
   * the page (or its context) itself.
   */
  withReusedPage<T>(work: (page: Page) => Promise<T>): Promise<T>;
  /**
   * For work in the reused page (see `withReusedPage`): copies an HTML file to this browser's one staging path
   * and gives that path's URL, the same for every file. Chromium keeps the code it compiled for a page's scripts
   * by the page's URL, so files opened one after another at one URL share the compiled code of the scripts they
   * have in common (plotly's bundle in every report): eight notebook reports took 25-29 s of CPU here, against
   * 39-41 s each at its own URL. The page's relative links point into the staging folder: for self-contained pages only.
   */
  stagedUrl(htmlPath: string): string;
  close(): Promise<void>;
}

/** Headless Chromium's switches: no sandbox (containers), no GPU, nothing that reaches the network by itself. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The environment variable naming a running Chromium to use instead of launching one: the WebSocket endpoint of a
 * playwright browser server (`launchChromiumServer`). `asmm check` starts one and sets it for the tests and
 * notebooks it runs, so that they share one browser instead of starting eight (2 s of CPU each).
 */
export const CHROMIUM_ENDPOINT_ENV = 'ASMM_CHROMIUM_ENDPOINT';

const playwright = () => importOutsideBundle<typeof import('playwright-core')>('playwright-core');

/**
 * Launches one headless Chromium for many pages: its start costs about 2 s of CPU on a 2-core machine, so a
 * caller checking several reports (`runNotebookReports`) pays it once. When `$ASMM_CHROMIUM_ENDPOINT` is set,
 * connects to that running browser instead (see `CHROMIUM_ENDPOINT_ENV`); `close` then closes this caller's pages
 * and disconnects, leaving the browser to its owner. Either way every page is offline (see `withOfflinePage`).
 */
export async function launchOfflineBrowser(): Promise<OfflineBrowser> {
  // loaded here, not at the top: playwright takes longer to load than most commands take to run
  const { chromium } = await playwright();
  const endpoint = process.env[CHROMIUM_ENDPOINT_ENV];
  let browser: Browser;
  if (endpoint !== undefined && endpoint !== '') {
    try {
      browser = await chromium.connect(endpoint, { timeout: 30_000 });
    } catch (error) {
      throw new BrowserUnavailableError(`cannot reach the Chromium at ${CHROMIUM_ENDPOINT_ENV}=${endpoint} (unset it to launch one): ${firstLine(error)}`);
    }
  } else {
    const path = chromiumPath();
    try {
      browser = await chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
    } catch (error) {
      throw new BrowserUnavailableError(`cannot start Chromium (${path}): ${firstLine(error)}`);
    }
  }
  const offlineContext = async (options: OfflinePageOptions): Promise<BrowserContext> => {
    const allowed = (options.allowOrigins ?? []).map(loopbackOrigin);
    // Routed on the context, so pages the page opens (a link with target=_blank) are held to the same rule.
    const context = await browser.newContext(options.viewport ? { viewport: { ...options.viewport } } : {});
    await context.route('**/*', (route) => {
      const url = route.request().url();
      const local = /^(file|data|about|blob):/.test(url) || allowed.some((origin) => url === origin || url.startsWith(`${origin}/`));
      return local ? route.continue() : route.abort();
    });
    return context;
  };
  let reused: Promise<{ context: BrowserContext; page: Page }> | undefined;
  let staging: string | undefined;
  let closed = false;
  const removeStaging = () => {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
  };
  // the calls of withReusedPage, one after another
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async withPage<T>(work: (page: Page) => Promise<T>, options: OfflinePageOptions = {}): Promise<T> {
      const context = await offlineContext(options);
      try {
        return await work(await context.newPage());
      } finally {
        await context.close();
      }
    },
    withReusedPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        // a page the last work closed itself (or closed its context) is not handed on: its context goes too
        const kept = reused && (await reused);
        if (kept && kept.page.isClosed()) {
          reused = undefined;
          await kept.context.close().catch(() => {});
        }
        reused ??= offlineContext({}).then(async (context) => ({ context, page: await context.newPage() }));
        const current = reused;
        try {
          return await work((await current).page);
        } catch (error) {
          reused = undefined;
          await current.then(({ context }) => context.close()).catch(() => {});
          throw error;
        }
      });
      queue = run.catch(() => {});
      return run;
    },
    stagedUrl(htmlPath: string): string {
      if (closed) throw new Error('stagedUrl: this browser is closed');
      if (staging === undefined) {
        staging = mkdtempSync(join(tmpdir(), 'asmm-browser-page-'));
        process.on('exit', removeStaging); // a process that exits without closing us (Ctrl-C) leaves no copy
      }
      const path = join(staging, 'page.html');
      copyFileSync(resolve(htmlPath), path);
      return pathToFileURL(path).href;
    },
    async close() {
      closed = true;
      try {
        await browser.close();
      } finally {
        removeStaging();
        process.off('exit', removeStaging);
      }
    },
  };
}

/** A headless Chromium that other processes use through its endpoint (see `CHROMIUM_ENDPOINT_ENV`). */
export interface ChromiumServer {
  /** The WebSocket endpoint to put in `$ASMM_CHROMIUM_ENDPOINT`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Launches a headless Chromium for other processes to connect to (`asmm check` shares one across its tests). */
export async function launchChromiumServer(): Promise<ChromiumServer> {
  const { chromium } = await playwright();
  // playwright's own signal handlers would close the browser and leave the caller running (SIGTERM, SIGHUP) or
  // exit past its clean-up (SIGINT): the caller keeps its signals, and Chromium ends when its pipe to us closes
  const path = chromiumPath();
  try {
    const server = await chromium.launchServer({ executablePath: path, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    return { endpoint: server.wsEndpoint(), close: () => server.close() };
  } catch (error) {
    throw new BrowserUnavailableError(`cannot start Chromium (${path}): ${firstLine(error)}`);
  }
}
