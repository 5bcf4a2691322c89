import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright's own browser downloads are never used. */
export const CHROMIUM_PATH = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium with flags that keep it quiet and offline-friendly on CI machines. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
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
}
