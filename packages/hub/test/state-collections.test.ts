import {
  COLLECTION_EXPIRED_TYPE,
  collectionOps,
  type Envelope,
  expiryEventId,
  type PublishInput,
  type StateBody,
} from '@herald/protocol';
import { http, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectionExpiry } from '../src/collection-expiry.js';
import { getState, testScope } from './state-support.js';

const scope = testScope();
afterEach(() => scope.close());

async function history(hub: TestHub, channel: string): Promise<Envelope[]> {
  return ((await http(`${hub.url}/v1/channels/${channel}/events?after=0`)).body as { events: Envelope[] })
    .events;
}

const items = (body: StateBody): string[] =>
  Object.keys((body.state as { items?: Record<string, unknown> }).items ?? {}).sort();

describe('collection expiry on a real hub', () => {
  it('removes an expired entry with one herald.expired event, and leaves refreshed and untimed ones', async () => {
    const hub = await scope.hub({ sqlite: true });
    const now = Date.now();
    await hub.publish('runs', [
      { type: 'run', data: null, state: collectionOps.set('a', { n: 1 }, { ttlMs: 300, now }) },
      { type: 'run', data: null, state: collectionOps.set('b', { n: 2 }) },
      { type: 'run', data: null, state: collectionOps.set('c', { n: 3 }, { ttlMs: 300, now }) },
    ]);
    const c = await TestClient.connect(hub.wsUrl);
    scope.defer(() => c.close());
    await c.request({ type: 'subscribe', channel: 'runs', snapshot: true });
    // c is set again before it expires: its first expiry must not remove it.
    await hub.publish('runs', [
      { type: 'run', data: null, state: collectionOps.set('c', { n: 4 }, { ttlMs: 60_000 }) },
    ]);
    await waitFor(async () => items(await getState(hub, 'runs')).join() === 'b,c', { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const expired = (await history(hub, 'runs')).filter((e) => e.type === COLLECTION_EXPIRED_TYPE);
    expect(expired.map((e) => [e.id, e.data])).toEqual([[expiryEventId('a', now + 300), { key: 'a' }]]);
    expect(expired[0]?.state).toEqual(collectionOps.expire('a', now + 300));
    expect((await getState(hub, 'runs')).state).toMatchObject({ items: { b: { n: 2 }, c: { n: 4 } } });
    // Live subscribers receive the removal like any event.
    await waitFor(() => c.events('runs').some((e) => e.type === COLLECTION_EXPIRED_TYPE));
  });

  it('after a restart, schedules expiries again when the state is served, removing what is due at once', async () => {
    const hub = await scope.hub({ sqlite: true });
    await hub.publish('jobs', [
      { type: 'job', data: null, state: collectionOps.set('x', 1, { ttlMs: 200 }) },
      { type: 'job', data: null, state: collectionOps.set('y', 2) },
    ]);
    await hub.restart();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await waitFor(async () => {
      try {
        return (await http(`${hub.url}/healthz`)).status === 200;
      } catch {
        return false;
      }
    });
    // The restarted hub has not seen x yet; serving the state schedules it, already due.
    expect(items(await getState(hub, 'jobs'))).toEqual(['x', 'y']);
    await waitFor(async () => items(await getState(hub, 'jobs')).join() === 'y', { timeoutMs: 5_000 });
  });
});

describe('CollectionExpiry bound', () => {
  it('schedules at most maxScheduled keys and reschedules a key in place', async () => {
    const published: PublishInput[] = [];
    const full: string[] = [];
    const expiry = new CollectionExpiry({
      publish: async (_channel, events) => void published.push(...events),
      onError: (err) => {
        throw err;
      },
      onFull: (_channel, key) => full.push(key),
      maxScheduled: 2,
    });
    scope.defer(() => expiry.close());
    const soon = Date.now() + 50;
    expiry.schedule('c', 'k1', soon);
    expiry.schedule('c', 'k2', soon + 10_000);
    expiry.schedule('c', 'k3', soon);
    expect(expiry.size).toBe(2);
    expect(full).toEqual(['k3']);
    expiry.schedule('c', 'k2', soon + 20); // moved earlier, still one key
    expect(expiry.size).toBe(2);
    await waitFor(() => published.length === 2);
    expect(published.map((e) => e.id)).toEqual([expiryEventId('k1', soon), expiryEventId('k2', soon + 20)]);
    expect(expiry.size).toBe(0);
  });
});
