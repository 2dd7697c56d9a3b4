import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Chromium to drive: `$ASMM_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  const candidates = [process.env.ASMM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${candidates.join(', ')}); install Debian's chromium or set ASMM_CHROMIUM`);
  return found;
}

/**
 * Runs `work` with a headless Chromium page that cannot reach the network: every request other than
 * `file:`, `data:`, `about:` and `blob:` URLs is aborted (playwright gives the browser a fresh temporary profile), so what renders is what works offline.
 */
export async function withOfflinePage<T>(work: (page: Page) => Promise<T>): Promise<T> {
  let browser: Browser | undefined;
  try {
    // loaded here, not at the top: playwright takes longer to load than most commands take to run
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      return /^(file|data|about|blob):/.test(url) ? route.continue() : route.abort();
    });
    return await work(page);
  } finally {
    await browser?.close();
  }
}
