import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore, type StoreSpec } from '../../src/store/create-store.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { SHARED_NATS, testStreams } from '../engines/nats.js';
import { createTestDatabase } from '../engines/postgres.js';
import { countKeys, deleteKeys, REDIS_URL, testPrefix } from './redis-keys.js';

/** Tables in `schema` of the database at `url`. */
async function tablesIn(url: string, schema: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/** Streams on the shared NATS whose name starts with `prefix`. */
async function streamNames(prefix: string): Promise<string[]> {
  const nc = await connect({ servers: SHARED_NATS });
  try {
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) {
      if (name.startsWith(prefix)) names.push(name);
    }
    return names.sort();
  } finally {
    await nc.close();
  }
}

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

  it('creates a postgres store in the given schema with the given retention', async () => {
    const db = await createTestDatabase();
    try {
      const store = createStore(
        { kind: 'postgres', url: db.url, schema: 'herald_cs', poolSize: 2 },
        { maxCount: 2 },
      );
      try {
        await store.append('c', [
          { type: 't', data: 1 },
          { type: 't', data: 2 },
          { type: 't', data: 3 },
        ]);
        expect(await store.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 2 });
        expect(await tablesIn(db.url, 'herald_cs')).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('creates a nats store under the given prefixes with the given retention', async () => {
    const streams = testStreams();
    const spec = {
      kind: 'nats',
      servers: SHARED_NATS,
      streamPrefix: streams.streamPrefix,
      subjectPrefix: streams.subjectPrefix,
    } as const;
    const store = createStore(spec, { maxCount: 2 });
    try {
      await store.append('c', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
        { type: 't', data: 3 },
      ]);
      expect(await store.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 2 });
      // The channel's stream and the prefix's generation (the epochs derive from it).
      expect(await streamNames(streams.streamPrefix)).toEqual([
        `${streams.streamPrefix}_g`,
        `${streams.streamPrefix}c`,
      ]);
    } finally {
      await store.close();
      await streams.remove();
    }
  });

  it('rejects an unknown kind with a clear error', () => {
    const spec = { kind: 'cassandra' } as unknown as StoreSpec;
    expect(() => createStore(spec)).toThrow(/unknown store kind: "cassandra"/);
  });
});
