import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@herald/protocol';
import { http, TestClient } from '@herald/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('JWKS tokens', () => {
  it('verifies RS256 tokens from a JWKS URL, and non-expiring tokens only when allowed', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwksServer: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => jwksServer.close(resolve)));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks.json`;
    const sign = (exp?: number) => {
      const jwt = new SignJWT({ sub_channels: ['a:*'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('u');
      if (exp !== undefined) jwt.setExpirationTime(exp);
      return jwt.sign(privateKey);
    };
    const strict = await startHub({ port: 0, logger: false, auth: { jwksUrl } });
    cleanups.push(() => strict.close());
    const ok = await TestClient.connect(strict.wsUrl, {
      token: await sign(Math.floor(Date.now() / 1000) + 60),
    });
    cleanups.push(() => ok.close());
    expect(ok.messages[0]).toMatchObject({ type: 'welcome' });
    expect(await ok.subscribe('a:1')).toMatchObject({ type: 'subscribed' });
    const noExp = await TestClient.connect(strict.wsUrl, { token: await sign() });
    expect((await noExp.closed()).code).toBe(4401);
    // An HS256 token cannot pass on a JWKS-only hub.
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('guess'));
    const forged = await http(`${strict.url}/v1/channels/a:1/events?token=${hs}`);
    expect(forged.body).toMatchObject({ error: { code: ErrorCode.Unauthorized } });

    const lenient = await startHub({
      port: 0,
      logger: false,
      auth: { jwksUrl, allowNonExpiringTokens: true },
    });
    cleanups.push(() => lenient.close());
    const forever = await TestClient.connect(lenient.wsUrl, { token: await sign() });
    cleanups.push(() => forever.close());
    expect(forever.messages[0]).toMatchObject({ type: 'welcome', tokenExpiresAt: null });
  });
});

describe('static files', () => {
  it('serves a folder at / with an SPA fallback and never outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-static-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const hub = await startHub({ port: 0, logger: false, staticDir: dir });
    cleanups.push(() => hub.close());
    const index = await http(`${hub.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.text).toContain('<title>dash</title>');
    const js = await http(`${hub.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.text).toBe('console.log(1)');
    expect((await http(`${hub.url}/runs/42`)).text).toContain('<title>dash</title>');
    expect((await http(`${hub.url}/missing.png`)).status).toBe(404);
    expect((await http(`${hub.url}/%2e%2e/%2e%2e/etc/passwd`)).text).not.toContain('root:');
    const api = await http(`${hub.url}/v1/nope`);
    expect(api.body).toMatchObject({ error: { code: ErrorCode.NotFound } });
    expect((await http(`${hub.url}/healthz`)).body).toEqual({ status: 'ok' });
  });
});
