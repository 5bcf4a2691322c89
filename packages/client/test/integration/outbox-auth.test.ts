import { createTestToken, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { HeraldClient, PublishAck, StorageLike } from '../../src/types.js';
import { collect, FAST, range, type Scenario, scenario, sleep, stream } from './helpers.js';

let s: Scenario | undefined;
const extra: HeraldClient[] = [];
afterEach(async () => {
  for (const c of extra.splice(0)) c.close();
  await s?.cleanup();
  s = undefined;
});

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('outbox against a real hub', () => {
  it('delivers publishes made while the proxy refuses connections once, in order, after reconnect', async () => {
    s = await scenario();
    // The subscriber connects straight to the hub; the publisher goes through the faulty proxy.
    const watcher = createClient({ url: s.hub.url, ...FAST });
    extra.push(watcher);
    const got = collect(watcher, 'chat:1');
    await waitFor(() => got.sub.position() !== null);

    const first = await s.client.publish('chat:1', 'msg', { n: 1 });
    expect(first.seq).toBe(1);
    s.proxy.refuseNew(true);
    s.proxy.cutAll();
    await waitFor(() => s?.client.state === 'reconnecting');
    const acks: Promise<PublishAck>[] = [];
    for (let n = 2; n <= 40; n++) acks.push(s.client.publish('chat:1', 'msg', { n }));
    expect(s.client.stats().outboxDepth).toBe(39);
    await sleep(500); // the outage: several refused attempts
    expect(got.events).toHaveLength(1);
    s.proxy.refuseNew(false);
    const settled = await Promise.all(acks);
    expect(settled.map((a) => a.seq)).toEqual(range(40).slice(1));
    await waitFor(() => expect(got.events.length).toBe(40));
    expect(got.data()).toEqual(range(40).map((n) => ({ n })));
    expect(got.seqs()).toEqual(range(40));
    expect(s.client.stats().outboxDepth).toBe(0);
  });

  it('re-sends a persisted outbox from a new client after a "reload", storing it once', async () => {
    s = await scenario();
    const storage = memoryStorage();
    s.proxy.refuseNew(true);
    const before = createClient({ url: s.proxy.url, ...FAST, persistence: storage });
    const lost = [before.publish('chat:2', 'msg', { n: 1 }), before.publish('chat:2', 'msg', { n: 2 })];
    for (const p of lost) p.catch(() => {});
    await sleep(200);
    before.close(); // the page reloads while offline
    s.proxy.refuseNew(false);

    const after = createClient({ url: s.proxy.url, ...FAST, persistence: storage });
    extra.push(after);
    const acked: number[] = [];
    after.on('outbox', (e) => {
      if (e.status === 'acked' && e.ack) acked.push(e.ack.seq);
    });
    await waitFor(() => expect(acked).toEqual([1, 2]));
    expect(storage.data.size).toBe(0);
    const got = collect(after, 'chat:2');
    const history = await fetch(`${s.hub.url}/v1/channels/chat:2/events?after=0`).then((r) => r.json());
    expect(history.events.map((e: { data: unknown }) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    got.sub.unsubscribe();
  });
});

describe('auth against a real hub', () => {
  it('gets a fresh token and resumes with no gap when the token expires during a "60 s" outage (3 s)', async () => {
    const secret = 'integration-secret';
    let minted = 0;
    s = await scenario(
      { auth: { jwtSecret: secret }, refreshBeforeMs: 1000 },
      {
        getToken: () => {
          minted++;
          return createTestToken({ secret, expiresInSec: 2 });
        },
      },
    );
    const got = collect(s.client, 'run:auth');
    await waitFor(() => got.sub.position() !== null);
    const pub = stream(s.hub, 'run:auth', 300, 15);
    await waitFor(() => got.events.length >= 30);
    s.proxy.refuseNew(true);
    s.proxy.cutAll();
    await sleep(3000); // longer than the token's 2 s lifetime
    s.proxy.refuseNew(false);
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(300), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(300));
    expect(got.gaps).toEqual([]);
    expect(minted).toBeGreaterThanOrEqual(2);
    expect(s.client.state).toBe('connected');
  });

  it('refreshes in-band before expiry without reconnecting', async () => {
    const secret = 'integration-secret';
    let minted = 0;
    s = await scenario(
      { auth: { jwtSecret: secret }, refreshBeforeMs: 1500, heartbeatMs: 5000 },
      {
        getToken: () => {
          minted++;
          return createTestToken({ secret, expiresInSec: 2 });
        },
      },
    );
    const drops: number[] = [];
    s.client.on('disconnected', (d) => drops.push(d.code));
    const got = collect(s.client, 'run:refresh');
    await waitFor(() => got.sub.position() !== null);
    const pub = stream(s.hub, 'run:refresh', 150, 20); // about 3 s: longer than one token
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(150), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(150));
    expect(minted).toBeGreaterThanOrEqual(2);
    expect(drops).toEqual([]); // the same connection all along
  });

  it('on a 4409 close (refresh refused, token expired) fetches a new token and resumes with no gap', async () => {
    const secret = 'integration-secret';
    let minted = 0;
    s = await scenario(
      { auth: { jwtSecret: secret }, refreshBeforeMs: 1500, heartbeatMs: 5000 },
      {
        getToken: () => {
          minted++;
          // Token 2 (the in-band refresh) names another user, so the hub refuses it and the first token
          // expires on the open connection; token 3 is good for a minute.
          if (minted === 2) return createTestToken({ secret, sub: 'someone-else', expiresInSec: 60 });
          return createTestToken({ secret, expiresInSec: minted === 1 ? 2 : 60 });
        },
      },
    );
    const drops: number[] = [];
    const errors: string[] = [];
    s.client.on('disconnected', (d) => drops.push(d.code));
    s.client.on('error', (e) => errors.push(e.code));
    const got = collect(s.client, 'run:expired');
    await waitFor(() => got.sub.position() !== null);
    const pub = stream(s.hub, 'run:expired', 150, 20);
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(150), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(150));
    expect(got.gaps).toEqual([]);
    expect(drops).toContain(4409);
    expect(errors).toContain('ERR_UNAUTHORIZED'); // the refused refresh
    expect(minted).toBe(3);
    expect(s.client.state).toBe('connected');
  });
});
