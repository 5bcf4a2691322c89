import type { Page } from 'playwright-core';

/** The header's connection badge. */
export const CONNECTION = '.topbar .herald-connection';

/** Waits until the header badge reports `state` (`connected`, `reconnecting`, `offline` …). */
export async function waitForConnection(page: Page, state: string, timeoutMs = 20_000): Promise<void> {
  await page.locator(`${CONNECTION}[data-state="${state}"]`).waitFor({ timeout: timeoutMs });
}

/** Waits until the run view's event log holds `seq` as its last event. */
export async function waitForLastSeq(page: Page, seq: number, timeoutMs = 20_000): Promise<void> {
  await page.locator(`.herald-event-log [data-last-seq="${seq}"]`).waitFor({ timeout: timeoutMs });
}

declare global {
  interface Window {
    /** seq → Date.now() when a row with that `data-seq` first appeared in an event log. */
    __heraldSeen?: Record<number, number>;
  }
}

/**
 * Before any page script runs, installs a MutationObserver that records when each event-log row
 * (`.herald-event-log [data-seq]`) first appears. The log is virtualised, so "was every seq rendered"
 * is answered by this record rather than by the rows present at the end.
 */
export async function recordEventLogRows(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: Record<number, number> = {};
    window.__heraldSeen = seen;
    const note = (el: Element): void => {
      if (!el.closest('.herald-event-log')) return;
      const seq = Number(el.getAttribute('data-seq'));
      if (Number.isInteger(seq) && seen[seq] === undefined) seen[seq] = Date.now();
    };
    const scan = (node: Node): void => {
      if (!(node instanceof Element)) return;
      if (node.hasAttribute('data-seq')) note(node);
      for (const el of node.querySelectorAll('[data-seq]')) note(el);
    };
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === 'attributes') scan(m.target);
        for (const added of m.addedNodes) scan(added);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-seq'] });
  });
}

/** The rows recorded by {@link recordEventLogRows}: seq → first-seen epoch ms. */
export async function seenRows(page: Page): Promise<Record<number, number>> {
  return page.evaluate(() => ({ ...(window.__heraldSeen ?? {}) }));
}
