import { describe, expect, it } from 'vitest';
import { useDemo } from './support/fixture.js';
import { history } from './support/http.js';
import {
  CONNECTION,
  recordEventLogRows,
  seenRows,
  waitForConnection,
  waitForLastSeq,
} from './support/page.js';
import { freshRunId, runPublisher } from './support/run-events.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

// Seed 000 §5.5: a dropped connection reconnects with no event lost, and the outbox flushes when back online.
describe('dashboard: resume and outbox', () => {
  const demo = useDemo();

  it('shows Reconnecting while the connection is cut, then resumes with every event (seq 1..N)', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await recordEventLogRows(page);
    const runId = freshRunId('resume');
    const run = runPublisher(hub.url, runId);
    await page.goto(`${hub.url}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');

    await run.started();
    await run.nodeStart('PLAN');
    const before = await run.nodeEnd('PLAN');
    await waitForLastSeq(page, before);

    await page.getByRole('button', { name: /Cut connection for 5 s/ }).click();
    await waitForConnection(page, 'reconnecting', 5_000);
    await expect.poll(() => page.locator(CONNECTION).textContent()).toMatch(/Reconnecting/);

    // Published while the dashboard is cut off: these must arrive by replay, not live.
    let last = before;
    for (const node of ['STYLE', 'LYRICS', 'PRODUCER']) {
      await run.nodeStart(node);
      last = await run.nodeEnd(node);
    }
    expect(await page.locator(CONNECTION).getAttribute('data-state')).not.toBe('connected');

    await waitForConnection(page, 'connected', 30_000);
    await waitForLastSeq(page, last);
    const seen = Object.keys(await seenRows(page))
      .map(Number)
      .sort((a, b) => a - b);
    expect(seen).toEqual(range(last));
    expect(await page.locator('.herald-event-log [data-count]').getAttribute('data-count')).toBe(
      String(last),
    );
    await page.locator('.herald-job__step[data-step="PRODUCER"][data-status="completed"]').waitFor();

    const completed = await run.completed();
    await waitForLastSeq(page, completed);
    await page.locator('.herald-job[data-status="completed"]').waitFor();
  });

  it('queues a note while offline and delivers it exactly once when back online', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    const runId = freshRunId('outbox');
    const run = runPublisher(hub.url, runId);
    await run.started();
    await page.goto(`${hub.url}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');

    await page.context().setOffline(true);
    await expect.poll(() => page.locator(CONNECTION).getAttribute('data-state')).not.toBe('connected');

    const text = `Offline note ${runId}`;
    await page.getByLabel('Add a note').fill(text);
    await page.getByRole('button', { name: 'Post note' }).click();
    const note = page.locator('.note', { hasText: text });
    await expect.poll(() => note.getAttribute('data-note-state')).toBe('queued');
    await expect.poll(() => page.locator('[data-outbox-depth]').getAttribute('data-outbox-depth')).toBe('1');
    expect(await history(hub.url, `notes:${runId}`)).toEqual([]);

    await page.context().setOffline(false);
    await waitForConnection(page, 'connected', 30_000);
    await expect.poll(() => note.getAttribute('data-note-state'), { timeout: 20_000 }).toBe('delivered');
    await expect.poll(() => page.locator('[data-outbox-depth]').getAttribute('data-outbox-depth')).toBe('0');

    const stored = await history(hub.url, `notes:${runId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ seq: 1, type: 'note.added', data: { text, run_id: runId } });
    expect(stored[0]?.id).toBe(await note.getAttribute('data-note-id'));
  });
});
