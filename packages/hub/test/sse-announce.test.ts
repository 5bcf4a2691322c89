import { ErrorCode } from '@herald/protocol';
import { http, publishMany, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type EventStore } from '../src/index.js';
import { openSse } from './sse-client.js';

// `?announce=1` and `?epoch=` are what @herald/client's SSE transport asks for: the stream says where it
// starts like the WebSocket's `subscribed`, and a position of another epoch is not resumed.
let hub: TestHub;
let store: EventStore;
beforeAll(async () => {
  store = createMemoryStore({ maxCount: 20 });
  hub = await startTestHub({ store, heartbeatMs: 200 });
});
afterAll(async () => {
  await hub.close();
  await store.close();
});

const streamUrl = (channel: string, query: string) => `${hub.url}/v1/channels/${channel}/stream?${query}`;
const epochOf = async (channel: string) =>
  ((await http(`${hub.url}/v1/channels/${channel}/events?limit=1`)).body as { epoch: string }).epoch;

describe('SSE ?announce=1 and ?epoch=', () => {
  it('starts with event: subscribed, then sends envelopes as message events and pings as events', async () => {
    await publishMany(hub.url, 'ann:1', 5);
    const epoch = await epochOf('ann:1');
    const sse = await openSse(streamUrl('ann:1', `announce=1&epoch=${epoch}&after=3`));
    try {
      await waitFor(() => sse.events.some((e) => e.event === 'ping'));
      const [first, ...rest] = sse.events;
      expect(first?.event).toBe('subscribed');
      expect(JSON.parse(first?.data ?? '')).toEqual({
        channel: 'ann:1',
        epoch,
        lastSeq: 5,
        recovered: true,
        heartbeatMs: 200,
      });
      const envelopes = rest.filter((e) => e.event !== 'ping');
      expect(envelopes.map((e) => [e.id, e.event])).toEqual([
        ['4', undefined],
        ['5', undefined],
      ]);
      expect(envelopes.map((e) => JSON.parse(e.data ?? '').seq)).toEqual([4, 5]);
    } finally {
      await sse.close();
    }
  });

  it('does not resume a position of another epoch: subscribed recovered false, then only new events', async () => {
    await publishMany(hub.url, 'ann:2', 4);
    const sse = await openSse(streamUrl('ann:2', 'announce=1&epoch=gone&after=2'));
    const plain = await openSse(streamUrl('ann:2', 'epoch=gone&after=2'));
    try {
      await waitFor(() => sse.events.length >= 1 && plain.events.length >= 1);
      expect(JSON.parse(sse.events[0]?.data ?? '')).toMatchObject({ lastSeq: 4, recovered: false });
      expect(plain.events[0]?.event).toBe('gap');
      await hub.publish('ann:2', [{ type: 'next', data: 5 }]);
      const data = () => sse.events.filter((e) => e.event === undefined);
      await waitFor(() => data().length === 1);
      expect(data().map((e) => e.id)).toEqual(['5']);
      expect(sse.events.some((e) => e.event === 'gap')).toBe(false);
    } finally {
      await sse.close();
      await plain.close();
    }
  });

  it('announces a position older than the history as not recovered, with the seqs that follow', async () => {
    await publishMany(hub.url, 'ann:3', 30);
    await store.trim();
    const epoch = await epochOf('ann:3');
    const sse = await openSse(streamUrl('ann:3', `announce=1&epoch=${epoch}&after=1`));
    try {
      await hub.publish('ann:3', [{ type: 'next', data: 31 }]);
      await waitFor(() => sse.events.some((e) => e.id === '31'));
      expect(JSON.parse(sse.events[0]?.data ?? '')).toMatchObject({ epoch, lastSeq: 30, recovered: false });
      expect(sse.events.filter((e) => e.id !== undefined).map((e) => Number(e.id))).toEqual([31]);
    } finally {
      await sse.close();
    }
  });

  it('refuses a malformed epoch or announce flag with a code', async () => {
    const longEpoch = await http(streamUrl('ann:4', `epoch=${'e'.repeat(65)}`));
    expect(longEpoch.status).toBe(400);
    expect(longEpoch.body).toMatchObject({ error: { code: ErrorCode.BadPosition } });
    const twice = await http(streamUrl('ann:4', 'epoch=a&epoch=b'));
    expect(twice.body).toMatchObject({ error: { code: ErrorCode.BadPosition } });
    const badFlag = await http(streamUrl('ann:4', 'announce=yes'));
    expect(badFlag.status).toBe(400);
    expect(badFlag.body).toMatchObject({ error: { code: ErrorCode.BadMessage } });
  });
});
