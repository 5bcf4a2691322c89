import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

describe('client environment awareness', () => {
  it('pauses retries while offline and reconnects at once when back online', async () => {
    const { client, sources } = fakeClient({ lazy: false });
    await settle();
    FakeWebSocket.last().accept();
    sources.setOnline(false);
    expect(client.state).toBe('offline');
    expect(FakeWebSocket.last().closedWith?.code).toBe(1000);
    expect(vi.getTimerCount()).toBe(0); // no retry timers burning while offline
    sources.setOnline(true);
    expect(client.state).toBe('connecting');
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    client.close();
  });

  it('goes offline instead of scheduling a retry when the network is down', async () => {
    const { client, sources } = fakeClient({ lazy: false });
    await settle();
    FakeWebSocket.last().accept();
    sources.env.isOnline = () => false;
    const offline = fakeClient({ lazy: false, environment: { isOnline: () => false } });
    expect(offline.client.state).toBe('offline');
    offline.client.close();
    client.close();
  });

  it('drops to offline from a failing connection when navigator says so', async () => {
    let online = true;
    const { client } = fakeClient({ lazy: false, environment: { isOnline: () => online } });
    await settle();
    online = false;
    FakeWebSocket.last().drop();
    expect(client.state).toBe('offline');
    expect(client.getStatus().nextRetryAt).toBeNull();
    client.close();
  });

  it('retries at once when a hidden tab becomes visible while reconnecting', async () => {
    const { client, sources } = fakeClient({ lazy: false, backoff: { initialMs: 60_000 } });
    await settle();
    FakeWebSocket.last().drop();
    expect(client.state).toBe('reconnecting');
    sources.becomeVisible();
    expect(client.state).toBe('connecting');
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    client.close();
  });

  it('pings when the tab becomes visible while connected', async () => {
    const { client, sources } = fakeClient({ lazy: false });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    sources.becomeVisible();
    expect(ws.sentOf('ping')).toEqual([{ type: 'ping', ts: Date.now() }]);
    client.close();
  });

  it('reconnect() skips the backoff wait', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { initialMs: 60_000 } });
    await settle();
    FakeWebSocket.last().drop();
    client.reconnect();
    expect(client.state).toBe('connecting');
    client.close();
  });
});
