import type { Envelope } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createNatsBroker, createNatsStore } from '../../src/store/nats/index.js';
import { createRedisBroker } from '../../src/store/redis-broker.js';
import { testStreams } from '../engines/nats.js';
import { startPrivateNats } from '../engines/private-nats.js';
import { startPrivateRedis } from '../engines/private-redis.js';
import { type Cleanups, runCleanups } from '../engines/scenario.js';

// A broker's `onResync` fires once its subscription is live again after a loss, never on the first
// connect: the hub then has every subscribed channel compare itself with the store (PostgreSQL's is
// tested in postgres-broker.test.ts, the hub's use of it in epoch-reset.test.ts).

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

const envelope = (seq: number): Envelope => ({
  channel: 'c',
  seq,
  id: `id-${seq}`,
  ts: '2026-01-01T00:00:00.000Z',
  type: 't',
  data: { seq },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('broker resync after a reconnect', () => {
  it('Redis: after its subscriber connection is cut, once it is subscribed again', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.disconnect());
    const [a, b] = [0, 1].map(() => createRedisBroker({ url: redis.url, keyPrefix: redis.keyPrefix }));
    if (a === undefined || b === undefined) throw new Error('two brokers');
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    await Promise.all([a.ready(), b.ready()]);
    const received: number[] = [];
    b.onEnvelopes((_, envelopes) => received.push(...envelopes.map((e) => e.seq)));
    const heard: number[] = [];
    b.onResync(() => heard.push(received.length));
    await sleep(200);
    expect(heard).toEqual([]);

    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor(() => heard.length === 1, { timeoutMs: 5_000 });
    // Told once the subscription is live: a publish right after the resync is heard.
    await a.publish('c', [envelope(1)]);
    await waitFor(() => received.includes(1), { timeoutMs: 2_000 });
    await sleep(300);
    expect(heard).toEqual([0]);
  }, 30_000);

  it('NATS: after a server restart', async () => {
    const nats = await startPrivateNats();
    cleanups.push(() => nats.stop());
    const store = createNatsStore({ servers: nats.url, ...testStreams(nats.url) });
    const broker = createNatsBroker({ servers: nats.url, store, onError: () => {} });
    cleanups.push(
      () => store.close(),
      () => broker.close(),
    );
    await broker.ready();
    let resyncs = 0;
    broker.onResync(() => resyncs++);
    await sleep(200);
    expect(resyncs).toBe(0);

    await nats.restart();
    await waitFor(() => resyncs === 1, { timeoutMs: 15_000 });
    await sleep(300);
    expect(resyncs).toBe(1);
  }, 30_000);
});
