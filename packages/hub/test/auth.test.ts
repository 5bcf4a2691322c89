import { ErrorCode } from '@herald/protocol';
import { http, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Hub, HubConfigError, startHub } from '../src/index.js';

const SECRET = 'test-secret-that-is-long-enough';
const KEY = 'publisher-key-1';
let t: TestHub;
let hub: Hub;
const clients: TestClient[] = [];

async function token(
  claims: { sub?: string; sub_channels?: string[]; pub_channels?: string[] },
  expSeconds: number,
  secret = SECRET,
): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' });
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  return jwt
    .setExpirationTime(Math.floor(Date.now() / 1000) + expSeconds)
    .sign(new TextEncoder().encode(secret));
}

async function client(tok?: string): Promise<TestClient> {
  const c = await TestClient.connect(hub.wsUrl, tok === undefined ? {} : { token: tok });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestHub({ auth: { jwtSecret: SECRET, publisherKeys: [KEY] }, refreshBeforeMs: 1500 });
  hub = t;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

describe('connection tokens', () => {
  it('closes expired tokens with 4409 and bad or missing ones with 4401', async () => {
    expect(hub.openDevHub).toBe(false);
    const expired = await client(await token({ sub: 'u1', sub_channels: ['*'] }, -10));
    expect((await expired.closed()).code).toBe(4409);
    expect(expired.errors()[0]?.code).toBe(ErrorCode.TokenExpired);

    const forged = await client(
      await token({ sub: 'u1', sub_channels: ['*'] }, 60, 'another-secret-entirely'),
    );
    expect((await forged.closed()).code).toBe(4401);
    const garbage = await client('not.a.jwt');
    expect((await garbage.closed()).code).toBe(4401);
    const missing = await client();
    expect((await missing.closed()).code).toBe(4401);
    const noSub = await client(await token({ sub_channels: ['*'] }, 60));
    expect((await noSub.closed()).code).toBe(4401);
  });

  it('refuses channels outside the token patterns with ERR_FORBIDDEN and keeps the connection', async () => {
    const c = await client(
      await token({ sub: 'u2', sub_channels: ['run:*'], pub_channels: ['chat:u2'] }, 60),
    );
    expect(c.messages[0]).toMatchObject({ type: 'welcome', tokenExpiresAt: expect.any(Number) });
    expect(await c.subscribe('other:1')).toMatchObject({ type: 'error', code: ErrorCode.Forbidden });
    expect(await c.subscribe('run:1')).toMatchObject({ type: 'subscribed' });
    const denied = await c.request({ type: 'publish', channel: 'run:1', event: { type: 't', data: 1 } });
    expect(denied).toMatchObject({ type: 'error', code: ErrorCode.Forbidden });
    const ok = await c.request({ type: 'publish', channel: 'chat:u2', event: { type: 't', data: 1 } });
    expect(ok).toMatchObject({ type: 'ack', seq: 1 });
    await hub.publish('run:1', [{ type: 't', data: 'x' }]);
    await waitFor(() => c.events('run:1').length === 1);
    expect(c.closeInfo).toBeNull();
  });

  it('refreshes in band: events keep flowing on the same socket past the original exp', async () => {
    const c = await client(await token({ sub: 'u3', sub_channels: ['live:*'] }, 3));
    const welcome = c.messages[0] as { tokenExpiresAt: number };
    await c.subscribe('live:1');
    const required = await c.waitFor((m) => m.type === 'refresh_required', 8000);
    expect(required).toMatchObject({ expiresAt: welcome.tokenExpiresAt });
    // Another subject may not take over the connection.
    const stolen = await c.request({
      type: 'refresh',
      token: await token({ sub: 'mallory', sub_channels: ['*'] }, 60),
    });
    expect(stolen).toMatchObject({ type: 'error', code: ErrorCode.Unauthorized });
    const refreshed = await c.request({
      type: 'refresh',
      token: await token({ sub: 'u3', sub_channels: ['live:*'] }, 60),
    });
    expect(refreshed).toMatchObject({ type: 'refreshed', tokenExpiresAt: expect.any(Number) });
    await waitFor(() => Date.now() > welcome.tokenExpiresAt + 500, { timeoutMs: 8000 });
    await hub.publish('live:1', [{ type: 't', data: 1 }]);
    await waitFor(() => c.events('live:1').length === 1);
    expect(c.closeInfo).toBeNull();
    expect(c.messages.filter((m) => m.type === 'subscribed')).toHaveLength(1);

    // Without a refresh the connection is closed at exp with 4409.
    const lazy = await client(await token({ sub: 'u4', sub_channels: ['live:*'] }, 2));
    expect((await lazy.closed(8000)).code).toBe(4409);
  });

  it('accepts tokens (?token= or Bearer) on the HTTP read routes', async () => {
    const reader = await token({ sub: 'u5', sub_channels: ['run:*'] }, 60);
    const ok = await http(`${hub.url}/v1/channels/run:1/events?token=${reader}`);
    expect(ok.status).toBe(200);
    const bearer = await http(`${hub.url}/v1/channels/run:1/events`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(bearer.status).toBe(200);
    const forbidden = await http(`${hub.url}/v1/channels/secret:1/events?token=${reader}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: { code: ErrorCode.Forbidden } });
    const expired = await http(`${hub.url}/v1/channels/run:1/events?token=${await token({ sub: 'u5' }, -5)}`);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: ErrorCode.TokenExpired, retryable: true } });
    const anonymous = await http(`${hub.url}/v1/channels/run:1/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: ErrorCode.Unauthorized } });
  });
});

describe('publisher keys', () => {
  it('needs a valid key (or a token with pub_channels) to publish over HTTP', async () => {
    const url = `${hub.url}/v1/channels/orders:1/events`;
    const event = { type: 'created', data: { n: 1 }, id: 'evt-1' };
    const bad = await http(url, { body: event, headers: { authorization: 'Bearer wrong-key' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: { code: ErrorCode.Unauthorized, retryable: false } });
    expect((await http(url, { body: event })).status).toBe(401);
    const good = await http(url, { body: event, headers: { authorization: `Bearer ${KEY}` } });
    expect(good.status).toBe(201);
    expect(good.body).toEqual({ events: [{ id: 'evt-1', seq: 1 }] });
    const again = await http(url, { body: event, headers: { authorization: `Bearer ${KEY}` } });
    expect(again.body).toEqual({ events: [{ id: 'evt-1', seq: 1, duplicate: true }] });
    const writer = await token({ sub: 'svc', pub_channels: ['orders:*'] }, 60);
    const viaToken = await http(url, {
      body: { type: 't', data: 2 },
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(viaToken.status).toBe(201);
    const elsewhere = await http(`${hub.url}/v1/channels/billing:1/events`, {
      body: { type: 't', data: 2 },
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(elsewhere.status).toBe(403);
  });
});

describe('start-up rules and rate limits', () => {
  it('refuses to start off loopback without auth', async () => {
    await expect(startHub({ host: '0.0.0.0', logger: false })).rejects.toBeInstanceOf(HubConfigError);
    await expect(startHub({ host: '192.168.1.10', logger: false })).rejects.toThrow(/without auth/);
  });

  it('rate-limits publishes per connection (ERR_RATE_LIMITED) and per key (429)', async () => {
    const limited = await startTestHub({
      auth: { publisherKeys: [KEY] },
      limits: { publishRatePerSec: 0.5, publishBurst: 2 },
    });
    try {
      const c = await TestClient.connect(limited.wsUrl, { token: KEY });
      clients.push(c);
      const publish = () => c.request({ type: 'publish', channel: 'r', event: { type: 't', data: 1 } });
      expect(await publish()).toMatchObject({ type: 'ack' });
      expect(await publish()).toMatchObject({ type: 'ack' });
      expect(await publish()).toMatchObject({ type: 'error', code: ErrorCode.RateLimited, retryable: true });
      expect(c.closeInfo).toBeNull();
      const url = `${limited.url}/v1/channels/r/events`;
      const headers = { authorization: `Bearer ${KEY}` };
      expect(
        (
          await http(url, {
            body: [
              { type: 't', data: 1 },
              { type: 't', data: 2 },
            ],
            headers,
          })
        ).status,
      ).toBe(201);
      const over = await http(url, { body: { type: 't', data: 3 }, headers });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(over.body).toMatchObject({ error: { code: ErrorCode.RateLimited, retryable: true } });
    } finally {
      await limited.close();
    }
  });
});
