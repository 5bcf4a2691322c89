import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, range, seqs, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { hubMemoryCeiling } from '../src/memory-ceiling.js';
import { residentBytes, runScript } from './engines/child-process.js';

const HUB = fileURLToPath(new URL('./engines/sqlite-hub.ts', import.meta.url));
const LOAD = fileURLToPath(new URL('./engines/replay-load.ts', import.meta.url));

const MiB = 1024 * 1024;
/** The hostile load of issue 13: large events, replayed by many at once and read in large pages. */
const EVENTS = 80;
const EVENT_DATA = 768 * 1024;
const SUBSCRIBERS = 16;
const READERS = 4;
const LIMITS = { maxEventBytes: MiB, maxBufferedBytes: 2 * MiB, maxBodyBytes: 2 * MiB };

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('replay and history reads of large events', () => {
  it('stay under the documented memory ceiling and keep a neighbour channel fast', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-replay-memory-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // The hub runs alone in its process, so its resident memory is its own.
    const hub = runScript(HUB, { dir, limits: LIMITS });
    cleanups.push(() => hub.stop());
    const { url, wsUrl } = await hub.line<{ url: string; wsUrl: string }>('READY');
    const pid = hub.proc.pid as number;

    const data = 'x'.repeat(EVENT_DATA);
    for (let i = 1; i <= EVENTS; i++) {
      const res = await http(`${url}/v1/channels/big/events`, { body: { type: 'blob', data, id: `b${i}` } });
      expect(res.status).toBe(201);
    }

    // The neighbour: its own channel, published to every 20 ms, each event stamped with its send time.
    const neighbour = await TestClient.connect(wsUrl);
    cleanups.push(() => neighbour.close());
    await neighbour.subscribe('neighbour');
    const latencies: number[] = [];
    const arrived = new Map<number, number>();
    (neighbour.ws as { on(event: 'message', fn: () => void): void }).on('message', () => {
      for (const e of neighbour.events('neighbour')) {
        if (!arrived.has(e.seq)) arrived.set(e.seq, Date.now());
      }
    });
    let ticking = true;
    let sent = 0;
    const sentAt = new Map<number, number>();
    const ticker = (async () => {
      while (ticking) {
        const at = Date.now();
        const res = await http(`${url}/v1/channels/neighbour/events`, {
          body: { type: 'tick', data: { at } },
        });
        const seq = (res.body as { events: { seq: number }[] }).events[0]?.seq ?? 0;
        sentAt.set(seq, at);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = residentBytes(pid);
    let sampledPeak = before.rss;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, residentBytes(pid).rss);
    }, 25);
    cleanups.push(() => clearInterval(sampler));

    const load = runScript(LOAD, {
      url,
      wsUrl,
      channel: 'big',
      lastSeq: EVENTS,
      subscribers: SUBSCRIBERS,
      readers: READERS,
      rounds: 1,
    });
    cleanups.push(() => load.stop());
    const result = await load.line<{
      subscribers: { events: number; inOrder: boolean; ms: number; closeCode?: number }[];
      readers: { events: number; inOrder: boolean; ms: number }[];
    }>('RESULT', 240_000);
    clearInterval(sampler);
    ticking = false;
    await ticker;
    const after = residentBytes(pid);

    // Every replaying subscriber got the whole channel in order, and no one was cut.
    expect(result.subscribers).toHaveLength(SUBSCRIBERS);
    for (const s of result.subscribers) expect(s).toMatchObject({ events: EVENTS, inOrder: true });
    for (const r of result.readers) expect(r).toMatchObject({ events: EVENTS, inOrder: true });

    // The hub is up, and its peak resident memory stayed under the ceiling PROTOCOL.md documents.
    expect(hub.proc.exitCode).toBeNull();
    const ceiling = hubMemoryCeiling({
      limits: { ...LIMITS, maxPageBytes: MiB },
      connections: SUBSCRIBERS + 1,
      historyReads: READERS,
      // The neighbour's publisher.
      publishes: 1,
    });
    const grew = after.peak - before.rss;
    console.log(
      `hub RSS ${(before.rss / MiB).toFixed(0)} MiB before, peak ${(after.peak / MiB).toFixed(0)} MiB ` +
        `(sampled ${(sampledPeak / MiB).toFixed(0)}), growth ${(grew / MiB).toFixed(0)} MiB, ` +
        `ceiling for the load ${(ceiling / MiB).toFixed(0)} MiB over the idle hub; ` +
        `replays ${Math.max(...result.subscribers.map((s) => s.ms))} ms, ` +
        `history walks ${Math.max(...result.readers.map((r) => r.ms))} ms`,
    );
    expect(grew).toBeLessThan(ceiling);

    // The neighbour received every event in order, promptly throughout.
    await waitFor(() => neighbour.events('neighbour').length === sent, { timeoutMs: 10_000 });
    expect(seqs(neighbour.events('neighbour'))).toEqual(range(1, sent));
    for (const [seq, at] of sentAt) latencies.push((arrived.get(seq) ?? Number.NaN) - at);
    const p99 = percentile(latencies, 99);
    console.log(
      `neighbour: ${sent} events, p50 ${percentile(latencies, 50)} ms, p99 ${p99} ms, ` +
        `max ${Math.max(...latencies)} ms`,
    );
    expect(sent).toBeGreaterThan(20);
    expect(p99).toBeLessThan(200);
  }, 300_000);
});
