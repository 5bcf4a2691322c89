import { seqs, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Broker,
  createLocalBroker,
  createMemoryStore,
  type EventStore,
  startHub,
} from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('a live-feed hole the store cannot fill', () => {
  it('is never skipped silently: the subscriber is closed with 1011 and resumes with nothing missing', async () => {
    const inner = createMemoryStore();
    let readsFail = false;
    const store: EventStore = {
      append: (c, i) => inner.append(c, i),
      info: (c) => inner.info(c),
      state: (c) => inner.state(c),
      read: (c, after, limit) =>
        readsFail ? Promise.reject(new Error('store unavailable')) : inner.read(c, after, limit),
      trim: () => inner.trim(),
      close: () => inner.close(),
    };
    cleanups.push(() => inner.close());
    const local = createLocalBroker();
    let dropNext = false;
    const broker: Broker = {
      publish: (channel, envelopes) => local.publish(channel, envelopes),
      onEnvelopes: (handler) =>
        local.onEnvelopes((channel, envelopes) => {
          if (dropNext) dropNext = false;
          else handler(channel, envelopes);
        }),
      close: () => local.close(),
    };
    cleanups.push(() => local.close());
    const hub = await startHub({ port: 0, logger: false, store, broker });
    cleanups.push(() => hub.close());

    const client = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => client.close());
    const sub = (await client.subscribe('c')) as { epoch: string };
    await hub.publish('c', [{ type: 't', data: 1 }]);
    await waitFor(() => client.events('c').length === 1);
    dropNext = true;
    await hub.publish('c', [{ type: 't', data: 2 }]);
    readsFail = true;
    await hub.publish('c', [{ type: 't', data: 3 }]);
    expect((await client.closed()).code).toBe(1011);
    expect(seqs(client.events('c'))).toEqual([1]);

    readsFail = false;
    const again = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => again.close());
    expect(await again.subscribe('c', { epoch: sub.epoch, seq: 1 })).toMatchObject({ recovered: true });
    await waitFor(() => again.events('c').length === 2);
    expect(seqs(again.events('c'))).toEqual([2, 3]);
  });
});
