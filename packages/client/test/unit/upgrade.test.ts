import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEventMap, ClientOptions, HeraldClient } from '../../src/types.js';
import { fakeHubHttp } from './fake-http.js';
import { FakeWebSocket, fakeClient, run, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

/** A client whose first WebSocket fails, so it polls; it probes the WebSocket every 5 s. */
async function pollingClient(extra: Partial<ClientOptions> = {}) {
  const http = fakeHubHttp();
  const debug: unknown[] = [];
  const { client } = fakeClient({
    transports: ['websocket', 'polling'],
    fallbackAfter: 1,
    upgradeIntervalMs: 5000,
    pollIntervalMs: 1000,
    connectTimeoutMs: 3000,
    backoff: { initialMs: 100 },
    logger: {
      debug: (message, data) => {
        if (message.includes('upgrade')) debug.push({ message, data });
      },
    },
    ...extra,
    environment: { fetch: http.fetch },
  });
  const got: number[] = [];
  const sub = client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
  await settle();
  FakeWebSocket.last().drop();
  await vi.advanceTimersByTimeAsync(200);
  await run();
  expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'polling' });
  expect(FakeWebSocket.instances).toHaveLength(1);
  return { client, http, got, sub, debug };
}

function record<K extends keyof ClientEventMap>(client: HeraldClient, event: K) {
  const seen: ClientEventMap[K][] = [];
  client.on(event, (p) => seen.push(p));
  return seen;
}

describe('upgrade from polling to WebSocket', () => {
  it('switches to a probed WebSocket that reached welcome, resuming from the position exactly once', async () => {
    const { client, http, got, sub } = await pollingClient({ getToken: () => 'tok' });
    http.publish('c', 1);
    http.publish('c', 2);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(got).toEqual([1, 2]);
    const connected = record(client, 'connected');
    const statuses = record(client, 'status');
    const states = record(client, 'state');

    await vi.advanceTimersByTimeAsync(4000); // the probe starts 5 s after polling connected
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    const ws = FakeWebSocket.last();
    ws.open();
    expect(ws.sent).toEqual([{ type: 'hello', client: '@herald/client', token: 'tok' }]);
    expect(client.getStatus().transport).toBe('polling'); // not before welcome
    http.publish('c', 3); // published while the switch happens
    ws.accept();

    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'websocket' });
    expect(connected).toEqual([{ transport: 'websocket' }]);
    expect(statuses.at(-1)?.transport).toBe('websocket');
    expect(states).toEqual([]); // still connected throughout
    expect(ws.sentOf('subscribe')).toEqual([
      { type: 'subscribe', rid: expect.any(String), channel: 'c', since: { epoch: 'e1', seq: 2 } },
    ]);
    const polls = http.gets.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(http.gets.length).toBe(polls); // polling stopped
    expect(FakeWebSocket.instances).toHaveLength(2); // and no more probes

    ws.answerSubscribes('e1', 3, true);
    ws.deliver({
      type: 'events',
      events: [2, 3, 4].map((seq) => ({ channel: 'c', seq, id: `i${seq}`, ts: '', type: 't', data: seq })),
    });
    expect(got).toEqual([1, 2, 3, 4]);
    expect(sub.position()).toEqual({ epoch: 'e1', seq: 4 });
    expect(client.stats()).toMatchObject({ duplicatesDropped: 1, reconnects: 0, resumes: 1 });
    client.close();
  });

  it('keeps polling, silently, when a probe closes or times out, and probes again later', async () => {
    const { client, http, got, debug } = await pollingClient();
    const seen = record(client, 'status');
    const errors = record(client, 'error');
    const status = client.getStatus();

    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    FakeWebSocket.last().drop(1006); // refused
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    http.publish('c', 1);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(got).toEqual([1]); // polling untouched

    await vi.advanceTimersByTimeAsync(4000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(3);
    const hanging = FakeWebSocket.last();
    hanging.open(); // opens but never says welcome
    await vi.advanceTimersByTimeAsync(3000);
    expect(hanging.closedWith).toEqual({ code: 1000, reason: 'upgrade probe ended' });

    expect(client.getStatus()).toBe(status);
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
    expect(debug).toEqual([
      expect.objectContaining({
        message: 'herald: WebSocket upgrade failed',
        data: expect.objectContaining({ reason: 'closed (1006)' }),
      }),
      expect.objectContaining({ data: expect.objectContaining({ reason: 'timed out' }) }),
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(4); // tries again
    client.close();
    expect(FakeWebSocket.last().closedWith).not.toBeNull(); // close ends a probe under way
  });

  it('treats a WebSocket constructor that throws as a failed probe', async () => {
    let refuse = false;
    class Refusing extends FakeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        if (refuse) throw new Error('refused');
        super(url, protocols);
      }
    }
    const { client, debug } = await pollingClient({ WebSocket: Refusing });
    refuse = true;
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(debug).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ reason: 'could not open the socket' }) }),
    ]);
    expect(client.getStatus().transport).toBe('polling');
    refuse = false;
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    FakeWebSocket.last().accept();
    expect(client.getStatus().transport).toBe('websocket');
    client.close();
  });

  it('treats a getToken failure before a probe as a failed probe', async () => {
    let calls = 0;
    const { client, debug } = await pollingClient({
      getToken: () => {
        if (++calls === 3) throw new Error('token service down'); // the first probe's token
        return 'tok';
      },
    });
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(debug).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ reason: 'getToken failed' }) }),
    ]);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    client.close();
  });

  it('discards a probe when the polling connection it belongs to is gone', async () => {
    const { client, http } = await pollingClient();
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    const probe = FakeWebSocket.last();
    const states = record(client, 'state');
    const fetch = http.fetch as unknown as ReturnType<typeof vi.fn>;
    fetch.mockImplementationOnce(async () => ({ ok: false, status: 500, json: async () => ({}) }));
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(states.map((s) => s.newState)).toEqual(['reconnecting', 'connecting', 'connected']); // polling again
    expect(probe.closedWith).not.toBeNull();
    probe.accept(); // a late welcome on the discarded probe changes nothing
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'polling' });
    expect(FakeWebSocket.instances).toHaveLength(2);
    client.close();
  });

  it('does not probe when upgradeIntervalMs is 0 or the WebSocket is not allowed', async () => {
    const { client } = await pollingClient({ upgradeIntervalMs: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    client.close();

    const http = fakeHubHttp();
    const only = fakeClient({ transports: ['polling'], environment: { fetch: http.fetch } });
    only.client.subscribe('c', {});
    await run();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    only.client.close();
  });

  it('after the switch a lost WebSocket reconnects on the WebSocket and resumes', async () => {
    const { client, http, got } = await pollingClient();
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.answerSubscribes('e1', 0, true);
    http.publish('c', 1);
    ws.deliver({ type: 'events', events: [{ channel: 'c', seq: 1, id: 'i1', ts: '', type: 't', data: 1 }] });
    ws.drop(1006);
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    const next = FakeWebSocket.last();
    expect(next).not.toBe(ws);
    next.accept();
    expect(next.sentOf('subscribe')[0]?.since).toEqual({ epoch: 'e1', seq: 1 });
    expect(client.getStatus().transport).toBe('websocket');
    expect(got).toEqual([1]);
    client.close();
  });
});
