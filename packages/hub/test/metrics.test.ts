import { spawn } from 'node:child_process';
import { ErrorCode } from '@herald/protocol';
import { createTestToken, http, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OTHER_ROUTE, routeTemplate } from '../src/http/request-metrics.js';
import { openSse } from './sse-client.js';

/** Debian's `prometheus` package puts it here; .ci/run installs it when it is missing. */
const PROMTOOL = '/usr/bin/promtool';
const SECRET = 'metrics-test-secret';
const KEY = 'metrics-test-key';
const AUTH = { authorization: `Bearer ${KEY}` };

/** Runs `promtool check metrics` on `text` (its stdin): exit code and everything it printed. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    // A missing promtool is a failure, never a skip: CI installs it (.ci/run).
    child.once('error', (err) => reject(new Error(`cannot run ${PROMTOOL}: ${err.message}`)));
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** The value of the sample `name{labels}` (labels exactly as rendered), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const EVENTS = '/v1/channels/{channel}/events';
const STREAM = '/v1/channels/{channel}/stream';

/** The status and error code of a refused WebSocket upgrade. */
function refusedUpgrade(url: string): Promise<{ status: number; code: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['herald.v1']);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? -1,
          code: (JSON.parse(body) as { error: { code: unknown } }).error.code,
        });
        ws.terminate();
      });
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', reject);
  });
}

describe('route templates', () => {
  it('name every channel route by its template, whatever the channel, and fold the rest into one label', () => {
    expect(routeTemplate('/v1/channels/run:1/events?after=3')).toBe(EVENTS);
    expect(routeTemplate('/v1/channels/bad%20name/stream')).toBe(STREAM);
    expect(routeTemplate('/v1/channels/x/state')).toBe('/v1/channels/{channel}/state');
    expect(routeTemplate('/healthz')).toBe('/healthz');
    expect(routeTemplate('/metrics?x=1')).toBe('/metrics');
    expect(routeTemplate('/v1/ws')).toBe('/v1/ws');
    for (const path of ['/', '/assets/app.js', '/v1/channels/a/b/events', '/v1/channels//events', '/nope'])
      expect(routeTemplate(path)).toBe(OTHER_ROUTE);
  });
});

describe('/metrics after traffic on every transport', () => {
  let hub: TestHub;
  let text = '';
  beforeAll(async () => {
    hub = await startTestHub({
      auth: { jwtSecret: SECRET, publisherKeys: [KEY] },
      limits: { publishRatePerSec: 1, publishBurst: 2 },
    });
    const token = await createTestToken({ secret: SECRET });
    const events = `${hub.url}/v1/channels/m:1/events`;

    // HTTP: publishes until the key's bucket is empty (201, 201, 429), reads, and refusals.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await http(events, { body: { type: 't', data: i }, headers: AUTH })).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect((await http(`${events}?after=0`, { headers: AUTH })).status).toBe(200);
    expect((await http(`${events}?limit=0`, { headers: AUTH })).status).toBe(400);
    expect((await http(events, { body: { type: 't', data: 0 } })).status).toBe(401);
    expect((await http(events, { method: 'DELETE', headers: AUTH })).status).toBe(405);
    expect((await http(`${hub.url}/nope`)).status).toBe(404);
    expect((await http(`${hub.url}/healthz`)).status).toBe(200);

    // SSE: a stream that replays and ends, and one refused for its channel name.
    const sse = await openSse(`${hub.url}/v1/channels/m:1/stream?after=0`, AUTH);
    await waitFor(() => sse.events.length === 2);
    await sse.close();
    expect((await http(`${hub.url}/v1/channels/bad%20name/stream`, { headers: AUTH })).status).toBe(400);

    // WebSocket: a subscriber that gets a live event, a garbage frame, a subscribe it may not make.
    const ws = await TestClient.connect(hub.wsUrl, { token });
    try {
      await ws.subscribe('m:1', { seq: 0 });
      ws.send('garbage');
      await ws.waitFor((m) => m.type === 'error' && m.code === ErrorCode.BadJson);
      await ws.subscribe('bad name');
      await hub.publish('m:1', [{ type: 't', data: 'live' }]);
      await waitFor(() => ws.events('m:1').length === 3);
    } finally {
      ws.close();
    }
    // A refused upgrade (wrong path) answers its code in the body and counts like any other refusal.
    expect(await refusedUpgrade(`${hub.wsUrl.replace(/\/v1\/ws$/, '')}/v2/ws`)).toEqual({
      status: 404,
      code: ErrorCode.NotFound,
    });

    // The SSE stream is counted when it ends; wait for it, then take the scrape under test.
    await waitFor(async () => {
      text = (await http(`${hub.url}/metrics`)).text;
      return sample(text, `herald_http_requests_total{route="${STREAM}",status="200"}`) === 1;
    });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('passes promtool check metrics (format and naming lint)', async () => {
    const { code, output } = await promtoolCheck(text);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('counts HTTP requests by route template and status', () => {
    const requests = (route: string, status: number) =>
      sample(text, `herald_http_requests_total{route="${route}",status="${status}"}`);
    expect(requests(EVENTS, 201)).toBe(2);
    expect(requests(EVENTS, 429)).toBe(1);
    expect(requests(EVENTS, 200)).toBe(1);
    expect(requests(EVENTS, 400)).toBe(1);
    expect(requests(EVENTS, 401)).toBe(1);
    expect(requests(EVENTS, 405)).toBe(1);
    expect(requests(STREAM, 400)).toBe(1);
    expect(requests(OTHER_ROUTE, 404)).toBe(1);
    expect(requests('/healthz', 200)).toBe(1);
    expect(text).not.toMatch(/route="\/v1\/channels\/m:1/); // never the raw path
  });

  it('counts errors answered on HTTP, SSE and WebSocket alike', () => {
    const errors = (code: string) => sample(text, `herald_errors_total{code="${code}"}`);
    expect(errors(ErrorCode.RateLimited)).toBe(1); // HTTP 429
    expect(errors(ErrorCode.BadPosition)).toBe(1); // HTTP 400
    expect(errors(ErrorCode.Unauthorized)).toBe(1); // HTTP 401
    expect(errors(ErrorCode.MethodNotAllowed)).toBe(1); // HTTP 405
    expect(errors(ErrorCode.NotFound)).toBe(2); // HTTP 404, and a WebSocket upgrade to a wrong path
    expect(errors(ErrorCode.BadJson)).toBe(1); // WebSocket
    expect(errors(ErrorCode.BadChannel)).toBe(2); // SSE route over HTTP, and a WebSocket subscribe
  });

  it('names byte counters with the unit before _total, and counts them', () => {
    expect(text).toMatch(/^# TYPE herald_sent_bytes_total counter$/m);
    expect(text).toMatch(/^# TYPE herald_received_bytes_total counter$/m);
    expect(text).not.toMatch(/herald_bytes_(sent|received)_total/);
    expect(sample(text, 'herald_sent_bytes_total')).toBeGreaterThan(0);
    expect(sample(text, 'herald_received_bytes_total')).toBeGreaterThan(0);
    expect(sample(text, 'herald_events_published_total')).toBe(3);
    expect(sample(text, 'herald_events_delivered_total')).toBeGreaterThanOrEqual(5); // 2 over SSE, 3 over WS
  });
});
