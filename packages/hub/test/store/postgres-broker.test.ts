import type { Envelope } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresBroker, createPostgresStore } from '../../src/store/postgres/index.js';
import { createTestDatabase, SHARED_POSTGRES } from '../engines/postgres.js';
import { type Cleanups, runCleanups } from '../engines/scenario.js';

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

async function admin(sql: string, url = `${SHARED_POSTGRES}/postgres`): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function setup() {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  const node = async () => {
    const store = createPostgresStore({ url: db.url });
    // Reconnect failures while the database refuses connections are expected here.
    const errors: unknown[] = [];
    const broker = createPostgresBroker({
      url: db.url,
      store,
      heartbeatMs: 200,
      onError: (e) => errors.push(e),
    });
    cleanups.push(
      () => store.close(),
      () => broker.close(),
    );
    await Promise.all([store.ready(), broker.ready()]);
    const received: Envelope[] = [];
    broker.onEnvelopes((_, envelopes) => received.push(...envelopes));
    return { store, broker, received, errors };
  };
  return { db, a: await node(), b: await node() };
}

describe('postgres broker', () => {
  it('notifies positions, never payloads, and the other node reads the events from the table', async () => {
    const { db, a, b } = await setup();
    const raw = new Client({ connectionString: db.url });
    cleanups.push(() => raw.end());
    await raw.connect();
    const payloads: string[] = [];
    raw.on('notification', (n) => payloads.push(n.payload ?? ''));
    await raw.query('LISTEN herald_events');
    const { stored } = await a.store.append('c', [
      { type: 't', data: { secret: 'payload-1' } },
      { type: 't', data: { secret: 'payload-2' } },
    ]);
    await a.broker.publish('c', stored);
    await waitFor(() => b.received.length === 2);
    expect(b.received).toEqual(stored);
    // Node A delivered its own envelopes once, at publish, not again from its notification.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.received.map((e) => e.seq)).toEqual([1, 2]);
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(payloads[0] ?? '')).toEqual({ o: a.store.origin, c: 'c', f: 1, t: 2 });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('catches up from the table after its LISTEN connection was cut and events went unnotified', async () => {
    const { db, a, b } = await setup();
    await a.store.append('c', [{ type: 't', data: 1 }]);
    await waitFor(() => b.received.length === 1);
    let resyncs = 0;
    b.broker.onResync(() => resyncs++);
    // Keep B's listener out while A appends (A's pool still holds its connection).
    await admin(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    cleanups.push(() => admin(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`));
    await admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND query LIKE 'SELECT now()%'`,
    );
    await admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND query LIKE 'LISTEN%'`,
    );
    await a.store.append('c', [
      { type: 't', data: 2 },
      { type: 't', data: 3 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.received.map((e) => e.seq)).toEqual([1]);
    expect(resyncs).toBe(0);
    await admin(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
    // The broker hands over the newest event; the hub's sequencer reads the rest (seq 2) from the store.
    await waitFor(() => b.received.some((e) => e.seq === 3), { timeoutMs: 10_000 });
    expect(b.received.at(-1)).toMatchObject({ seq: 3, data: 3 });
    // And the hub is asked to compare every subscribed channel with the store, once per reconnect.
    await waitFor(() => resyncs === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(resyncs).toBe(1);
  });
});
