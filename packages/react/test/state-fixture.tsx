import { createClient, type HeraldClient } from '@herald/client';
import type { PublishInput, StateOp } from '@herald/protocol';
import { startTestHub, type TestHub } from '@herald/testing';
import { cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { WebSocket } from 'ws';
import { HeraldProvider } from '../src/context.js';

/** A real hub on SQLite (its state survives `hub.restart()`) and a real client over `ws`. */
export interface StateFixture {
  readonly hub: TestHub;
  readonly client: HeraldClient;
  readonly wrapper: (props: { children?: ReactNode }) => ReactNode;
  /** Publishes one event carrying `ops` as its state. */
  publish(channel: string, ops: readonly StateOp[], type?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startStateFixture(): Promise<StateFixture> {
  const hub = await startTestHub({ sqlite: true });
  const client = createClient({ url: hub.url, WebSocket, backoff: { initialMs: 50, maxMs: 200 } });
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <HeraldProvider client={client}>{children}</HeraldProvider>
  );
  return {
    hub,
    client,
    wrapper,
    async publish(channel, ops, type = 'job') {
      const event: PublishInput = { type, data: null, state: ops };
      await hub.publish(channel, [event]);
    },
    async close() {
      cleanup();
      client.close();
      await hub.close();
    },
  };
}
