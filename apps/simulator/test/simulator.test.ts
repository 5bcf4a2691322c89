import { createServer } from 'node:net';
import { type Hub, startHub } from '@herald/hub';
import { ErrorCode } from '@herald/protocol';
import { createHttpPublisher, silentLogger, startSimulator } from '@herald/simulator';
import { createFaultProxy, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history } from './helpers.js';

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ port: 0, logger: false });
});
afterAll(async () => {
  await hub.close();
});

const CHANNELS = ['runs', 'generations', 'tenant:t1:activity'];

async function totals(): Promise<number[]> {
  return Promise.all(CHANNELS.map(async (c) => (await history(hub.url, c)).length));
}

describe('startSimulator', () => {
  it('publishes all three scenarios and publishes nothing after stop()', async () => {
    const sim = startSimulator({ baseUrl: hub.url, speed: 50 });
    try {
      await waitFor(async () => (await totals()).every((n) => n > 0), {
        timeoutMs: 20_000,
        message: 'every scenario published',
      });
    } finally {
      await sim.stop();
    }
    const atStop = await totals();
    // At speed 50, 500 ms is 25 demo-seconds: several runs, jobs and activity events would have started.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await totals()).toEqual(atStop);
    await sim.stop(); // idempotent
  });

  it('retries through a brief outage and stores each event once', async () => {
    const proxy = await createFaultProxy({ targetPort: hub.port });
    const abort = new AbortController();
    try {
      proxy.refuseNew(true);
      const publisher = createHttpPublisher({
        baseUrl: proxy.url,
        signal: abort.signal,
        logger: silentLogger,
        initialBackoffMs: 50,
        maxAttempts: 50,
      });
      const pending = publisher.publish('sim:retry', [
        { type: 'a', data: 1 },
        { type: 'b', data: 2 },
      ]);
      await waitFor(() => proxy.stats().refused > 0, { message: 'a refused attempt' });
      proxy.refuseNew(false);
      const acks = await pending;
      expect(acks.map((a) => a.seq)).toEqual([1, 2]);
      const again = await publisher.publish('sim:retry', [{ id: acks[0]?.id ?? '', type: 'a', data: 1 }]);
      expect(again[0]?.seq).toBe(1);
      expect((await history(hub.url, 'sim:retry')).map((e) => e.type)).toEqual(['a', 'b']);
    } finally {
      abort.abort();
      await proxy.close();
    }
  });

  it('gives up with a HeraldError, not an unhandled rejection, when the hub never comes back', async () => {
    const port = await closedPort();
    const publisher = createHttpPublisher({
      baseUrl: `http://127.0.0.1:${port}`,
      signal: new AbortController().signal,
      logger: silentLogger,
      initialBackoffMs: 1,
      maxAttempts: 3,
    });
    await expect(publisher.publish('x', [{ type: 't', data: null }])).rejects.toMatchObject({
      name: 'HeraldError',
      code: ErrorCode.Internal,
    });
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
