import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', async (options = {}) => {
  const { retention, ...runtime } = options;
  return createMemoryStore(retention, runtime);
});

describe('memory store', () => {
  it('draws a new epoch per instance, so a restart is a visible history reset', async () => {
    const a = createMemoryStore();
    const b = createMemoryStore();
    try {
      expect((await a.info('c')).epoch).not.toBe((await b.info('c')).epoch);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('stays correct across compaction of a long-running channel', async () => {
    const store = createMemoryStore({ maxCount: 10 }, { trimIntervalMs: 0 });
    try {
      for (let i = 1; i <= 5000; i++) await store.append('c', [{ type: 't', data: i, id: `id-${i}` }]);
      const { info, events } = await store.read('c', 4994, 100);
      expect(info).toMatchObject({ lastSeq: 5000, firstSeq: 4991 });
      expect(events.map((e) => e.data)).toEqual([4995, 4996, 4997, 4998, 4999, 5000]);
      // A trimmed id is no longer known; a retained one still is.
      expect((await store.append('c', [{ type: 't', data: 0, id: 'id-1' }])).results[0]?.duplicate).toBe(
        false,
      );
      expect((await store.append('c', [{ type: 't', data: 0, id: 'id-5000' }])).results[0]).toEqual({
        id: 'id-5000',
        seq: 5000,
        duplicate: true,
      });
    } finally {
      await store.close();
    }
  });

  it('rejects retention that cannot work', () => {
    expect(() => createMemoryStore({ maxCount: 0 })).toThrow(RangeError);
    expect(() => createMemoryStore({ maxAgeMs: -1 })).toThrow(RangeError);
  });
});
