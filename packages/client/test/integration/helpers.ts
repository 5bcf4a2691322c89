import type { Envelope, JsonValue } from '@herald/protocol';
import {
  createFaultProxy,
  type FaultProxy,
  startTestHub,
  type TestHub,
  type TestHubOptions,
} from '@herald/testing';
import { WebSocket } from 'ws';
import { createClient } from '../../src/index.js';
import type { ClientOptions, HeraldClient, WebSocketConstructorLike } from '../../src/types.js';

/** `ws` satisfies the client's WebSocket surface; the cast only bridges its richer event types. */
export const NodeWebSocket: WebSocketConstructorLike = WebSocket;

/**
 * Compressed time: real sockets and real timers, but backoff and heartbeats scaled down so that outages the
 * seeds describe in tens of seconds take a fraction of that here.
 */
export const FAST: Partial<ClientOptions> = {
  WebSocket: NodeWebSocket,
  transports: ['websocket'],
  backoff: { initialMs: 50, maxMs: 250, minUptimeMs: 300 },
  connectTimeoutMs: 1500,
};

export interface Scenario {
  hub: TestHub;
  proxy: FaultProxy;
  client: HeraldClient;
  cleanup(): Promise<void>;
}

/** A hub, a fault proxy in front of it, and a client connected through the proxy. */
export async function scenario(
  hubOptions: TestHubOptions = {},
  clientOptions: Partial<ClientOptions> = {},
): Promise<Scenario> {
  const hub = await startTestHub({ heartbeatMs: 300, ...hubOptions });
  const proxy = await createFaultProxy({ targetPort: hub.port });
  const client = createClient({ url: proxy.url, ...FAST, ...clientOptions });
  return {
    hub,
    proxy,
    client,
    async cleanup() {
      client.close();
      await proxy.close();
      await hub.close();
    },
  };
}

/** Collects a channel's events as the app sees them. */
export function collect(client: HeraldClient, channel: string) {
  const events: Envelope[] = [];
  const gaps: unknown[] = [];
  const sub = client.subscribe(channel, { onEvent: (e) => events.push(e), onGap: (g) => gaps.push(g) });
  return { events, gaps, sub, seqs: () => events.map((e) => e.seq), data: () => events.map((e) => e.data) };
}

/**
 * Publishes `count` events with ids `ev-1…` straight into the hub, one every `intervalMs`, retrying a
 * publish that fails (hub restarting) with the same id, so each event is stored exactly once.
 */
export function stream(hub: TestHub, channel: string, count: number, intervalMs = 2) {
  let published = 0;
  let stopped = false;
  const done = (async () => {
    for (let n = 1; n <= count && !stopped; n++) {
      for (;;) {
        try {
          await hub.publish(channel, [{ type: 'tick', data: { n } as JsonValue, id: `ev-${n}` }]);
          break;
        } catch {
          await sleep(20);
        }
      }
      published = n;
      if (intervalMs) await sleep(intervalMs);
    }
  })();
  return {
    done,
    published: () => published,
    stop() {
      stopped = true;
    },
  };
}

/** 1..n, the sequence every subscriber must see exactly. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Lets time pass for the publisher between publishes (not used as an assertion). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
