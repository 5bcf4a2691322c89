import { CloseCode, ErrorCode } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEventMap, ConnectionState } from '../../src/types.js';
import { FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

function record<K extends keyof ClientEventMap>(client: ReturnType<typeof fakeClient>['client'], event: K) {
  const seen: ClientEventMap[K][] = [];
  client.on(event, (p) => seen.push(p));
  return seen;
}

describe('client connection lifecycle', () => {
  it('connects lazily on first subscribe, sends hello with the token and becomes connected', async () => {
    const { client } = fakeClient({ getToken: () => 'tok' });
    const states = record(client, 'state');
    const connected = record(client, 'connected');
    expect(client.state).toBe('idle');
    expect(FakeWebSocket.instances).toHaveLength(0);
    client.subscribe('run:1', {});
    expect(client.state).toBe('connecting');
    await settle();
    const ws = FakeWebSocket.last();
    expect(ws.url).toBe('ws://hub.test/v1/ws');
    expect(ws.protocols).toBe('herald.v1');
    ws.accept();
    expect(ws.sent[0]).toEqual({ type: 'hello', client: '@herald/client', token: 'tok' });
    expect(ws.sentOf('subscribe')).toEqual([
      { type: 'subscribe', rid: expect.any(String), channel: 'run:1' },
    ]);
    expect(client.state).toBe('connected');
    expect(states.map((s) => `${s.oldState}>${s.newState}`)).toEqual([
      'idle>connecting',
      'connecting>connected',
    ]);
    expect(connected).toEqual([{ transport: 'websocket' }]);
    const status = client.getStatus();
    expect(status).toMatchObject({
      state: 'connected',
      attempt: 0,
      nextRetryAt: null,
      transport: 'websocket',
    });
    expect(status.lastConnectedAt).toBe(Date.now());
    expect(client.getStatus()).toBe(status); // stable identity between changes
    client.close();
  });

  it('emits state, then the specific event, then status, with a consistent snapshot', async () => {
    const { client } = fakeClient({ lazy: false });
    const order: string[] = [];
    client.on('state', (s) => order.push(`state:${s.newState}:${client.getStatus().state}`));
    client.on('connected', () => order.push('connected'));
    client.on('disconnected', (d) => order.push(`disconnected:${d.code}`));
    client.on('status', (s) => order.push(`status:${s.state}`));
    await settle();
    FakeWebSocket.last().accept();
    FakeWebSocket.last().drop(1006);
    expect(order.slice(order.indexOf('state:connected:connected'))).toEqual([
      'state:connected:connected',
      'connected',
      'status:connected',
      'state:reconnecting:reconnecting',
      'disconnected:1006',
      'status:reconnecting',
    ]);
    client.close();
  });

  it('connects immediately when lazy is false, and connect() is idempotent', async () => {
    const { client } = fakeClient({ lazy: false });
    client.connect();
    client.connect();
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(1);
    client.close();
  });

  it('reconnects with full-jitter backoff and exposes attempt and nextRetryAt', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { initialMs: 1000, maxMs: 4000 } });
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      FakeWebSocket.last().drop(1006);
      const s = client.getStatus();
      expect(s.state).toBe('reconnecting');
      expect(s.attempt).toBe(i + 1);
      expect(s.lastError?.code).toBe(ErrorCode.ConnectionLost);
      delays.push((s.nextRetryAt ?? 0) - Date.now());
      await vi.advanceTimersByTimeAsync((s.nextRetryAt ?? 0) - Date.now());
      await settle();
      expect(client.state).toBe('connecting');
    }
    expect(delays).toEqual([500, 1000, 2000, 2000]); // random 0.5 × min(4000, 1000·2^n)
    expect(FakeWebSocket.instances).toHaveLength(5);
    client.close();
  });

  it('resets the attempt counter only after minUptimeMs connected', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { minUptimeMs: 5000 } });
    await settle();
    FakeWebSocket.last().drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeWebSocket.last().drop();
    await vi.advanceTimersByTimeAsync(1000);
    FakeWebSocket.last().accept();
    await vi.advanceTimersByTimeAsync(1000); // short uptime
    FakeWebSocket.last().drop();
    expect(client.getStatus().attempt).toBe(3);
    await vi.advanceTimersByTimeAsync(2000);
    FakeWebSocket.last().accept();
    await vi.advanceTimersByTimeAsync(5000); // long enough
    FakeWebSocket.last().drop();
    expect(client.getStatus().attempt).toBe(1);
    client.close();
  });

  it('fails after maxAttempts and reconnect() starts over', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { maxAttempts: 2 } });
    const errors = record(client, 'error');
    await settle();
    FakeWebSocket.last().drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    FakeWebSocket.last().drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    FakeWebSocket.last().drop();
    expect(client.state).toBe('failed');
    expect(errors).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    client.reconnect();
    await settle();
    expect(client.state).toBe('connecting');
    FakeWebSocket.last().accept();
    expect(client.state).toBe('connected');
    client.close();
  });

  it('waits a jittered share of drain.retryAfterMs before reconnecting after a drain', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { initialMs: 10 } });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.deliver({ type: 'drain', reason: 'restart', retryAfterMs: 4000 });
    ws.drop(CloseCode.ServiceRestart, 'drain');
    expect(client.getStatus().nextRetryAt).toBe(Date.now() + 2000); // random 0.5 × 4000
    expect(client.getStatus().lastError?.code).toBe(ErrorCode.ShuttingDown);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    FakeWebSocket.last().accept();
    FakeWebSocket.last().drop();
    expect(client.getStatus().nextRetryAt).toBe(Date.now() + 10); // normal backoff again (attempt 2: 0.5 × 20)
    client.close();
  });

  it('times out a connection attempt that never gets welcome', async () => {
    const { client } = fakeClient({ lazy: false, connectTimeoutMs: 3000 });
    await settle();
    const ws = FakeWebSocket.last();
    ws.open();
    await vi.advanceTimersByTimeAsync(3000);
    expect(client.state).toBe('reconnecting');
    expect(ws.closedWith).not.toBeNull();
    client.close();
  });

  it('treats a silent socket as dead after about two heartbeats (watchdog) and answers pings', async () => {
    const { client } = fakeClient({ lazy: false });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept(1000);
    await vi.advanceTimersByTimeAsync(1500);
    ws.deliver({ type: 'ping', ts: 5 });
    expect(ws.sentOf('pong')).toEqual([{ type: 'pong', ts: 5 }]);
    ws.deliver({ type: 'ping' });
    expect(ws.sentOf('pong')[1]).toEqual({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(1900);
    expect(client.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(200);
    expect(client.state).toBe('reconnecting');
    expect(client.getStatus().lastError?.code).toBe(ErrorCode.PingTimeout);
    expect(ws.closedWith?.code).toBe(1000);
    client.close();
  });

  it('ignores callbacks from a replaced socket (stale-socket guard)', async () => {
    const { client } = fakeClient({ lazy: false });
    const states = record(client, 'state');
    await settle();
    const old = FakeWebSocket.last();
    old.accept();
    old.drop(1006);
    await vi.runOnlyPendingTimersAsync();
    await settle();
    const fresh = FakeWebSocket.last();
    expect(fresh).not.toBe(old);
    fresh.accept();
    const before = states.length;
    // Late callbacks of the old socket: handlers were detached; even calling them directly is ignored.
    old.onclose?.({ code: 1006, reason: 'late' });
    old.onmessage?.({ data: JSON.stringify({ type: 'welcome' }) });
    expect(() => old.onerror?.({})).not.toThrow();
    expect(states.length).toBe(before);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('ignores a socket that opens after its attempt was abandoned', async () => {
    const { client } = fakeClient({ lazy: false, connectTimeoutMs: 100 });
    await settle();
    const slow = FakeWebSocket.last();
    const opened = slow.onopen;
    await vi.advanceTimersByTimeAsync(100);
    opened?.({});
    expect(slow.sent).toEqual([]);
    client.close();
  });

  it('stops for good on fatal close codes with a clear error', async () => {
    for (const code of [CloseCode.Forbidden, CloseCode.UnsupportedProtocol, CloseCode.ProtocolError]) {
      const { client } = fakeClient({ lazy: false });
      await settle();
      FakeWebSocket.last().drop(code, 'nope');
      expect(client.state).toBe('failed');
      expect(client.getStatus().lastError?.message).toContain(String(code));
      expect(vi.getTimerCount()).toBe(0);
      client.close();
    }
  });

  it('goes idle when the hub closes normally (1000) and reconnects on demand', async () => {
    const { client } = fakeClient({ lazy: false });
    await settle();
    FakeWebSocket.last().accept();
    FakeWebSocket.last().drop(1000);
    expect(client.state).toBe('idle');
    client.subscribe('c', {});
    expect(client.state).toBe('connecting');
    client.close();
  });

  it('closes lazily after the last unsubscribe and reconnects for the next subscribe', async () => {
    const { client } = fakeClient({ idleTimeoutMs: 500 });
    const a = client.subscribe('a', {});
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    a.unsubscribe();
    a.unsubscribe();
    expect(ws.sentOf('unsubscribe')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(client.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1);
    expect(client.state).toBe('idle');
    expect(ws.closedWith?.code).toBe(1000);
    client.subscribe('b', {});
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(2);
    client.close();
  });

  it('close() is final: no timers, no listeners, no socket', async () => {
    const { client, sources } = fakeClient({ lazy: false });
    const states = record(client, 'state');
    await settle();
    FakeWebSocket.last().accept(1000);
    client.close();
    client.close();
    expect(states.at(-1)).toMatchObject({ newState: 'closed', code: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    expect(sources.listeners()).toBe(0);
    expect(FakeWebSocket.last().closedWith?.code).toBe(1000);
    expect(() => client.subscribe('c', {})).toThrow(/closed/);
    await expect(client.publish('c', 't', 1)).rejects.toMatchObject({ code: ErrorCode.ClientClosed });
    client.connect();
    client.reconnect();
    expect(client.state satisfies ConnectionState).toBe('closed');
  });

  it('retries when the socket constructor throws, and fails without any transport', async () => {
    let n = 0;
    class Throwing extends FakeWebSocket {
      constructor(url: string, p?: string | string[]) {
        super(url, p);
        if (++n === 1) throw new Error('bad url');
      }
    }
    const { client } = fakeClient({ lazy: false, WebSocket: Throwing });
    await settle();
    expect(client.state).toBe('reconnecting');
    client.close();

    const none = fakeClient({ lazy: false, transports: [] });
    await settle();
    expect(none.client.state).toBe('failed');
    none.client.close();
  });

  it('logs through the injected logger and counts messages and bytes', async () => {
    const debug = vi.fn();
    const { client } = fakeClient({ lazy: false, logger: { debug } });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.deliver('not json');
    expect(debug).toHaveBeenCalledWith('herald: idle -> connecting', expect.anything());
    const stats = client.stats();
    expect(stats.messagesIn).toBe(1);
    expect(stats.messagesOut).toBe(1);
    expect(stats.bytesIn).toBeGreaterThan(50);
    expect(stats.bytesOut).toBeGreaterThan(10);
    client.close();
  });

  it('treats a failing getToken as a retryable connection failure', async () => {
    let calls = 0;
    const { client } = fakeClient({
      lazy: false,
      getToken: () => {
        calls++;
        if (calls === 1) throw new Error('auth server down');
        return 't';
      },
    });
    await settle();
    expect(client.state).toBe('reconnecting');
    await vi.runOnlyPendingTimersAsync();
    await settle();
    FakeWebSocket.last().accept();
    expect(FakeWebSocket.last().sent[0]).toMatchObject({ token: 't' });
    client.close();
  });
});
