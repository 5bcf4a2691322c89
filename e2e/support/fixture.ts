import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { type DemoHub, startDemoHub } from './demo-hub.js';

/** What a suite gets from {@link useDemo}. */
export interface DemoFixture {
  readonly hub: DemoHub;
  readonly browser: Browser;
  /** A fresh page in its own context (own storage, own network emulation); closed after the suite. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/** Starts `herald serve --demo` and Chromium once per test file and tears both down afterwards. */
export function useDemo(): () => DemoFixture {
  let fixture: DemoFixture | undefined;
  const pages: Page[] = [];
  beforeAll(async () => {
    const hub = await startDemoHub();
    const browser = await launchBrowser().catch(async (err: unknown) => {
      await hub.stop();
      throw err;
    });
    fixture = {
      hub,
      browser,
      async newPage(options) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
        const page = await context.newPage();
        pages.push(page);
        return page;
      },
    };
  });
  afterAll(async () => {
    for (const page of pages)
      await page
        .context()
        .close()
        .catch(() => {});
    await fixture?.browser.close();
    await fixture?.hub.stop();
  });
  return () => {
    if (fixture === undefined) throw new Error('useDemo() fixture used before beforeAll ran');
    return fixture;
  };
}
