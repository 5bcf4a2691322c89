import type { Envelope } from '@herald/protocol';
import { ErrorCode } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapInfo, SubscribedInfo } from '../../src/types.js';
import { eventsFrame, FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

async function connected(options: Parameters<typeof fakeClient>[0] = {}) {
  const made = fakeClient(options);
  made.client.connect();
  await settle();
  FakeWebSocket.last().accept();
  return made;
}

const seqs = (events: Envelope[]) => events.map((e) => e.seq);

describe('client subscriptions', () => {
  it('delivers events in order, dropping duplicates and out-of-order frames', async () => {
    const { client } = await connected();
    const got: Envelope[] = [];
    const sub = client.subscribe('run:1', { onEvent: (e) => got.push(e) });
    const ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 0);
    ws.deliver(eventsFrame('run:1', 1, 2));
    ws.deliver(eventsFrame('run:1', 2, 1, 3));
    ws.deliver(eventsFrame('other', 4)); // not subscribed: ignored
    expect(seqs(got)).toEqual([1, 2, 3]);
    expect(sub.position()).toEqual({ epoch: 'e1', seq: 3 });
    expect(client.stats()).toMatchObject({ eventsDelivered: 3, duplicatesDropped: 2, subscriptions: 1 });
    client.close();
  });

  it('resubscribes after a reconnect from the last position and resumes with no gap or duplicate', async () => {
    const { client } = await connected();
    const got: Envelope[] = [];
    const infos: SubscribedInfo[] = [];
    client.subscribe('run:1', { onEvent: (e) => got.push(e), onSubscribed: (i) => infos.push(i) });
    let ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 5);
    ws.deliver(eventsFrame('run:1', 6, 7));
    ws.drop(1006);
    await vi.runOnlyPendingTimersAsync();
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    expect(ws.sentOf('subscribe')[0]?.since).toEqual({ epoch: 'e1', seq: 7 });
    ws.deliver(eventsFrame('run:1', 8)); // before subscribed: not accepted yet
    ws.answerSubscribes('e1', 9, true);
    ws.deliver(eventsFrame('run:1', 7, 8, 9, 10));
    expect(seqs(got)).toEqual([6, 7, 8, 9, 10]);
    expect(infos.map((i) => i.recovered)).toEqual([true, true]);
    expect(client.stats()).toMatchObject({ resumes: 1, reconnects: 1, gaps: 0 });
    client.close();
  });

  it('raises a gap once when history cannot be replayed, then continues from lastSeq', async () => {
    const { client } = await connected();
    const got: number[] = [];
    const gaps: GapInfo[] = [];
    const clientGaps: GapInfo[] = [];
    client.on('gap', (g) => clientGaps.push(g));
    client.subscribe('c', { onEvent: (e) => got.push(e.seq), onGap: (g) => gaps.push(g) });
    let ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 2);
    ws.deliver(eventsFrame('c', 3));
    ws.drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    ws.answerSubscribes('e2', 50, false);
    ws.deliver(eventsFrame('c', 51));
    ws.drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    expect(ws.sentOf('subscribe')[0]?.since).toEqual({ epoch: 'e2', seq: 51 });
    ws.answerSubscribes('e2', 51, true);
    expect(gaps).toEqual([{ channel: 'c', last: { epoch: 'e1', seq: 3 }, epoch: 'e2', lastSeq: 50 }]);
    expect(clientGaps).toEqual(gaps);
    expect(got).toEqual([3, 51]);
    expect(client.stats().gaps).toBe(1);
    client.close();
  });

  it('treats a hole in a live stream as a gap to repair: resubscribes from the last position', async () => {
    const { client } = await connected();
    const got: number[] = [];
    client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
    const ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 0);
    ws.deliver(eventsFrame('c', 1, 3, 4));
    expect(ws.sentOf('unsubscribe')).toHaveLength(1);
    expect(ws.sentOf('subscribe').at(-1)?.since).toEqual({ epoch: 'e1', seq: 1 });
    ws.deliver(eventsFrame('c', 5)); // stale frame before the new subscribed
    ws.answerSubscribes('e1', 5, true);
    ws.deliver(eventsFrame('c', 2, 3, 4, 5));
    expect(got).toEqual([1, 2, 3, 4, 5]);
    client.close();
  });

  it('shares one hub subscription between subscribers of a channel', async () => {
    const { client } = await connected();
    const a: number[] = [];
    const b: number[] = [];
    const ws = FakeWebSocket.last();
    const subA = client.subscribe('c', { onEvent: (e) => a.push(e.seq) });
    ws.answerSubscribes('e1', 0);
    const lateInfo: SubscribedInfo[] = [];
    const subB = client.subscribe('c', {
      onEvent: (e) => b.push(e.seq),
      onSubscribed: (i) => lateInfo.push(i),
    });
    expect(lateInfo).toHaveLength(1); // already live: told at once
    expect(ws.sentOf('subscribe')).toHaveLength(1);
    ws.deliver(eventsFrame('c', 1));
    subA.unsubscribe();
    expect(ws.sentOf('unsubscribe')).toHaveLength(0);
    ws.deliver(eventsFrame('c', 2));
    subB.unsubscribe();
    expect(ws.sentOf('unsubscribe')).toEqual([
      { type: 'unsubscribe', rid: expect.any(String), channel: 'c' },
    ]);
    ws.deliver(eventsFrame('c', 3));
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    expect(client.stats().subscriptions).toBe(0);
    client.close();
  });

  it('ignores a subscribed answer for a channel unsubscribed meanwhile, and re-subscribing starts fresh', async () => {
    const { client } = await connected();
    const ws = FakeWebSocket.last();
    const got: number[] = [];
    client.subscribe('c', {}).unsubscribe();
    client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
    const [first, second] = ws.sentOf('subscribe');
    ws.deliver({
      type: 'subscribed',
      rid: first!.rid,
      channel: 'c',
      epoch: 'e1',
      lastSeq: 0,
      recovered: true,
    });
    ws.deliver(eventsFrame('c', 1));
    ws.deliver({
      type: 'subscribed',
      rid: second!.rid,
      channel: 'c',
      epoch: 'e1',
      lastSeq: 0,
      recovered: true,
    });
    ws.deliver(eventsFrame('c', 1));
    expect(got).toEqual([1]);
    client.close();
  });

  it('passes a since position to the hub and reports subscribe errors', async () => {
    const { client } = await connected();
    const errors: unknown[] = [];
    const clientErrors: unknown[] = [];
    client.on('error', (e) => clientErrors.push(e));
    client.subscribe('secret', { since: { epoch: 'e0', seq: 4 }, onError: (e) => errors.push(e.code) });
    const ws = FakeWebSocket.last();
    const [m] = ws.sentOf('subscribe');
    expect(m?.since).toEqual({ epoch: 'e0', seq: 4 });
    ws.deliver({ type: 'error', rid: m!.rid, code: ErrorCode.Forbidden, message: 'no', retryable: false });
    expect(errors).toEqual([ErrorCode.Forbidden]);
    expect(clientErrors).toHaveLength(1);
    ws.deliver({ type: 'error', code: ErrorCode.Internal, message: 'unsolicited', retryable: true });
    expect(clientErrors).toHaveLength(2);
    client.close();
  });

  it('rejects bad channel names synchronously', () => {
    const { client } = fakeClient();
    expect(() => client.subscribe('bad channel', {})).toThrow(
      expect.objectContaining({ code: ErrorCode.BadChannel }),
    );
    client.close();
  });

  it('keeps delivering to other subscribers when one handler throws', async () => {
    const { client } = await connected();
    const thrown: unknown[] = [];
    const onError = (e: unknown) => thrown.push(e);
    process.on('uncaughtException', onError);
    const got: number[] = [];
    client.subscribe('c', {
      onEvent: () => {
        throw new Error('app bug');
      },
    });
    client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
    const ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 0);
    ws.deliver(eventsFrame('c', 1, 2));
    await Promise.resolve();
    process.off('uncaughtException', onError);
    expect(got).toEqual([1, 2]);
    expect(thrown).toHaveLength(2);
    client.close();
  });
});
