import { ErrorCode } from '@herald/protocol';
import { http, range, seqs, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/index.js';
import { type NeighbourFeed, startNeighbourFeed } from './engines/neighbour-feed.js';

const MAX_FRAME = 1024;
const MAX_BODY = 4096;
let t: TestHub;
let hub: Hub;
let neighbour: TestClient;
let feed: NeighbourFeed;
const clients: TestClient[] = [];

async function client(options: Parameters<typeof TestClient.connect>[1] = {}): Promise<TestClient> {
  const c = await TestClient.connect(hub.wsUrl, options);
  clients.push(c);
  return c;
}

/** Sends one frame and waits for the error it provokes. */
async function expectWsError(c: TestClient, frame: unknown, code: string, binary = false): Promise<void> {
  const before = c.errors().length;
  c.send(frame, binary);
  await waitFor(() => c.errors().length > before, { message: `no error for ${String(frame).slice(0, 60)}` });
  expect(c.errors()[before]?.code, String(frame).slice(0, 80)).toBe(code);
}

beforeAll(async () => {
  t = await startTestHub({
    sqlite: true,
    limits: { maxFrameBytes: MAX_FRAME, maxBodyBytes: MAX_BODY, maxChannelsPerConnection: 3 },
  });
  hub = t;
  neighbour = await client();
  await neighbour.subscribe('feed');
  // Live traffic for the whole suite: the neighbour must get every event, in order.
  feed = startNeighbourFeed(hub, 'feed');
});

afterAll(async () => {
  await feed?.stop();
  for (const c of clients) c.close();
  await t.close();
});

describe('hostile input', () => {
  it('answers malformed WebSocket frames with their documented codes and keeps the connection', async () => {
    const c = await client();
    const cases: [unknown, string][] = [
      ['not json', ErrorCode.BadJson],
      ['{"type":', ErrorCode.BadJson],
      ['[]', ErrorCode.BadMessage],
      ['42', ErrorCode.BadMessage],
      ['null', ErrorCode.BadMessage],
      ['{"no":"type"}', ErrorCode.BadMessage],
      ['{"type":42}', ErrorCode.BadMessage],
      ['{"type":"explode"}', ErrorCode.UnknownType],
      ['{"type":"__proto__"}', ErrorCode.UnknownType],
      ['{"type":"constructor","rid":"x"}', ErrorCode.UnknownType],
      [{ type: 'subscribe', channel: 'feed' }, ErrorCode.BadMessage],
      [{ type: 'subscribe', rid: 'x'.repeat(65), channel: 'feed' }, ErrorCode.BadMessage],
      [{ type: 'subscribe', rid: 'a', channel: 'bad channel!' }, ErrorCode.BadChannel],
      [{ type: 'subscribe', rid: 'a', channel: 'x'.repeat(129) }, ErrorCode.BadChannel],
      [{ type: 'subscribe', rid: 'a', channel: '' }, ErrorCode.BadChannel],
      [{ type: 'subscribe', rid: 'a', channel: 'ok', since: { seq: -1 } }, ErrorCode.BadPosition],
      [{ type: 'subscribe', rid: 'a', channel: 'ok', since: { seq: '5' } }, ErrorCode.BadPosition],
      [{ type: 'subscribe', rid: 'a', channel: 'ok', since: { seq: 1.5 } }, ErrorCode.BadPosition],
      [{ type: 'subscribe', rid: 'a', channel: 'ok', since: { seq: 1, epoch: 5 } }, ErrorCode.BadPosition],
      [{ type: 'subscribe', rid: 'a', channel: 'ok', since: 'yesterday' }, ErrorCode.BadPosition],
      [{ type: 'publish', rid: 'p', channel: 'feed2' }, ErrorCode.BadMessage],
      [
        { type: 'publish', rid: 'p', channel: 'feed2', event: { type: 't', data: 1, extra: 1 } },
        ErrorCode.BadMessage,
      ],
      [{ type: 'publish', rid: 'p', channel: 'feed2', event: { type: 't' } }, ErrorCode.BadMessage],
      [{ type: 'publish', rid: 'p', channel: 'feed2', event: { type: '', data: 1 } }, ErrorCode.BadMessage],
      [
        { type: 'publish', rid: 'p', channel: 'feed2', event: { type: 't', data: 1, id: '' } },
        ErrorCode.BadMessage,
      ],
      [
        { type: 'publish', rid: 'p', channel: 'bad/chan', event: { type: 't', data: 1 } },
        ErrorCode.BadChannel,
      ],
      [{ type: 'unsubscribe', rid: 'u', channel: 'never' }, ErrorCode.NotSubscribed],
      [{ type: 'hello' }, ErrorCode.BadMessage],
      [{ type: 'ping', ts: 'soon' }, ErrorCode.BadMessage],
      [{ type: 'refresh', rid: 'r' }, ErrorCode.BadMessage],
      [
        JSON.stringify({
          type: 'publish',
          rid: 'big',
          channel: 'big:1',
          event: { type: 't', data: 'x'.repeat(MAX_FRAME * 2) },
        }),
        ErrorCode.FrameTooLarge,
      ],
    ];
    for (const [frame, code] of cases) await expectWsError(c, frame, code);
    await expectWsError(c, Buffer.from('{"type":"ping"}'), ErrorCode.BadMessage, true);
    // Stateful refusals.
    expect(await c.subscribe('s:1')).toMatchObject({ type: 'subscribed' });
    expect(await c.subscribe('s:1')).toMatchObject({ type: 'error', code: ErrorCode.AlreadySubscribed });
    await c.subscribe('s:2');
    await c.subscribe('s:3');
    expect(await c.subscribe('s:4')).toMatchObject({ type: 'error', code: ErrorCode.TooManyChannels });
    expect(c.errors().every((e) => typeof e.message === 'string' && typeof e.retryable === 'boolean')).toBe(
      true,
    );
    // Still fully usable.
    expect(await c.request({ type: 'publish', channel: 'ok', event: { type: 't', data: 1 } })).toMatchObject({
      type: 'ack',
      seq: 1,
    });
    expect(c.closeInfo).toBeNull();
    // Refused frames were not acted upon: the oversize publish stored nothing and got no ack.
    expect((await http(`${hub.url}/v1/channels/big:1/events`)).body).toMatchObject({ last_seq: 0 });
    expect(c.messages.some((m) => m.type === 'ack' && m.rid === 'big')).toBe(false);
  });

  it('closes the connection for protocol violations, oversize frames, bad UTF-8 and repeated garbage', async () => {
    const early = await client({ hello: false });
    early.send({ type: 'subscribe', rid: 'a', channel: 'feed' });
    expect((await early.closed()).code).toBe(4002);
    expect(early.errors()[0]?.code).toBe(ErrorCode.HelloRequired);

    const noProtocol = await client({ protocols: [], hello: false });
    expect((await noProtocol.closed()).code).toBe(4006);

    const huge = await client();
    huge.send(`"${'x'.repeat(MAX_FRAME * 4 + 10)}"`);
    expect((await huge.closed()).code).toBe(1009);

    const badUtf8 = await client();
    badUtf8.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
    expect((await badUtf8.closed()).code).toBe(1007);

    const garbage = await client();
    for (let i = 0; i < 60; i++) garbage.send('garbage');
    expect((await garbage.closed()).code).toBe(4029);
  });

  it('survives fuzzed frames: each one is answered (errors carry documented codes) and the socket stays open', async () => {
    const codes = new Set<string>(Object.values(ErrorCode));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc.jsonValue().map((v) => JSON.stringify({ type: 'publish', v })),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        async (frames) => {
          const c = await client();
          for (const frame of frames) {
            if (/"type"\s*:\s*"pong"/.test(frame)) continue;
            const before = c.messages.length;
            c.send(frame);
            await waitFor(() => c.messages.length > before || c.closeInfo);
            const reply = c.messages[before];
            if (reply?.type === 'error') expect(codes.has(reply.code)).toBe(true);
          }
          expect(c.closeInfo).toBeNull();
          c.close();
        },
      ),
      { numRuns: 8 },
    );
  });

  it('answers malformed HTTP requests with their documented status and code', async () => {
    const url = `${hub.url}/v1/channels/feed2/events`;
    const cases: [Parameters<typeof http>, number, string][] = [
      [[url, { raw: '{oops', headers: { 'content-type': 'application/json' } }], 400, ErrorCode.BadJson],
      [
        [url, { raw: '{"type":"t","data":1}', headers: { 'content-type': 'text/plain' } }],
        415,
        ErrorCode.UnsupportedMediaType,
      ],
      [[url, { raw: '{"type":"t","data":1}' }], 415, ErrorCode.UnsupportedMediaType],
      [[url, { body: { type: 't', data: 'x'.repeat(MAX_BODY) } }], 413, ErrorCode.PayloadTooLarge],
      [[url, { body: range(1, 101).map((i) => ({ type: 't', data: i })) }], 400, ErrorCode.BatchTooLarge],
      [[url, { body: [] }], 400, ErrorCode.BadMessage],
      [[url, { body: { type: 1, data: 1 } }], 400, ErrorCode.BadMessage],
      [[url, { body: [{ type: 't', data: 1 }, { type: 't' }] }], 400, ErrorCode.BadMessage],
      [[url, { body: 'just a string' }], 400, ErrorCode.BadMessage],
      [
        [`${hub.url}/v1/channels/bad%20chan/events`, { body: { type: 't', data: 1 } }],
        400,
        ErrorCode.BadChannel,
      ],
      [[`${hub.url}/v1/channels/${'x'.repeat(129)}/events`], 400, ErrorCode.BadChannel],
      [[`${url}?after=-1`], 400, ErrorCode.BadPosition],
      [[`${url}?after=abc`], 400, ErrorCode.BadPosition],
      [[`${url}?limit=0`], 400, ErrorCode.BadPosition],
      [[`${url}?limit=5000`], 400, ErrorCode.BadPosition],
      [
        [`${hub.url}/v1/channels/feed2/stream`, { headers: { 'last-event-id': 'x1' } }],
        400,
        ErrorCode.BadPosition,
      ],
      [[url, { method: 'DELETE' }], 405, ErrorCode.MethodNotAllowed],
      [[`${hub.url}/healthz`, { method: 'PUT' }], 405, ErrorCode.MethodNotAllowed],
      [[`${hub.url}/nope`], 404, ErrorCode.NotFound],
      [[`${hub.url}/v1/ws`], 400, ErrorCode.BadMessage],
    ];
    for (const [args, status, code] of cases) {
      const res = await http(...args);
      const label = `${args[1]?.method ?? 'GET/POST'} ${args[0]}`;
      expect(res.status, label).toBe(status);
      expect(res.body, label).toMatchObject({
        error: { code, message: expect.any(String), retryable: false },
      });
    }
    // Oversize body with no Content-Length (chunked): cut while reading.
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe(
      ErrorCode.PayloadTooLarge,
    );
  });

  it('kept the neighbouring subscriber whole throughout', async () => {
    await feed.stop();
    const { published } = feed;
    await waitFor(() => neighbour.events('feed').length === published, { timeoutMs: 15_000 });
    expect(published).toBeGreaterThan(10);
    expect(seqs(neighbour.events('feed'))).toEqual(range(1, published));
    expect(neighbour.closeInfo).toBeNull();
  });
});
