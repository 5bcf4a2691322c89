import type { SubscribedMessage } from '@herald/protocol';
import {
  http,
  publishMany,
  range,
  seqs,
  startTestHub,
  TestClient,
  type TestHub,
  waitFor,
} from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hubFor(options: Parameters<typeof startTestHub>[0]): Promise<TestHub> {
  const t = await startTestHub(options);
  cleanups.push(() => t.close());
  return t;
}

async function client(url: string): Promise<TestClient> {
  const c = await TestClient.connect(url);
  cleanups.push(() => c.close());
  return c;
}

describe('replay then live', () => {
  it('replays exactly 501..1000 after since=500, then live events with no gap or duplicate', async () => {
    const hub = await hubFor({ sqlite: true });
    await publishMany(hub.url, 'run:1', 1000);
    const c = await client(hub.wsUrl);
    // Publish more while the replay is in progress, and after it.
    const during = publishMany(hub.url, 'run:1', 300, 1000);
    const reply = (await c.subscribe('run:1', { seq: 500 })) as SubscribedMessage;
    expect(reply.type).toBe('subscribed');
    expect(reply.recovered).toBe(true);
    expect(reply.lastSeq).toBeGreaterThanOrEqual(1000);
    await during;
    await publishMany(hub.url, 'run:1', 200, 1300);
    await waitFor(() => c.events('run:1').length >= 1000, { timeoutMs: 20_000 });
    const got = c.events('run:1');
    expect(seqs(got)).toEqual(range(501, 1500));
    expect(got.map((e) => (e.data as { i: number }).i)).toEqual(range(500, 1499));
    // `subscribed` precedes every event of the channel.
    const firstEvents = c.messages.findIndex((m) => m.type === 'events');
    expect(c.messages.findIndex((m) => m.type === 'subscribed')).toBeLessThan(firstEvents);
  });

  it('without since sends only events after lastSeq', async () => {
    const hub = await hubFor({});
    await publishMany(hub.url, 'a', 5);
    const c = await client(hub.wsUrl);
    const reply = (await c.subscribe('a')) as SubscribedMessage;
    expect(reply).toMatchObject({ type: 'subscribed', lastSeq: 5, recovered: true });
    await hub.publish('a', [{ type: 't', data: 1 }]);
    await waitFor(() => c.events('a').length === 1);
    expect(seqs(c.events('a'))).toEqual([6]);
  });

  it('packs a backlog into frames and keeps per-channel order across many channels', async () => {
    const hub = await hubFor({});
    const c = await client(hub.wsUrl);
    for (const ch of ['x:1', 'x:2', 'x:3']) await c.subscribe(ch);
    await Promise.all(
      ['x:1', 'x:2', 'x:3'].flatMap((ch) =>
        range(1, 50).map((i) => hub.publish(ch, [{ type: 't', data: i }])),
      ),
    );
    await waitFor(() => c.events().length === 150);
    for (const ch of ['x:1', 'x:2', 'x:3']) expect(seqs(c.events(ch))).toEqual(range(1, 50));
    const frames = c.messages.filter((m) => m.type === 'events').length;
    expect(frames).toBeLessThan(150);
  });
});

describe('positions outside history', () => {
  it('reports recovered:false (never a silent hole) for trimmed, future and other-epoch positions', async () => {
    const store = createMemoryStore({ maxCount: 10 });
    cleanups.push(() => store.close());
    const hub = await hubFor({ store });
    await publishMany(hub.url, 'r', 50);
    await store.trim();
    const history = await http(`${hub.url}/v1/channels/r/events?after=0&limit=1000`);
    const body = history.body as { first_seq: number; last_seq: number; epoch: string; events: unknown[] };
    expect(body.last_seq).toBe(50);
    expect(body.first_seq).toBe(41);
    expect(body.events).toHaveLength(10);

    const old = await client(hub.wsUrl);
    const reply = (await old.subscribe('r', { seq: 5 })) as SubscribedMessage;
    expect(reply).toMatchObject({ type: 'subscribed', recovered: false, lastSeq: 50, epoch: body.epoch });

    const edge = await client(hub.wsUrl);
    expect(await edge.subscribe('r', { seq: 40, epoch: body.epoch })).toMatchObject({ recovered: true });

    const other = await client(hub.wsUrl);
    expect(await other.subscribe('r', { seq: 45, epoch: 'another-epoch' })).toMatchObject({
      recovered: false,
    });

    const future = await client(hub.wsUrl);
    expect(await future.subscribe('r', { seq: 51 })).toMatchObject({ recovered: false });

    await hub.publish('r', [{ type: 't', data: 'live' }]);
    for (const c of [old, other, future]) {
      await waitFor(() => c.events('r').length === 1);
      expect(seqs(c.events('r'))).toEqual([51]);
    }
    await waitFor(() => edge.events('r').length === 11);
    expect(seqs(edge.events('r'))).toEqual(range(41, 51));
  });
});
