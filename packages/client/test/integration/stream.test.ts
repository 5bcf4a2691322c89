import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, range, type Scenario, scenario, sleep, stream } from './helpers.js';

// Real hub, real sockets through the fault proxy, real time. Backoff is capped at 250 ms and the hub
// heartbeat is 300 ms, so "5 s / 30 s / 60 s" outages run as 0.5 s / 1.5 s / 3 s.

let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

/** The subscriber saw exactly 1..n: nothing lost, nothing duplicated, order kept. */
function expectExact(got: { seqs(): number[]; data(): unknown[]; gaps: unknown[] }, n: number) {
  expect(got.seqs()).toEqual(range(n));
  expect(got.data()).toEqual(range(n).map((k) => ({ n: k })));
  expect(got.gaps).toEqual([]);
}

describe('client against a real hub through a fault proxy', () => {
  it('survives a connection drop in the middle of a stream', async () => {
    s = await scenario();
    const got = collect(s.client, 'run:drop');
    await waitFor(() => s?.client.state === 'connected');
    await waitFor(() => got.sub.position() !== null);
    const pub = stream(s.hub, 'run:drop', 300);
    await waitFor(() => got.events.length >= 80);
    s.proxy.cutAll();
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(300), { timeoutMs: 20_000 });
    expectExact(got, 300);
    expect(s.client.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(s.client.stats().resumes).toBeGreaterThanOrEqual(1);
  });

  for (const [label, outageMs, mode] of [
    ['a "5 s" outage (0.5 s, refused connections)', 500, 'refuse'],
    ['a "30 s" outage (1.5 s, dead link detected by the heartbeat watchdog)', 1500, 'blackhole'],
    ['a "60 s" outage (3 s, refused connections)', 3000, 'refuse'],
  ] as const) {
    it(`resumes with no loss after ${label}`, async () => {
      s = await scenario();
      const got = collect(s.client, 'run:outage');
      const states: string[] = [];
      s.client.on('state', (e) => states.push(e.newState));
      await waitFor(() => got.sub.position() !== null);
      const pub = stream(s.hub, 'run:outage', 400, 10);
      await waitFor(() => got.events.length >= 50);
      if (mode === 'refuse') {
        s.proxy.refuseNew(true);
        s.proxy.cutAll();
      } else s.proxy.blackhole(true);
      await sleep(outageMs);
      const duringOutage = got.events.length;
      if (mode === 'refuse') s.proxy.refuseNew(false);
      else s.proxy.blackhole(false);
      await pub.done;
      await waitFor(() => expect(got.events.length).toBe(400), { timeoutMs: 20_000 });
      expectExact(got, 400);
      expect(duringOutage).toBeLessThan(400);
      expect(states).toContain('reconnecting');
      expect(s.client.state).toBe('connected');
    });
  }

  it('stays exact through 20 rapid reconnects', async () => {
    s = await scenario();
    const got = collect(s.client, 'run:rapid');
    await waitFor(() => got.sub.position() !== null);
    const pub = stream(s.hub, 'run:rapid', 500, 3);
    for (let i = 0; i < 20; i++) {
      // Wait for the i-th new connection (and its resubscribe), then cut it.
      await waitFor(() => s?.client.state === 'connected' && s.client.stats().reconnects === i);
      s.proxy.cutAll();
    }
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(500), { timeoutMs: 30_000 });
    expectExact(got, 500);
    await waitFor(() => s?.client.state === 'connected' && s.client.stats().reconnects === 20);
  });

  it('resumes across a hub restart on the same SQLite data (same epoch, no gap)', async () => {
    s = await scenario({ sqlite: true });
    const got = collect(s.client, 'run:restart');
    await waitFor(() => got.sub.position() !== null);
    const epoch = got.sub.position()?.epoch;
    const pub = stream(s.hub, 'run:restart', 300, 5);
    await waitFor(() => got.events.length >= 60);
    await s.hub.restart();
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(300), { timeoutMs: 20_000 });
    expectExact(got, 300);
    expect(got.sub.position()).toEqual({ epoch, seq: 300 });
  });
});
