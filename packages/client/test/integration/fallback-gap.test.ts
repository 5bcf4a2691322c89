import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, range, type Scenario, scenario, stream } from './helpers.js';

let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('polling transport against a real hub', () => {
  it('streams exactly over HTTP polling, across a cut', async () => {
    s = await scenario({}, { transports: ['polling'], pollIntervalMs: 50 });
    const got = collect(s.client, 'run:poll');
    await waitFor(() => got.sub.position() !== null);
    expect(s.client.getStatus().transport).toBe('polling');
    const pub = stream(s.hub, 'run:poll', 200, 5);
    await waitFor(() => got.events.length >= 40);
    s.proxy.cutAll();
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(200), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(200));
    expect(got.gaps).toEqual([]);
  });

  it('falls back to polling when WebSocket upgrades keep failing', async () => {
    // A blackholed proxy accepts TCP but never answers, so every WebSocket attempt times out before it
    // ever connected. After three such failures the client switches to polling; the link then heals.
    s = await scenario(
      {},
      { transports: ['websocket', 'polling'], connectTimeoutMs: 200, pollIntervalMs: 50 },
    );
    s.proxy.blackhole(true);
    const got = collect(s.client, 'run:fallback');
    await waitFor(() => s?.client.getStatus().transport === 'polling', { timeoutMs: 15_000 });
    s.proxy.blackhole(false);
    await waitFor(() => got.sub.position() !== null, { timeoutMs: 15_000 });
    const pub = stream(s.hub, 'run:fallback', 50, 5);
    await pub.done;
    await waitFor(() => expect(got.seqs()).toEqual(range(50)), { timeoutMs: 20_000 });
  });
});

describe('gaps against a real hub', () => {
  it('raises one gap when a memory hub restarts with a new epoch, then continues from its lastSeq', async () => {
    s = await scenario();
    const got = collect(s.client, 'run:gap');
    await waitFor(() => got.sub.position() !== null);
    const first = stream(s.hub, 'run:gap', 20, 0);
    await first.done;
    await waitFor(() => got.events.length === 20);
    const oldEpoch = got.sub.position()?.epoch;
    await s.hub.restart(); // memory store: history and epoch are gone
    await waitFor(() => got.gaps.length === 1, { timeoutMs: 15_000 });
    expect(got.gaps[0]).toMatchObject({ channel: 'run:gap', last: { epoch: oldEpoch, seq: 20 }, lastSeq: 0 });
    await s.hub.publish('run:gap', [{ type: 'tick', data: { n: 'after' } }]);
    await waitFor(() => got.events.length === 21);
    expect(got.events[20]?.seq).toBe(1);
    expect(got.sub.position()?.epoch).not.toBe(oldEpoch);
    expect(got.gaps).toHaveLength(1);
    expect(s.client.stats().gaps).toBe(1);
  });
});
