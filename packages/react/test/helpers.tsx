import { createClient, type HeraldClient } from '@herald/client';
import { type Hub, startHub } from '@herald/hub';
import type { PublishInput } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { WebSocket } from 'ws';
import { HeraldProvider } from '../src/context.js';

export { waitFor };

/** A real in-process hub on port 0 plus a real client connected to it over `ws`. */
export interface Fixture {
  /** The current hub (replaced by `startHubAgain`). */
  readonly hub: Hub;
  readonly client: HeraldClient;
  readonly wrapper: (props: { children?: ReactNode }) => ReactNode;
  /** Stops the hub, leaving the client to reconnect. */
  stopHub(): Promise<void>;
  /** Starts a fresh hub on the same port. */
  startHubAgain(): Promise<void>;
  /** Unmounts rendered trees, closes the client and the hub. */
  close(): Promise<void>;
}

/** Starts a silent hub and a client; `close()` tears everything down. */
export async function startFixture(
  clientOptions: Partial<Parameters<typeof createClient>[0]> = {},
): Promise<Fixture> {
  let hub = await startHub({ port: 0, logger: false });
  const port = hub.port;
  // ws's class is structurally wider than the client's minimal socket interface.
  const client = createClient({
    url: hub.url,
    WebSocket,
    ...clientOptions,
  });
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <HeraldProvider client={client}>{children}</HeraldProvider>
  );
  return {
    get hub() {
      return hub;
    },
    client,
    wrapper,
    stopHub: () => hub.close(),
    async startHubAgain() {
      hub = await startHub({ port, logger: false });
    },
    async close() {
      cleanup();
      client.close();
      await hub.close();
    },
  };
}

/** Publishes `count` events of `type` in batches the hub accepts, returning when all are stored. */
export async function publishMany(hub: Hub, channel: string, count: number, type = 'tick'): Promise<void> {
  const batch: PublishInput[] = [];
  for (let i = 1; i <= count; i++) {
    batch.push({ type, data: { n: i } });
    if (batch.length === 100 || i === count) await hub.publish(channel, batch.splice(0));
  }
}
