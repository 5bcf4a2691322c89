import { createClient, type HeraldClient } from '@herald/client';
import { startTestHub, type TestHub } from '@herald/testing';
import { WebSocket } from 'ws';

export { waitFor } from '@herald/testing';

/** A real hub on port 0 and a real client connected to it over `ws`. */
export interface Fixture {
  readonly hub: TestHub;
  readonly client: HeraldClient;
  /** Publishes events over the hub's HTTP API, as a backend would. */
  publish(channel: string, events: readonly { type: string; data: unknown }[]): Promise<void>;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const hub = await startTestHub();
  const client = createClient({ url: hub.url, WebSocket });
  return {
    hub,
    client,
    async publish(channel, events) {
      const response = await fetch(`${hub.url}/v1/channels/${encodeURIComponent(channel)}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      if (response.status !== 201)
        throw new Error(`publish failed: ${response.status} ${await response.text()}`);
    },
    async close() {
      client.close();
      await hub.close();
    },
  };
}
