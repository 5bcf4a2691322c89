import { describe, expect, it } from 'vitest';
import { useDemo } from './support/fixture.js';
import { pause } from './support/http.js';
import { CONNECTION, waitForConnection, waitForLastSeq } from './support/page.js';
import { freshRunId, RUN_NODES, runPublisher } from './support/run-events.js';

// Seed 000 §5.5: the page connects, a started run streams node by node, a completed run shows its final state.
describe('dashboard: connect and stream a run', () => {
  const demo = useDemo();

  it('connects when the page opens: the header badge says Connected', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await page.goto(`${hub.url}/#/runs`);
    await waitForConnection(page, 'connected');
    await expect.poll(() => page.locator(CONNECTION).textContent()).toContain('Connected');
  });

  it('streams a started run node by node, then shows its completed state', async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    const runId = freshRunId();
    const run = runPublisher(hub.url, runId, 'Paper Satellites');
    await page.goto(`${hub.url}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');

    let seq = await run.started();
    await waitForLastSeq(page, seq);
    await expect.poll(() => page.locator('#run-title').textContent()).toBe('Paper Satellites');

    for (const node of RUN_NODES) {
      seq = await run.nodeStart(node);
      await page.locator(`.herald-job__step[data-step="${node}"][data-status="running"]`).waitFor();
      await pause(80);
      seq = await run.nodeEnd(node);
      await page.locator(`.herald-job__step[data-step="${node}"][data-status="completed"]`).waitFor();
      // Nodes after this one have not started yet: the UI follows the stream, it does not jump ahead.
      const later = RUN_NODES.slice(RUN_NODES.indexOf(node) + 1);
      for (const next of later) {
        expect(await page.locator(`.herald-job__step[data-step="${next}"]`).getAttribute('data-status')).toBe(
          'pending',
        );
      }
    }
    await waitForLastSeq(page, seq);

    const last = await run.completed();
    await waitForLastSeq(page, last);
    await page.locator('.herald-job[data-status="completed"]').waitFor();
    await expect.poll(() => page.locator('.run-head .badge').textContent()).toBe('Completed');
    await page.locator(`.run-item[data-run-id="${runId}"] .badge[data-status="completed"]`).waitFor();
    expect(await page.locator('.herald-event-log [data-count]').getAttribute('data-count')).toBe(
      String(last),
    );
  });
});
