// The hub's input rules (PROTOCOL.md, "Input rules"), each shown with its code against a real hub:
// JSON depth, strict UTF-8 bodies, header and body timeouts, replies that never count toward the
// slow-consumer limit, and every query parameter checked as documented. A WebSocket and an SSE neighbour
// must get every event of a live feed, in order, through all of it.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { ErrorCode, MAX_JSON_DEPTH } from '@herald/protocol';
import { http, range, seqs, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NeighbourFeed, startNeighbourFeed } from './engines/neighbour-feed.js';
import { openSse } from './sse-client.js';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;
const MAX_BUFFERED = 256 * 1024;

let hub: TestHub;
let neighbour: TestClient;
let sseNeighbour: Awaited<ReturnType<typeof openSse>>;
let feed: NeighbourFeed;
let logged = '';
const clients: TestClient[] = [];

async function client(): Promise<TestClient> {
  const c = await TestClient.connect(hub.wsUrl);
  clients.push(c);
  return c;
}

const eventsUrl = (channel: string, query = ''): string => `${hub.url}/v1/channels/${channel}/events${query}`;
const streamUrl = (channel: string, query = ''): string => `${hub.url}/v1/channels/${channel}/stream${query}`;

/** `{"type":"t","data":` + `levels` nested arrays + `}`: a body `levels + 1` deep. */
function nestedBody(levels: number, open = '[', close = ']'): string {
  return `{"type":"t","data":${open.repeat(levels)}${close.repeat(levels)}}`;
}

/** Expects an HTTP error answer with `status` and `code`. */
function expectError(
  res: { status: number; body: unknown },
  status: number,
  code: string,
  label: string,
  retryable = false,
): void {
  expect(res.status, label).toBe(status);
  expect(res.body, label).toMatchObject({ error: { code, message: expect.any(String), retryable } });
}

/** Posts raw bytes as a JSON body. */
async function postBytes(url: string, bytes: Uint8Array): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Writes `head` on a raw TCP connection, then one piece of `drip` every `everyMs` for as long as the hub
 * keeps the connection; resolves with what the hub sent and when it closed.
 */
async function dribble(head: string, drip: string, everyMs: number): Promise<{ text: string; ms: number }> {
  const socket: Socket = connect(hub.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const started = Date.now();
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.write(head);
  const timer = setInterval(() => {
    if (socket.writable) socket.write(drip);
  }, everyMs);
  await once(socket, 'close');
  clearInterval(timer);
  return { text, ms: Date.now() - started };
}

/** The status and JSON body of a raw HTTP/1.1 answer. */
function parseRaw(text: string): { status: number; body: unknown; head: string } {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  return { status: Number(head.split(' ')[1]), body: JSON.parse(text.slice(split + 4)), head };
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  hub = await startTestHub({
    limits: { maxBufferedBytes: MAX_BUFFERED },
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    logger: pino({ level: 'warn' }, sink),
  });
  neighbour = await client();
  await neighbour.subscribe('feed', { seq: 0 });
  sseNeighbour = await openSse(streamUrl('feed', '?after=0'));
  feed = startNeighbourFeed(hub, 'feed');
});

afterAll(async () => {
  await feed?.stop();
  await sseNeighbour?.close();
  for (const c of clients) c.close();
  await hub?.close();
});

describe('JSON depth', () => {
  it('refuses HTTP bodies nested deeper than MAX_JSON_DEPTH with 400 ERR_TOO_DEEP, and accepts the limit', async () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    // 100,000 levels fit the 1 MiB body limit; they used to answer 500 ERR_INTERNAL.
    for (const [label, body] of [
      ['arrays', nestedBody(100_000)],
      ['objects', nestedBody(50_000, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}')],
      ['one over', nestedBody(MAX_JSON_DEPTH)],
      ['batch one over', `[${nestedBody(MAX_JSON_DEPTH - 1)}]`],
      [
        'state value',
        `{"type":"t","data":1,"state":[{"op":"add","path":"/x","value":${'['.repeat(70)}${']'.repeat(70)}}]}`,
      ],
    ] as const) {
      const res = await http(eventsUrl('deep'), {
        raw: body,
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 400, ErrorCode.TooDeep, label);
    }
    // Exactly the limit: the body object plus 63 levels of data.
    const ok = await http(eventsUrl('deep'), {
      raw: nestedBody(MAX_JSON_DEPTH - 1),
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(201);
    // Brackets inside strings are text, not nesting.
    const text = await http(eventsUrl('deep'), { body: { type: 't', data: '['.repeat(10_000) } });
    expect(text.status).toBe(201);
    const page = await http(eventsUrl('deep'));
    expect(page.body).toMatchObject({ lastSeq: 2 });
  });

  it('keeps channel state within the limit: deep paths and state nested by copies are refused, never a 500', async () => {
    const publish = (state: unknown[]) =>
      http(eventsUrl('deep:state'), { body: { type: 't', data: 1, state } });
    // A path of 100,000 tokens used to overflow the recursive walk (500 ERR_INTERNAL).
    const longPath = await publish([{ op: 'add', path: '/a'.repeat(100_000), value: 1 }]);
    expectError(longPath, 400, ErrorCode.BadStateOp, 'long path');
    expectError(
      await publish([{ op: 'copy', from: '/a'.repeat(MAX_JSON_DEPTH + 1), path: '/b' }]),
      400,
      ErrorCode.BadStateOp,
      'long from',
    );
    // Each copy of the root into /b nests the state one level deeper: 70 of them pass the limit.
    const copies = (n: number, path: string) =>
      Array.from({ length: n }, () => ({ op: 'copy', from: '', path }));
    expectError(await publish(copies(70, '/b')), 400, ErrorCode.TooDeep, '70 levels of copies');
    // 200 copies into a 64-token path nest it 12,800 levels deep, past the stack of JSON.stringify.
    expectError(
      await publish(copies(200, '/b'.repeat(MAX_JSON_DEPTH))),
      400,
      ErrorCode.TooDeep,
      '12,800 levels',
    );
    // Nothing was stored, and a state at the limit is.
    expect(await publish(copies(MAX_JSON_DEPTH - 1, '/b'))).toMatchObject({ status: 201 });
    const state = await http(`${hub.url}/v1/channels/deep:state/state`);
    expect(state.body).toMatchObject({ seq: 1 });
  });

  it('answers a deep WebSocket frame with an ERR_TOO_DEEP error carrying its rid, and keeps the connection', async () => {
    const c = await client();
    const levels = 30_000; // about 60 KB: inside the 64 KiB frame limit
    const frame = `{"type":"publish","rid":"deep1","channel":"deep:ws","event":${nestedBody(levels)}}`;
    c.send(frame);
    const reply = await c.waitFor((m) => m.type === 'error' && m.rid === 'deep1');
    expect(reply).toMatchObject({ code: ErrorCode.TooDeep, retryable: false });
    // Deep junk in any message, even an unknown field, is refused the same way.
    const junk = await c.request({
      type: 'subscribe',
      channel: 'deep:ws',
      extra: JSON.parse(nestedBody(70)),
    });
    expect(junk).toMatchObject({ type: 'error', code: ErrorCode.TooDeep });
    // At the limit (frame, event, then 62 levels of data) a publish is stored.
    const data = JSON.parse(`${'['.repeat(MAX_JSON_DEPTH - 2)}${']'.repeat(MAX_JSON_DEPTH - 2)}`);
    const ack = await c.request({ type: 'publish', channel: 'deep:ws', event: { type: 't', data } });
    expect(ack).toMatchObject({ type: 'ack', seq: 1 });
    expect(c.closeInfo).toBeNull();
  });
});

describe('strict UTF-8 bodies', () => {
  it('refuses a body that is not valid UTF-8 with 400 ERR_BAD_ENCODING and stores nothing', async () => {
    const start = Buffer.from('{"type":"t","data":"');
    const end = Buffer.from('"}');
    const cases: [string, number[]][] = [
      ['invalid byte', [0xff]],
      ['overlong slash', [0xc0, 0xaf]],
      ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
      ['truncated sequence', [0xe2, 0x82]],
      ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ];
    for (const [label, bytes] of cases) {
      const res = await postBytes(eventsUrl('utf8'), Buffer.concat([start, Buffer.from(bytes), end]));
      expectError(res, 400, ErrorCode.BadEncoding, label);
    }
    const page = await http(eventsUrl('utf8'));
    expect(page.body).toMatchObject({ lastSeq: 0 });
    // Valid multi-byte text is stored as sent.
    const text = 'é ✓ 😀 日本';
    const ok = await postBytes(eventsUrl('utf8'), Buffer.from(JSON.stringify({ type: 't', data: text })));
    expect(ok.status).toBe(201);
    const stored = (await http(eventsUrl('utf8'))).body as { events: { data: unknown }[] };
    expect(stored.events.map((e) => e.data)).toEqual([text]);
  });
});

describe('header and body timeouts', () => {
  it('answers a body dribbled past requestTimeoutMs with 408 ERR_REQUEST_TIMEOUT and closes the connection', async () => {
    const head =
      'POST /v1/channels/slow/events HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100000\r\n\r\n{"type":"t","data":"';
    const { text, ms } = await dribble(head, 'x', 50);
    const answer = parseRaw(text);
    expectError(answer, 408, ErrorCode.RequestTimeout, 'dribbled body', true);
    expect(answer.head.toLowerCase()).toContain('connection: close');
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expect((await http(eventsUrl('slow'))).body).toMatchObject({ lastSeq: 0 });
  });

  it('answers headers dribbled past headersTimeoutMs with 408 ERR_REQUEST_TIMEOUT', async () => {
    const { text, ms } = await dribble('GET /healthz HTTP/1.1\r\nHost: hub\r\n', 'X-Slow: 1\r\n', 50);
    expectError(parseRaw(text), 408, ErrorCode.RequestTimeout, 'dribbled headers', true);
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 1_500);
  });

  it('does not cut SSE streams, WebSocket connections or idle keep-alive connections that outlive the timeouts', async () => {
    const before = sseNeighbour.events.length;
    // A keep-alive connection idle for longer than both timeouts still serves its next request.
    const socket = connect(hub.port, '127.0.0.1');
    await once(socket, 'connect');
    let answers = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answers += chunk;
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n');
    await waitFor(() => answers.includes('"ok"'));
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS * 2));
    socket.write('GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n');
    await waitFor(() => answers.split('"ok"').length === 3);
    expect(socket.destroyed).toBe(false);
    socket.destroy();
    expect(sseNeighbour.events.length).toBeGreaterThan(before);
    expect(neighbour.closeInfo).toBeNull();
  });
});

describe("the hub's own replies and the slow-consumer limit", () => {
  it('answers a pipelined burst of 10,000 refused subscribes in order without cutting a client that reads', async () => {
    const c = await client();
    expect(await c.subscribe('burst')).toMatchObject({ type: 'subscribed' });
    const cutBefore = hub.stats().slowConsumerDisconnects;
    const n = 10_000;
    // Over 1 MiB of replies against a 256 KiB send buffer, with live events on the same socket.
    const live = hub.publish('burst', [{ type: 'before', data: 1 }]);
    for (let i = 0; i < n; i++) c.send({ type: 'subscribe', rid: `b${i}`, channel: 'burst' });
    await live;
    await hub.publish('burst', [{ type: 'after', data: 2 }]);
    await waitFor(() => c.errors().length >= n || c.closeInfo !== null, { timeoutMs: 30_000 });
    expect(c.closeInfo).toBeNull();
    expect(c.errors().map((e) => e.rid)).toEqual(range(0, n - 1).map((i) => `b${i}`));
    expect(c.errors().every((e) => e.code === ErrorCode.AlreadySubscribed)).toBe(true);
    await waitFor(() => c.events('burst').length === 2);
    expect(seqs(c.events('burst'))).toEqual([1, 2]);
    expect(hub.stats().slowConsumerDisconnects).toBe(cutBefore);
  });

  it('stops reading a client that sends refusable frames and never reads, and closes it when its pong cannot arrive', async () => {
    const heartbeatMs = 4_000;
    const other = await startTestHub({ heartbeatMs, limits: { maxBufferedBytes: MAX_BUFFERED } });
    try {
      const c = await TestClient.connect(other.wsUrl);
      expect(await c.subscribe('x')).toMatchObject({ type: 'subscribed' });
      const watcher = await TestClient.connect(other.wsUrl);
      await watcher.subscribe('x');
      (c.ws as { _socket: Socket })._socket.pause();
      // About 33 MB of replies if the hub answered them all: far more than the kernel buffers absorb.
      const n = 300_000;
      for (let i = 0; i < n; i++) c.send({ type: 'subscribe', rid: `n${i}`, channel: 'x' });
      const refused = (): number => other.stats().errors[ErrorCode.AlreadySubscribed] ?? 0;
      let maxHeld = 0;
      let sent = 0;
      let last = -1;
      let stableSince = Date.now();
      // Until the hub has stopped reading: the count of refusals stays put for 500 ms.
      while (Date.now() - stableSince < 500) {
        maxHeld = Math.max(maxHeld, other.stats().queuedBytes);
        await other.publish('x', [{ type: 'tick', data: ++sent }]);
        await new Promise((resolve) => setTimeout(resolve, 10));
        const now = refused();
        if (now !== last) {
          last = now;
          stableSince = Date.now();
        }
      }
      expect(other.connectionCount()).toBe(2);
      expect(refused()).toBeLessThan(n);
      expect(maxHeld).toBeLessThan(MAX_BUFFERED);
      expect(other.stats().slowConsumerDisconnects).toBe(0);
      // Its unread pong ends it with 4001 at the next heartbeats; the watcher never noticed.
      await waitFor(() => other.connectionCount() === 1, { timeoutMs: 3 * heartbeatMs });
      expect(other.stats().pingTimeouts).toBe(1);
      await waitFor(() => watcher.events('x').length === sent);
      expect(seqs(watcher.events('x'))).toEqual(range(1, sent));
      expect(watcher.closeInfo).toBeNull();
      c.close();
      watcher.close();
    } finally {
      await other.close();
    }
  });
});

describe('query parameters', () => {
  it('checks after and limit of history reads as PROTOCOL.md says', async () => {
    await hub.publish(
      'q',
      [1, 2, 3, 4, 5].map((n) => ({ type: 't', data: n })),
    );
    const bad = [
      'after=',
      'limit=',
      'after=&limit=5',
      'after=1&after=2',
      'limit=5&limit=6',
      'after=-1',
      'after=+1',
      'after=%201',
      'after=1.0',
      'after=1e3',
      'after=0x10',
      'after=99999999999999999',
      'limit=0',
      'limit=1001',
      'limit=abc',
    ];
    for (const query of bad)
      expectError(await http(eventsUrl('q', `?${query}`)), 400, ErrorCode.BadPosition, query);
    const good: [string, number[]][] = [
      ['', [1, 2, 3, 4, 5]],
      ['?after=2', [3, 4, 5]],
      ['?after=2&limit=2', [3, 4]],
      ['?limit=1000', [1, 2, 3, 4, 5]],
      ['?after=003&limit=1', [4]],
      ['?after=9', []],
      ['?other=ignored&after=4', [5]],
    ];
    for (const [query, expected] of good) {
      const res = await http(eventsUrl('q', query));
      expect(res.status, query).toBe(200);
      expect(seqs((res.body as { events: { seq: number }[] }).events), query).toEqual(expected);
    }
    // A position newer than lastSeq is not an error: an empty page whose lastSeq shows the gap.
    expect((await http(eventsUrl('q', '?after=9'))).body).toMatchObject({ lastSeq: 5, events: [] });
  });

  it('checks after, snapshot and Last-Event-ID of SSE streams; Last-Event-ID wins over after', async () => {
    await hub.publish(
      'qs',
      [1, 2, 3, 4, 5].map((n) => ({ type: 't', data: n })),
    );
    const bad: [string, Record<string, string>, string][] = [
      ['?after=', {}, ErrorCode.BadPosition],
      ['?after=x', {}, ErrorCode.BadPosition],
      ['?after=1&after=2', {}, ErrorCode.BadPosition],
      ['', { 'last-event-id': 'x1' }, ErrorCode.BadPosition],
      ['', { 'last-event-id': '-1' }, ErrorCode.BadPosition],
      ['?after=x', { 'last-event-id': '2' }, ErrorCode.BadPosition],
      ['?snapshot=', {}, ErrorCode.BadMessage],
      ['?snapshot=yes', {}, ErrorCode.BadMessage],
      ['?snapshot=1&snapshot=0', {}, ErrorCode.BadMessage],
    ];
    for (const [query, headers, code] of bad) {
      expectError(
        await http(streamUrl('qs', query), { headers }),
        400,
        code,
        `${query} ${JSON.stringify(headers)}`,
      );
    }
    const firstIds = async (query: string, headers: Record<string, string> = {}): Promise<string[]> => {
      const sse = await openSse(streamUrl('qs', query), headers);
      expect(sse.res.status).toBe(200);
      await waitFor(() => sse.events.some((e) => e.id === '5'));
      await sse.close();
      return sse.events.map((e) => `${e.event}:${e.id}`);
    };
    expect(await firstIds('?after=1', { 'last-event-id': '3' })).toEqual(['t:4', 't:5']);
    // An empty Last-Event-ID counts as absent (EventSource never sends one).
    expect(await firstIds('?after=2', { 'last-event-id': '' })).toEqual(['t:3', 't:4', 't:5']);
    expect(await firstIds('?after=3&snapshot=0')).toEqual(['t:4', 't:5']);
    expect(await firstIds('?snapshot=true')).toEqual(['snapshot:5']);
  });
});

describe('neighbours', () => {
  it('kept the WebSocket and SSE neighbours whole and logged no error', async () => {
    await feed.stop();
    const { published } = feed;
    await waitFor(() => neighbour.events('feed').length === published, { timeoutMs: 15_000 });
    await waitFor(() => sseNeighbour.events.length === published, { timeoutMs: 15_000 });
    expect(published).toBeGreaterThan(100);
    expect(seqs(neighbour.events('feed'))).toEqual(range(1, published));
    expect(sseNeighbour.events.map((e) => Number(e.id))).toEqual(range(1, published));
    expect(neighbour.closeInfo).toBeNull();
    const errors = logged
      .split('\n')
      .filter(Boolean)
      .filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
