import { http, range, seqs, TestClient, waitFor } from '@herald/testing';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, type StoreSpec, startHub } from '../src/index.js';
import { SHARED_NATS, testStreams } from './engines/nats.js';
import { createTestDatabase } from './engines/postgres.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hubOn(store: StoreSpec): Promise<Hub> {
  const hub = await startHub({ port: 0, logger: false, store });
  cleanups.push(() => hub.close());
  return hub;
}

/**
 * Two hubs created from `spec` alone: a publish over HTTP on one is stored once (a retried id too), served
 * as history by both, and delivered live to a WebSocket subscriber on the other, which proves the hub
 * chose the engine's broker rather than an in-process one.
 */
async function servesAndFansOut(spec: StoreSpec): Promise<void> {
  const a = await hubOn(spec);
  const b = await hubOn(spec);
  const onA = await TestClient.connect(a.wsUrl);
  cleanups.push(() => onA.close());
  await onA.subscribe('run:k');
  const batch = [
    { type: 'step', data: { n: 1 }, id: 'e1' },
    { type: 'step', data: { n: 2 }, id: 'e2' },
    { type: 'step', data: { n: 3 }, id: 'e3' },
  ];
  const first = await http(`${b.url}/v1/channels/run:k/events`, { body: batch });
  expect(first.status).toBe(201);
  expect(first.body).toEqual({
    events: [
      { id: 'e1', seq: 1 },
      { id: 'e2', seq: 2 },
      { id: 'e3', seq: 3 },
    ],
  });
  const retried = await http(`${b.url}/v1/channels/run:k/events`, { body: batch[2] });
  expect(retried.body).toEqual({ events: [{ id: 'e3', seq: 3, duplicate: true }] });
  await waitFor(() => onA.events('run:k').length === 3, { timeoutMs: 10_000 });
  expect(seqs(onA.events('run:k'))).toEqual(range(1, 3));
  for (const hub of [a, b]) {
    const page = await http(`${hub.url}/v1/channels/run:k/events?after=1`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      channel: 'run:k',
      last_seq: 3,
      events: [
        { seq: 2, id: 'e2', type: 'step', data: { n: 2 } },
        { seq: 3, id: 'e3', type: 'step', data: { n: 3 } },
      ],
    });
  }
}

/** Connections other than this query's own to the database `name`. */
async function connectionsTo(name: string): Promise<number> {
  const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe("startHub({ store: { kind: 'postgres' } })", () => {
  it('stores, serves history and fans out across nodes, and closes every connection it opened', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    await servesAndFansOut({ kind: 'postgres', url: db.url, schema: 'herald_k', poolSize: 3 });
    expect(await connectionsTo(db.name)).toBeGreaterThan(0);
    // The hubs' cleanups run first (last in, first out): then no connection of theirs is left.
    for (const fn of cleanups.splice(1).reverse()) await fn();
    await waitFor(async () => (await connectionsTo(db.name)) === 0, {
      timeoutMs: 5000,
      message: 'the closed hubs left connections open',
    });
  }, 30_000);

  it('rejects at start when the database is unreachable', async () => {
    await expect(
      startHub({ port: 0, logger: false, store: { kind: 'postgres', url: 'postgres://127.0.0.1:1/x' } }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("startHub({ store: { kind: 'nats' } })", () => {
  it('stores, serves history and fans out across nodes on its own stream prefix', async () => {
    const streams = testStreams();
    cleanups.push(() => streams.remove());
    await servesAndFansOut({
      kind: 'nats',
      servers: SHARED_NATS,
      streamPrefix: streams.streamPrefix,
      subjectPrefix: streams.subjectPrefix,
    });
  }, 30_000);

  it('rejects at start when NATS is unreachable', async () => {
    await expect(
      startHub({ port: 0, logger: false, store: { kind: 'nats', servers: 'nats://127.0.0.1:1' } }),
    ).rejects.toThrow();
  });
});
