/**
 * Takes the README screenshots of the dashboard against a real `herald serve --demo`:
 * `node --conditions=source --import tsx e2e/screenshots.ts` → docs/screenshots/*.png
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { publishScenarioOnce } from '@herald/simulator';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { ensureDashboardBuilt } from './support/build-dashboard.js';
import { type DemoHub, startDemoHub } from './support/demo-hub.js';
import { waitForConnection } from './support/page.js';
import { REPO_ROOT } from './support/paths.js';

const OUT = join(REPO_ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1360, height: 900 };

async function main(): Promise<void> {
  ensureDashboardBuilt();
  await mkdir(OUT, { recursive: true });
  const hub = await startDemoHub();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    await seedHistory(hub);
    await runView(browser, hub, 'light');
    await runView(browser, hub, 'dark');
    await generations(browser, hub);
    await activity(browser, hub);
  } finally {
    await browser?.close();
    await hub.stop();
  }
}

/** A few finished runs, jobs and activity so the lists look like a working day, not a fresh install. */
async function seedHistory(hub: DemoHub): Promise<void> {
  const base = { baseUrl: hub.url, speed: 40 };
  await publishScenarioOnce('workflow', {
    ...base,
    songTitle: 'Velvet Thunder',
    fixLoop: false,
    failAtRender: false,
  });
  await publishScenarioOnce('workflow', { ...base, songTitle: 'Ghosts of the Overpass', failAtRender: true });
  await publishScenarioOnce('workflow', {
    ...base,
    songTitle: 'Lanterns for the Lost',
    fixLoop: true,
    failAtRender: false,
  });
  await publishScenarioOnce('activity', { ...base, count: 14, seed: 11 });
}

async function newPage(
  browser: Browser,
  colorScheme: 'light' | 'dark',
  deviceScaleFactor = 1,
): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme, deviceScaleFactor });
  return context.newPage();
}

/** The run view mid-run (after a FIX loop, RENDER running), then the badge while reconnecting. */
async function runView(browser: Browser, hub: DemoHub, colorScheme: 'light' | 'dark'): Promise<void> {
  const runId = `run_showcase_${colorScheme}`;
  const page = await newPage(browser, colorScheme);
  await page.goto(`${hub.url}/#/runs/${runId}`);
  await waitForConnection(page, 'connected');
  const run = publishScenarioOnce('workflow', {
    baseUrl: hub.url,
    speed: 1,
    seed: 5,
    runId,
    songTitle: 'Neon Harbor',
    fixLoop: true,
    failAtRender: false,
  });
  await page
    .locator('.herald-job__step[data-step="RENDER"][data-status="running"]')
    .waitFor({ timeout: 60_000 });
  await page.locator('.artifact[open]').first().waitFor();
  await page.screenshot({
    path: join(OUT, colorScheme === 'light' ? 'run-view.png' : 'run-view-dark.png'),
    fullPage: true,
  });

  if (colorScheme === 'light') {
    await page.getByRole('button', { name: /Cut connection for 5 s/ }).click();
    await waitForConnection(page, 'reconnecting', 5_000);
    await page.waitForTimeout(600); // let the countdown and toast settle into their first frame
    await page.screenshot({
      path: join(OUT, 'reconnecting.png'),
      clip: { x: 0, y: 0, width: VIEWPORT.width, height: 140 },
    });
    await page.screenshot({ path: join(OUT, 'reconnecting-full.png') });
    await waitForConnection(page, 'connected', 30_000);
  }
  await run;
  await page.context().close();
}

async function generations(browser: Browser, hub: DemoHub): Promise<void> {
  const jobs = [
    publishScenarioOnce('generation', { baseUrl: hub.url, speed: 40, totalClips: 4, fail: false }),
    publishScenarioOnce('generation', { baseUrl: hub.url, speed: 40, totalClips: 3, fail: true }),
  ];
  await Promise.all(jobs);
  const live = [
    publishScenarioOnce('generation', { baseUrl: hub.url, speed: 1.5, totalClips: 5, fail: false }),
    publishScenarioOnce('generation', { baseUrl: hub.url, speed: 1, totalClips: 6, fail: false }),
  ];
  const page = await newPage(browser, 'light');
  await page.goto(`${hub.url}/#/generations`);
  await waitForConnection(page, 'connected');
  const encoding = page.locator('.job', {
    has: page.locator('.badge[data-status="encoding"]'),
    hasText: 'Frames',
  });
  await encoding.first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500); // let the progress bars finish their width transition
  await page.screenshot({ path: join(OUT, 'generations.png') });
  await page.context().close();
  await Promise.all(live);
}

async function activity(browser: Browser, hub: DemoHub): Promise<void> {
  const page = await newPage(browser, 'dark');
  await page.goto(`${hub.url}/#/activity`);
  await waitForConnection(page, 'connected');
  await page.locator('.feed__item').nth(10).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(OUT, 'activity-dark.png') });
  await page.context().close();
}

await main();
console.log(`screenshots written to ${OUT}`);
