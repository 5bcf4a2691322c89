import { ErrorCode } from '@herald/protocol';
import { http, TestClient } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig } from '../src/config.js';
import { type Hub, startHub } from '../src/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hubWithGrace(drainGraceMs: number): Promise<Hub> {
  const hub = await startHub({ port: 0, logger: false, drainGraceMs });
  cleanups.push(() => hub.close());
  return hub;
}

/** The HTTP status a WebSocket upgrade is refused with (0 when it is accepted). */
function upgradeStatus(wsUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, ['herald.v1']);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? -1);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(0);
      ws.close();
    });
    ws.on('error', reject);
  });
}

describe('drain grace', () => {
  it('answers /healthz 503 draining, refuses upgrades and publishes while the grace runs; close ends it', async () => {
    const hub = await hubWithGrace(60_000);
    const client = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => client.close());
    await client.subscribe('c');
    expect(await http(`${hub.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });

    let drained = false;
    const draining = hub.drain('deploy').then(() => {
      drained = true;
    });
    expect((await client.closed()).code).toBe(1012);
    expect(client.messages.find((m) => m.type === 'drain')).toMatchObject({ reason: 'deploy' });

    // The port is still open: a load balancer's health check gets an answer, and it says "draining".
    expect(await http(`${hub.url}/healthz`)).toMatchObject({ status: 503, body: { status: 'draining' } });
    const publish = await http(`${hub.url}/v1/channels/c/events`, { body: { type: 't', data: 1 } });
    expect(publish.status).toBe(503);
    expect(publish.body).toMatchObject({ error: { code: ErrorCode.ShuttingDown, retryable: true } });
    expect(await upgradeStatus(hub.wsUrl)).toBe(503);
    expect(drained).toBe(false);

    await hub.close();
    await draining;
    expect(drained).toBe(true);
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
  });

  it('stops accepting connections on its own once the grace has passed', async () => {
    const hub = await hubWithGrace(200);
    await hub.drain('deploy');
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
  });

  it('refuses a negative grace', () => {
    expect(() => resolveConfig({ drainGraceMs: -1 })).toThrow(RangeError);
    expect(resolveConfig({}).drainGraceMs).toBe(0);
  });
});
