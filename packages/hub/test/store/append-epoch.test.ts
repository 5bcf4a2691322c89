import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { createNatsStore } from '../../src/store/nats/index.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createRedisStore } from '../../src/store/redis.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { EventStore } from '../../src/store/types.js';
import { SHARED_NATS, testStreams } from '../engines/nats.js';
import { createTestDatabase } from '../engines/postgres.js';
import { startPrivateRedis } from '../engines/private-redis.js';

// Every store reports the epoch an append stored into: the hub's brokers carry it to the other nodes, which
// tell a reset history (seqs from 1 again) from repeats by it.

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 't', data: i }));

async function expectEpochOfInfo(store: EventStore): Promise<string> {
  const first = await store.append('c', events(2));
  const second = await store.append('c', events(1));
  const { epoch } = await store.info('c');
  expect(first.epoch).toBe(epoch);
  expect(second.epoch).toBe(epoch);
  expect(second.stored.map((e) => e.seq)).toEqual([3]);
  return epoch;
}

describe('AppendResult.epoch', () => {
  it('is the channel epoch in the memory and SQLite stores', async () => {
    const memory = createMemoryStore({}, { trimIntervalMs: 0 });
    cleanups.push(() => memory.close());
    await expectEpochOfInfo(memory);
    const dir = mkdtempSync(join(tmpdir(), 'herald-epoch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sqlite = createSqliteStore({ dir, trimIntervalMs: 0 });
    cleanups.push(() => sqlite.close());
    await expectEpochOfInfo(sqlite);
  });

  it('is the channel epoch in Redis, and a new one once the channel keys are gone (from seq 1)', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const store = createRedisStore({ url: redis.url, keyPrefix: redis.keyPrefix, trimIntervalMs: 0 });
    cleanups.push(() => store.close());
    const old = await expectEpochOfInfo(store);
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.disconnect());
    // Only the meta hash goes (an eviction): the new epoch must not inherit the old stream or ids.
    await admin.del(`${redis.keyPrefix}c:m`);
    const after = await store.append('c', [{ type: 't', data: 'new', id: 'reused' }]);
    expect(after.epoch).not.toBe(old);
    expect(after.stored.map((e) => e.seq)).toEqual([1]);
    expect(after.epoch).toBe((await store.info('c')).epoch);
    expect((await store.read('c', 0, 10)).events.map((e) => e.data)).toEqual(['new']);
  });

  it('is the channel epoch in PostgreSQL', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const store = createPostgresStore({ url: db.url, trimIntervalMs: 0 });
    cleanups.push(() => store.close());
    await store.ready();
    await expectEpochOfInfo(store);
  });

  it('is the stream epoch in NATS JetStream, also after another node made the stream anew', async () => {
    const names = testStreams();
    cleanups.push(() => names.remove());
    const open = () =>
      createNatsStore({
        servers: SHARED_NATS,
        streamPrefix: names.streamPrefix,
        subjectPrefix: names.subjectPrefix,
        trimIntervalMs: 0,
      });
    const a = open();
    const b = open();
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const old = await expectEpochOfInfo(a);
    // An operator deletes the stream; node B writes first and so makes it again.
    const nc = await connect({ servers: SHARED_NATS });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names())
      if (name.startsWith(names.streamPrefix)) await jsm.streams.delete(name);
    const onB = await b.append('c', events(1));
    const onA = await a.append('c', events(1));
    expect(onA.stored.map((e) => e.seq)).toEqual([2]);
    expect(onA.epoch).not.toBe(old);
    expect(onA.epoch).toBe(onB.epoch);
    expect(onA.epoch).toBe((await a.info('c')).epoch);
  });
});
