import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import { useDemo } from './support/fixture.js';
import { waitForConnection, waitForLastSeq } from './support/page.js';
import { freshRunId, runPublisher } from './support/run-events.js';

// Every dashboard page, in light and dark: no serious or critical axe-core violations.
describe('dashboard: accessibility (axe-core)', () => {
  const demo = useDemo();

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical violations on any page (${colorScheme})`, async () => {
      const { hub, newPage } = demo();
      const page = await newPage({ colorScheme });
      const runId = freshRunId('a11y');
      const run = runPublisher(hub.url, runId);
      await run.started();
      await run.nodeStart('PLAN');
      await run.nodeEnd('PLAN', { artifacts: { plan: { sections: ['Verse', 'Chorus'] } } });
      const seq = await run.nodeStart('STYLE');

      const pages: [string, () => Promise<void>][] = [
        [`#/runs/${runId}`, () => waitForLastSeq(page, seq)],
        ['#/generations', () => page.locator('.job').first().waitFor({ timeout: 30_000 })],
        ['#/activity', () => page.locator('.feed__item').first().waitFor({ timeout: 30_000 })],
      ];
      const serious: string[] = [];
      for (const [hash, ready] of pages) {
        await page.goto(`${hub.url}/${hash}`);
        await waitForConnection(page, 'connected');
        await ready();
        const violations = await axeViolations(page);
        for (const v of violations) {
          const line = `${hash} [${v.impact}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`;
          console.log(`axe ${colorScheme}: ${line}`);
          if (v.impact === 'serious' || v.impact === 'critical') serious.push(line);
        }
      }
      expect(serious).toEqual([]);
    });
  }
});
