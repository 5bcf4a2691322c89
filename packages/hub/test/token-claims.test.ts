import { createServer, type Server } from 'node:http';
import { CloseCode, ErrorCode } from '@herald/protocol';
import { http, TestClient } from '@herald/testing';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, type HubOptions, startHub } from '../src/index.js';

const SECRET = 'token-claims-secret-of-32-bytes!!';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hub(options: HubOptions): Promise<Hub> {
  const h = await startHub({ port: 0, logger: false, ...options });
  cleanups.push(() => h.close());
  return h;
}

interface Claims {
  aud?: string | string[];
  iss?: string;
  /** Seconds from now. */
  exp?: number;
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

function unsigned({ aud, iss, exp = 60 }: Claims): SignJWT {
  const jwt = new SignJWT({ sub_channels: ['run:*'] }).setSubject('u1').setExpirationTime(nowSec() + exp);
  if (aud !== undefined) jwt.setAudience(aud);
  if (iss !== undefined) jwt.setIssuer(iss);
  return jwt;
}

const hs256 = (claims: Claims): Promise<string> =>
  unsigned(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

async function connect(h: Hub, token: string): Promise<TestClient> {
  const c = await TestClient.connect(h.wsUrl, { token });
  cleanups.push(() => c.close());
  return c;
}

/** `welcome`, or the code a handshake with `token` fails with, the close code and the error's message. */
async function handshake(h: Hub, token: string): Promise<string> {
  const c = await connect(h, token);
  if (c.messages[0]?.type === 'welcome') return 'welcome';
  const error = c.errors()[0];
  return `${error?.code} ${(await c.closed()).code}: ${error?.message}`;
}

describe('aud and iss checks', () => {
  it('refuses a wrong or missing aud or iss with ERR_UNAUTHORIZED (close 4401) naming the claim (HS256)', async () => {
    const h = await hub({
      auth: { jwtSecret: SECRET, audience: 'herald', issuer: ['https://id.example', 'https://id2.example'] },
    });
    const iss = 'https://id.example';
    expect(await handshake(h, await hs256({ aud: 'herald', iss }))).toBe('welcome');
    expect(await handshake(h, await hs256({ aud: ['other', 'herald'], iss: 'https://id2.example' }))).toBe(
      'welcome',
    );
    const refused = `${ErrorCode.Unauthorized} ${CloseCode.Unauthorized}`;
    expect(await handshake(h, await hs256({ aud: 'billing', iss }))).toBe(
      `${refused}: token aud is not in the hub's auth.audience`,
    );
    expect(await handshake(h, await hs256({ iss }))).toBe(`${refused}: token has no aud`);
    expect(await handshake(h, await hs256({ aud: 'herald', iss: 'https://evil.example' }))).toBe(
      `${refused}: token iss is not in the hub's auth.issuer`,
    );
    expect(await handshake(h, await hs256({ aud: 'herald' }))).toBe(`${refused}: token has no iss`);

    // The HTTP read routes refuse them the same way, as 401 with a Bearer challenge.
    const wrong = await http(
      `${h.url}/v1/channels/run:1/events?token=${await hs256({ aud: 'billing', iss })}`,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(wrong.body).toMatchObject({
      error: { code: ErrorCode.Unauthorized, message: expect.stringMatching(/aud/), retryable: false },
    });
    const right = await http(
      `${h.url}/v1/channels/run:1/events?token=${await hs256({ aud: 'herald', iss })}`,
    );
    expect(right.status).toBe(200);

    // A refresh with a token for another audience is refused in band; the connection stays.
    const c = await connect(h, await hs256({ aud: 'herald', iss }));
    const other = await c.request({ type: 'refresh', token: await hs256({ aud: 'billing', iss }) });
    expect(other).toMatchObject({
      type: 'error',
      code: ErrorCode.Unauthorized,
      message: expect.stringMatching(/aud/),
    });
    expect(c.closeInfo).toBeNull();
  });

  it('checks aud and iss on JWKS tokens too', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const server: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    const h = await hub({ auth: { jwksUrl, audience: ['herald'], issuer: 'https://id.example' } });
    const es256 = (claims: Claims) =>
      unsigned(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    expect(await handshake(h, await es256({ aud: 'herald', iss: 'https://id.example' }))).toBe('welcome');
    expect(await handshake(h, await es256({ aud: 'mail', iss: 'https://id.example' }))).toBe(
      `${ErrorCode.Unauthorized} ${CloseCode.Unauthorized}: token aud is not in the hub's auth.audience`,
    );
    expect(await handshake(h, await es256({ aud: 'herald', iss: 'https://other.example' }))).toBe(
      `${ErrorCode.Unauthorized} ${CloseCode.Unauthorized}: token iss is not in the hub's auth.issuer`,
    );
  });

  it('answers a JWKS outage (non-200, a body that is no key set) as a retryable hub error, not a bad token', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    let answer: 'down' | 'garbage' | 'up' = 'down';
    const server: Server = createServer((_req, res) => {
      if (answer === 'down') res.writeHead(503).end('maintenance');
      else if (answer === 'garbage') res.writeHead(200, { 'content-type': 'application/json' }).end('[1]');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    const h = await hub({ auth: { jwksUrl } });
    const token = await unsigned({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    // 1011 tells the client to retry with the same token after its backoff (4401 would make it drop it).
    const outage = `${ErrorCode.Internal} ${CloseCode.InternalError}: JWKS unavailable`;
    expect(await handshake(h, token)).toBe(outage);
    answer = 'garbage';
    expect(await handshake(h, token)).toBe(outage);
    const publish = await http(`${h.url}/v1/channels/run:1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: { type: 't', data: 1 },
    });
    expect([publish.status, (publish.body as { error?: { code?: string } }).error?.code]).toEqual([
      500,
      ErrorCode.Internal,
    ]);
    answer = 'up';
    expect(await handshake(h, token)).toBe('welcome');
  });

  it('does not check aud or iss when the hub names none', async () => {
    const h = await hub({ auth: { jwtSecret: SECRET } });
    expect(await handshake(h, await hs256({ aud: 'anything', iss: 'anyone' }))).toBe('welcome');
  });
});

describe('clock tolerance', () => {
  it('accepts a token a few seconds past exp within the default 5 s, honours it until exp + 5 s, then closes 4409', async () => {
    const h = await hub({ auth: { jwtSecret: SECRET } });
    const token = await hs256({ exp: -2 });
    const exp = (decodeJwt(token).exp ?? 0) * 1000;
    const c = await connect(h, token);
    const welcome = c.messages[0] as { type: string; tokenExpiresAt: number };
    expect(welcome.type).toBe('welcome');
    expect(welcome.tokenExpiresAt).toBe(exp + 5000);
    // Not closed the moment it was accepted: it subscribes, and is asked for a fresh token at once.
    expect(await c.subscribe('run:1')).toMatchObject({ type: 'subscribed' });
    await c.waitFor((m) => m.type === 'refresh_required');
    expect(c.closeInfo).toBeNull();
    expect((await c.closed(8000)).code).toBe(CloseCode.TokenExpired);
    expect(Date.now()).toBeGreaterThanOrEqual(welcome.tokenExpiresAt);

    const read = await http(`${h.url}/v1/channels/run:1/events?token=${await hs256({ exp: -2 })}`);
    expect(read.status).toBe(200);
    // Past the tolerance a token is expired.
    expect(await handshake(h, await hs256({ exp: -10 }))).toBe(
      `${ErrorCode.TokenExpired} ${CloseCode.TokenExpired}: token expired`,
    );
  });

  it('keeps the exp of a token that is still valid (the tolerance only rescues tokens already past it)', async () => {
    const h = await hub({ auth: { jwtSecret: SECRET } });
    const token = await hs256({ exp: 60 });
    const c = await connect(h, token);
    expect(c.messages[0]).toMatchObject({
      type: 'welcome',
      tokenExpiresAt: (decodeJwt(token).exp ?? 0) * 1000,
    });
  });

  it('takes clockToleranceSec: 0 for no skew at all', async () => {
    const h = await hub({ auth: { jwtSecret: SECRET, clockToleranceSec: 0 } });
    expect(await handshake(h, await hs256({ exp: -2 }))).toBe(
      `${ErrorCode.TokenExpired} ${CloseCode.TokenExpired}: token expired`,
    );
    await expect(
      startHub({ port: 0, logger: false, auth: { jwtSecret: SECRET, clockToleranceSec: -1 } }),
    ).rejects.toThrow(/clockToleranceSec/);
  });
});
