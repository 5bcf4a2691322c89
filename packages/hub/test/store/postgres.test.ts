import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/index.js';
import type { EventStore } from '../../src/store/types.js';
import { createTestDatabase, type TestDatabase } from '../engines/postgres.js';
import { describeStoreContract, type StoreFactoryOptions } from './contract.js';

const databases: TestDatabase[] = [];
async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}
afterAll(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function store(options: Omit<PostgresStoreOptions, 'url'> = {}, url?: string) {
  const s = createPostgresStore({ ...options, url: url ?? (await database()).url });
  await s.ready();
  return s;
}

/** The database of each store the contract suite opened, so it can reopen one. */
const urlOf = new WeakMap<EventStore, string>();
async function openPostgres(options: StoreFactoryOptions = {}, url?: string): Promise<EventStore> {
  const { retention, ...runtime } = options;
  const target = url ?? (await database()).url;
  const s = await store(retention === undefined ? runtime : { ...runtime, retention }, target);
  urlOf.set(s, target);
  return s;
}

describeStoreContract('postgres', (options) => openPostgres(options), {
  async reopen(previous, options) {
    await previous.close();
    return openPostgres(options, urlOf.get(previous));
  },
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('postgres store', () => {
  it('migrates a schema from before channel state (version 1) and keeps its history', async () => {
    const { url } = await database();
    const first = await store({}, url);
    await first.append('run:1', [{ type: 'a', data: 1 }]);
    await first.close();
    // Back to version 1 as an older hub left it.
    await query(
      url,
      `DROP TABLE herald.channel_state; ALTER TABLE herald.events DROP COLUMN state; DROP TABLE herald.meta;
       DELETE FROM herald.schema_version WHERE version >= 2`,
    );
    const second = await store({}, url);
    try {
      expect(await second.state('run:1')).toMatchObject({ seq: 1, state: {} });
      await second.append('run:1', [{ type: 'b', data: 2, state: [{ op: 'add', path: '/k', value: 1 }] }]);
      expect(await second.state('run:1')).toMatchObject({ seq: 2, state: { k: 1 } });
      expect((await second.read('run:1', 0, 10)).events.map((e) => e.state ?? null)).toEqual([
        null,
        [{ op: 'add', path: '/k', value: 1 }],
      ]);
    } finally {
      await second.close();
    }
  });

  it('creates its tables once, at the current schema version, in its own schema', async () => {
    const { url } = await database();
    const [a, b] = await Promise.all([store({}, url), store({}, url)]);
    await Promise.all([a.close(), b.close()]);
    expect(await query(url, 'SELECT version FROM herald.schema_version ORDER BY 1')).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
    const tables = await query<{ t: string }>(
      url,
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'herald' ORDER BY 1",
    );
    expect(tables.map((r) => r.t)).toEqual(['channel_state', 'channels', 'events', 'meta', 'schema_version']);
    expect(await query(url, 'SELECT key FROM herald.meta')).toEqual([{ key: 'generation' }]);
  });

  it('shares one history between nodes: gapless seqs and one seq per id under racing publishers', async () => {
    const { url } = await database();
    const nodes = await Promise.all([store({}, url), store({}, url), store({}, url)]);
    try {
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          nodes[i % 3]?.append('shared', [
            { type: 't', data: i, id: `e-${i}` },
            // Every node races to store the same id too.
            { type: 't', data: 'dup', id: `race-${Math.floor(i / 3)}` },
          ]),
        ),
      );
      const fresh = results.flatMap((r) => r?.results.filter((e) => !e.duplicate).map((e) => e.seq) ?? []);
      expect(fresh.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const raced = new Map<string, Set<number>>();
      for (const r of results) {
        const e = r?.results[1];
        if (e !== undefined) raced.set(e.id, (raced.get(e.id) ?? new Set()).add(e.seq));
      }
      expect([...raced.values()].every((seqs) => seqs.size === 1)).toBe(true);
      expect(await nodes[0]?.info('shared')).toEqual(await nodes[2]?.info('shared'));
      const rows = await query<{ n: string }>(
        url,
        "SELECT count(*) AS n FROM herald.events WHERE channel = 'shared'",
      );
      expect(rows).toEqual([{ n: '200' }]);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('keeps epoch, history and ids for a new store on the same database', async () => {
    const { url } = await database();
    const first = await store({}, url);
    await first.append('c', [{ type: 't', data: { x: 1 }, id: 'e-1' }]);
    const info = await first.info('c');
    await first.close();
    const second = await store({}, url);
    try {
      expect(await second.info('c')).toEqual(info);
      expect((await second.append('c', [{ type: 't', data: 0, id: 'e-1' }])).results[0]).toEqual({
        id: 'e-1',
        seq: 1,
        duplicate: true,
      });
    } finally {
      await second.close();
    }
  });

  it('trims by payload bytes with maxBytes, keeping the newest event, and keeps the byte count exact', async () => {
    const { url } = await database();
    const s = await store({ retention: { maxBytes: 100 }, trimIntervalMs: 0 }, url);
    try {
      const chunk = 'x'.repeat(28); // 30 bytes of JSON each
      for (let i = 1; i <= 5; i++) await s.append('c', [{ type: 't', data: chunk }]);
      expect(await s.info('c')).toMatchObject({ lastSeq: 5, firstSeq: 3 });
      await s.append('c', [{ type: 't', data: 'y'.repeat(500) }]);
      expect(await s.info('c')).toMatchObject({ lastSeq: 6, firstSeq: 6 });
      expect((await s.read('c', 0, 10)).events.map((e) => e.seq)).toEqual([6]);
      const rows = await query<{ bytes: string; sum: string }>(
        url,
        "SELECT bytes, (SELECT sum(size) FROM herald.events) AS sum FROM herald.channels WHERE name = 'c'",
      );
      expect(rows).toEqual([{ bytes: '502', sum: '502' }]);
    } finally {
      await s.close();
    }
  });

  it('applies a smaller count limit to history kept by an earlier run on trim', async () => {
    const { url } = await database();
    const first = await store({}, url);
    await first.append(
      'c',
      Array.from({ length: 30 }, (_, i) => ({ type: 't', data: i + 1 })),
    );
    await first.close();
    const second = await store({ retention: { maxCount: 10 }, trimIntervalMs: 0 }, url);
    try {
      await second.trim();
      expect(await second.info('c')).toMatchObject({ lastSeq: 30, firstSeq: 21 });
      expect(await query(url, 'SELECT count(*)::int AS n, min(seq)::int AS min FROM herald.events')).toEqual([
        { n: 10, min: 21 },
      ]);
    } finally {
      await second.close();
    }
  });

  it('refuses maxBytes that cannot work', () => {
    expect(() => createPostgresStore({ url: 'postgres://x', retention: { maxBytes: 0 } })).toThrow(
      RangeError,
    );
  });
  it('stores no row for reads of channels never written, and keeps their epoch for the first append', async () => {
    const { url } = await database();
    const first = await store({}, url);
    let epoch = '';
    try {
      await first.append('real', [{ type: 't', data: 1 }]);
      for (let i = 0; i < 20; i++) {
        const name = `ghost:${i}`;
        const info = await first.info(name);
        expect(info).toMatchObject({ lastSeq: 0, firstSeq: 1 });
        expect(await first.read(name, 0, 100)).toEqual({ info, events: [] });
        expect(await first.state(name)).toEqual({ epoch: info.epoch, seq: 0, state: {} });
        if (i === 3) epoch = info.epoch;
      }
    } finally {
      await first.close();
    }
    expect(await query(url, 'SELECT name FROM herald.channels')).toEqual([{ name: 'real' }]);
    expect(await query(url, 'SELECT count(*)::int AS n FROM herald.channel_state')).toEqual([{ n: 0 }]);
    const second = await store({}, url);
    try {
      expect(await second.info('ghost:3')).toEqual({ epoch, lastSeq: 0, firstSeq: 1 });
      await second.append('ghost:3', [{ type: 't', data: 1 }]);
      expect(await second.info('ghost:3')).toEqual({ epoch, lastSeq: 1, firstSeq: 1 });
    } finally {
      await second.close();
    }
  });
});
