import type { Envelope } from '@herald/protocol';
import { freePort, range, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../../../hub/test/engines/private-redis.js';
import { createClient } from '../../src/index.js';
import type { ClientOptions, HeraldClient } from '../../src/types.js';
import { FAST } from './helpers.js';

// Two hub nodes sharing one private Redis (history and fan-out), as a deployment of several nodes has.
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const hubs: TestHub[] = [];
const clients: HeraldClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.close();
});

let prefixes = 0;
/** Two nodes on the shared Redis, under a key prefix of the test's own. */
async function twoNodes(): Promise<[TestHub, TestHub]> {
  const store = { kind: 'redis', url: redis.url, keyPrefix: `${redis.keyPrefix}t${++prefixes}:` } as const;
  const a = await startTestHub({ store, heartbeatMs: 300 });
  hubs.push(a);
  const b = await startTestHub({ store, heartbeatMs: 300 });
  hubs.push(b);
  return [a, b];
}

function client(options: Partial<ClientOptions> & Pick<ClientOptions, 'url'>): HeraldClient {
  const made = createClient({ ...FAST, ...options });
  clients.push(made);
  return made;
}

/** Subscribes from seq 0 and records every seq delivered and every gap. */
function record(c: HeraldClient, channel: string) {
  const seqs: number[] = [];
  const gaps: unknown[] = [];
  c.subscribe(channel, {
    since: { seq: 0 },
    onEvent: (e: Envelope) => seqs.push(e.seq),
    onGap: (g) => gaps.push(g),
  });
  return { seqs, gaps };
}

/** Publishes `from..to` through `hub`'s HTTP API, one request per event, as a backend would. */
async function publish(hub: TestHub, channel: string, from: number, to: number): Promise<void> {
  for (const n of range(from, to)) {
    const res = await fetch(`${hub.url}/v1/channels/${channel}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'tick', id: `${channel}-${n}`, data: { n } }),
    });
    expect(res.status).toBe(201);
  }
}

describe('a client given several hub URLs', () => {
  it('moves to the second node when the first stops, and gets every event exactly once, 1..N', async () => {
    const [a, b] = await twoNodes();
    const c = client({ url: [a.url, b.url] });
    const got = record(c, 'run:mn');
    await publish(a, 'run:mn', 1, 40);
    await waitFor(() => got.seqs.length === 40);
    expect(a.connectionCount()).toBe(1);

    // Node A goes away while events keep coming in through node B.
    const stopped = a.close();
    const during = publish(b, 'run:mn', 41, 80);
    await stopped;
    await during;
    await publish(b, 'run:mn', 81, 100);
    await waitFor(() => got.seqs.length >= 100, { timeoutMs: 15_000 });
    expect(got.seqs).toEqual(range(1, 100));
    expect(got.gaps).toEqual([]);
    expect(b.connectionCount()).toBe(1);
    expect(c.state).toBe('connected');
    expect(c.stats()).toMatchObject({ duplicatesDropped: 0, gaps: 0 });
    // fetchState and the publish path use the node in use: A is gone.
    await expect(c.fetchState('run:mn')).resolves.toMatchObject({ channel: 'run:mn', seq: 100 });
    await expect(c.publish('run:mn', 'tick', { n: 101 })).resolves.toMatchObject({ seq: 101 });
  });

  it('tries the next URL when the first refuses to connect, with the same backoff', async () => {
    const [, b] = await twoNodes();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const c = client({ url: [dead, b.url] });
    const attempts: number[] = [];
    c.on('state', ({ newState }) => {
      if (newState === 'reconnecting') attempts.push(c.getStatus().attempt);
    });
    const got = record(c, 'run:first');
    await publish(b, 'run:first', 1, 10);
    await waitFor(() => got.seqs.length === 10);
    expect(got.seqs).toEqual(range(1, 10));
    expect(attempts).toEqual([1]); // one failed attempt on the dead URL, then the reconnect policy's retry
    expect(b.connectionCount()).toBe(1);
  });

  it('polls the node in use, and resumes on the next one from the same position', async () => {
    const [a, b] = await twoNodes();
    const c = client({ url: [a.url, b.url], transports: ['polling'], pollIntervalMs: 100 });
    const got = record(c, 'run:poll');
    await publish(a, 'run:poll', 1, 20);
    await waitFor(() => got.seqs.length === 20);
    await a.close();
    await publish(b, 'run:poll', 21, 50);
    await waitFor(() => got.seqs.length >= 50, { timeoutMs: 15_000 });
    expect(got.seqs).toEqual(range(1, 50));
    expect(got.gaps).toEqual([]);
    expect(c.getStatus().transport).toBe('polling');
  });
});
