import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDemo } from './support/fixture.js';
import { history } from './support/http.js';
import { recordEventLogRows, seenRows, waitForConnection, waitForLastSeq } from './support/page.js';
import { freshRunId, RUN_NODES, runPublisher } from './support/run-events.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** The hub's `herald_connections` gauge: open WebSocket connections (packages/hub/src/metrics.ts). */
async function hubConnections(hubUrl: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('herald_connections '));
  if (line === undefined) throw new Error('no herald_connections gauge in /metrics');
  return Number(line.split(' ')[1]);
}

/** The seqs a page's event log rendered, sorted. */
const shown = async (page: Page): Promise<number[]> =>
  Object.keys(await seenRows(page))
    .map(Number)
    .sort((a, b) => a - b);

/**
 * Opens `runs.length` dashboard tabs in one browser context (one origin: they share Web Locks and
 * BroadcastChannel), each on its own run. The first is opened alone and connected before the others,
 * so it is the one that takes the lock and leads.
 */
async function openTabs(context: BrowserContext, hubUrl: string, runs: readonly string[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (const runId of runs) {
    const page = await context.newPage();
    await recordEventLogRows(page);
    await page.goto(`${hubUrl}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');
    pages.push(page);
  }
  return pages;
}

/** Whether the page's client holds the origin's lock (leads): exactly one tab does. */
const lockState = (page: Page) =>
  page.evaluate(async () => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return { held: held.length, pending: pending.length };
  });

// Issue 12, tab sharing: the dashboard turns it on (apps/dashboard/src/client.ts).
describe('dashboard: three tabs share one connection', () => {
  const demo = useDemo();

  it('opens one WebSocket for three tabs, each shows its run; after the leader closes, the others go on, 1..N', async () => {
    const { hub, browser } = demo();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const runIds = [freshRunId('tabs_a'), freshRunId('tabs_b'), freshRunId('tabs_c')];
      const pages = await openTabs(context, hub.url, runIds);
      const runs = runIds.map((id) => runPublisher(hub.url, id));
      await expect.poll(() => hubConnections(hub.url), { timeout: 10_000 }).toBe(1);
      expect(await lockState(pages[0]!)).toEqual({ held: 1, pending: 2 });

      // Every tab shows every event of its own run.
      const last = [0, 0, 0];
      for (const [i, run] of runs.entries()) {
        await run.started();
        for (const node of RUN_NODES.slice(0, 3)) {
          await run.nodeStart(node);
          last[i] = await run.nodeEnd(node);
        }
      }
      for (const [i, page] of pages.entries()) {
        await waitForLastSeq(page, last[i]!);
        expect(await shown(page)).toEqual(range(last[i]!));
      }
      await expect.poll(() => hubConnections(hub.url)).toBe(1);

      // The leader closes; one of the others takes the lock and the connection.
      await pages[0]!.close();
      const [, b, c] = pages as [Page, Page, Page];
      // Published right away, while the lock changes hands: these arrive by catch-up, not live.
      for (const [i, run] of runs.entries())
        if (i > 0) {
          await run.nodeStart(RUN_NODES[3]);
          last[i] = await run.nodeEnd(RUN_NODES[3]);
        }
      await expect.poll(() => lockState(b), { timeout: 10_000 }).toEqual({ held: 1, pending: 1 });
      await waitForConnection(b, 'connected', 15_000);
      await waitForConnection(c, 'connected', 15_000);
      for (const [i, run] of runs.entries())
        if (i > 0)
          for (const node of RUN_NODES.slice(4)) {
            await run.nodeStart(node);
            last[i] = await run.nodeEnd(node);
          }
      for (const [i, page] of [b, c].entries()) {
        await waitForLastSeq(page, last[i + 1]!);
        expect(await shown(page)).toEqual(range(last[i + 1]!));
        expect(await page.locator('.herald-event-log [data-count]').getAttribute('data-count')).toBe(
          String(last[i + 1]),
        );
      }
      await expect.poll(() => hubConnections(hub.url), { timeout: 10_000 }).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('a note queued offline in a follower tab is stored exactly once, across a change of leader', async () => {
    const { hub, browser } = demo();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const runId = freshRunId('tabs_note');
      await runPublisher(hub.url, runId).started();
      const [leader, b, c] = (await openTabs(context, hub.url, [runId, runId, runId])) as [Page, Page, Page];
      await expect.poll(() => hubConnections(hub.url), { timeout: 10_000 }).toBe(1);

      await context.setOffline(true);
      // Every tab shows the one connection's state, not its own link's.
      for (const page of [leader, b, c])
        await expect
          .poll(() => page.locator('.topbar .herald-connection').getAttribute('data-state'))
          .not.toBe('connected');

      const text = `Offline note from a follower ${runId}`;
      await c.getByLabel('Add a note').fill(text);
      await c.getByRole('button', { name: 'Post note' }).click();
      const note = c.locator('.note', { hasText: text });
      await expect.poll(() => note.getAttribute('data-note-state')).toBe('queued');
      expect(await note.textContent()).toContain('Queued · offline');
      await expect.poll(() => c.locator('[data-outbox-depth]').getAttribute('data-outbox-depth')).toBe('1');
      expect(await history(hub.url, `notes:${runId}`)).toEqual([]);

      // The leader, whose outbox holds the note, goes while offline; the next leader sends it.
      await leader.close();
      await expect.poll(() => lockState(b), { timeout: 10_000 }).toEqual({ held: 1, pending: 1 });
      await context.setOffline(false);
      await waitForConnection(b, 'connected', 30_000);
      await waitForConnection(c, 'connected', 30_000);
      await expect.poll(() => note.getAttribute('data-note-state'), { timeout: 20_000 }).toBe('delivered');
      await expect.poll(() => c.locator('[data-outbox-depth]').getAttribute('data-outbox-depth')).toBe('0');

      const stored = await history(hub.url, `notes:${runId}`);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ seq: 1, type: 'note.added', data: { text, run_id: runId } });
      expect(stored[0]?.id).toBe(await note.getAttribute('data-note-id'));
      // The other follower shows it once, from the channel.
      const elsewhere = b.locator('.note', { hasText: text });
      await expect.poll(() => elsewhere.count()).toBe(1);
      expect(await elsewhere.getAttribute('data-note-state')).toBe('delivered');
      await expect.poll(() => hubConnections(hub.url), { timeout: 10_000 }).toBe(1);
    } finally {
      await context.close();
    }
  });
});
