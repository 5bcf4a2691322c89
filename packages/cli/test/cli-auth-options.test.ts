import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runCli } from '../src/main.js';
import { parsePublisherKeys } from '../src/publisher-keys.js';
import { resolveServeSettings } from '../src/serve-settings.js';
import { capture, spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const SECRET = 'cli-auth-secret-that-is-32-bytes!';

/** An HS256 token signed with node:crypto (the CLI package does not depend on jose). */
function hs256(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

describe('herald serve auth and origin settings', () => {
  it('reads --allowed-origin repeated or comma-separated, and HERALD_ALLOWED_ORIGINS', () => {
    const flags = { 'allowed-origin': ['https://a.example,https://b.example', 'http://localhost:5173'] };
    expect(resolveServeSettings(flags, {}).get('allowed-origin')).toEqual([
      'https://a.example',
      'https://b.example',
      'http://localhost:5173',
    ]);
    const env = { HERALD_ALLOWED_ORIGINS: 'https://a.example, https://b.example' };
    expect(resolveServeSettings({}, env).get('allowed-origin')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('reads scoped publisher keys as KEY=PATTERN,PATTERN from flags, the environment and the config file', async () => {
    const flags = { 'publisher-key': ['k1', 'k2=run:*,job:*'] };
    expect(resolveServeSettings(flags, {}).get('publisher-key')).toEqual([
      'k1',
      { key: 'k2', channels: ['run:*', 'job:*'] },
    ]);
    const env = { HERALD_PUBLISHER_KEYS: 'k1,k2=run:*,job:*;k3 k4' };
    expect(resolveServeSettings({}, env).get('publisher-key')).toEqual([
      'k1',
      { key: 'k2', channels: ['run:*', 'job:*'] },
      'k3',
      'k4',
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'herald-auth-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'h.json');
    await writeFile(
      file,
      JSON.stringify({ auth: { publisherKeys: ['k1', { key: 'k2', channels: ['run:*'] }] } }),
    );
    expect(resolveServeSettings({ config: file }, {}).get('publisher-key')).toEqual([
      'k1',
      { key: 'k2', channels: ['run:*'] },
    ]);
  });

  it('keeps base64 padding in a key: the scope starts after the last =', () => {
    expect(parsePublisherKeys('abc==')).toEqual(['abc==']);
    expect(parsePublisherKeys('abc===run:*')).toEqual([{ key: 'abc==', channels: ['run:*'] }]);
  });

  it('reads --audience, --issuer, --clock-tolerance-sec and --session-cookie', () => {
    const s = resolveServeSettings(
      { audience: ['herald,herald-staging'], issuer: ['https://id.example'], 'session-cookie': 'hs' },
      { HERALD_CLOCK_TOLERANCE_SEC: '0' },
    );
    expect(s.get('audience')).toEqual(['herald', 'herald-staging']);
    expect(s.get('issuer')).toEqual(['https://id.example']);
    expect(s.get('clock-tolerance-sec')).toBe(0);
    expect(s.get('session-cookie')).toBe('hs');
  });

  it('refuses a malformed scope (exit 2, without echoing the key) and a cookie without an allow-list (exit 1)', async () => {
    const bad = capture();
    expect(await runCli(['serve', '--memory', '--publisher-key', 'secret-key=run:!'], bad.sink)).toBe(2);
    expect(bad.io.errLines[0]).toMatch(/^herald: --publisher-key must be KEY or KEY=PATTERN/);
    expect(bad.io.errLines.join('\n')).not.toContain('secret-key');
    const cookie = capture();
    const args = ['serve', '--memory', '--jwt-secret', SECRET, '--session-cookie', 'hs'];
    expect(await runCli(args, cookie.sink)).toBe(1);
    expect(cookie.io.errLines[0]).toMatch(/^herald: auth\.sessionCookie needs an Origin allow-list/);
    const origin = capture();
    expect(await runCli(['serve', '--memory', '--allowed-origin', 'app.example'], origin.sink)).toBe(1);
    expect(origin.io.errLines[0]).toMatch(/^herald: allowedOrigins: "app\.example" is not an origin/);
  });

  it('reach a real hub: scoped key, allowed origin, audience', async () => {
    const { cli, url } = await spawnServe([
      '--memory',
      '--jwt-secret',
      SECRET,
      '--audience',
      'herald',
      '--publisher-key',
      'k2=run:*',
      '--allowed-origin',
      'https://app.example',
    ]);
    track(cleanups, cli);
    const publish = (channel: string) =>
      http(`${url}/v1/channels/${channel}/events`, {
        body: { type: 't', data: 1 },
        headers: { authorization: 'Bearer k2' },
      });
    expect((await publish('run:1')).status).toBe(201);
    expect((await publish('job:1')).body).toMatchObject({ error: { code: 'ERR_FORBIDDEN' } });
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, 'herald.v1', {
        headers: { origin: 'https://evil.example' },
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('opened')));
    });
    expect(refused).toBe(403);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = (aud: string) => hs256({ sub: 'u', aud, exp, sub_channels: ['*'] });
    const wrong = await http(`${url}/v1/channels/run:1/events?token=${token('billing')}`);
    expect(wrong.body).toMatchObject({
      error: { code: 'ERR_UNAUTHORIZED', message: expect.stringMatching(/aud/) },
    });
    expect((await http(`${url}/v1/channels/run:1/events?token=${token('herald')}`)).status).toBe(200);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
