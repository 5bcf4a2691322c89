import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDemo } from './support/fixture.js';
import { waitForConnection, waitForLastSeq } from './support/page.js';
import { freshRunId, runPublisher } from './support/run-events.js';

/** What the run page showed in one frame: the job's status, its completed steps, the running step, the lyrics. */
interface Frame {
  readonly status: string | null;
  readonly completed: number;
  readonly running: string | null;
  readonly lyrics: number | null;
}

declare global {
  interface Window {
    __frames?: Frame[];
  }
}

/**
 * Before any page script runs (on every load, reloads included), records each distinct frame the run page
 * draws once the job is no longer loading (`.herald-job` not `aria-busy`). A page that rebuilt the run
 * step by step would draw frames with fewer completed steps or a shorter text on its way.
 */
async function recordFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const frames: Frame[] = [];
    window.__frames = frames;
    let last = '';
    new MutationObserver(() => {
      const job = document.querySelector('.herald-job');
      if (job?.getAttribute('aria-busy') !== 'false') return;
      const lyrics = document.querySelector('[data-testid="lyrics"]');
      const frame: Frame = {
        status: job.getAttribute('data-status'),
        completed: job.querySelectorAll('.herald-job__step[data-status="completed"]').length,
        running:
          job.querySelector('.herald-job__step[data-status="running"]')?.getAttribute('data-step') ?? null,
        lyrics: lyrics ? Number(lyrics.getAttribute('data-length')) : null,
      };
      const key = JSON.stringify(frame);
      if (key !== last) frames.push(frame);
      last = key;
    }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  });
}

/** Every frame drawn once the job was no longer loading: the first must be the whole run so far. */
async function framesWithJob(page: Page): Promise<Frame[]> {
  return (await page.evaluate(() => window.__frames)) ?? [];
}

// Issue 10: reloading a run page mid-run shows the full state at once, from the snapshot.
describe('dashboard: a run page opened or reloaded mid-run', () => {
  const demo = useDemo();

  it('shows the whole run so far in its first frame, lyrics included, then follows it live', async () => {
    const { hub, newPage } = demo();
    const runId = freshRunId('snapshot');
    const run = runPublisher(hub.url, runId, 'Glass Horizon');
    await run.started();
    for (const node of ['PLAN', 'STYLE']) {
      await run.nodeStart(node);
      await run.nodeEnd(node);
    }
    await run.nodeStart('LYRICS');
    const words = Array.from({ length: 60 }, (_, i) => `word${i} `);
    let seq = 0;
    for (const [i, w] of words.entries()) seq = await run.token(i, w, (i + 1) / 100);
    const sent = words.join('');

    const page = await newPage();
    await recordFrames(page);
    await page.goto(`${hub.url}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');
    await page.locator('.herald-job[data-status="running"][aria-busy="false"]').waitFor();
    const whole = { status: 'running', completed: 2, running: 'LYRICS', lyrics: sent.length };
    expect((await framesWithJob(page))[0]).toEqual(whole);
    expect(await page.locator('[data-testid="lyrics"]').textContent()).toBe(sent);
    await waitForLastSeq(page, seq);

    await page.reload();
    await waitForConnection(page, 'connected');
    await page.locator('.herald-job[data-status="running"][aria-busy="false"]').waitFor();
    expect(await framesWithJob(page)).toEqual([whole]);

    // Live after the snapshot: the next tokens extend the same text, and the step ends.
    const more = ['and ', 'then ', 'some'];
    for (const [i, w] of more.entries()) seq = await run.token(60 + i, w, 1);
    await expect.poll(() => page.locator('[data-testid="lyrics"]').textContent()).toBe(sent + more.join(''));
    seq = await run.nodeEnd('LYRICS');
    await page.locator('.herald-job__step[data-step="LYRICS"][data-status="completed"]').waitFor();
    await waitForLastSeq(page, seq);
  });
});
