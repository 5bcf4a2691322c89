import { range, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubConnections, origin, watch } from './helpers.js';

let hub: TestHub;
let tabs: ReturnType<typeof origin>;
beforeEach(async () => {
  hub = await startTestHub({ heartbeatMs: 300 });
  tabs = origin(hub);
});
afterEach(async () => {
  tabs.close();
  await hub.close();
});

const publish = async (channel: string, from: number, to: number) => {
  for (let n = from; n <= to; n++) await hub.publish(channel, [{ type: 'step', data: { n } }]);
};

describe('tab sharing over a real hub', () => {
  it('three tabs hold one connection, show the same status, and each gets every event once, in order', async () => {
    const a = tabs.tab();
    const seenA = watch(a, 'run:1');
    await waitFor(() => a.state === 'connected');
    const b = tabs.tab();
    const c = tabs.tab();
    const seenB = watch(b, 'run:1');
    const seenC = watch(c, 'run:2');
    await waitFor(() => b.state === 'connected' && c.state === 'connected');
    expect([a.leading, b.leading, c.leading]).toEqual([true, false, false]);
    expect(b.getStatus()).toMatchObject({ state: 'connected', transport: 'websocket' });
    await waitFor(async () => (await hubConnections(hub)) === 1);

    // A subscription without `since` gets the events published after it is live: wait for each position.
    await waitFor(() => [seenA, seenB, seenC].every((seen) => seen.sub.position() !== null));
    await publish('run:1', 1, 20);
    await publish('run:2', 1, 5);
    await waitFor(
      () => seenA.events.length === 20 && seenB.events.length === 20 && seenC.events.length === 5,
    );
    expect(seenA.seqs()).toEqual(range(1, 20));
    expect(seenB.seqs()).toEqual(range(1, 20));
    expect(seenC.seqs()).toEqual(range(1, 5));
    expect(await hubConnections(hub)).toBe(1);
  });

  it('when the leader tab closes, another leads and the others keep a complete seq list', async () => {
    const a = tabs.tab();
    await waitFor(() => a.state === 'connected' || a.leading);
    const b = tabs.tab();
    const c = tabs.tab();
    const seenB = watch(b, 'run:x');
    const seenC = watch(c, 'run:x');
    await waitFor(() => seenB.sub.position() !== null && seenC.sub.position() !== null);
    await publish('run:x', 1, 10);
    await waitFor(() => seenB.events.length === 10 && seenC.events.length === 10);

    a.close();
    // Published while nobody leads: they arrive by the new leader's catch-up, not live.
    await publish('run:x', 11, 20);
    await waitFor(() => b.leading || c.leading, { timeoutMs: 5000 });
    await waitFor(() => b.state === 'connected' && c.state === 'connected');
    await publish('run:x', 21, 30);
    await waitFor(() => seenB.events.length === 30 && seenC.events.length === 30);
    expect(seenB.seqs()).toEqual(range(1, 30));
    expect(seenC.seqs()).toEqual(range(1, 30));
    expect(seenB.gaps).toEqual([]);
    await waitFor(async () => (await hubConnections(hub)) === 1);
  });

  it('a tab that subscribes from an older position is served the missing events from history, then live', async () => {
    const a = tabs.tab();
    const seenA = watch(a, 'run:h');
    await waitFor(() => seenA.sub.position() !== null);
    await publish('run:h', 1, 8);
    await waitFor(() => seenA.events.length === 8);
    const epoch = seenA.sub.position()!.epoch;
    const b = tabs.tab();
    const seenB: number[] = [];
    let recovered: boolean | undefined;
    b.subscribe('run:h', {
      since: { epoch, seq: 3 },
      onEvent: (e) => seenB.push(e.seq),
      onSubscribed: (info) => {
        recovered = info.recovered;
      },
    });
    await waitFor(() => seenB.length === 5);
    await publish('run:h', 9, 12);
    await waitFor(() => seenB.length === 9);
    expect(recovered).toBe(true);
    expect(seenB).toEqual(range(4, 12));
    expect(await hubConnections(hub)).toBe(1);
  });
});
