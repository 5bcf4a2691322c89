import { ErrorCode } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, HubConfigError, type HubOptions, startHub } from '../src/index.js';
import { hello, upgrade } from './ws-raw.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hub(options: HubOptions = {}): Promise<Hub> {
  const h = await startHub({ port: 0, logger: false, ...options });
  cleanups.push(() => h.close());
  return h;
}

/** Opens a WebSocket with `origin` (none when undefined): `open` after a welcome, or the refusal's status and code. */
async function wsFrom(h: Hub, origin: string | undefined, token?: string): Promise<string> {
  const s = await upgrade(h.wsUrl, origin === undefined ? {} : { origin });
  if (s.refused) {
    const code = (JSON.parse(s.body) as { error: { code: string } }).error.code;
    return `${s.status} ${code}`;
  }
  cleanups.push(() => s.ws.close());
  const answer = await hello(s, token);
  return answer.type === 'welcome' ? 'open' : `error ${String(answer.code)}`;
}

const errorCode = async (res: Response): Promise<string> =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('the origin allow-list on an open dev hub (no auth, loopback)', () => {
  it('lets loopback origins and clients without Origin in, refuses other origins with 403 ERR_ORIGIN_NOT_ALLOWED', async () => {
    const h = await hub();
    expect(h.openDevHub).toBe(true);
    for (const origin of [
      undefined,
      'http://localhost:5173',
      'https://localhost',
      'http://127.0.0.1:3000',
      `http://127.0.0.1:${h.port}`, // the dashboard the hub serves itself
      'http://[::1]:8080',
    ]) {
      expect(await wsFrom(h, origin), String(origin)).toBe('open');
    }
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example',
      'null',
      'http://10.0.0.5:5173',
    ]) {
      expect(await wsFrom(h, origin), origin).toBe(`403 ${ErrorCode.OriginNotAllowed}`);
    }
    expect(h.stats().errors[ErrorCode.OriginNotAllowed]).toBe(4);
  });

  it('refuses a foreign page on every /v1 route (publish, history, SSE, preflight) and stores nothing', async () => {
    const h = await hub();
    const evil = { origin: 'https://evil.example' };
    const url = `${h.url}/v1/channels/run:1/events`;
    const publish = await fetch(url, {
      method: 'POST',
      headers: { ...evil, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 't', data: 1 }),
    });
    expect(publish.status).toBe(403);
    expect(publish.headers.get('access-control-allow-origin')).toBeNull();
    expect(await errorCode(publish)).toBe(ErrorCode.OriginNotAllowed);
    const history = await fetch(url, { headers: evil });
    expect(history.status).toBe(403);
    expect(await errorCode(history)).toBe(ErrorCode.OriginNotAllowed);
    const sse = await fetch(`${h.url}/v1/channels/run:1/stream`, { headers: evil });
    expect(sse.status).toBe(403);
    expect(await errorCode(sse)).toBe(ErrorCode.OriginNotAllowed);
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { ...evil, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    // The same requests from a loopback page (a Vite dev server) work, with CORS headers.
    const local = { origin: 'http://localhost:5173' };
    const ok = await fetch(url, {
      method: 'POST',
      headers: { ...local, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 't', data: 1 }),
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    const read = await fetch(url, { headers: local });
    expect(((await read.json()) as { events: unknown[] }).events).toHaveLength(1);
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: { ...local, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    // The Hono routes (state, unknown paths) carry the same headers as the Node fast path.
    for (const path of ['/v1/channels/run:1/state', '/v1/nope']) {
      const answer = await fetch(`${h.url}${path}`, { headers: local });
      expect(answer.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(answer.headers.get('access-control-expose-headers'), path).toBe('Retry-After');
      expect((await fetch(`${h.url}${path}`, { headers: evil })).status, path).toBe(403);
    }
    // Routes outside /v1 (health checks, the dashboard's files) are not the API and are not checked.
    expect((await fetch(`${h.url}/healthz`, { headers: evil })).status).toBe(200);
  });
});

describe('the origin allow-list with auth', () => {
  it('lets any origin in by default on a hub with auth: its bearer credentials are not ambient', async () => {
    const h = await hub({ auth: { publisherKeys: ['k1'] } });
    expect(await wsFrom(h, 'https://evil.example', 'k1')).toBe('open');
    const res = await fetch(`${h.url}/v1/channels/a/events`, {
      headers: { origin: 'https://evil.example', authorization: 'Bearer k1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toBeNull();
  });

  it('allows exactly the listed origins (normalized), on WebSocket and CORS', async () => {
    const h = await hub({
      auth: { publisherKeys: ['k1'] },
      allowedOrigins: ['https://App.Example.com:443', 'http://localhost:5173'],
    });
    expect(await wsFrom(h, 'https://app.example.com', 'k1')).toBe('open');
    expect(await wsFrom(h, 'http://localhost:5173', 'k1')).toBe('open');
    expect(await wsFrom(h, undefined, 'k1')).toBe('open');
    // A list replaces the default: other loopback ports are refused too.
    expect(await wsFrom(h, 'http://localhost:3000', 'k1')).toBe(`403 ${ErrorCode.OriginNotAllowed}`);
    expect(await wsFrom(h, 'https://app.example.com.evil.example', 'k1')).toBe(
      `403 ${ErrorCode.OriginNotAllowed}`,
    );
    const cross = await fetch(`${h.url}/v1/channels/a/events`, {
      headers: { origin: 'https://app.example.com', authorization: 'Bearer k1' },
    });
    expect(cross.status).toBe(200);
    expect(cross.headers.get('access-control-allow-origin')).toBe('*');
    expect(cross.headers.get('vary')).toMatch(/origin/i);
    const other = await fetch(`${h.url}/v1/channels/a/events`, {
      headers: { origin: 'https://other.example', authorization: 'Bearer k1' },
    });
    expect(other.status).toBe(403);
    expect(await errorCode(other)).toBe(ErrorCode.OriginNotAllowed);
  });

  it('takes "*" for any origin', async () => {
    const h = await hub({ allowedOrigins: ['*'] });
    expect(await wsFrom(h, 'https://anywhere.example')).toBe('open');
  });

  it('refuses to start with an entry that is not an origin', async () => {
    for (const bad of ['app.example.com', 'https://app.example.com/path', 'ftp://x.example', '']) {
      await expect(startHub({ port: 0, logger: false, allowedOrigins: [bad] }), bad).rejects.toThrow(
        /allowedOrigins/,
      );
    }
    await expect(
      startHub({ port: 0, logger: false, auth: { jwtSecret: 's'.repeat(32), sessionCookie: 'tok' } }),
    ).rejects.toBeInstanceOf(HubConfigError);
  });
});
