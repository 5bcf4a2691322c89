import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import type { EventStore } from '../../src/store/types.js';
import { describeStoreContract, type StoreFactoryOptions } from './contract.js';
import { countKeys, deleteKeys, REDIS_URL, testPrefix } from './redis-keys.js';

const prefixes: string[] = [];
function prefix(): string {
  const p = testPrefix();
  prefixes.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(prefixes.splice(0).map(deleteKeys));
});

/** The key prefix of each store the contract suite opened, so it can reopen one. */
const prefixOf = new WeakMap<EventStore, string>();
function openRedis(keyPrefix: string, options: StoreFactoryOptions = {}): EventStore {
  const { retention, ...runtime } = options;
  const base = { ...runtime, url: REDIS_URL, keyPrefix };
  const store = createRedisStore(retention === undefined ? base : { ...base, retention });
  prefixOf.set(store, keyPrefix);
  return store;
}

describeStoreContract('redis', async (options) => openRedis(prefix(), options), {
  async reopen(store, options) {
    await store.close();
    return openRedis(prefixOf.get(store) ?? prefix(), options);
  },
});

describe('redis store', () => {
  it('folds state appends racing from two nodes exactly once each (optimistic retries)', async () => {
    const keyPrefix = prefix();
    const a = createRedisStore({ url: REDIS_URL, keyPrefix });
    const b = createRedisStore({ url: REDIS_URL, keyPrefix });
    try {
      await Promise.all([
        ...Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? a : b).append('race', [
            { type: 'i', data: i, state: [{ op: 'increment', path: '/n', value: 1 }] },
          ]),
        ),
        // Plain appends move the position too, so the state appends must retry around them.
        ...Array.from({ length: 20 }, (_, i) => b.append('race', [{ type: 'plain', data: i }])),
      ]);
      expect(await a.state('race')).toMatchObject({ seq: 120, state: { n: 100 } });
      expect(await b.state('race')).toEqual(await a.state('race'));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('shares one history between two nodes, with atomic seqs across them', async () => {
    const keyPrefix = prefix();
    const a = createRedisStore({ url: REDIS_URL, keyPrefix });
    const b = createRedisStore({ url: REDIS_URL, keyPrefix });
    try {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? a : b).append('shared', [{ type: 't', data: i }]),
        ),
      );
      const seqs = results.map((r) => r.results[0]?.seq ?? 0).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await a.info('shared')).toEqual(await b.info('shared'));
      const dup = await b.append('shared', [{ type: 't', data: 'x', id: 'one' }]);
      const again = await a.append('shared', [{ type: 't', data: 'x', id: 'one' }]);
      expect(again.results[0]).toEqual({ id: 'one', seq: dup.results[0]?.seq, duplicate: true });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps epoch and history for a new store on the same Redis and prefix', async () => {
    const keyPrefix = prefix();
    const first = createRedisStore({ url: REDIS_URL, keyPrefix });
    await first.append('c', [{ type: 't', data: { x: 1 }, id: 'e-1' }]);
    const info = await first.info('c');
    await first.close();
    const second = createRedisStore({ url: REDIS_URL, keyPrefix });
    try {
      expect(await second.info('c')).toEqual(info);
      expect((await second.read('c', 0, 10)).events.map((e) => [e.id, e.data])).toEqual([['e-1', { x: 1 }]]);
    } finally {
      await second.close();
    }
  });

  it('forgets the ids of trimmed events and keeps only prefixed keys', async () => {
    const keyPrefix = prefix();
    const store = createRedisStore({
      url: REDIS_URL,
      keyPrefix,
      retention: { maxCount: 3 },
      trimIntervalMs: 0,
    });
    try {
      for (let i = 1; i <= 10; i++) await store.append('c', [{ type: 't', data: i, id: `id-${i}` }]);
      await store.trim();
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.hkeys(`${keyPrefix}c:i`)).toEqual(['id-8', 'id-9', 'id-10']);
        expect(await redis.xlen(`${keyPrefix}c:e`)).toBe(3);
      } finally {
        await redis.quit();
      }
      // The channel's meta, ids and stream, the channel set and the keyspace's generation.
      expect(await countKeys(keyPrefix)).toBe(5);
    } finally {
      await store.close();
    }
  });

  it('stores no key for reads of channels never written, and keeps their epoch for the first append', async () => {
    const keyPrefix = prefix();
    const store = createRedisStore({ url: REDIS_URL, keyPrefix, trimIntervalMs: 0 });
    try {
      await store.append('real', [{ type: 't', data: 1 }]);
      const before = await listKeys(keyPrefix);
      let epoch = '';
      for (let i = 0; i < 20; i++) {
        const name = `ghost:${i}`;
        const info = await store.info(name);
        expect(info).toMatchObject({ lastSeq: 0, firstSeq: 1 });
        expect(await store.read(name, 0, 100)).toEqual({ info, events: [] });
        expect(await store.state(name)).toEqual({ epoch: info.epoch, seq: 0, state: {} });
        if (i === 3) epoch = info.epoch;
      }
      await store.trim();
      expect(await listKeys(keyPrefix)).toEqual(before);
      expect(before.some((k) => k.includes('ghost'))).toBe(false);
      await store.append('ghost:3', [{ type: 't', data: 1 }]);
      expect(await store.info('ghost:3')).toEqual({ epoch, lastSeq: 1, firstSeq: 1 });
    } finally {
      await store.close();
    }
  });

  it('gives a channel whose keys were deleted a new epoch, not its first one again', async () => {
    const keyPrefix = prefix();
    const store = createRedisStore({ url: REDIS_URL, keyPrefix, trimIntervalMs: 0 });
    const redis = new Redis(REDIS_URL);
    try {
      await store.append('c', [{ type: 't', data: 1 }]);
      const first = await store.info('c');
      await redis.del(`${keyPrefix}c:m`, `${keyPrefix}c:i`, `${keyPrefix}c:e`);
      await store.append('c', [{ type: 't', data: 2 }]);
      const again = await store.info('c');
      expect(again.lastSeq).toBe(1);
      expect(again.epoch).not.toBe(first.epoch);
    } finally {
      await redis.quit();
      await store.close();
    }
  });
});

async function listKeys(keyPrefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    return (await redis.keys(`${keyPrefix}*`)).sort();
  } finally {
    await redis.quit();
  }
}
