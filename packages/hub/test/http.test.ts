import { ErrorCode } from '@herald/protocol';
import { http, publishMany, range, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type EventStore, type Hub } from '../src/index.js';
import { openSse } from './sse-client.js';

let t: TestHub;
let hub: Hub;
let store: EventStore;
beforeAll(async () => {
  store = createMemoryStore({ maxCount: 20 });
  t = await startTestHub({ store });
  hub = t;
});
afterAll(async () => {
  await t.close();
  await store.close();
});

describe('SSE', () => {
  it('resumes from Last-Event-ID, then streams live events', async () => {
    await publishMany(hub.url, 'sse:1', 10);
    const sse = await openSse(`${hub.url}/v1/channels/sse:1/stream`, { 'last-event-id': '5' });
    try {
      expect(sse.res.status).toBe(200);
      expect(sse.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await waitFor(() => sse.events.length === 5);
      await hub.publish('sse:1', [{ type: 'node.end', data: { ok: true } }]);
      await waitFor(() => sse.events.length === 6);
      expect(sse.events.map((e) => Number(e.id))).toEqual(range(6, 11));
      const last = sse.events[5];
      expect(last?.event).toBe('node.end');
      expect(JSON.parse(last?.data ?? '')).toMatchObject({ channel: 'sse:1', seq: 11, data: { ok: true } });
    } finally {
      await sse.close();
    }
    await waitFor(() => hub.stats().sseStreams === 0);
  });

  it('sends event: gap first when the position is older than the history, and honours ?after=', async () => {
    await publishMany(hub.url, 'sse:2', 30);
    await store.trim();
    const old = await openSse(`${hub.url}/v1/channels/sse:2/stream?after=2`);
    const fresh = await openSse(`${hub.url}/v1/channels/sse:2/stream?after=28`);
    try {
      await waitFor(() => old.events.length >= 1 && fresh.events.length === 2);
      expect(old.events[0]?.event).toBe('gap');
      expect(JSON.parse(old.events[0]?.data ?? '')).toMatchObject({
        channel: 'sse:2',
        lastSeq: 30,
        recovered: false,
      });
      expect(fresh.events.map((e) => e.id)).toEqual(['29', '30']);
      await hub.publish('sse:2', [{ type: 't', data: 1 }]);
      await waitFor(() => old.events.length === 2 && fresh.events.length === 3);
      expect(old.events[1]?.id).toBe('31');
    } finally {
      await old.close();
      await fresh.close();
    }
  });
});

describe('history, health and metrics', () => {
  it('pages history with after and limit, and validates them', async () => {
    await publishMany(hub.url, 'h:1', 12);
    const page = await http(`${hub.url}/v1/channels/h:1/events?after=3&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      channel: 'h:1',
      epoch: expect.any(String),
      last_seq: 12,
      first_seq: 1,
    });
    expect((page.body as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([4, 5]);
    const tail = await http(`${hub.url}/v1/channels/h:1/events?after=12`);
    expect(tail.body).toMatchObject({ events: [], last_seq: 12 });
    const empty = await http(`${hub.url}/v1/channels/never:used/events`);
    expect(empty.body).toMatchObject({ events: [], last_seq: 0, first_seq: 0 });
    for (const q of ['after=-1', 'after=1.5', 'limit=0', 'limit=1001', 'after=x']) {
      const bad = await http(`${hub.url}/v1/channels/h:1/events?${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.body, q).toMatchObject({ error: { code: ErrorCode.BadPosition } });
    }
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    const health = await http(`${hub.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const c = await TestClient.connect(hub.wsUrl);
    try {
      await c.subscribe('m:1');
      c.send('garbage');
      await c.waitFor((m) => m.type === 'error');
      await hub.publish('m:1', [{ type: 't', data: 1 }]);
      await waitFor(() => c.events('m:1').length === 1);
      const metrics = await http(`${hub.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = metrics.text;
      expect(text).toMatch(/^# HELP herald_connections /m);
      expect(text).toMatch(/^# TYPE herald_events_published_total counter$/m);
      expect(text).toMatch(/^herald_connections 1$/m);
      expect(text).toMatch(/^herald_subscriptions 1$/m);
      expect(text).toMatch(/^herald_errors_total\{code="ERR_BAD_JSON"\} [1-9]\d*$/m);
      expect(Number(/^herald_events_delivered_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(/^herald_events_published_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
      // Every sample line is `name{label="value",…} value` (a route label's value holds braces).
      for (const line of text.trim().split('\n')) {
        if (!line.startsWith('#'))
          expect(line).toMatch(/^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \d+(\.\d+)?$/);
      }
    } finally {
      c.close();
    }
  });
});

describe('CORS', () => {
  it('lets browser apps on other origins call the API with bearer tokens', async () => {
    const preflight = await fetch(`${hub.url}/v1/channels/c/events`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const get = await fetch(`${hub.url}/v1/channels/c/events`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
  });
});
