import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { openDatabase, prepareStatements } from '../../src/store/sqlite-schema.js';
import type { EventStore } from '../../src/store/types.js';
import { describeStoreContract, type StoreFactoryOptions } from './contract.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-sqlite-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** The directory of each store the contract suite opened, so it can reopen one. */
const dirOf = new WeakMap<EventStore, string>();
function openSqlite(dir: string, options: StoreFactoryOptions = {}): EventStore {
  const { retention, ...runtime } = options;
  const store = createSqliteStore(
    retention === undefined ? { ...runtime, dir } : { ...runtime, dir, retention },
  );
  dirOf.set(store, dir);
  return store;
}

describeStoreContract('sqlite', async (options) => openSqlite(await tempDir(), options), {
  async reopen(store, options) {
    await store.close();
    return openSqlite(dirOf.get(store) ?? '', options);
  },
});

describe('sqlite store', () => {
  it('creates the data directory and herald.db in WAL mode', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const store = createSqliteStore({ dir });
    await store.append('c', [{ type: 't', data: 1 }]);
    await store.close();
    expect(existsSync(join(dir, 'herald.db'))).toBe(true);
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT name, last_seq FROM channels').all()).toEqual([{ name: 'c', last_seq: 1 }]);
      expect(db.prepare('SELECT channel, seq, type, data FROM events').all()).toEqual([
        { channel: 'c', seq: 1, type: 't', data: '1' },
      ]);
    } finally {
      db.close();
    }
  });

  // Appends do not write channels.last_seq; these open a second connection while the first is still open,
  // which is what a crashed process leaves behind (nothing ran at close).
  describe('last seq without a clean close', () => {
    it('comes from the newest row', async () => {
      const dir = await tempDir();
      const first = createSqliteStore({ dir });
      await first.append('c', [{ type: 't', data: 1 }]);
      await first.append('c', [
        { type: 't', data: 2 },
        { type: 't', data: 3 },
      ]);
      const second = createSqliteStore({ dir });
      try {
        expect(await second.info('c')).toMatchObject({ lastSeq: 3, firstSeq: 1 });
      } finally {
        await second.close();
        await first.close();
      }
    });

    it('survives a trim that removed every row (cached and uncached channels)', async () => {
      const dir = await tempDir();
      let clock = Date.parse('2026-01-01T00:00:00.000Z');
      const now = () => clock;
      const first = createSqliteStore({ dir, now, retention: { maxAgeMs: 1000 } });
      await first.append('cached', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
      ]);
      await first.append('other', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
        { type: 't', data: 3 },
      ]);
      clock += 5000;
      await first.trim(); // both channels are in first's cache
      const second = createSqliteStore({ dir, now, retention: { maxAgeMs: 1000 } });
      await first.append('later', [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
      ]);
      clock += 5000;
      await second.trim(); // 'later' is not in second's cache: the trim finds its last seq on disk
      const third = createSqliteStore({ dir, now });
      try {
        expect(await third.info('cached')).toMatchObject({ lastSeq: 2, firstSeq: 3 });
        expect(await third.info('other')).toMatchObject({ lastSeq: 3, firstSeq: 4 });
        expect(await third.info('later')).toMatchObject({ lastSeq: 2, firstSeq: 3 });
        const next = await third.append('later', [{ type: 't', data: 3 }]);
        expect(next.results).toMatchObject([{ seq: 3, duplicate: false }]);
      } finally {
        await third.close();
        await second.close();
        await first.close();
      }
    });
  });

  it('keeps epochs, seqs, history and ids across a restart on the same directory', async () => {
    const dir = await tempDir();
    const first = createSqliteStore({ dir });
    await first.append('run:1', [
      { type: 'a', data: { x: 1 }, id: 'e-1' },
      { type: 'b', data: [2] },
    ]);
    const before = await first.info('run:1');
    const emptyBefore = await first.info('quiet');
    await first.close();

    const second = createSqliteStore({ dir });
    try {
      expect(await second.info('run:1')).toEqual(before);
      expect(await second.info('quiet')).toEqual(emptyBefore);
      const { events } = await second.read('run:1', 0, 10);
      expect(events.map((e) => [e.seq, e.id === 'e-1', e.type, e.data])).toEqual([
        [1, true, 'a', { x: 1 }],
        [2, false, 'b', [2]],
      ]);
      const again = await second.append('run:1', [
        { type: 'a', data: { x: 1 }, id: 'e-1' },
        { type: 'c', data: 3 },
      ]);
      expect(again.results.map((r) => [r.seq, r.duplicate])).toEqual([
        [1, true],
        [3, false],
      ]);
    } finally {
      await second.close();
    }
  });

  it('applies a smaller count limit to history kept by an earlier run', async () => {
    const dir = await tempDir();
    const first = createSqliteStore({ dir });
    await first.append(
      'c',
      Array.from({ length: 30 }, (_, i) => ({ type: 't', data: i + 1 })),
    );
    await first.close();
    const second = createSqliteStore({ dir, retention: { maxCount: 10 } });
    try {
      expect(await second.info('c')).toMatchObject({ lastSeq: 30, firstSeq: 21 });
      expect((await second.read('c', 0, 100)).events.map((e) => e.seq)).toEqual(
        Array.from({ length: 10 }, (_, i) => 21 + i),
      );
      await second.trim();
      expect((await second.read('c', 0, 100)).events).toHaveLength(10);
    } finally {
      await second.close();
    }
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n, MIN(seq) AS min FROM events').get()).toEqual({
        n: 10,
        min: 21,
      });
    } finally {
      db.close();
    }
  });

  it('fails only the bad batch when concurrent appends share a commit', async () => {
    const store = createSqliteStore({ dir: await tempDir() });
    try {
      const settled = await Promise.allSettled([
        store.append('c', [{ type: 't', data: 'a' }]),
        store.append('new-channel', [{ type: 't', data: 'n' }]),
        store.append('c', [
          { type: 't', data: 'bad-1' },
          { type: 't', data: 1n as unknown as number },
        ]),
        store.append('c', [{ type: 't', data: 'b', id: 'b' }]),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((await store.read('c', 0, 10)).events.map((e) => [e.seq, e.data])).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      expect(await store.info('new-channel')).toMatchObject({ lastSeq: 1, firstSeq: 1 });
      expect((await store.append('c', [{ type: 't', data: 'b', id: 'b' }])).results[0]).toEqual({
        id: 'b',
        seq: 2,
        duplicate: true,
      });
    } finally {
      await store.close();
    }
  });

  it('stores appends still queued when it is closed', async () => {
    const dir = await tempDir();
    const store = createSqliteStore({ dir });
    const pending = store.append('c', [{ type: 't', data: 1 }]);
    await store.close();
    expect((await pending).results[0]?.seq).toBe(1);
    const reopened = createSqliteStore({ dir });
    expect(await reopened.info('c')).toMatchObject({ lastSeq: 1 });
    await reopened.close();
  });

  it('rolls back a batch that fails and keeps seqs gapless', async () => {
    const store = createSqliteStore({ dir: await tempDir() });
    try {
      await store.append('c', [{ type: 't', data: 1 }]);
      // BigInt cannot be serialised: the second event throws inside the transaction.
      const bad = [
        { type: 't', data: 2 },
        { type: 't', data: 10n as unknown as number },
      ];
      await expect(store.append('c', bad)).rejects.toThrow();
      expect((await store.info('c')).lastSeq).toBe(1);
      expect((await store.append('c', [{ type: 't', data: 3 }])).results[0]?.seq).toBe(2);
      expect((await store.read('c', 0, 10)).events.map((e) => e.data)).toEqual([1, 3]);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite store: the id index', () => {
  it('holds supplied ids only, and finds them through the index', async () => {
    const dir = await tempDir();
    const store = createSqliteStore({ dir });
    await store.append('c', [
      { type: 'a', data: 1 },
      { type: 'b', data: null, id: 'mine' },
      { type: 'c', data: 3 },
    ]);
    await store.close();
    const db = openDatabase(dir);
    try {
      const sql = prepareStatements(db);
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql.seqById.source}`).all('c', 'mine');
      expect(JSON.stringify(plan)).toContain('INDEX events_supplied_id');
      // dbstat counts the index's entries: of the three rows, only the supplied id's.
      const cells = db.prepare("SELECT SUM(ncell) FROM dbstat WHERE name = 'events_supplied_id'").pluck();
      expect(cells.get()).toBe(1);
      expect(sql.seqById.get('c', 'mine')).toBe(2);
    } finally {
      db.close();
    }
  });

  it('replaces the index of every id from an earlier version, and old rows still dedupe', async () => {
    const dir = await tempDir();
    const old = new Database(join(dir, 'herald.db'));
    old.exec(`
      CREATE TABLE channels (name TEXT PRIMARY KEY, epoch TEXT NOT NULL, last_seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (channel TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts TEXT NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL, state TEXT, PRIMARY KEY (channel, seq)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_channel_id ON events (channel, id);
      INSERT INTO channels VALUES ('run:1', 'oldepoch', 2);
      INSERT INTO events VALUES ('run:1', 1, '7c9e6679-7425-40de-944b-e07fc1f90ae7', '2026-01-01T00:00:00.000Z', 'a', '1', NULL);
      INSERT INTO events VALUES ('run:1', 2, 'e-2', '2026-01-01T00:00:00.000Z', 'b', '2', NULL);
    `);
    old.close();
    const store = createSqliteStore({ dir });
    try {
      const again = await store.append('run:1', [
        { type: 'a', data: null, id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
        { type: 'b', data: null, id: 'e-2' },
        { type: 'c', data: 3 },
      ]);
      expect(again.results.map((r) => [r.seq, r.duplicate])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
    } finally {
      await store.close();
    }
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      const indexes = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'",
      );
      expect(indexes.pluck().all()).toEqual(['events_supplied_id']);
    } finally {
      db.close();
    }
  });
});

describe('sqlite store: channel state', () => {
  it('opens a database from before channel state and adds the state column and table', async () => {
    const dir = await tempDir();
    const old = new Database(join(dir, 'herald.db'));
    old.exec(`
      CREATE TABLE channels (name TEXT PRIMARY KEY, epoch TEXT NOT NULL, last_seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (channel TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts TEXT NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (channel, seq)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_channel_id ON events (channel, id);
      INSERT INTO channels VALUES ('run:1', 'oldepoch', 1);
      INSERT INTO events VALUES ('run:1', 1, 'e-1', '2026-01-01T00:00:00.000Z', 'a', '{"x":1}');
    `);
    old.close();
    const store = createSqliteStore({ dir });
    try {
      expect(await store.state('run:1')).toEqual({ epoch: 'oldepoch', seq: 1, state: {} });
      await store.append('run:1', [{ type: 'b', data: 2, state: [{ op: 'add', path: '/k', value: 'v' }] }]);
      const { events } = await store.read('run:1', 0, 10);
      expect(events.map((e) => [e.seq, e.data, e.state ?? null])).toEqual([
        [1, { x: 1 }, null],
        [2, 2, [{ op: 'add', path: '/k', value: 'v' }]],
      ]);
      expect(await store.state('run:1')).toEqual({ epoch: 'oldepoch', seq: 2, state: { k: 'v' } });
    } finally {
      await store.close();
    }
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT channel, state FROM channel_state').all()).toEqual([
        { channel: 'run:1', state: '{"k":"v"}' },
      ]);
    } finally {
      db.close();
    }
  });

  it('writes each channel state once per group commit and commits the other publishes of a refused one', async () => {
    const store = createSqliteStore({ dir: await tempDir() });
    try {
      const inc = { op: 'increment', path: '/n', value: 1 } as const;
      const all = await Promise.allSettled([
        ...Array.from({ length: 30 }, () => store.append('g', [{ type: 'i', data: null, state: [inc] }])),
        store.append('g', [{ type: 'bad', data: null, state: [{ op: 'remove', path: '/none' }] }]),
        store.append('h', [{ type: 'i', data: null, state: [inc] }]),
      ]);
      expect(all.filter((o) => o.status === 'rejected')).toHaveLength(1);
      expect(await store.state('g')).toMatchObject({ seq: 30, state: { n: 30 } });
      expect(await store.state('h')).toMatchObject({ seq: 1, state: { n: 1 } });
      expect((await store.read('g', 0, 100)).events.map((e) => e.seq)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
    } finally {
      await store.close();
    }
  });
  it('stores no row for reads of channels never written, and keeps their epoch for the first append', async () => {
    const dir = await tempDir();
    const store = createSqliteStore({ dir });
    let ghostEpoch = '';
    try {
      await store.append('real', [{ type: 't', data: 1 }]);
      for (let i = 0; i < 50; i++) {
        const name = `ghost:${i}`;
        const info = await store.info(name);
        expect(await store.read(name, 0, 100)).toEqual({ info, events: [] });
        expect(await store.state(name)).toEqual({ epoch: info.epoch, seq: 0, state: {} });
        if (i === 7) ghostEpoch = info.epoch;
      }
    } finally {
      await store.close();
    }
    const count = (db: Database.Database, table: string) =>
      db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    const db = new Database(join(dir, 'herald.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT name FROM channels').pluck().all()).toEqual(['real']);
      expect(count(db, 'events')).toBe(1);
      expect(count(db, 'channel_state')).toBe(0);
    } finally {
      db.close();
    }
    // The same database answers the same epoch for the name, and its first append stores it.
    const again = createSqliteStore({ dir });
    try {
      expect(await again.info('ghost:7')).toEqual({ epoch: ghostEpoch, lastSeq: 0, firstSeq: 1 });
      await again.append('ghost:7', [{ type: 't', data: 1 }]);
      expect(await again.info('ghost:7')).toEqual({ epoch: ghostEpoch, lastSeq: 1, firstSeq: 1 });
    } finally {
      await again.close();
    }
    // A new database is a new generation: the same name gets another epoch.
    const other = createSqliteStore({ dir: await tempDir() });
    try {
      expect((await other.info('ghost:7')).epoch).not.toBe(ghostEpoch);
    } finally {
      await other.close();
    }
  });
});
