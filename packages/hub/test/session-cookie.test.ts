import { ErrorCode } from '@herald/protocol';
import { createTestToken, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, HubConfigError, startHub } from '../src/index.js';
import { openSse } from './sse-client.js';
import { ask, hello, type OpenSocket, upgrade } from './ws-raw.js';

const SECRET = 'session-cookie-secret-of-32-bytes';
const APP = 'https://app.example';
const COOKIE = 'herald_session';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function cookieHub(): Promise<Hub> {
  const h = await startHub({
    port: 0,
    logger: false,
    allowedOrigins: [APP],
    auth: { jwtSecret: SECRET, sessionCookie: COOKIE, publisherKeys: ['backend-key'] },
  });
  cleanups.push(() => h.close());
  return h;
}

const token = (sub: string, channels: string[], expiresInSec = 600) =>
  createTestToken({ secret: SECRET, sub, subChannels: channels, pubChannels: channels, expiresInSec });

async function open(h: Hub, headers: Record<string, string>): Promise<OpenSocket> {
  const s = await upgrade(h.wsUrl, headers);
  if (s.refused) throw new Error(`refused: ${s.status} ${s.body}`);
  cleanups.push(() => s.ws.close());
  return s;
}

describe('a session cookie carrying the connection token', () => {
  it('authenticates a WebSocket whose hello has no token; a token in hello wins over the cookie', async () => {
    const h = await cookieHub();
    const cookie = `theme=dark; ${COOKIE}=${await token('alice', ['run:*'])}`;
    const byCookie = await open(h, { origin: APP, cookie });
    const welcome = await hello(byCookie);
    expect(welcome).toMatchObject({ type: 'welcome', tokenExpiresAt: expect.any(Number) });
    expect(await ask(byCookie, { type: 'subscribe', channel: 'run:1' })).toMatchObject({
      type: 'subscribed',
    });
    expect(await ask(byCookie, { type: 'subscribe', channel: 'job:1' })).toMatchObject({
      code: ErrorCode.Forbidden,
    });

    // The explicit token is what the app chose for this connection: its patterns apply, not the cookie's.
    const explicit = await open(h, { origin: APP, cookie });
    expect(await hello(explicit, await token('alice', ['job:*']))).toMatchObject({ type: 'welcome' });
    expect(await ask(explicit, { type: 'subscribe', channel: 'job:1' })).toMatchObject({
      type: 'subscribed',
    });
    expect(await ask(explicit, { type: 'subscribe', channel: 'run:1' })).toMatchObject({
      code: ErrorCode.Forbidden,
    });

    // A bad cookie token is refused like a bad hello token; no cookie and no token is unauthorized.
    const expired = await open(h, { origin: APP, cookie: `${COOKIE}=${await token('alice', ['*'], -60)}` });
    expect(await hello(expired)).toMatchObject({ code: ErrorCode.TokenExpired });
    expect(await expired.closed).toBe(4409);
    const none = await open(h, { origin: APP });
    expect(await hello(none)).toMatchObject({ code: ErrorCode.Unauthorized });
    expect(await none.closed).toBe(4401);
  });

  it('refuses the cookie from a page outside the allow-list before reading it', async () => {
    const h = await cookieHub();
    const cookie = `${COOKIE}=${await token('alice', ['*'])}`;
    const s = await upgrade(h.wsUrl, { origin: 'https://evil.example', cookie });
    expect(s.refused && s.status).toBe(403);
    expect(s.refused && JSON.parse(s.body)).toMatchObject({ error: { code: ErrorCode.OriginNotAllowed } });
    const sse = await fetch(`${h.url}/v1/channels/run:1/stream`, {
      headers: { origin: 'https://evil.example', cookie },
    });
    expect(sse.status).toBe(403);
  });

  it('authenticates SSE and history reads (with credentialed CORS), never a publish', async () => {
    const h = await cookieHub();
    const cookie = `${COOKIE}=${await token('alice', ['run:*'])}`;
    const sse = await openSse(`${h.url}/v1/channels/run:7/stream`, { origin: APP, cookie });
    cleanups.push(() => sse.close());
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(sse.res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(sse.res.headers.get('vary')).toMatch(/origin/i);
    await waitFor(() => h.stats().sseStreams === 1);
    await h.publish('run:7', [{ type: 'progress', data: { pct: 50 } }]);
    await waitFor(() => sse.events.length === 1);
    expect(JSON.parse(sse.events[0]?.data ?? '')).toMatchObject({ channel: 'run:7', seq: 1 });

    const history = await fetch(`${h.url}/v1/channels/run:7/events`, { headers: { origin: APP, cookie } });
    expect(history.status).toBe(200);
    expect(history.headers.get('access-control-allow-origin')).toBe(APP);
    const forbidden = await fetch(`${h.url}/v1/channels/job:1/stream`, { headers: { origin: APP, cookie } });
    expect(forbidden.status).toBe(403);
    const noCookie = await fetch(`${h.url}/v1/channels/run:7/stream`, { headers: { origin: APP } });
    expect(noCookie.status).toBe(401);

    // A cookie is ambient, so it never authorizes a publish (a form on any page could send one).
    const publish = await fetch(`${h.url}/v1/channels/run:7/events`, {
      method: 'POST',
      headers: { origin: APP, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 't', data: 1 }),
    });
    expect(publish.status).toBe(401);
    const preflight = await fetch(`${h.url}/v1/channels/run:7/stream`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('is refused at start-up without an allow-list, with "*", or without tokens to carry', async () => {
    const auth = { jwtSecret: SECRET, sessionCookie: COOKIE };
    await expect(startHub({ port: 0, logger: false, auth })).rejects.toThrow(
      /sessionCookie needs an Origin allow-list/,
    );
    await expect(startHub({ port: 0, logger: false, auth, allowedOrigins: ['*'] })).rejects.toBeInstanceOf(
      HubConfigError,
    );
    await expect(
      startHub({
        port: 0,
        logger: false,
        allowedOrigins: [APP],
        auth: { publisherKeys: ['k'], sessionCookie: COOKIE },
      }),
    ).rejects.toThrow(/JWT secret or a JWKS URL/);
    await expect(
      startHub({ port: 0, logger: false, allowedOrigins: [APP], auth: { ...auth, sessionCookie: 'a b' } }),
    ).rejects.toThrow(/cookie name/);
  });
});
