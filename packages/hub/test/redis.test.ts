import { randomUUID } from 'node:crypto';
import { publishMany, range, seqs, TestClient, waitFor } from '@herald/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Broker, createRedisBroker, type Hub, type HubOptions, startHub } from '../src/index.js';

const REDIS = 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function node(keyPrefix: string, extra: HubOptions = {}): Promise<Hub> {
  const hub = await startHub({
    port: 0,
    logger: false,
    store: { kind: 'redis', url: REDIS, keyPrefix },
    ...extra,
  });
  cleanups.push(() => hub.close());
  return hub;
}

function cleanKeys(prefix: string): void {
  cleanups.push(async () => {
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
}

/** Wraps `inner` so its handlers never see every `nth` message it delivers (a lossy link between nodes). */
function lossy(inner: Broker, nth: number): Broker & { dropped: () => number } {
  let count = 0;
  let dropped = 0;
  return {
    publish: (channel, envelopes) => inner.publish(channel, envelopes),
    onEnvelopes: (handler) =>
      inner.onEnvelopes((channel, envelopes) => {
        if (++count % nth === 0) dropped++;
        else handler(channel, envelopes);
      }),
    close: () => inner.close(),
    dropped: () => dropped,
  };
}

describe('two hub nodes on one Redis', () => {
  it('fans out across nodes and resumes on the other node with no gap', async () => {
    const prefix = `herald-test-${randomUUID()}:`;
    cleanKeys(prefix);
    const a = await node(prefix);
    const b = await node(prefix);
    const onA = await TestClient.connect(a.wsUrl);
    cleanups.push(() => onA.close());
    const sub = (await onA.subscribe('run:r')) as { epoch: string };
    await publishMany(b.url, 'run:r', 30);
    await waitFor(() => onA.events('run:r').length === 30);
    expect(seqs(onA.events('run:r'))).toEqual(range(1, 30));
    // Fail over: resume on node B from seq 10 of the same epoch.
    const onB = await TestClient.connect(b.wsUrl);
    cleanups.push(() => onB.close());
    expect(await onB.subscribe('run:r', { epoch: sub.epoch, seq: 10 })).toMatchObject({
      recovered: true,
      epoch: sub.epoch,
    });
    await publishMany(a.url, 'run:r', 5, 30);
    await waitFor(() => onB.events('run:r').length === 25);
    expect(seqs(onB.events('run:r'))).toEqual(range(11, 35));
  });

  it('delivers every event once and in order although the link to the other node loses messages', async () => {
    const prefix = `herald-test-${randomUUID()}:`;
    cleanKeys(prefix);
    const a = await node(prefix);
    const redisBroker = createRedisBroker({ url: REDIS, keyPrefix: prefix });
    await redisBroker.ready();
    const brokerB = lossy(redisBroker, 3);
    cleanups.push(() => brokerB.close());
    const b = await node(prefix, { broker: brokerB });
    const onB = await TestClient.connect(b.wsUrl);
    cleanups.push(() => onB.close());
    await onB.subscribe('run:lossy');
    const total = 40;
    for (let i = 0; i < total; i++) await a.publish('run:lossy', [{ type: 'n', data: { i } }]);
    await waitFor(() => onB.events('run:lossy').length >= total, { timeoutMs: 20_000 });
    expect(brokerB.dropped()).toBe(Math.floor(total / 3));
    // A later marker on the same path: anything still in flight would have arrived before it.
    await a.publish('run:lossy', [{ type: 'n', data: { i: total } }]);
    await waitFor(() => onB.events('run:lossy').length >= total + 1, { timeoutMs: 20_000 });
    expect(seqs(onB.events('run:lossy'))).toEqual(range(1, total + 1));
  });
});
