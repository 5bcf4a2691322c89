import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, TestClient, waitFor } from '@herald/testing';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, type StoreSpec, startHub } from '../src/index.js';
import { openSse } from './sse-client.js';
import { deleteKeys, REDIS_URL, testPrefix } from './store/redis-keys.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const GHOSTS = ['ghost:a', 'ghost:b', 'ghost:c', 'ghost:d'];

/**
 * Reads channels never written through every read a client has: history, state, SSE, WebSocket subscribe
 * (with and without a snapshot) and unsubscribe. Returns the epoch each one was answered with.
 */
async function readEverywhere(hub: Hub): Promise<Map<string, string>> {
  const epochs = new Map<string, string>();
  const ws = await TestClient.connect(hub.wsUrl);
  try {
    for (const [i, channel] of GHOSTS.entries()) {
      const history = await http(`${hub.url}/v1/channels/${channel}/events?after=0&limit=10`);
      expect(history.body).toMatchObject({ channel, events: [], lastSeq: 0, firstSeq: 1, last_seq: 0 });
      const { epoch } = history.body as { epoch: string };
      const state = await http(`${hub.url}/v1/channels/${channel}/state`);
      expect(state.body).toEqual({ channel, epoch, seq: 0, state: {} });
      const sse = await openSse(`${hub.url}/v1/channels/${channel}/stream${i % 2 ? '?snapshot=1' : ''}`);
      await waitFor(() => sse.res.status === 200);
      await sse.close();
      const sub = await ws.request({ type: 'subscribe', channel, ...(i % 2 ? { snapshot: true } : {}) });
      expect(sub).toMatchObject({ type: 'subscribed', channel, epoch, lastSeq: 0 });
      expect(await ws.request({ type: 'unsubscribe', channel })).toMatchObject({ type: 'unsubscribed' });
      epochs.set(channel, epoch);
    }
  } finally {
    ws.close();
  }
  return epochs;
}

/** Publishes to a ghost and checks it was stored in the epoch the reads answered. */
async function firstWriteKeepsEpoch(hub: Hub, epochs: Map<string, string>): Promise<void> {
  const res = await http(`${hub.url}/v1/channels/ghost:a/events`, { body: { type: 't', data: 1 } });
  expect(res.status).toBe(201);
  const history = await http(`${hub.url}/v1/channels/ghost:a/events?after=0`);
  expect(history.body).toMatchObject({ epoch: epochs.get('ghost:a'), lastSeq: 1 });
}

async function hubOn(store: StoreSpec): Promise<Hub> {
  const hub = await startHub({ port: 0, logger: false, store });
  cleanups.push(() => hub.close());
  return hub;
}

describe('reads of channels never written', () => {
  it('leave no row in SQLite, and the first publish keeps the epoch they answered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-unknown-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const hub = await startHub({ port: 0, logger: false, store: { kind: 'sqlite', dir } });
    await http(`${hub.url}/v1/channels/real/events`, { body: { type: 't', data: 1 } });
    const epochs = await readEverywhere(hub);
    await hub.close();
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT name FROM channels').pluck().all()).toEqual(['real']);
      expect(db.prepare('SELECT COUNT(*) FROM channel_state').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    // Restarted on the same data, the hub answers the same epochs, and the first publish stores its own.
    const again = await hubOn({ kind: 'sqlite', dir });
    const history = await http(`${again.url}/v1/channels/ghost:b/events`);
    expect(history.body).toMatchObject({ epoch: epochs.get('ghost:b'), lastSeq: 0 });
    await firstWriteKeepsEpoch(again, epochs);
  });

  it('leave no Redis key for the channel, and the first publish keeps the epoch they answered', async () => {
    const keyPrefix = testPrefix();
    cleanups.push(() => deleteKeys(keyPrefix));
    const hub = await hubOn({ kind: 'redis', url: REDIS_URL, keyPrefix });
    await http(`${hub.url}/v1/channels/real/events`, { body: { type: 't', data: 1 } });
    const redis = new Redis(REDIS_URL);
    cleanups.push(() => redis.quit());
    const before = (await redis.keys(`${keyPrefix}*`)).sort();
    const epochs = await readEverywhere(hub);
    expect((await redis.keys(`${keyPrefix}*`)).sort()).toEqual(before);
    expect(before.filter((k) => k.includes('ghost'))).toEqual([]);
    expect(await redis.smembers(`${keyPrefix}channels`)).toEqual(['real']);
    await firstWriteKeepsEpoch(hub, epochs);
  });

  it('answer the memory store with the epoch its first publish keeps', async () => {
    const hub = await hubOn({ kind: 'memory' });
    await firstWriteKeepsEpoch(hub, await readEverywhere(hub));
  });

  it('let a subscriber of the empty channel take its first events live and resume in the same epoch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-unknown-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const hub = await hubOn({ kind: 'sqlite', dir });
    const early = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => early.close());
    const sub = (await early.subscribe('later')) as { epoch: string };
    for (let i = 1; i <= 3; i++) {
      await http(`${hub.url}/v1/channels/later/events`, { body: { type: 't', data: i } });
    }
    await waitFor(() => early.events('later').length === 3);
    early.close();
    const back = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => back.close());
    expect(await back.subscribe('later', { epoch: sub.epoch, seq: 2 })).toMatchObject({
      type: 'subscribed',
      epoch: sub.epoch,
      recovered: true,
    });
    await waitFor(() => back.events('later').length === 1);
    expect(back.events('later')[0]).toMatchObject({ seq: 3, data: 3 });
    // From the position it was told while the channel was empty, a client resumes with everything.
    const fromEmpty = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => fromEmpty.close());
    expect(await fromEmpty.subscribe('later', { epoch: sub.epoch, seq: 0 })).toMatchObject({
      recovered: true,
    });
    await waitFor(() => fromEmpty.events('later').length === 3);
    expect(await back.subscribe('other', { epoch: sub.epoch, seq: 0 })).toMatchObject({ recovered: false });
  });
});
