import { Writable } from 'node:stream';
import { http, TestClient } from '@herald/testing';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('logs', () => {
  it('never contain tokens or publisher keys, even at debug level', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        output += chunk.toString();
        done();
      },
    });
    const secret = 'log-test-secret-abcdefghijklmnop';
    const key = 'pk-super-secret-key-0123456789';
    const hub = await startHub({
      port: 0,
      logger: pino({ level: 'debug' }, sink),
      auth: { jwtSecret: secret, publisherKeys: [key] },
    });
    cleanups.push(() => hub.close());
    const sign = (sub: string, exp: number) =>
      new SignJWT({ sub_channels: ['*'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const good = await sign('alice', Math.floor(Date.now() / 1000) + 60);
    const expired = await sign('bob', Math.floor(Date.now() / 1000) - 60);
    const c = await TestClient.connect(hub.wsUrl, { token: good });
    cleanups.push(() => c.close());
    await c.request({ type: 'refresh', token: expired });
    await c.request({ type: 'refresh', token: 'garbage-token-value' });
    const bad = await TestClient.connect(hub.wsUrl, { token: expired });
    await bad.closed();
    await http(`${hub.url}/v1/channels/x/events`, {
      body: { type: 't', data: 1 },
      headers: { authorization: `Bearer ${key}` },
    });
    await http(`${hub.url}/v1/channels/x/events?token=${expired}`);
    c.close();
    await hub.close();
    expect(output).toContain('"msg":"listening');
    for (const secretValue of [good, expired, key, secret, 'garbage-token-value']) {
      expect(output).not.toContain(secretValue);
    }
  });
});
