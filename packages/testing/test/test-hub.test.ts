import { access } from 'node:fs/promises';
import { ErrorCode } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy, startTestHub, waitFor } from '../src/index.js';

interface HistoryBody {
  readonly epoch: string;
  readonly last_seq: number;
  readonly events: readonly { readonly seq: number; readonly type: string; readonly data: unknown }[];
}

async function history(baseUrl: string, channel: string): Promise<HistoryBody> {
  const response = await fetch(`${baseUrl}/v1/channels/${channel}/events`);
  expect(response.status).toBe(200);
  return (await response.json()) as HistoryBody;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('startTestHub', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const track = <T extends { close(): Promise<void> }>(thing: T): T => {
    cleanups.push(() => thing.close());
    return thing;
  };

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('starts an open hub on 127.0.0.1 and a free port, serving /healthz', async () => {
    const hub = track(await startTestHub());
    expect(hub.host).toBe('127.0.0.1');
    expect(hub.port).toBeGreaterThan(0);
    expect(hub.url).toBe(`http://127.0.0.1:${hub.port}`);
    expect(hub.wsUrl).toBe(`ws://127.0.0.1:${hub.port}/v1/ws`);
    expect(hub.openDevHub).toBe(true);
    expect(hub.dataDir).toBeUndefined();

    const response = await fetch(`${hub.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('close is idempotent and stops serving', async () => {
    const hub = await startTestHub();
    await Promise.all([hub.close(), hub.close()]);
    await hub.close();
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
    await expect(hub.restart()).rejects.toThrow(/after close/);
  });

  it('restart keeps the port and, with sqlite, the history and its epoch', async () => {
    const hub = track(await startTestHub({ sqlite: true }));
    const { port, url } = hub;
    const dataDir = hub.dataDir;
    expect(dataDir).toBeDefined();
    expect(await exists(dataDir ?? '')).toBe(true);

    const appended = await hub.publish('x', [
      { type: 'step', data: { n: 1 } },
      { type: 'step', data: { n: 2 } },
    ]);
    expect(appended.results.map((r) => r.seq)).toEqual([1, 2]);
    const before = await history(url, 'x');

    await hub.restart();

    expect(hub.port).toBe(port);
    expect(hub.url).toBe(url);
    expect(hub.dataDir).toBe(dataDir);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const after = await history(url, 'x');
    expect(after.epoch).toBe(before.epoch);
    expect(after.last_seq).toBe(2);
    expect(after.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [1, 'step', { n: 1 }],
      [2, 'step', { n: 2 }],
    ]);

    // Publishing continues the same sequence on the restarted hub.
    const next = await hub.publish('x', [{ type: 'step', data: { n: 3 } }]);
    expect(next.results[0]?.seq).toBe(3);
  });

  it('removes the temporary data dir on close', async () => {
    const hub = await startTestHub({ sqlite: true });
    await hub.publish('x', [{ type: 'a', data: null }]);
    const dataDir = hub.dataDir ?? '';
    expect(await exists(dataDir)).toBe(true);
    await hub.close();
    expect(await exists(dataDir)).toBe(false);
  });

  it('restart of an in-memory hub starts with empty history, like a crashed node', async () => {
    const hub = track(await startTestHub());
    await hub.publish('x', [{ type: 'a', data: 1 }]);
    const before = await history(hub.url, 'x');
    expect(before.last_seq).toBe(1);

    await hub.restart();

    const after = await history(hub.url, 'x');
    expect(after.events).toEqual([]);
    expect(after.last_seq).toBe(0);
    expect(after.epoch).not.toBe(before.epoch);
  });

  it('a fault proxy in front of the hub reaches it again after a restart', async () => {
    const hub = track(await startTestHub({ sqlite: true }));
    const proxy: FaultProxy = track(await createFaultProxy({ targetPort: hub.port }));
    await hub.publish('run:1', [{ type: 'start', data: null }]);
    expect((await history(proxy.url, 'run:1')).last_seq).toBe(1);

    await hub.restart();

    const after = await waitFor(async () => (await history(proxy.url, 'run:1')).last_seq === 1);
    expect(after).toBe(true);
  });

  it('passes hub options through, such as auth', async () => {
    const hub = track(await startTestHub({ auth: { jwtSecret: 'test-secret' } }));
    expect(hub.openDevHub).toBe(false);
    const response = await fetch(`${hub.url}/v1/channels/x/events`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe(ErrorCode.Unauthorized);
  });

  it('refuses sqlite together with an explicit store', async () => {
    await expect(startTestHub({ sqlite: true, store: { kind: 'memory' } })).rejects.toThrow(TypeError);
  });

  it('rejects with the listen error when the port is taken', async () => {
    const blocker = track(await startTestHub());
    const error = await startTestHub({ sqlite: true, port: blocker.port }).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });
});
