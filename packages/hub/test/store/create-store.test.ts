import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, type StoreSpec } from '../../src/store/create-store.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { countKeys, deleteKeys, REDIS_URL, testPrefix } from './redis-keys.js';

describe('createStore', () => {
  it('returns a ready store unchanged', async () => {
    const ready = createMemoryStore();
    expect(createStore(ready)).toBe(ready);
    await ready.close();
  });

  it('creates a memory store with the given retention', async () => {
    const store = createStore({ kind: 'memory' }, { maxCount: 2 });
    try {
      await store.append('c', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
        { type: 't', data: 3 },
      ]);
      expect(await store.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 2 });
    } finally {
      await store.close();
    }
  });

  it('creates a sqlite store in the given directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-create-'));
    try {
      const first = createStore({ kind: 'sqlite', dir });
      await first.append('c', [{ type: 't', data: 1 }]);
      const info = await first.info('c');
      await first.close();
      const second = createStore({ kind: 'sqlite', dir });
      expect(await second.info('c')).toEqual(info);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates a redis store under the given key prefix', async () => {
    const keyPrefix = testPrefix();
    const store = createStore({ kind: 'redis', url: REDIS_URL, keyPrefix }, { maxCount: 2 });
    try {
      await store.append('c', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
        { type: 't', data: 3 },
      ]);
      expect(await store.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 2 });
      expect(await countKeys(keyPrefix)).toBeGreaterThan(0);
    } finally {
      await store.close();
      await deleteKeys(keyPrefix);
    }
  });

  it('rejects an unknown kind with a clear error', () => {
    const spec = { kind: 'postgres' } as unknown as StoreSpec;
    expect(() => createStore(spec)).toThrow(/unknown store kind: "postgres"/);
  });
});
