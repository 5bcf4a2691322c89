import { CloseCode, ErrorCode } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventsFrame, FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

describe('client auth', () => {
  it('refreshes in-band on refresh_required without resubscribing', async () => {
    let n = 0;
    const { client } = fakeClient({ lazy: false, getToken: () => `t${++n}` });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    client.subscribe('c', {});
    ws.answerSubscribes();
    ws.deliver({ type: 'refresh_required', expiresAt: Date.now() + 1000 });
    await settle();
    expect(ws.sentOf('refresh')).toEqual([{ type: 'refresh', rid: expect.any(String), token: 't2' }]);
    ws.deliver({ type: 'refreshed', rid: ws.sentOf('refresh')[0]!.rid, tokenExpiresAt: null });
    expect(ws.sentOf('subscribe')).toHaveLength(1);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('on 4409 fetches a new token and reconnects at once, resuming with no gap', async () => {
    let n = 0;
    const { client } = fakeClient({ lazy: false, getToken: () => `t${++n}` });
    const got: number[] = [];
    await settle();
    let ws = FakeWebSocket.last();
    ws.accept();
    client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
    ws.answerSubscribes('e1', 0);
    ws.deliver(eventsFrame('c', 1));
    ws.drop(CloseCode.TokenExpired, 'expired');
    expect(client.getStatus().nextRetryAt).toBe(Date.now()); // no backoff wait
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    expect(ws.sent[0]).toMatchObject({ type: 'hello', token: 't2' });
    expect(ws.sentOf('subscribe')[0]?.since).toEqual({ epoch: 'e1', seq: 1 });
    ws.answerSubscribes('e1', 2, true);
    ws.deliver(eventsFrame('c', 2));
    expect(got).toEqual([1, 2]);
    client.close();
  });

  it('fails with ERR_UNAUTHORIZED when getToken cannot produce a new token', async () => {
    const { client } = fakeClient({ lazy: false, getToken: () => 'same' });
    await settle();
    FakeWebSocket.last().drop(CloseCode.Unauthorized);
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(client.state).toBe('failed');
    expect(client.getStatus().lastError?.code).toBe(ErrorCode.Unauthorized);
    client.close();
  });

  it('fails on an auth close without getToken, and on a second consecutive auth close', async () => {
    const open = fakeClient({ lazy: false });
    await settle();
    FakeWebSocket.last().drop(CloseCode.Unauthorized);
    expect(open.client.state).toBe('failed');
    open.client.close();

    let n = 0;
    const { client } = fakeClient({ lazy: false, getToken: () => `t${++n}` });
    await settle();
    FakeWebSocket.last().drop(CloseCode.TokenExpired);
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    FakeWebSocket.last().drop(CloseCode.TokenExpired);
    expect(client.state).toBe('failed');
    expect(client.getStatus().lastError?.code).toBe(ErrorCode.TokenExpired);
    client.close();
  });

  it('deduplicates concurrent token fetches', async () => {
    let calls = 0;
    let release: (t: string) => void = () => {};
    const gate = new Promise<string>((r) => {
      release = r;
    });
    const { client } = fakeClient({
      lazy: false,
      getToken: () => {
        calls++;
        return gate;
      },
    });
    client.reconnect(); // connecting: no second attempt
    await settle();
    expect(calls).toBe(1);
    release('t');
    await settle();
    FakeWebSocket.last().accept();
    const ws = FakeWebSocket.last();
    ws.deliver({ type: 'refresh_required', expiresAt: 0 });
    ws.deliver({ type: 'refresh_required', expiresAt: 0 });
    await settle();
    expect(calls).toBe(2);
    expect(ws.sentOf('refresh')).toHaveLength(2);
    client.close();
  });
});
