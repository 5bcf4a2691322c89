import { describe, expect, it } from 'vitest';
import { useDemo } from './support/fixture.js';
import { pause, publish } from './support/http.js';
import { recordEventLogRows, seenRows, waitForConnection, waitForLastSeq } from './support/page.js';
import { freshRunId } from './support/run-events.js';

const PROBES = 30;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

// Seed 000 success criterion: "Events stream to UI within 1s of emission (verified with timestamps)".
describe('dashboard: publish → visible latency', () => {
  const demo = useDemo();

  it(`shows each of ${PROBES} HTTP-published events in the DOM within 1 s`, async () => {
    const { hub, newPage } = demo();
    const page = await newPage();
    await recordEventLogRows(page);
    const runId = freshRunId('latency');
    const channel = `run:${runId}`;
    await page.goto(`${hub.url}/#/runs/${runId}`);
    await waitForConnection(page, 'connected');
    // A warm-up event proves the subscription is live before the clock starts.
    const warm = await publish(hub.url, channel, 'probe.warmup', { run_id: runId });
    await waitForLastSeq(page, warm);

    const sentAt = new Map<number, number>();
    for (let i = 0; i < PROBES; i++) {
      const t = Date.now();
      const seq = await publish(hub.url, channel, 'probe', { run_id: runId, i, sent_at: t });
      sentAt.set(seq, t);
      await pause(60);
    }
    await waitForLastSeq(page, warm + PROBES);

    const seen = await seenRows(page);
    const latencies = [...sentAt].map(([seq, t]) => {
      const at = seen[seq];
      if (at === undefined) throw new Error(`seq ${seq} never appeared in the event log`);
      return at - t;
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(
      `publish → visible latency over ${PROBES} events: p50 ${p50} ms, p99 ${p99} ms, max ${sorted.at(-1)} ms`,
    );
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
  });
});
