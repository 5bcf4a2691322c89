import { ErrorCode } from '@herald/protocol';
import { http, range, seqs, startTestHub, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, type EventStore } from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A real memory store that fails every operation on `boom:*` channels, as a broken backend would. */
function faultyStore(): EventStore {
  const inner = createMemoryStore();
  const check = (channel: string) => {
    if (channel.startsWith('boom:')) throw new Error('disk on fire');
  };
  return {
    async append(channel, inputs) {
      check(channel);
      return inner.append(channel, inputs);
    },
    async read(channel, after, limit) {
      check(channel);
      return inner.read(channel, after, limit);
    },
    async info(channel) {
      check(channel);
      return inner.info(channel);
    },
    async state(channel) {
      check(channel);
      return inner.state(channel);
    },
    trim: () => inner.trim(),
    close: () => inner.close(),
  };
}

describe('failures inside the hub', () => {
  it('answers ERR_INTERNAL for store failures and keeps every other client served', async () => {
    const store = faultyStore();
    cleanups.push(() => store.close());
    const t = await startTestHub({ store });
    cleanups.push(() => t.close());
    const hub = t;
    const neighbour = await TestClient.connect(hub.wsUrl);
    const victim = await TestClient.connect(hub.wsUrl);
    cleanups.push(
      () => neighbour.close(),
      () => victim.close(),
    );
    await neighbour.subscribe('ok:1');
    await hub.publish('ok:1', [{ type: 't', data: 1 }]);

    expect(await victim.subscribe('boom:1')).toMatchObject({
      type: 'error',
      code: ErrorCode.Internal,
      retryable: true,
    });
    const pub = await victim.request({ type: 'publish', channel: 'boom:1', event: { type: 't', data: 1 } });
    expect(pub).toMatchObject({ type: 'error', code: ErrorCode.Internal });
    const httpPub = await http(`${hub.url}/v1/channels/boom:1/events`, { body: { type: 't', data: 1 } });
    expect(httpPub.status).toBe(500);
    expect(httpPub.body).toEqual({
      error: { code: ErrorCode.Internal, message: 'internal error', retryable: true },
    });
    expect((await http(`${hub.url}/v1/channels/boom:1/events`)).status).toBe(500);
    // The failed subscription is gone, so it can be retried; the victim's socket is still usable.
    expect(await victim.subscribe('ok:1')).toMatchObject({ type: 'subscribed' });

    await hub.publish('ok:1', [{ type: 't', data: 2 }]);
    await waitFor(() => neighbour.events('ok:1').length === 2 && victim.events('ok:1').length === 1);
    expect(seqs(neighbour.events('ok:1'))).toEqual(range(1, 2));
    expect(neighbour.closeInfo).toBeNull();
    expect(victim.closeInfo).toBeNull();
  });

  it('stores a WebSocket publish retried with the same id once', async () => {
    const t = await startTestHub({});
    cleanups.push(() => t.close());
    const c = await TestClient.connect(t.wsUrl);
    cleanups.push(() => c.close());
    await c.subscribe('idem');
    const event = { type: 't', data: 'once', id: 'client-generated-1' };
    expect(await c.request({ type: 'publish', channel: 'idem', event })).toMatchObject({
      type: 'ack',
      id: 'client-generated-1',
      seq: 1,
    });
    const again = await c.request({ type: 'publish', channel: 'idem', event });
    expect(again).toMatchObject({ type: 'ack', seq: 1, duplicate: true });
    await t.publish('idem', [{ type: 't', data: 'next' }]);
    await waitFor(() => c.events('idem').length === 2);
    expect(c.events('idem').map((e) => [e.seq, e.id])).toEqual([
      [1, 'client-generated-1'],
      [2, expect.any(String)],
    ]);
  });

  it('accepts requests pipelined right after hello, before welcome', async () => {
    const t = await startTestHub({});
    cleanups.push(() => t.close());
    await t.publish('pipe', [{ type: 't', data: 1 }]);
    const c = await TestClient.connect(t.wsUrl, { hello: false });
    cleanups.push(() => c.close());
    c.send({ type: 'hello', requestId: 'req-1' });
    c.send({ type: 'subscribe', rid: 's', channel: 'pipe', since: { seq: 0 } });
    await waitFor(() => c.events('pipe').length === 1);
    expect(c.messages.map((m) => m.type)).toEqual(['welcome', 'subscribed', 'events']);
    expect(c.messages[0]).toMatchObject({ requestId: 'req-1' });
  });
});
