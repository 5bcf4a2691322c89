import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../src/index.js';
import { publishMany } from './helpers/hub.js';
import { waitFor } from './helpers/wait-for.js';
import { range, seqs, TestClient } from './helpers/ws-client.js';

const REDIS = 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function node(keyPrefix: string): Promise<Hub> {
  const hub = await startHub({ port: 0, logger: false, store: { kind: 'redis', url: REDIS, keyPrefix } });
  cleanups.push(() => hub.close());
  return hub;
}

describe('two hub nodes on one Redis', () => {
  it('fans out across nodes and resumes on the other node with no gap', async () => {
    const prefix = `herald-test-${randomUUID()}:`;
    cleanups.push(async () => {
      const redis = new Redis(REDIS);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });
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
});
