import { createTestToken, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../src/index.js';
import type { ClientEventMap, HeraldClient, PublishAck, WebSocketConstructorLike } from '../../src/types.js';
import { collect, FAST, range, type Scenario, scenario } from './helpers.js';

let s: Scenario | undefined;
const extra: HeraldClient[] = [];
afterEach(async () => {
  for (const c of extra.splice(0)) c.close();
  await s?.cleanup();
  s = undefined;
});

/**
 * A real `ws` WebSocket whose upgrade is refused while `gate.refuse` is set: it then asks the hub for an
 * unknown path, which the hub answers 404 (like a proxy that blocks upgrades), while HTTP keeps working.
 */
function gatedWebSocket(gate: { refuse: boolean }): WebSocketConstructorLike {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(gate.refuse ? url.replace('/v1/ws', '/v1/blocked') : url, protocols);
    }
  } as WebSocketConstructorLike;
}

describe('upgrade from polling to WebSocket against a real hub', () => {
  it('falls back to polling, upgrades once WebSockets work, and delivers exactly 1..N in order', async () => {
    const gate = { refuse: true };
    s = await scenario(
      {},
      {
        WebSocket: gatedWebSocket(gate),
        transports: ['websocket', 'polling'],
        pollIntervalMs: 50,
        upgradeIntervalMs: 200,
      },
    );
    const client = s.client;
    const connected: ClientEventMap['connected'][] = [];
    client.on('connected', (c) => connected.push(c));
    const got = collect(client, 'run:upgrade');
    await waitFor(() => client.getStatus().transport === 'polling' && got.sub.position() !== null, {
      timeoutMs: 15_000,
    });
    expect(connected).toEqual([{ transport: 'polling' }]);
    expect(got.events).toEqual([]);

    // Publish continuously: before the upgrade, across it, and 100 events after it.
    let published = 0;
    let switchedAt: number | null = null;
    const hub = s.hub;
    const publisher = (async () => {
      // Bounded, so a client that never upgrades fails the assertions below instead of hanging.
      while (
        (switchedAt === null && published < 3000) ||
        (switchedAt !== null && published < switchedAt + 100)
      ) {
        published++;
        await hub.publish('run:upgrade', [{ type: 'tick', data: { n: published }, id: `ev-${published}` }]);
        if (switchedAt === null && client.getStatus().transport === 'websocket') switchedAt = published;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await waitFor(() => got.events.length >= 30, { timeoutMs: 15_000 });
    expect(client.getStatus().transport).toBe('polling');
    gate.refuse = false;
    await publisher;

    await waitFor(() => expect(got.events.length).toBe(published), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(published));
    expect(got.data()).toEqual(range(published).map((n) => ({ n })));
    expect(got.gaps).toEqual([]);
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'websocket' });
    expect(connected).toEqual([{ transport: 'polling' }, { transport: 'websocket' }]);
    expect(client.stats().reconnects).toBe(0); // an upgrade is not a reconnect
    expect(s.hub.connectionCount()).toBe(1); // the socket; polling holds no connection
  });
});

describe('publishing while polling against a real hub', () => {
  it('publishes over HTTP on an open dev hub, in order and idempotently by id', async () => {
    s = await scenario({}, { transports: ['polling'], pollIntervalMs: 50 });
    const watcher = createClient({ url: s.hub.url, ...FAST });
    extra.push(watcher);
    const seen = collect(watcher, 'chat:poll');
    await waitFor(() => seen.sub.position() !== null);

    const acks: Promise<PublishAck>[] = [];
    for (let n = 1; n <= 30; n++) acks.push(s.client.publish('chat:poll', 'msg', { n }, { id: `m${n}` }));
    const settled = await Promise.all(acks);
    expect(s.client.getStatus().transport).toBe('polling');
    expect(settled.map((a) => a.seq)).toEqual(range(30));
    expect(settled.every((a) => !a.duplicate && a.channel === 'chat:poll')).toBe(true);
    const again = await s.client.publish('chat:poll', 'msg', { n: 1 }, { id: 'm1' });
    expect(again).toEqual({ channel: 'chat:poll', id: 'm1', seq: 1, duplicate: true });

    await waitFor(() => expect(seen.events.length).toBe(30));
    expect(seen.data()).toEqual(range(30).map((n) => ({ n })));
    expect(s.client.stats().outboxDepth).toBe(0);
  });

  it('publishes with the connection token and rejects a refused channel with ERR_FORBIDDEN', async () => {
    const secret = 'integration-secret';
    s = await scenario(
      { auth: { jwtSecret: secret } },
      {
        transports: ['polling'],
        pollIntervalMs: 50,
        getToken: () =>
          createTestToken({ secret, subChannels: ['chat:*'], pubChannels: ['chat:*'], expiresInSec: 60 }),
      },
    );
    const ack = await s.client.publish('chat:auth', 'msg', { ok: true });
    expect(ack).toMatchObject({ channel: 'chat:auth', seq: 1, duplicate: false });
    await expect(s.client.publish('admin:auth', 'msg', { ok: false })).rejects.toMatchObject({
      code: 'ERR_FORBIDDEN',
      retryable: false,
    });
    const history = await fetch(`${s.hub.url}/v1/channels/chat:auth/events?after=0`, {
      headers: { authorization: `Bearer ${await createTestToken({ secret, subChannels: ['*'] })}` },
    }).then((r) => r.json());
    expect(history.events.map((e: { data: unknown }) => e.data)).toEqual([{ ok: true }]);
    expect(s.client.stats().outboxDepth).toBe(0);
  });
});
