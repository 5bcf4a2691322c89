import { ErrorCode } from '@herald/protocol';
import { http, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hubWith(options: Parameters<typeof startTestHub>[0]): Promise<TestHub> {
  const t = await startTestHub(options);
  cleanups.push(() => t.close());
  return t;
}

async function client(url: string, options: Parameters<typeof TestClient.connect>[1] = {}) {
  const c = await TestClient.connect(url, options);
  cleanups.push(() => c.close());
  return c;
}

describe('heartbeat and handshake', () => {
  it('closes a peer that never answers ping with 4001 and keeps one that does', async () => {
    const hub = await hubWith({ heartbeatMs: 500 });
    const silent = await client(hub.wsUrl, { autoPong: false });
    const alive = await client(hub.wsUrl);
    await alive.subscribe('hb');
    expect((await silent.closed()).code).toBe(4001);
    expect(silent.messages.some((m) => m.type === 'ping')).toBe(true);
    await waitFor(() => alive.messages.filter((m) => m.type === 'ping').length >= 3);
    expect(alive.closeInfo).toBeNull();
    expect(hub.connectionCount()).toBe(1);
    expect(hub.stats().pingTimeouts).toBe(1);
    // Client pings are answered with the same ts.
    alive.send({ type: 'ping', ts: 12345 });
    await alive.waitFor((m) => m.type === 'pong' && m.ts === 12345);
  });

  it('spreads pings over the interval: each connection once per heartbeatMs, not all in one turn', async () => {
    // Tick period min(heartbeatMs / 2, handshakeTimeoutMs / 4) = 300 ms: four heartbeat slots of 1,200 ms.
    const hub = await hubWith({ heartbeatMs: 1200, handshakeTimeoutMs: 1200 });
    const clients = await Promise.all(Array.from({ length: 8 }, () => client(hub.wsUrl)));
    const pingTimes = (c: TestClient) =>
      c.messages.flatMap((m) => (m.type === 'ping' && typeof m.ts === 'number' ? [m.ts] : []));
    await waitFor(() => clients.every((c) => pingTimes(c).length >= 2), { timeoutMs: 5000 });
    const firsts = new Set(clients.map((c) => pingTimes(c)[0]));
    expect(firsts.size).toBe(4); // eight connections in four ticks, two per tick
    for (const c of clients) {
      const [first, second] = pingTimes(c) as [number, number];
      expect(second - first).toBeGreaterThanOrEqual(1100);
      expect(second - first).toBeLessThan(2000); // slack for a busy machine's timers
    }
    expect(hub.stats().pingTimeouts).toBe(0);
  });

  it('closes a socket that sends no hello in time with 4003', async () => {
    const hub = await hubWith({ handshakeTimeoutMs: 200 });
    const idle = await client(hub.wsUrl, { hello: false });
    expect((await idle.closed()).code).toBe(4003);
    expect(idle.errors()[0]?.code).toBe(ErrorCode.HandshakeTimeout);
  });
});

describe('drain', () => {
  it('sends drain, closes with 1012 and refuses new sockets', async () => {
    const hub = await hubWith({});
    const c = await client(hub.wsUrl);
    expect((await http(`${hub.url}/healthz`)).body).toEqual({ status: 'ok' });
    const draining = hub.drain('deploy');
    expect((await c.closed()).code).toBe(1012);
    expect(c.messages.find((m) => m.type === 'drain')).toMatchObject({
      reason: 'deploy',
      retryAfterMs: expect.any(Number),
    });
    await draining;
    expect(hub.connectionCount()).toBe(0);
    const late = await TestClient.connect(hub.wsUrl, { hello: false }).catch((err: Error) => err);
    expect(late).toBeInstanceOf(Error);
    await hub.close();
    await hub.close();
  });
});
