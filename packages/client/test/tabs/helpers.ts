import { randomUUID } from 'node:crypto';
import type { Envelope } from '@herald/protocol';
import type { TestHub } from '@herald/testing';
import { createSharedClient } from '../../src/tabs/index.js';
import type { SharedClient, SharedClientOptions, TabsOptions } from '../../src/tabs/types.js';
import { FAST } from '../integration/helpers.js';
import { createMemoryLocks } from './memory-locks.js';

/** The hub's `herald_connections` gauge (open WebSocket connections), read from `/metrics`. */
export async function hubConnections(hub: TestHub): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('herald_connections '));
  if (!line) throw new Error('no herald_connections gauge in /metrics');
  return Number(line.split(' ')[1]);
}

/** A browser origin's tabs, in one process: one lock manager, one BroadcastChannel name. */
export function origin(hub: TestHub, tabs: Partial<TabsOptions> = {}, url = hub.url) {
  const settings: Partial<TabsOptions> = {
    locks: createMemoryLocks(),
    name: `herald-test:${randomUUID()}`,
    heartbeatMs: 100,
    leaderTimeoutMs: 400,
    ...tabs,
  };
  const opened: SharedClient[] = [];
  return {
    opened,
    /** Opens a tab: a shared client of this origin. */
    tab(options: Partial<SharedClientOptions> = {}): SharedClient {
      const client = createSharedClient({
        url,
        ...FAST,
        ...options,
        tabs: { ...settings, ...options.tabs },
      });
      opened.push(client);
      return client;
    },
    close() {
      for (const client of opened) client.close();
    },
  };
}

/** A tab's view of one channel: every event in the order its subscriber got them, and its gaps. */
export function watch(client: SharedClient, channel: string) {
  const events: Envelope[] = [];
  const gaps: unknown[] = [];
  const errors: unknown[] = [];
  const sub = client.subscribe(channel, {
    onEvent: (e) => events.push(e),
    onGap: (g) => gaps.push(g),
    onError: (e) => errors.push(e),
  });
  return { events, gaps, errors, sub, seqs: () => events.map((e) => e.seq) };
}
