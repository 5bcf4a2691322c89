import { ErrorCode } from '@herald/protocol';
import { http, TestClient } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hub(): Promise<Hub> {
  const h = await startHub({
    port: 0,
    logger: false,
    auth: { publisherKeys: ['k-all', { key: 'k-runs', channels: ['run:*', 'job:nightly'] }] },
  });
  cleanups.push(() => h.close());
  return h;
}

const publish = (h: Hub, channel: string, key: string) =>
  http(`${h.url}/v1/channels/${channel}/events`, {
    body: { type: 't', data: 1 },
    headers: { authorization: `Bearer ${key}` },
  });

describe('scoped publisher keys', () => {
  it('publish inside their channel patterns, and get ERR_FORBIDDEN outside (HTTP)', async () => {
    const h = await hub();
    expect((await publish(h, 'run:1', 'k-runs')).status).toBe(201);
    expect((await publish(h, 'job:nightly', 'k-runs')).status).toBe(201);
    const outside = await publish(h, 'job:1', 'k-runs');
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ error: { code: ErrorCode.Forbidden, retryable: false } });
    expect((await publish(h, 'job:1', 'k-all')).status).toBe(201);
    // Reads follow the same scope.
    const read = (channel: string) =>
      http(`${h.url}/v1/channels/${channel}/events`, { headers: { authorization: 'Bearer k-runs' } });
    expect((await read('run:1')).status).toBe(200);
    expect((await read('job:1')).body).toMatchObject({ error: { code: ErrorCode.Forbidden } });
  });

  it('are scoped on a WebSocket too: subscribe and publish', async () => {
    const h = await hub();
    const c = await TestClient.connect(h.wsUrl, { token: 'k-runs' });
    cleanups.push(() => c.close());
    expect(await c.subscribe('run:9')).toMatchObject({ type: 'subscribed' });
    expect(await c.subscribe('billing:1')).toMatchObject({ type: 'error', code: ErrorCode.Forbidden });
    const inside = await c.request({ type: 'publish', channel: 'run:9', event: { type: 't', data: 1 } });
    expect(inside).toMatchObject({ type: 'ack', seq: 1 });
    const outside = await c.request({ type: 'publish', channel: 'billing:1', event: { type: 't', data: 1 } });
    expect(outside).toMatchObject({ type: 'error', code: ErrorCode.Forbidden });
    expect(c.closeInfo).toBeNull();
  });

  it('refuses to start with a scope that is not a list of channel patterns', async () => {
    for (const channels of [[], ['run:*', 'bad channel'], ['x'.repeat(129)]]) {
      await expect(
        startHub({ port: 0, logger: false, auth: { publisherKeys: [{ key: 'k', channels }] } }),
        JSON.stringify(channels),
      ).rejects.toThrow(/scoped key/);
    }
  });
});
