import { ErrorCode } from '@herald/protocol';
import { http, range, seqs, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from '../src/index.js';
import { openSse } from './sse-client.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const MAX_EVENT = 100_000;

async function hub(): Promise<TestHub> {
  // Frames large enough to carry an oversized event, so the WebSocket publish reaches the event limit.
  const t = await startTestHub({
    sqlite: true,
    limits: { maxEventBytes: MAX_EVENT, maxFrameBytes: 1 << 20 },
  });
  cleanups.push(() => t.close());
  return t;
}

const eventsUrl = (t: TestHub, channel: string) => `${t.url}/v1/channels/${channel}/events`;

describe('event size limit', () => {
  it('refuses an event too large to deliver at publish, over HTTP and WebSocket, and the channel flows on', async () => {
    const t = await hub();
    const ws = await TestClient.connect(t.wsUrl);
    cleanups.push(() => ws.close());
    await ws.subscribe('c');
    const sse = await openSse(`${t.url}/v1/channels/c/stream`);
    cleanups.push(() => sse.close());

    await http(eventsUrl(t, 'c'), { body: { type: 't', data: 1 } });

    // HTTP: one event, and a batch whose second event is too large (all or nothing).
    const big = { type: 't', data: 'x'.repeat(MAX_EVENT) };
    const one = await http(eventsUrl(t, 'c'), { body: big });
    expect(one.status).toBe(413);
    expect(one.body).toEqual({
      error: {
        code: ErrorCode.EventTooLarge,
        message: expect.stringMatching(/over the event limit/),
        retryable: false,
      },
    });
    const batch = await http(eventsUrl(t, 'c'), { body: [{ type: 't', data: 2 }, big] });
    expect(batch.status).toBe(413);
    expect((batch.body as { error: { message: string } }).error.message).toMatch(/^events\[1\]: /);
    // Measured in UTF-8: 60,000 two-byte characters are 120,000 bytes.
    const wide = await http(eventsUrl(t, 'c'), { body: { type: 't', data: 'é'.repeat(60_000) } });
    expect(wide.status).toBe(413);

    // WebSocket: the publish is answered with the code; the connection stays.
    const refused = await ws.request({ type: 'publish', channel: 'c', event: big });
    expect(refused).toMatchObject({ type: 'error', code: ErrorCode.EventTooLarge });
    expect(ws.closeInfo).toBeNull();

    // Nothing of it was stored, and the channel keeps flowing: an event at the limit and more after it reach
    // every subscriber, WebSocket and SSE, in order.
    const atLimit = { type: 't', data: 'y'.repeat(MAX_EVENT - 1_000) };
    expect((await http(eventsUrl(t, 'c'), { body: atLimit })).status).toBe(201);
    const acked = await ws.request({ type: 'publish', channel: 'c', event: atLimit });
    expect(acked).toMatchObject({ type: 'ack', seq: 3 });
    for (let i = 0; i < 5; i++) await http(eventsUrl(t, 'c'), { body: { type: 't', data: i } });
    await waitFor(() => ws.events('c').length === 8);
    expect(seqs(ws.events('c'))).toEqual(range(1, 8));
    await waitFor(() => sse.events.length === 8);
    expect(sse.events.map((e) => Number(e.id))).toEqual(range(1, 8));
    expect(ws.closeInfo).toBeNull();
    const history = await http(`${eventsUrl(t, 'c')}?after=0&limit=100`);
    expect((history.body as { lastSeq: number }).lastSeq).toBe(8);
  });

  it('refuses it from the in-process publish too', async () => {
    const t = await hub();
    await expect(t.publish('c', [{ type: 't', data: 'x'.repeat(MAX_EVENT) }])).rejects.toMatchObject({
      code: ErrorCode.EventTooLarge,
    });
    await expect(t.publish('c', [{ type: 't', data: 1 }])).resolves.toMatchObject({ results: [{ seq: 1 }] });
    // The payload is measured and stored from one encoding per publish: the same object published again
    // after a change is encoded again.
    const reused = { type: 't', data: { n: 1 } };
    await t.publish('c', [reused]);
    reused.data.n = 2;
    await t.publish('c', [reused]);
    const history = await http(`${eventsUrl(t, 'c')}?after=1`);
    expect((history.body as { events: { data: unknown }[] }).events.map((e) => e.data)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });

  it('follows a small send buffer by default: half of it', async () => {
    const t = await startTestHub({ limits: { maxBufferedBytes: 256 * 1024 } });
    cleanups.push(() => t.close());
    const over = await http(eventsUrl(t, 'c'), { body: { type: 't', data: 'x'.repeat(130 * 1024) } });
    expect(over.status).toBe(413);
    const under = await http(eventsUrl(t, 'c'), { body: { type: 't', data: 'x'.repeat(120 * 1024) } });
    expect(under.status).toBe(201);
  });

  it('refuses to start with an event limit a send buffer or a channel could not hold', async () => {
    await expect(startHub({ logger: false, limits: { maxEventBytes: 600_000 } })).rejects.toThrow(
      /limits.maxEventBytes \(600000\) must be at most half of limits.maxBufferedBytes \(1048576\)/,
    );
    await expect(
      startHub({ logger: false, limits: { maxEventBytes: 100_000 }, retention: { maxBytes: 50_000 } }),
    ).rejects.toThrow(/retention.maxBytes \(50000\) must be at least limits.maxEventBytes \(100000\)/);
  });
});
