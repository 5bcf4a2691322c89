import { ErrorCode } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxEvent, StorageLike } from '../../src/types.js';
import { FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
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

describe('client publish and outbox', () => {
  it('sends with a client-generated id and resolves with the ack', async () => {
    const { client } = fakeClient();
    const p = client.publish('c', 'note', { a: 1 });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    const [m] = ws.sentOf('publish');
    expect(m?.event).toEqual({ type: 'note', data: { a: 1 }, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    ws.deliver({ type: 'ack', rid: m!.rid, channel: 'c', id: m!.event.id!, seq: 9 });
    await expect(p).resolves.toEqual({ channel: 'c', id: m!.event.id, seq: 9, duplicate: false });
    expect(client.stats().outboxDepth).toBe(0);
    client.close();
  });

  it('queues while disconnected and flushes in order on reconnect, resending unacked ones with the same id', async () => {
    const { client } = fakeClient({ lazy: false });
    await settle();
    let ws = FakeWebSocket.last();
    ws.accept();
    const p1 = client.publish('c', 't', 1, { id: 'one' });
    ws.drop(); // in flight, unacked
    const p2 = client.publish('c', 't', 2, { id: 'two' });
    const p3 = client.publish('c', 't', 3, { id: 'three' });
    expect(client.stats().outboxDepth).toBe(3);
    await vi.runOnlyPendingTimersAsync();
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    const sent = ws.sentOf('publish');
    expect(sent.map((m) => m.event.id)).toEqual(['one', 'two', 'three']);
    for (const [i, m] of sent.entries()) {
      ws.deliver({ type: 'ack', rid: m.rid, channel: 'c', id: m.event.id!, seq: i + 1, duplicate: i === 0 });
    }
    expect((await Promise.all([p1, p2, p3])).map((a) => [a.seq, a.duplicate])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    client.close();
  });

  it('rejects on a final hub error and retries after a retryable one', async () => {
    const { client } = fakeClient({ lazy: false, backoff: { initialMs: 100 } });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    const denied = client.publish('c', 't', 1);
    const limited = client.publish('c', 't', 2);
    const [a, b] = ws.sentOf('publish');
    ws.deliver({ type: 'error', rid: a!.rid, code: ErrorCode.Forbidden, message: 'no', retryable: false });
    ws.deliver({
      type: 'error',
      rid: b!.rid,
      code: ErrorCode.RateLimited,
      message: 'slow down',
      retryable: true,
    });
    await expect(denied).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await vi.advanceTimersByTimeAsync(100);
    const resent = ws.sentOf('publish')[2];
    expect(resent?.event.id).toBe(b!.event.id);
    ws.deliver({ type: 'ack', rid: resent!.rid, channel: 'c', id: resent!.event.id!, seq: 1 });
    await expect(limited).resolves.toMatchObject({ seq: 1 });
    client.close();
  });

  it('applies the overflow policy while offline', async () => {
    const { client } = fakeClient({ lazy: false, outbox: { maxSize: 2, overflow: 'reject' } });
    await settle();
    void client.publish('c', 't', 1).catch(() => {});
    void client.publish('c', 't', 2).catch(() => {});
    await expect(client.publish('c', 't', 3)).rejects.toMatchObject({ code: ErrorCode.OutboxFull });
    await expect(client.publish('bad channel', 't', 3)).rejects.toMatchObject({ code: ErrorCode.BadChannel });
    client.close();
  });

  it('persists queued messages: a new client with the same storage sends them and reports the acks', async () => {
    const storage = memoryStorage();
    const first = fakeClient({ persistence: storage, transports: ['websocket'] });
    const lost = first.client.publish('c', 't', { n: 1 }, { id: 'keep-me' });
    await settle();
    first.client.close();
    await expect(lost).rejects.toMatchObject({ code: ErrorCode.ClientClosed });
    expect(storage.data.get('herald:outbox')).toContain('keep-me');

    const second = fakeClient({ persistence: storage });
    const notes: OutboxEvent[] = [];
    second.client.on('outbox', (n) => notes.push(n));
    expect(second.client.stats().outboxDepth).toBe(1);
    expect(second.client.state).toBe('connecting'); // restored messages trigger a connection
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    const [m] = ws.sentOf('publish');
    expect(m?.event).toEqual({ type: 't', data: { n: 1 }, id: 'keep-me' });
    ws.deliver({ type: 'ack', rid: m!.rid, channel: 'c', id: 'keep-me', seq: 4 });
    expect(notes).toEqual([
      {
        id: 'keep-me',
        channel: 'c',
        status: 'acked',
        ack: { channel: 'c', id: 'keep-me', seq: 4, duplicate: false },
      },
    ]);
    expect(storage.data.has('herald:outbox')).toBe(false);
    second.client.close();
  });

  it('stays connected while publishes wait for acks, then closes lazily', async () => {
    const { client } = fakeClient({ idleTimeoutMs: 10 });
    const p = client.publish('c', 't', 1);
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    await vi.advanceTimersByTimeAsync(50);
    expect(client.state).toBe('connected');
    const [m] = ws.sentOf('publish');
    ws.deliver({ type: 'ack', rid: m!.rid, channel: 'c', id: m!.event.id!, seq: 1 });
    await p;
    await vi.advanceTimersByTimeAsync(10);
    expect(client.state).toBe('idle');
    client.close();
  });

  it('falls back to a non-crypto id generator', async () => {
    const original = globalThis.crypto;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      const { client } = fakeClient();
      void client.publish('c', 't', 1).catch(() => {});
      void client.publish('c', 't', 2).catch(() => {});
      await settle();
      const ws = FakeWebSocket.last();
      ws.accept();
      const ids = ws.sentOf('publish').map((m) => m.event.id);
      expect(new Set(ids).size).toBe(2);
      client.close();
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: original, configurable: true });
    }
  });
});
