// The browser side of scripts/examples.mjs: Debian's Chromium through playwright-core, pages that may only
// talk to 127.0.0.1, and waits for what a person would see.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright's own browser downloads are never used. */
export const CHROMIUM_PATH = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium with an empty profile under `tmpDir`; every request off 127.0.0.1 is blocked. */
export async function launchBrowser(tmpDir) {
  const profile = mkdtempSync(join(tmpDir, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(https?|wss?):\/\/127\.0\.0\.1(:\d+)?\//.test(url) || url.startsWith('data:'))
      return route.continue();
    blocked.push(url);
    return route.abort();
  });
  // Closing is bounded too: a browser that does not close in 10 s is left to playwright's exit handler.
  const close = () =>
    Promise.race([context.close().catch(() => {}), new Promise((done) => setTimeout(done, 10_000).unref())]);
  return { context, blocked, close };
}

/**
 * Opens `url` in a new page and records what would make the page unhealthy: uncaught errors, console
 * errors and requests off 127.0.0.1. `problems()` lists them.
 */
export async function openPage(browser, url) {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  const seen = [];
  const blockedBefore = browser.blocked.length;
  page.on('pageerror', (err) => seen.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') seen.push(`console.error: ${msg.text()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
  if (!response?.ok()) throw new Error(`GET ${url}: HTTP ${response?.status()}`);
  return {
    page,
    problems: () => [...seen, ...browser.blocked.slice(blockedBefore).map((u) => `blocked request to ${u}`)],
    close: () => page.close().catch(() => {}),
  };
}

/** Waits until `selector` matches an element (optionally one whose text includes `text`). */
export async function waitFor(page, selector, text, timeout = 20_000) {
  try {
    await page.waitForFunction(
      ([sel, want]) =>
        [...document.querySelectorAll(sel)].some((el) => want === null || el.textContent?.includes(want)),
      [selector, text ?? null],
      { timeout, polling: 100 },
    );
  } catch {
    const found = await page
      .$$eval(selector, (els) => els.map((el) => el.outerHTML.slice(0, 300)))
      .catch(() => []);
    const what = text ? `${selector} containing ${JSON.stringify(text)}` : selector;
    throw new Error(
      `not in the page after ${timeout / 1000} s: ${what}; found ${found.length}: ${found.join(' ')}`,
    );
  }
}

/** The value of `attribute` on the first match of `selector`, or null. */
export function attributeOf(page, selector, attribute) {
  return page.$eval(selector, (el, name) => el.getAttribute(name), attribute).catch(() => null);
}
