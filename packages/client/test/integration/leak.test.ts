import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../src/index.js';
import type { ClientOptions, Environment, HeraldClient } from '../../src/types.js';
import { FAST } from './helpers.js';

// Leak checks: everything the client allocates outside itself goes through injected wrappers that count
// it (timers, sockets, online/visibility listeners); the hub counts connections and subscriptions.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let liveSockets = 0;
class CountingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    liveSockets++;
    this.once('close', () => liveSockets--);
  }
}

const liveTimers = new Set<unknown>();
let sourceListeners = 0;
const countingEnv: Partial<Environment> = {
  setTimeout(fn, ms) {
    const handle = setTimeout(() => {
      liveTimers.delete(handle);
      fn();
    }, ms);
    liveTimers.add(handle);
    return handle;
  },
  clearTimeout(handle) {
    liveTimers.delete(handle);
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  onOnlineChange: () => {
    sourceListeners++;
    return () => sourceListeners--;
  },
  onVisible: () => {
    sourceListeners++;
    return () => sourceListeners--;
  },
};

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ heartbeatMs: 1000 });
});
afterAll(async () => {
  await hub.close();
});

function options(extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    url: hub.url,
    ...FAST,
    WebSocket: CountingWebSocket,
    environment: countingEnv,
    ...extra,
  };
}

/** Subscribes and resolves once the hub has accepted the subscription. */
function subscribed(client: HeraldClient, channel: string) {
  let sub: ReturnType<HeraldClient['subscribe']> | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    sub = client.subscribe(channel, { onSubscribed: () => resolve(), onError: reject });
  });
  return { ready, unsubscribe: () => sub?.unsubscribe() };
}

async function connectCloseCycle(i: number): Promise<void> {
  const client = createClient(options());
  const off = client.on('state', () => {});
  const sub = subscribed(client, `leak:c${i % 7}`);
  await sub.ready;
  sub.unsubscribe();
  off();
  client.close();
}

const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('resource leaks', () => {
  it('leaves no subscriptions behind after 1,000 subscribe/unsubscribe cycles on one connection', async () => {
    const client = createClient(options({ lazy: false }));
    for (let i = 0; i < 1000; i++) {
      const sub = subscribed(client, `leak:s${i % 10}`);
      await sub.ready;
      sub.unsubscribe();
    }
    expect(client.stats().subscriptions).toBe(0);
    await waitFor(() => expect(hub.stats().subscriptions).toBe(0));
    expect(liveSockets).toBe(1);
    client.close();
    await waitFor(() => liveSockets === 0 && hub.connectionCount() === 0);
    expect(liveTimers.size).toBe(0);
    expect(sourceListeners).toBe(0);
  });

  it('leaves no sockets, timers or listeners behind and keeps the heap flat after 1,000 connect/close cycles', async () => {
    for (let i = 0; i < 100; i++) await connectCloseCycle(i); // warm-up: JIT, hub caches
    await waitFor(() => liveSockets === 0 && hub.connectionCount() === 0);
    const before = heapUsed();
    for (let i = 0; i < 1000; i++) await connectCloseCycle(i);
    await waitFor(() => liveSockets === 0 && hub.connectionCount() === 0, { timeoutMs: 20_000 });
    expect(liveTimers.size).toBe(0);
    expect(sourceListeners).toBe(0);
    expect(hub.stats().subscriptions).toBe(0);
    const growth = heapUsed() - before;
    // 1,000 leaked clients with their sockets would be tens of MB; allow noise of a few MB.
    expect(growth).toBeLessThan(4 * 1024 * 1024);
  });
});
