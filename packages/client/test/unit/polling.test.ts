import { type Envelope, ErrorCode, historyPage } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeHubHttp } from './fake-http.js';
import { eventsFrame, FakeWebSocket, fakeClient, run, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

interface Channel {
  epoch: string;
  events: Envelope[];
  first: number;
}

/** A fake hub HTTP API: GET /v1/channels/{c}/events?after=N&limit=M, or the hub's 401 error. */
function fakeHttp(channels: Record<string, Channel>, status = 200) {
  const requests: { url: string; auth: string | undefined }[] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push({
      url: url.pathname + url.search,
      auth: (init?.headers as Record<string, string>)?.authorization,
    });
    const name = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    const ch = channels[name] ?? { epoch: 'e1', events: [], first: 0 };
    const after = Number(url.searchParams.get('after'));
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const lastSeq = ch.events.at(-1)?.seq ?? 0;
    const events = ch.events.filter((e) => e.seq > after && e.seq >= ch.first).slice(0, limit);
    const body =
      status < 300
        ? historyPage(
            name,
            { epoch: ch.epoch, firstSeq: ch.events.length ? ch.first : lastSeq + 1, lastSeq },
            events,
          )
        : { error: { code: ErrorCode.Unauthorized, message: 'credentials required', retryable: false } };
    return { ok: status < 300, status, json: async () => body };
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}

const env = (seq: number, channel = 'c'): Envelope => ({
  channel,
  seq,
  id: `i${seq}`,
  ts: '',
  type: 't',
  data: seq,
});

async function pollingClient(http: ReturnType<typeof fakeHttp>, extra = {}) {
  const made = fakeClient({
    transports: ['polling'],
    pollIntervalMs: 1000,
    environment: { fetch: http.fetch },
    ...extra,
  });
  return made;
}

describe('polling transport', () => {
  it('connects over HTTP, subscribes from now and delivers new events in order', async () => {
    const ch: Channel = { epoch: 'e1', events: [env(1), env(2)], first: 1 };
    const http = fakeHttp({ c: ch });
    const { client } = await pollingClient(http, { getToken: () => 'tok' });
    const got: number[] = [];
    client.subscribe('c', { onEvent: (e) => got.push(e.seq) });
    await run();
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'polling' });
    await run();
    expect(got).toEqual([]); // from now: seq 1-2 are history
    ch.events.push(env(3), env(4));
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(got).toEqual([3, 4]);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(http.requests.at(-1)).toEqual({
      url: '/v1/channels/c/events?after=4&limit=1000',
      auth: 'Bearer tok',
    });
    expect(got).toEqual([3, 4]);
    client.close();
    const count = http.requests.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(http.requests.length).toBe(count);
  });

  it('replays from since when history covers it, and raises a gap when it does not', async () => {
    const ch: Channel = { epoch: 'e1', events: [env(5), env(6), env(7)], first: 5 };
    const http = fakeHttp({ c: ch, d: ch });
    const { client } = await pollingClient(http);
    const got: number[] = [];
    const gaps: unknown[] = [];
    client.subscribe('c', { since: { epoch: 'e1', seq: 5 }, onEvent: (e) => got.push(e.seq) });
    client.subscribe('d', { since: { epoch: 'e1', seq: 1 }, onGap: (g) => gaps.push(g) });
    await run();
    expect(got).toEqual([6, 7]);
    expect(gaps).toEqual([{ channel: 'd', last: { epoch: 'e1', seq: 1 }, epoch: 'e1', lastSeq: 7 }]);
    client.close();
  });

  it('falls back to polling after repeated WebSocket failures and publishes over HTTP', async () => {
    const http = fakeHubHttp();
    const { client } = fakeClient({
      transports: ['websocket', 'polling'],
      fallbackAfter: 2,
      environment: { fetch: http.fetch },
    });
    const pending = client.publish('c', 't', 1, { id: 'p1' });
    await settle();
    FakeWebSocket.last().drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    FakeWebSocket.last().drop();
    await vi.runOnlyPendingTimersAsync();
    await settle();
    await run();
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'polling' });
    await expect(pending).resolves.toEqual({ channel: 'c', id: 'p1', seq: 1, duplicate: false });
    expect(http.posts).toEqual([{ channel: 'c', body: { type: 't', data: 1, id: 'p1' } }]);
    expect(client.stats().outboxDepth).toBe(0);
    client.close();
  });

  it('closes with the mapped code on HTTP auth errors and reconnects on an epoch change', async () => {
    const denied = fakeHttp({}, 401);
    const a = await pollingClient(denied);
    a.client.subscribe('c', {});
    await run();
    expect(a.client.state).toBe('failed'); // 4401 without getToken
    a.client.close();

    const ch: Channel = { epoch: 'e1', events: [env(1)], first: 1 };
    const http = fakeHttp({ c: ch });
    const b = await pollingClient(http);
    b.client.subscribe('c', {});
    await run();
    ch.epoch = 'e2';
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(b.client.state).toBe('reconnecting');
    expect(b.client.getStatus().lastError?.code).toBe('ERR_SHUTTING_DOWN');
    b.client.close();
  });

  it('raises a gap when retention trimmed every event after since (the page retains nothing)', async () => {
    // Events 1-5 were stored, all trimmed since: firstSeq is 6 (the deprecated first_seq says 0).
    const ch: Channel = { epoch: 'e1', events: history('c', 1, 5), first: 6 };
    const http = fakeHttp({ c: ch });
    const { client } = await pollingClient(http);
    const gaps: unknown[] = [];
    const infos: boolean[] = [];
    client.subscribe('c', {
      since: { epoch: 'e1', seq: 2 },
      onGap: (g) => gaps.push(g),
      onSubscribed: (i) => infos.push(i.recovered),
    });
    await run();
    expect(infos).toEqual([false]);
    expect(gaps).toEqual([{ channel: 'c', last: { epoch: 'e1', seq: 2 }, epoch: 'e1', lastSeq: 5 }]);
    client.close();
  });

  it("closes with the close code of the hub's error code, 1011 when the body is no Herald error", async () => {
    const answers = [
      {
        status: 401,
        body: { error: { code: ErrorCode.TokenExpired, message: 'token expired', retryable: true } },
      },
      {
        status: 503,
        body: { error: { code: ErrorCode.ShuttingDown, message: 'draining', retryable: true } },
      },
      { status: 502, body: undefined }, // a proxy's HTML page: not JSON
      { status: 500, body: { error: { code: 'ERR_FROM_THE_FUTURE' } } },
    ];
    const seen: unknown[] = [];
    for (const { status, body } of answers) {
      const fetch = vi.fn(async () => ({
        ok: false,
        status,
        json: async () => (body === undefined ? JSON.parse('<html>') : body),
      }));
      const { client } = fakeClient({
        transports: ['polling'],
        getToken: () => 'tok',
        environment: { fetch: fetch as unknown as typeof globalThis.fetch },
      });
      const off = client.on('disconnected', ({ code }) => {
        off(); // the first close is the one the answer caused
        seen.push([code, client.getStatus().lastError?.code]);
      });
      client.subscribe('c', {});
      await run();
      client.close();
    }
    expect(seen).toEqual([
      [4409, ErrorCode.TokenExpired],
      [1012, ErrorCode.ShuttingDown],
      [1011, ErrorCode.ConnectionLost],
      [1011, ErrorCode.ConnectionLost],
    ]);
  });

  it('polls one round at a time: a subscribe during a slow poll waits for it', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const urls: string[] = [];
    const fetch = vi.fn(async (input: string | URL | Request) => {
      urls.push(String(input));
      await gate;
      return {
        ok: true,
        status: 200,
        json: async () => historyPage('c', { epoch: 'e1', firstSeq: 1, lastSeq: 0 }, []),
      };
    });
    const { client } = fakeClient({
      transports: ['polling'],
      pollIntervalMs: 1000,
      environment: { fetch: fetch as unknown as typeof globalThis.fetch },
    });
    const infos: string[] = [];
    client.subscribe('c', { onSubscribed: (i) => infos.push(i.channel) });
    await run();
    expect(urls).toHaveLength(1);
    client.subscribe('d', { onSubscribed: (i) => infos.push(i.channel) });
    await run();
    expect(urls).toHaveLength(1); // still busy with the first round
    release();
    await run();
    expect(infos.sort()).toEqual(['c', 'd']);
    client.close();
  });

  it('gives up on a poll round that hangs (dead link) and reconnects', async () => {
    const fetch = vi.fn(() => new Promise<never>(() => {}));
    const { client } = fakeClient({
      transports: ['polling'],
      connectTimeoutMs: 3000,
      environment: { fetch: fetch as unknown as typeof globalThis.fetch },
    });
    client.subscribe('c', {});
    await run();
    expect(client.state).toBe('connected');
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(client.state).toBe('reconnecting');
    expect(client.getStatus().lastError?.message).toContain('poll timed out');
    client.close();
  });

  it('answers ping and unsubscribe locally', async () => {
    const http = fakeHttp({});
    const { client, sources } = await pollingClient(http);
    const sub = client.subscribe('c', {});
    await run();
    expect(client.stats().messagesIn).toBe(2); // welcome, subscribed
    sources.becomeVisible(); // ping, answered by a local pong
    await settle();
    expect(client.stats().messagesIn).toBe(3);
    sub.unsubscribe();
    await settle();
    expect(client.stats().messagesIn).toBe(4); // unsubscribed
    client.close();
  });
});

const history = (channel: string, from: number, to: number): Envelope[] =>
  Array.from({ length: to - from + 1 }, (_, i) => env(from + i, channel));
const afters = (requests: { url: string }[], channel: string) =>
  requests.filter((r) => r.url.startsWith(`/v1/channels/${channel}/`)).map((r) => r.url.split('?')[1]);

describe('catching up', () => {
  it('pages at the largest limit without waiting while the hub holds more, then waits the interval', async () => {
    const ch: Channel = { epoch: 'e1', events: history('c', 1, 2500), first: 1 };
    const http = fakeHttp({ c: ch });
    const { client } = await pollingClient(http);
    const got: number[] = [];
    const seen: unknown[] = [];
    let askedWhileDelivering: (string | undefined)[] = [];
    client.subscribe('c', {
      since: { epoch: 'e1', seq: 0 },
      onEvent: (e) => {
        got.push(e.seq);
        if (e.seq === 1000) seen.push(client.stats());
        if (e.seq === 1) askedWhileDelivering = afters(http.requests, 'c');
      },
    });
    await run();
    await run();
    // Three pages within a few fake milliseconds: no 1 s interval between them.
    expect(afters(http.requests, 'c')).toEqual([
      'after=0&limit=1000',
      'after=1000&limit=1000',
      'after=2000&limit=1000',
    ]);
    expect(got).toEqual(history('c', 1, 2500).map((e) => e.seq));
    expect(seen).toEqual([expect.objectContaining({ eventsBehind: 1500, catchUpPolls: 1 })]);
    // The next page is asked for before the first is delivered, so the hub prepares it meanwhile.
    expect(askedWhileDelivering).toEqual(['after=0&limit=1000', 'after=1000&limit=1000']);
    expect(client.stats()).toMatchObject({ eventsBehind: 0, catchUpPolls: 2, eventsDelivered: 2500 });
    await vi.advanceTimersByTimeAsync(900);
    expect(afters(http.requests, 'c')).toHaveLength(3); // caught up: back to the interval
    ch.events.push(env(2501, 'c'));
    await vi.advanceTimersByTimeAsync(200);
    await settle();
    expect(got.at(-1)).toBe(2501);
    expect(client.stats().catchUpPolls).toBe(2);
    client.close();
  });

  it('gives every channel that is due its page each round, so one that stays behind starves none', async () => {
    const busy: Channel = { epoch: 'e1', events: history('busy', 1, 1000), first: 1 };
    const calm: Channel = { epoch: 'e1', events: history('calm', 1, 3), first: 1 };
    const http = fakeHttp({ busy, calm });
    let pages = 0;
    const fetch = ((input: string | URL | Request, init?: RequestInit) => {
      if (String(input).includes('/busy/') && ++pages < 40) {
        // The busy channel gains a page per fetch for a while, and each of its pages takes 100 ms.
        busy.events.push(...history('busy', pages * 1000 + 1, pages * 1000 + 1000));
        vi.setSystemTime(Date.now() + 100);
      }
      return http.fetch(input, init);
    }) as typeof globalThis.fetch;
    const { client } = await pollingClient(http, { environment: { fetch } });
    const got: Record<string, number[]> = { busy: [], calm: [] };
    for (const name of ['busy', 'calm'])
      client.subscribe(name, { since: { seq: 0 }, onEvent: (e) => got[name]?.push(e.seq) });
    await run();
    expect(got.calm).toEqual([1, 2, 3]);
    calm.events.push(env(4, 'calm'), env(5, 'calm'));
    // The calm channel's next poll falls due (1 s) while the busy one is still catching up, page by page.
    for (let i = 0; i < 10 && (got.calm?.length ?? 0) < 5; i++) await run();
    expect(got.calm).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBeLessThan(40);
    expect(afters(http.requests, 'calm')).toEqual(['after=0&limit=1000', 'after=3&limit=1000']);
    for (let i = 0; i < 20 && pages < 40; i++) await run();
    await run();
    expect(got.busy).toEqual(history('busy', 1, 40_000).map((e) => e.seq));
    expect(client.stats()).toMatchObject({ eventsBehind: 0, catchUpPolls: 39 });
    client.close();
  });
});

describe('eventsBehind over WebSocket', () => {
  it('counts the replay backlog down to 0 and ignores live events past it', async () => {
    const { client } = fakeClient();
    client.subscribe('run:1', { since: { epoch: 'e1', seq: 2 } });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    expect(client.stats().eventsBehind).toBe(0); // nothing known before `subscribed`
    ws.answerSubscribes('e1', 6);
    expect(client.stats().eventsBehind).toBe(4);
    ws.deliver(eventsFrame('run:1', 3, 4));
    expect(client.stats().eventsBehind).toBe(2);
    ws.deliver(eventsFrame('run:1', 5, 6, 7));
    expect(client.stats()).toMatchObject({ eventsBehind: 0, catchUpPolls: 0, eventsDelivered: 5 });
    client.close();
  });
});
