import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import { useDemo } from './support/fixture.js';
import { history, publish } from './support/http.js';
import { waitForConnection } from './support/page.js';

// The PurposePath activity page (issue 15): optimistic posts, highlights, the live badge, "N new", motion.
const CHANNEL = 'tenant:t1:activity';
const ROW = '.feed__item';
const BADGE = '.page__header .herald-live-badge';

/** Publishes a goal.created for tenant t1 (as the PurposePath backend would) and returns its id. */
async function publishGoal(hubUrl: string, title: string): Promise<string> {
  const id = `e2e-${randomUUID()}`;
  await publish(
    hubUrl,
    CHANNEL,
    'goal.created',
    {
      tenant_id: 't1',
      goal_id: `goal_${randomUUID().slice(0, 8)}`,
      title,
      owner_name: 'E2E Tester',
      status: 'active',
      target_date: '2027-01-31',
    },
    id,
  );
  return id;
}

/** Opens the activity page and waits until the feed is live with at least one row. */
async function openActivity(page: Page, hubUrl: string): Promise<void> {
  await page.goto(`${hubUrl}/#/activity`);
  await waitForConnection(page, 'connected');
  await page.locator(`${BADGE}[data-state="live"]`).waitFor({ timeout: 20_000 });
  if ((await page.locator(ROW).count()) === 0) await publishGoal(hubUrl, 'Warm-up goal');
  await page.locator(ROW).first().waitFor({ timeout: 20_000 });
}

declare global {
  interface Window {
    /** Per watched text: every distinct state of its rows, as "<count>:<data-pending values>". */
    __feedSeen?: Record<string, string[]>;
  }
}

/**
 * Records, on every DOM change, how many feed rows contain `text` and their `data-pending` values, so a
 * test sees every state React committed (a pending row that lived for a few ms included).
 */
async function watchRows(page: Page, text: string): Promise<void> {
  await page.evaluate((watched) => {
    const seen: string[] = [];
    window.__feedSeen = { ...(window.__feedSeen ?? {}), [watched]: seen };
    const note = (): void => {
      const rows = [...document.querySelectorAll('.feed__item')].filter((r) =>
        r.textContent?.includes(watched),
      );
      const state = `${rows.length}:${rows.map((r) => r.getAttribute('data-pending')).join(',')}`;
      if (seen.at(-1) !== state) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-pending'],
    });
  }, text);
}

const seenStates = (page: Page, text: string): Promise<string[]> =>
  page.evaluate((watched) => window.__feedSeen?.[watched] ?? [], text);

async function post(page: Page, text: string): Promise<void> {
  await page.getByLabel('Post an update').fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
}

const animationName = (page: Page, selector: string): Promise<string> =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => getComputedStyle(el).animationName);

describe('dashboard: the activity feed (optimistic posts, highlights, "N new", reduced motion)', () => {
  const demo = useDemo();

  it('a post shows at once, pending, and is exactly one row with its id after the ack', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await openActivity(page, hub.url);
    const text = `Kickoff went well ${randomUUID().slice(0, 6)}`;
    await watchRows(page, text);
    await post(page, text);
    const row = page.locator(ROW, { hasText: text });
    await row.and(page.locator('[data-pending="false"]')).waitFor({ timeout: 20_000 });
    const id = await row.getAttribute('data-id');
    expect(id).toBeTruthy();
    expect(await page.locator(`${ROW}[data-id="${id}"]`).count()).toBe(1);
    // Every committed state: nothing, one pending row, the same one row confirmed. Never two.
    expect(await seenStates(page, text)).toEqual(['0:', '1:true', '1:false']);
    const stored = (await history(hub.url, CHANNEL)).filter((e) => e.id === id);
    expect(stored).toHaveLength(1);
    expect(await row.getAttribute('data-seq')).toBe(String(stored[0]?.seq));
  });

  it('a post while the connection is cut waits pending ("Queued · offline"), then is delivered once', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await openActivity(page, hub.url);
    await page.getByRole('button', { name: /Cut connection for 5 s/ }).click();
    await waitForConnection(page, 'reconnecting');
    const text = `Posted offline ${randomUUID().slice(0, 6)}`;
    await watchRows(page, text);
    await post(page, text);
    const row = page.locator(ROW, { hasText: text });
    await row.and(page.locator('[data-pending="true"]')).waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain('Queued · offline');
    expect(await row.getAttribute('aria-busy')).toBe('true');
    await row.and(page.locator('[data-pending="false"]')).waitFor({ timeout: 30_000 });
    const id = await row.getAttribute('data-id');
    expect(await page.locator(`${ROW}[data-id="${id}"]`).count()).toBe(1);
    expect(await seenStates(page, text)).toEqual(['0:', '1:true', '1:false']);
    expect((await history(hub.url, CHANNEL)).filter((e) => e.id === id)).toHaveLength(1);
  });

  it('a new row carries the highlight attribute, which clears; the live badge pulses; both animate', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await openActivity(page, hub.url);
    const id = await publishGoal(hub.url, `Highlight me ${randomUUID().slice(0, 6)}`);
    const row = page.locator(`${ROW}[data-id="${id}"]`);
    await row.and(page.locator('[data-herald-highlight="new"]')).waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('New'); // text, not colour alone
    expect(await row.evaluate((el) => getComputedStyle(el).animationName)).toBe('herald-highlight-fade');
    const pulsing = page.locator(`${BADGE}[data-pulse]`);
    await pulsing.waitFor({ timeout: 5_000 });
    expect(await animationName(page, `${BADGE}[data-pulse]`)).toBe('herald-live-pulse');
    // The highlight lasts 3 s, then the attribute and the tag are gone.
    await row.and(page.locator(':not([data-herald-highlight])')).waitFor({ timeout: 10_000 });
    expect(await row.locator('.feed__tag').count()).toBe(0);
  });

  it('with reduced motion emulated, badge and highlight do not animate (a static mark stays)', async () => {
    const { hub, newPage } = demo();
    const page = await newPage({ reducedMotion: 'reduce' });
    await openActivity(page, hub.url);
    const id = await publishGoal(hub.url, `Calm please ${randomUUID().slice(0, 6)}`);
    const row = page.locator(`${ROW}[data-id="${id}"][data-herald-highlight]`);
    await row.waitFor({ timeout: 20_000 });
    await page.locator(`${BADGE}[data-pulse]`).waitFor({ timeout: 5_000 });
    expect(await row.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    expect(await animationName(page, `${BADGE}[data-pulse]`)).toBe('none');
    // The change is still visible without motion: a background on the row, a ring on the badge.
    expect(await row.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await animationName(page, BADGE)).toBe('none');
    expect(
      await page.locator(`${BADGE}[data-pulse]`).evaluate((el) => getComputedStyle(el).boxShadow),
    ).not.toBe('none');
  });

  it('"N new activities" counts rows that arrive while scrolled away and clears on click; axe is clean', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await openActivity(page, hub.url);
    for (let i = 0; i < 25; i++) await publishGoal(hub.url, `Backlog goal ${i}`);
    await page.locator(ROW).nth(24).waitFor({ timeout: 20_000 });
    const scroller = page.locator('.feed-scroll');
    const newestSeq = () =>
      page.evaluate(() =>
        Math.max(
          ...[...document.querySelectorAll('.feed__item[data-seq]')].map((r) =>
            Number(r.getAttribute('data-seq')),
          ),
        ),
      );

    // Scroll away; retry if the simulator published in between (then the baseline is ambiguous).
    let baseline = -1;
    for (let attempt = 0; attempt < 5 && baseline < 0; attempt++) {
      await scroller.evaluate((el) => {
        el.scrollTop = 0;
        el.dispatchEvent(new Event('scroll'));
      });
      await page.locator('.feed-scroll[data-at-live-end="true"]').waitFor();
      const before = await newestSeq();
      await scroller.evaluate((el) => {
        el.scrollTop = 600;
        el.dispatchEvent(new Event('scroll'));
      });
      await page.locator('.feed-scroll[data-at-live-end="false"]').waitFor();
      if ((await newestSeq()) === before) baseline = before;
    }
    expect(baseline).toBeGreaterThan(0);

    for (let i = 0; i < 3; i++) await publishGoal(hub.url, `Arrived while away ${i}`);
    const button = page.locator('.feed-new button');
    await button.waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (since) => {
        const fresh = [...document.querySelectorAll('.feed__item[data-seq]')].filter(
          (r) => Number(r.getAttribute('data-seq')) > since,
        ).length;
        return (
          fresh >= 3 &&
          document.querySelector('.feed-new button')?.getAttribute('data-count') === String(fresh)
        );
      },
      baseline,
      { timeout: 20_000 },
    );
    const count = Number(await button.getAttribute('data-count'));
    expect(count).toBeGreaterThanOrEqual(3);
    expect((await button.textContent())?.trim()).toBe(`↑ ${count} new activities`);
    // The reader stays where they were: scroll anchoring keeps the view off the live end.
    expect(await scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);

    // axe while everything is on screen: the "N new" control, highlighted rows, the badge.
    const serious: string[] = [];
    for (const v of await axeViolations(page)) {
      const line = `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`;
      console.log(`axe activity: ${line}`);
      if (v.impact === 'serious' || v.impact === 'critical') serious.push(line);
    }
    expect(serious).toEqual([]);

    await button.click();
    await page.locator('.feed-scroll[data-at-live-end="true"]').waitFor({ timeout: 5_000 });
    expect(await scroller.evaluate((el) => el.scrollTop)).toBe(0);
    expect(await page.locator('.feed-new button').count()).toBe(0);
  });

  it('axe finds no serious or critical violation on the activity page in dark mode, with a pending post', async () => {
    const { hub, newPage } = demo();
    const page = await newPage({ colorScheme: 'dark' });
    await openActivity(page, hub.url);
    await page.getByRole('button', { name: /Cut connection for 5 s/ }).click();
    await waitForConnection(page, 'reconnecting');
    await post(page, `Dark mode post ${randomUUID().slice(0, 6)}`);
    await page.locator(`${ROW}[data-pending="true"]`).waitFor({ timeout: 5_000 });
    const serious: string[] = [];
    for (const v of await axeViolations(page)) {
      const line = `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`;
      console.log(`axe activity dark: ${line}`);
      if (v.impact === 'serious' || v.impact === 'critical') serious.push(line);
    }
    expect(serious).toEqual([]);
  });
});
